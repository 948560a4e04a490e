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

    .venv/bin/python benchmarks/cleanlab_suite.py --cleanlab-src ~/src/cleanlab --fetch \\
        --tests test_filter_count.py test_rank.py test_dataset.py --label-errors ~/label-errors
    .venv/bin/python benchmarks/cleanlab_suite.py --cleanlab-src ~/src/cleanlab \\
        --tests test_filter_count.py test_rank.py test_dataset.py --shim none   # baseline

``--fetch`` clones cleanlab at v2.9.0 into ``--cleanlab-src`` when it has no ``tests/``.
``test_dataset.py`` downloads cleanlab's published label-errors arrays with ``requests.get``:
``--label-errors DIR`` serves those files from ``DIR`` instead (by file name), and
``--label-errors-standin`` first fills ``DIR`` with seeded stand-ins of the same names and
shapes, for machines without network.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CLEANLAB_TAG = "v2.9.0"
DEFAULT_TESTS = ["test_filter_count.py", "test_rank.py", "test_dataset.py",
                 "test_multilabel_classification.py"]

CONFTEST = r'''"""Run cleanlab's own tests with cleanlab's functions swapped for fastclean's.

FASTCLEAN_SHIM=compat (default): cleanlab.<module>.<name> -> fastclean.compat.<module>.<name>
FASTCLEAN_SHIM=core: -> fastclean.core.<name> (what a user had before fastclean.compat)
FASTCLEAN_SHIM=none: plain cleanlab (the tests' own baseline)
Every cleanlab function left in place is wrapped to record that a test fell back to cleanlab.
"""
import importlib
import os
import functools

import pytest

MODULES = {
    "cleanlab.filter": "filter", "cleanlab.count": "count", "cleanlab.rank": "rank",
    "cleanlab.dataset": "dataset",
    "cleanlab.multilabel_classification.filter": "multilabel_classification.filter",
    "cleanlab.multilabel_classification.rank": "multilabel_classification.rank",
    "cleanlab.multilabel_classification.dataset": "multilabel_classification.dataset",
    "cleanlab.multilabel_classification": "multilabel_classification",
    "cleanlab.internal.multilabel_scorer": None,
    "cleanlab.experimental.label_issues_batched": "experimental.label_issues_batched",
    "cleanlab.classification": None,
}
MODE = os.environ.get("FASTCLEAN_SHIM", "compat")
FALLBACKS = set()
SWAPPED = []


def _recorder(name, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        FALLBACKS.add(name)
        return fn(*args, **kwargs)
    return wrapper


def _with_fallback(name, ours, theirs):
    """fastclean's function; cleanlab's (recorded) when fastclean lacks an argument."""
    @functools.wraps(theirs)
    def wrapper(*args, **kwargs):
        try:
            return ours(*args, **kwargs)
        except TypeError as exc:
            text = str(exc)
            if "unexpected keyword" in text or "positional argument" in text or "required" in text:
                FALLBACKS.add(name + " (missing argument)")
                return theirs(*args, **kwargs)
            raise
    return wrapper


def _install():
    if MODE == "none":
        return
    core = importlib.import_module("fastclean.core")
    for modname, ours_name in MODULES.items():
        mod = importlib.import_module(modname)
        ours = None
        if ours_name is not None and MODE == "compat":
            ours = importlib.import_module(f"fastclean.compat.{ours_name}")
        elif ours_name is not None and MODE == "core" and "multilabel" not in ours_name:
            ours = core
        for name, obj in list(vars(mod).items()):
            if not callable(obj) or isinstance(obj, type) or not getattr(obj, "__module__", "").startswith("cleanlab"):
                continue
            if name.startswith("__"):
                continue
            replacement = getattr(ours, name, None) if ours is not None else None
            if replacement is not None and callable(replacement):
                setattr(mod, name, _with_fallback(f"{modname}.{name}", replacement, obj))
                SWAPPED.append(f"{modname}.{name}")
            else:
                setattr(mod, name, _recorder(f"{modname}.{name}", obj))
        # Classes (CleanLearning) are recorded when instantiated.
        if modname == "cleanlab.classification" and MODE == "compat":
            from fastclean.learning import CleanLearning
            mod.CleanLearning = CleanLearning
            SWAPPED.append("cleanlab.classification.CleanLearning")

    if MODE == "none":
        return
    # cleanlab modules that imported a swapped function by name (e.g. label_quality_utils'
    # get_confident_thresholds) call fastclean's too.
    import sys
    ours_of = {}
    for qualified in SWAPPED:
        if qualified == "cleanlab.classification.CleanLearning":
            continue
        module, name = qualified.rsplit(".", 1)
        swapped = getattr(importlib.import_module(module), name)
        ours_of[id(swapped.__wrapped__)] = swapped
    for modname, mod in list(sys.modules.items()):
        if not modname.startswith("cleanlab") or mod is None:
            continue
        for name, obj in list(vars(mod).items()):
            if callable(obj) and id(obj) in ours_of:
                setattr(mod, name, ours_of[id(obj)])


_install()
RESULTS = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    FALLBACKS.clear()
    yield
    item.user_properties.append(("fallbacks", sorted(FALLBACKS)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" or (rep.when == "setup" and rep.outcome != "passed"):
        fb = dict(item.user_properties).get("fallbacks", [])
        RESULTS[item.nodeid] = (rep.outcome, fb)


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    passed = [k for k, (o, f) in RESULTS.items() if o == "passed"]
    failed = [k for k, (o, f) in RESULTS.items() if o == "failed"]
    fell = {k: f for k, (o, f) in RESULTS.items() if f}
    tr.write_line(f"SHIM={MODE}: {len(RESULTS)} tests, {len(passed)} passed, {len(failed)} failed, "
                  f"{len(fell)} called cleanlab functions fastclean lacks")
    names = sorted({n for f in fell.values() for n in f})
    tr.write_line("cleanlab functions still called: " + ", ".join(names))
    for k in failed:
        tr.write_line(f"FAILED {k} fallbacks={RESULTS[k][1]}")
    if os.environ.get("SHIM_VERBOSE"):
        for k, f in fell.items():
            tr.write_line(f"FELL BACK {k}: {f[:3]}")
'''


# Appended to the conftest when --label-errors is given: cleanlab's test_dataset.py downloads the
# published label-errors arrays with requests.get; serve them from a local folder instead.
LABEL_ERRORS_PATCH = '''

def _serve_label_errors():
    folder = os.environ.get("FASTCLEAN_LABEL_ERRORS")
    if not folder:
        return
    import pathlib
    import requests

    class _Local:
        def __init__(self, url):
            path = pathlib.Path(folder) / url.rsplit("/", 1)[-1]
            self.content = path.read_bytes()

        def raise_for_status(self):
            return None

    requests.get = lambda url, *args, **kwargs: _Local(url)


_serve_label_errors()
'''

# Shapes of the published label-errors test sets (cleanlab/label-errors, commit 5392f6c):
# examples, classes.
LABEL_ERRORS_SHAPES = {"mnist_test_set": (10_000, 10), "caltech256": (29_780, 256),
                       "cifar100_test_set": (10_000, 100), "imdb_test_set": (25_000, 2)}


def write_label_errors_standin(folder: Path, seed: int = 0) -> None:
    """Seeded stand-ins for the label-errors arrays, with the published files' names and shapes.

    Each has a model that is right about 90 % of the time, labels with about 5 % of them
    flipped, and (as in the published IMDB file, whose 2,744 largest entries reach 1.00001)
    float rounding that lets a few IMDB probabilities exceed 1.
    """
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for stem, (n, k) in LABEL_ERRORS_SHAPES.items():
        truth = np.arange(n) % k
        rng.shuffle(truth)
        logits = rng.normal(0.0, 1.0, size=(n, k))
        logits[np.arange(n), truth] += rng.uniform(1.0, 6.0, size=n)
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        labels = truth.copy()
        flip = rng.random(n) < 0.05
        labels[flip] = (labels[flip] + rng.integers(1, k, size=flip.sum())) % k
        if stem == "imdb_test_set":
            rows = rng.choice(n, size=2_744, replace=False)
            probs[rows] = 0.0
            probs[rows, truth[rows]] = 1.00001
        names = {"caltech256": ("caltech256_original_labels", "caltech256_pyx")}.get(
            stem, (f"{stem}_original_labels", f"{stem}_pyx"))
        np.save(folder / f"{names[0]}.npy", labels)
        np.save(folder / f"{names[1]}.npy", probs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cleanlab-src", required=True, type=Path,
                        help="cleanlab source checkout (with a tests/ folder); with --fetch, "
                             "where to clone it if it is not there")
    parser.add_argument("--fetch", action="store_true",
                        help=f"git clone cleanlab at {CLEANLAB_TAG} into --cleanlab-src first "
                             "(needs network)")
    parser.add_argument("--label-errors", type=Path, default=None,
                        help="folder holding the label-errors .npy files test_dataset.py "
                             "downloads (served to requests.get by name)")
    parser.add_argument("--label-errors-standin", action="store_true",
                        help="fill --label-errors with seeded stand-ins of the same names and "
                             "shapes (for machines without network)")
    parser.add_argument("--tests", nargs="+", default=DEFAULT_TESTS,
                        help="test files under tests/ (default: the core ones)")
    parser.add_argument("--shim", choices=["compat", "core", "none"], default="compat",
                        help="compat: fastclean.compat; core: fastclean.core names only; "
                             "none: plain cleanlab")
    parser.add_argument("--verbose", action="store_true", help="list every test that fell back")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    if args.fetch and not (args.cleanlab_src / "tests").is_dir():
        subprocess.run(["git", "clone", "--depth", "1", "--branch", CLEANLAB_TAG,
                        "https://github.com/cleanlab/cleanlab", str(args.cleanlab_src)],
                       check=True)
    if args.label_errors_standin:
        if args.label_errors is None:
            parser.error("--label-errors-standin needs --label-errors DIR")
        write_label_errors_standin(args.label_errors)
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
        conftest = CONFTEST
        if args.label_errors is not None:
            conftest += LABEL_ERRORS_PATCH
        (work / "conftest.py").write_text(conftest)
        # This checkout's fastclean, whatever the working directory of the run.
        src = str(Path(__file__).resolve().parents[1] / "src")
        env = dict(os.environ, FASTCLEAN_SHIM=args.shim,
                   PYTHONPATH=os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])]))
        if args.verbose:
            env["SHIM_VERBOSE"] = "1"
        if args.label_errors is not None:
            env["FASTCLEAN_LABEL_ERRORS"] = str(args.label_errors.resolve())
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore",
               *found, *args.pytest_args]
        return subprocess.run(cmd, cwd=work, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
