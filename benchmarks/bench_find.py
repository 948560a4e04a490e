"""Benchmark ``find``'s model layer: out-of-sample accuracy, wall time (cold and warm) and the
F1 of the flagged set under 25 % injected uniform noise.

    FASTCLEAN_DATA=../shared/data HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_find.py
    ... bench_find.py --only covid          # one dataset
    ... bench_find.py --only mnist --worst 25   # also list MNIST's 25 worst given labels

"cold" uses a fresh, empty cache (features and folds computed); "warm" reruns the same call
with the cache filled. The machine is shared: the load average is printed with each row.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

from fastclean import core
from fastclean.crossval import cross_val_pred_probs
from fastclean.data import load_dataset
from fastclean.noise import inject_noise

CASES = {
    "mnist": ("mnist-test", "train", ["cnn"]),
    "covid": ("covid-tweets", "train", ["tfidf-logreg", "minilm-logreg", "minilm+tfidf"]),
}
FILTERS = ("prune_by_noise_rate", "both", "confident_learning")


def load1() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def timed(fn):
    """Run ``fn``; return its result, wall seconds and CPU seconds (all threads of this process)."""
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t, time.process_time() - c


def detection(labels, pred_probs, is_noisy) -> dict[str, float]:
    quality = core.get_label_quality_scores(labels, pred_probs)
    out = {}
    for f in FILTERS:
        mask = core.find_label_issues(labels, pred_probs, filter_by=f)
        out[f] = core.detection_scores(mask, is_noisy, label_quality=quality)
    return out


def bench(dataset_name: str, split: str, model: str, *, noise: float, seed: int, folds: int,
          worst: int) -> None:
    ds = load_dataset(dataset_name, split=split)
    with tempfile.TemporaryDirectory(prefix="fastclean-bench-") as cache:
        probs, cold, cold_cpu = timed(lambda: cross_val_pred_probs(ds, model, folds=folds, seed=seed,
                                                         cache_dir=cache, progress=False))
        load_cold = load1()
        _, warm, _ = timed(lambda: cross_val_pred_probs(ds, model, folds=folds, seed=seed,
                                                     cache_dir=cache, progress=False))
        acc = float(np.mean(probs.argmax(1) == ds.labels))
        noisy, is_noisy = inject_noise(ds.labels, ds.n_classes, noise_pct=noise, seed=seed)
        nprobs, cold_noisy, noisy_cpu = timed(lambda: cross_val_pred_probs(
            ds.with_labels(noisy), model, folds=folds, seed=seed, cache_dir=cache, progress=False))
        scores = detection(noisy, nprobs, is_noisy)
    print(f"| {dataset_name} ({split}, n={len(ds)}) | {model} | {acc:.4f} | {cold:.1f} ({cold_cpu:.0f}) | {warm:.2f} | "
          f"{cold_noisy:.1f} ({noisy_cpu:.0f}) | " + " | ".join(
              f"{scores[f]['f1']:.4f} (P {scores[f]['precision']:.3f} R {scores[f]['recall']:.3f})"
              for f in FILTERS) + f" | {scores[FILTERS[0]].get('auprc', float('nan')):.4f} | {load_cold} |",
          flush=True)
    if worst:
        quality = core.get_label_quality_scores(ds.labels, probs)
        order = np.argsort(quality, kind="stable")[:worst]
        print(f"\n{worst} worst-ranked given labels of {dataset_name} ({model}):")
        print("| rank | index | id | given | suggested (prob) | quality |")
        print("|---|---|---|---|---|---|")
        for r, i in enumerate(order, 1):
            s = int(probs[i].argmax())
            print(f"| {r} | {i} | {ds.ids[i]} | {ds.classes[ds.labels[i]]} | {ds.classes[s]} "
                  f"({probs[i, s]:.3f}) | {quality[i]:.4f} |")
        print()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", choices=sorted(CASES), action="append")
    p.add_argument("--models", nargs="*", help="override the models benchmarked")
    p.add_argument("--noise", type=float, default=25.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--worst", type=int, default=0, help="list the N worst given labels")
    args = p.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(f"cpus={os.cpu_count()} FASTCLEAN_THREADS={os.environ.get('FASTCLEAN_THREADS', '1')}")
    print(f"| dataset | model | OOS acc (given labels) | cold s (cpu s) | warm s | cold s (cpu s), {args.noise:g}% noise | "
          + " | ".join(f"F1 {f}" for f in FILTERS) + " | AUPRC (ranking) | load1 |")
    print("|---|---|---|---|---|---|" + "---|" * len(FILTERS) + "---|---|")
    for key in args.only or sorted(CASES):
        name, split, models = CASES[key]
        for model in args.models or models:
            bench(name, split, model, noise=args.noise, seed=args.seed, folds=args.folds,
                  worst=args.worst if key == "mnist" else 0)


if __name__ == "__main__":
    main()
