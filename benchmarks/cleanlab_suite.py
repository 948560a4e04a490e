"""Run cleanlab's own tests with cleanlab's functions swapped for fastclean's.

cleanlab's tests are not in its wheel, and they are not ours to copy into this repository:
point this script at a cleanlab source checkout (e.g. ``git clone --branch v2.9.0
https://github.com/cleanlab/cleanlab``). It copies the chosen test files into a scratch
directory next to a generated ``conftest.py`` that, before the tests import anything,
replaces every function of ``cleanlab.filter``, ``.count``, ``.rank``, ``.dataset`` and
``.multilabel_classification.*`` (and ``cleanlab.classification.CleanLearning``) that
:mod:`fastclean.compat` also provides, and wraps every other cleanlab function to record
that a test still needed cleanlab. At the end it prints: tests, passed, failed, and the tests
that called cleanlab code fastclean does not provide.

    .venv/bin/python benchmarks/cleanlab_suite.py --cleanlab-src ~/src/cleanlab
    .venv/bin/python benchmarks/cleanlab_suite.py --cleanlab-src ~/src/cleanlab \\
        --tests test_filter_count.py test_rank.py test_dataset.py --shim none   # baseline
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_TESTS = ["test_filter_count.py", "test_rank.py", "test_dataset.py",
                 "test_multilabel_classification.py"]

CONFTEST = '"""Run cleanlab\'s own tests with cleanlab\'s functions swapped for fastclean\'s.\n\nFASTCLEAN_SHIM=compat (default): cleanlab.<module>.<name> -> fastclean.compat.<module>.<name>\nFASTCLEAN_SHIM=core: -> fastclean.core.<name> (what a user had before fastclean.compat)\nFASTCLEAN_SHIM=none: plain cleanlab (the tests\' own baseline)\nEvery cleanlab function left in place is wrapped to record that a test fell back to cleanlab.\n"""\nimport importlib\nimport os\nimport functools\n\nimport pytest\n\nMODULES = {\n    "cleanlab.filter": "filter", "cleanlab.count": "count", "cleanlab.rank": "rank",\n    "cleanlab.dataset": "dataset",\n    "cleanlab.multilabel_classification.filter": "multilabel_classification.filter",\n    "cleanlab.multilabel_classification.rank": "multilabel_classification.rank",\n    "cleanlab.multilabel_classification.dataset": "multilabel_classification.dataset",\n    "cleanlab.multilabel_classification": "multilabel_classification",\n    "cleanlab.internal.multilabel_scorer": None,\n    "cleanlab.experimental.label_issues_batched": None,\n    "cleanlab.classification": None,\n}\nMODE = os.environ.get("FASTCLEAN_SHIM", "compat")\nFALLBACKS = set()\nSWAPPED = []\n\n\ndef _recorder(name, fn):\n    @functools.wraps(fn)\n    def wrapper(*args, **kwargs):\n        FALLBACKS.add(name)\n        return fn(*args, **kwargs)\n    return wrapper\n\n\ndef _with_fallback(name, ours, theirs):\n    """fastclean\'s function; cleanlab\'s (recorded) when fastclean lacks an argument."""\n    @functools.wraps(theirs)\n    def wrapper(*args, **kwargs):\n        try:\n            return ours(*args, **kwargs)\n        except TypeError as exc:\n            text = str(exc)\n            if "unexpected keyword" in text or "positional argument" in text or "required" in text:\n                FALLBACKS.add(name + " (missing argument)")\n                return theirs(*args, **kwargs)\n            raise\n    return wrapper\n\n\ndef _install():\n    if MODE == "none":\n        return\n    core = importlib.import_module("fastclean.core")\n    for modname, ours_name in MODULES.items():\n        mod = importlib.import_module(modname)\n        ours = None\n        if ours_name is not None and MODE == "compat":\n            ours = importlib.import_module(f"fastclean.compat.{ours_name}")\n        elif ours_name is not None and MODE == "core" and "multilabel" not in ours_name:\n            ours = core\n        for name, obj in list(vars(mod).items()):\n            if not callable(obj) or isinstance(obj, type) or not getattr(obj, "__module__", "").startswith("cleanlab"):\n                continue\n            if name.startswith("__"):\n                continue\n            replacement = getattr(ours, name, None) if ours is not None else None\n            if replacement is not None and callable(replacement):\n                setattr(mod, name, _with_fallback(f"{modname}.{name}", replacement, obj))\n                SWAPPED.append(f"{modname}.{name}")\n            else:\n                setattr(mod, name, _recorder(f"{modname}.{name}", obj))\n        # Classes (CleanLearning) are recorded when instantiated.\n        if modname == "cleanlab.classification" and MODE == "compat":\n            from fastclean.learning import CleanLearning\n            mod.CleanLearning = CleanLearning\n            SWAPPED.append("cleanlab.classification.CleanLearning")\n\n\n_install()\nRESULTS = {}\n\n\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_call(item):\n    FALLBACKS.clear()\n    yield\n    item.user_properties.append(("fallbacks", sorted(FALLBACKS)))\n\n\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n    outcome = yield\n    rep = outcome.get_result()\n    if rep.when == "call" or (rep.when == "setup" and rep.outcome != "passed"):\n        fb = dict(item.user_properties).get("fallbacks", [])\n        RESULTS[item.nodeid] = (rep.outcome, fb)\n\n\ndef pytest_terminal_summary(terminalreporter):\n    tr = terminalreporter\n    passed = [k for k, (o, f) in RESULTS.items() if o == "passed"]\n    failed = [k for k, (o, f) in RESULTS.items() if o == "failed"]\n    fell = {k: f for k, (o, f) in RESULTS.items() if f}\n    tr.write_line(f"SHIM={MODE}: {len(RESULTS)} tests, {len(passed)} passed, {len(failed)} failed, "\n                  f"{len(fell)} called cleanlab functions fastclean lacks")\n    names = sorted({n for f in fell.values() for n in f})\n    tr.write_line("cleanlab functions still called: " + ", ".join(names))\n    for k in failed:\n        tr.write_line(f"FAILED {k} fallbacks={RESULTS[k][1]}")\n    if os.environ.get("SHIM_VERBOSE"):\n        for k, f in fell.items():\n            tr.write_line(f"FELL BACK {k}: {f[:3]}")\n'


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cleanlab-src", required=True, type=Path,
                        help="cleanlab source checkout (with a tests/ folder)")
    parser.add_argument("--tests", nargs="+", default=DEFAULT_TESTS,
                        help="test files under tests/ (default: the core ones)")
    parser.add_argument("--shim", choices=["compat", "core", "none"], default="compat",
                        help="compat: fastclean.compat; core: fastclean.core names only; "
                             "none: plain cleanlab")
    parser.add_argument("--verbose", action="store_true", help="list every test that fell back")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    tests_dir = args.cleanlab_src / "tests"
    if not tests_dir.is_dir():
        print(f"error: {tests_dir} not found: give a cleanlab source checkout", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="cleanlab-suite-") as tmp:
        work = Path(tmp)
        found = []
        for name in args.tests:
            src = tests_dir / name
            if src.is_file():
                shutil.copy(src, work / name)
                found.append(name)
            else:
                print(f"skipping {name}: not in {tests_dir}", file=sys.stderr)
        if not found:
            print("error: none of the test files exist", file=sys.stderr)
            return 2
        (work / "conftest.py").write_text(CONFTEST)
        # This checkout's fastclean, whatever the working directory of the run.
        src = str(Path(__file__).resolve().parents[1] / "src")
        env = dict(os.environ, FASTCLEAN_SHIM=args.shim,
                   PYTHONPATH=os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])]))
        if args.verbose:
            env["SHIM_VERBOSE"] = "1"
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore",
               *found, *args.pytest_args]
        return subprocess.run(cmd, cwd=work, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
