"""``find covid-tweets --split test`` models: test accuracy and F1 (INFORMATIVE), per seed.

Each configuration is fitted on train + valid and scores the test split exactly as
``find --split test`` does (``fit_predict_split``, fitted model and test probabilities cached,
so a rerun only scores). Prints accuracy, F1 of INFORMATIVE and macro F1 per seed, their mean
and spread, the same for the mean of the seeds' probabilities taken two at a time (an ensemble
of the model with itself at another seed), and the CPU seconds of each fit (this process plus
its helper processes). The anchor is the first configuration.

    FASTCLEAN_DATA=../shared/data HF_HUB_OFFLINE=1 \\
        python benchmarks/bench_toptune_test.py --seeds 0 1 2 --configs k2e2 k2e3
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import resource
import time

import numpy as np


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _scores(labels: np.ndarray, probs: np.ndarray) -> tuple[float, float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    pred = probs.argmax(1)
    return (accuracy_score(labels, pred), f1_score(labels, pred, pos_label=0),
            f1_score(labels, pred, average="macro"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--configs", nargs="+", default=["k2e2"],
                        help="kKeE: top K layers fine-tuned for E epochs (k2e2 is the default model)")
    args = parser.parse_args()

    from fastclean.crossval import fit_predict_split
    from fastclean.data import load_dataset
    from fastclean.models.toptune import MiniLMTopTune

    full = load_dataset("covid-tweets", split="all")
    assert full.classes[0] == "INFORMATIVE"
    train = full.subset(np.flatnonzero(full.splits != "test"))
    test = full.subset(np.flatnonzero(full.splits == "test"))
    print(f"# train+valid {len(train)}, test {len(test)}, FASTCLEAN_THREADS="
          f"{os.environ.get('FASTCLEAN_THREADS', 'unset')}, load {os.getloadavg()}", flush=True)
    rows = []
    for config in args.configs:
        k, e = map(int, re.fullmatch(r"k(\d)e(\d+)", config).groups())
        probs = {}
        for seed in args.seeds:
            c, w = _cpu(), time.perf_counter()
            probs[seed] = fit_predict_split(train, test, MiniLMTopTune(top_layers=k, epochs=e),
                                            seed=seed, progress=False)
            acc, f1, macro = _scores(test.labels, probs[seed])
            print(f"{config} seed {seed}: acc {acc:.4f} F1(INF) {f1:.4f} macro F1 {macro:.4f} "
                  f"({_cpu() - c:.0f} CPU-s, {time.perf_counter() - w:.0f} s wall, "
                  f"load {os.getloadavg()[0]:.1f})", flush=True)
            rows.append((config, str(seed), acc, f1))
        for pair in itertools.combinations(args.seeds, 2):
            acc, f1, macro = _scores(test.labels, np.mean([probs[s] for s in pair], axis=0))
            print(f"{config} seeds {pair} mean probs: acc {acc:.4f} F1(INF) {f1:.4f} macro F1 {macro:.4f}")
            rows.append((config, "+".join(map(str, pair)), acc, f1))
    print("\n| config | seeds | acc mean (min-max) | F1 INF mean (min-max) | both >= 0.85 |")
    print("|---|---|---|---|---|")
    for config in args.configs:
        for kind in ("single", "pair"):
            sel = [r for r in rows if r[0] == config and (("+" in r[1]) == (kind == "pair"))]
            if not sel:
                continue
            acc = np.array([r[2] for r in sel])
            f1 = np.array([r[3] for r in sel])
            met = sum((a >= 0.85) and (f >= 0.85) for a, f in zip(acc, f1))
            print(f"| {config} | {kind}: {', '.join(r[1] for r in sel)} | {acc.mean():.4f} "
                  f"({acc.min():.4f}-{acc.max():.4f}) | {f1.mean():.4f} ({f1.min():.4f}-{f1.max():.4f}) "
                  f"| {met} of {len(sel)} |")


if __name__ == "__main__":
    main()
