"""Same command, same seed → the same files, whatever FASTCLEAN_THREADS or --jobs (issue #10).

    FASTCLEAN_DATA=../shared/data HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/check_determinism.py [--out DIR]

Runs ``fastclean find digits --noise 10 --seed 0`` with FASTCLEAN_THREADS=1 and =2, and a
small ``fastclean bench digits`` with ``--jobs 1`` and ``--jobs 2`` (FASTCLEAN_THREADS=2),
each with its own empty cache, and compares the output files byte for byte (JSON files
without their timings, CSVs without their seconds columns). Prints the wall time of each
run, the anchor being the first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

# timings, and the settings that are meant to differ between the runs compared (--jobs)
TIME_KEYS = {"timings", "seconds", "detection_seconds", "from_cache", "machine", "jobs"}


def fastclean(args, env, out):
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "fastclean", *args, "--out", str(out)], check=True,
                   env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in TIME_KEYS}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj


def same(a: Path, b: Path, name: str) -> bool:
    if name.endswith(".npy"):
        return np.array_equal(np.load(a / name), np.load(b / name))
    if name.endswith(".json"):
        return strip(json.loads((a / name).read_text())) == strip(json.loads((b / name).read_text()))
    if name.endswith(".csv"):
        fa, fb = pd.read_csv(a / name), pd.read_csv(b / name)
        drop = [c for c in fa.columns if c in TIME_KEYS]
        return fa.drop(columns=drop).equals(fb.drop(columns=drop))
    return (a / name).read_bytes() == (b / name).read_bytes()


def compare(label, args, variants, files, root):
    """Run ``args`` once per ``(env, extra_args)`` variant, each with its own cache; compare."""
    outs, times = [], []
    for i, (env, extra) in enumerate(variants):
        out = root / f"{label}-{i}"
        env = {**env, "FASTCLEAN_CACHE": str(root / f"cache-{label}-{i}")}
        times.append(fastclean([*args, *extra], env, out))
        outs.append(out)
    for name in files:
        verdict = "identical" if same(outs[0], outs[1], name) else "DIFFERENT"
        print(f"{label}: {name}: {verdict}")
    print(f"{label}: {variants[0]} {times[0]:.0f} s, {variants[1]} {times[1]:.0f} s "
          f"(ratio {times[1] / times[0]:.2f}), load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    root = Path(args.out or tempfile.mkdtemp(prefix="determinism-"))
    compare("find", ["find", "digits", "--noise", "10", "--seed", "0"],
            [({"FASTCLEAN_THREADS": "1"}, []), ({"FASTCLEAN_THREADS": "2"}, [])],
            ["issues.csv", "examples.csv", "pred_probs.npy", "summary.json"], root)
    bench = ["bench", "digits", "--noise", "25", "--seed", "0", "--epochs", "1", "--losses", "ce",
             "--filter-bys", "both", "--strategies", "baseline,prune,relabel", "--no-resume"]
    compare("bench", bench, [({"FASTCLEAN_THREADS": "2"}, ["--jobs", "1"]),
                             ({"FASTCLEAN_THREADS": "1"}, ["--jobs", "2"])],
            ["results.csv", "config.json"], root)
