"""Benchmark multi-label find_label_issues: fastclean vs cleanlab 2.9.0 on the same data.

Times, in this one process and on the same arrays, cleanlab's
``multilabel_classification.filter.find_label_issues`` (default ``n_jobs``, and ``n_jobs=1``)
and fastclean's ``find_label_issues(..., multi_label=True)``; asserts that the outputs are
identical; prints wall time, CPU time (user + sys, including worker processes) and the ratios.
The anchor is cleanlab measured in the same run, so the ratio is meaningful on a busy machine.

    .venv/bin/python benchmarks/bench_multilabel.py                      # 200000 x 50
    .venv/bin/python benchmarks/bench_multilabel.py --n 20000 --k 20 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
import warnings

import numpy as np


def make_data(n: int, k: int, seed: int = 0, noise: float = 0.004, decimals: int | None = None):
    """Label sets (about 2 classes per example) and per-class probabilities of a decent model.

    Each class is in an example's true set with probability ``2 / k``; the model's logit is
    ``+-3`` plus noise; then ``noise`` of the (example, class) memberships are flipped.
    Probabilities are float32 (a sigmoid output); ``decimals`` rounds them, which makes
    ties (equal margins straddling a cut) common: the adversarial case for exactness.
    """
    rng = np.random.default_rng(seed)
    truth = rng.random((n, k)) < 2.0 / k
    logits = np.where(truth, 3.0, -3.0) + rng.standard_normal((n, k)) * 1.2
    probs = (1 / (1 + np.exp(-logits))).astype(np.float32)
    if decimals is not None:
        probs = np.round(probs, decimals)
    given = truth ^ (rng.random((n, k)) < noise)
    rows, cols = np.nonzero(given)
    starts = np.searchsorted(rows, np.arange(n + 1))
    flat = cols.tolist()
    labels = [flat[starts[i]:starts[i + 1]] for i in range(n)]
    return labels, probs


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, repeats: int):
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        c0, t0 = cpu_seconds(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu_seconds() - c0)
    return statistics.median(walls), statistics.median(cpus), result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--decimals", type=int, default=None,
                        help="round probabilities (many ties: the adversarial case)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of fastclean (median)")
    parser.add_argument("--reference-repeats", type=int, default=1)
    parser.add_argument("--rank-by", default=None,
                        help="also return indices ranked by this score (e.g. self_confidence)")
    parser.add_argument("--skip-default-jobs", action="store_true",
                        help="time cleanlab only with n_jobs=1")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    from cleanlab.multilabel_classification import filter as cl_filter

    import fastclean

    labels, probs = make_data(args.n, args.k, args.seed, decimals=args.decimals)
    print(f"multi-label {args.n} x {args.k}, rank_by={args.rank_by}, seed={args.seed}, "
          f"decimals={args.decimals}, "
          f"{os.cpu_count()} CPUs, {sum(map(len, labels)) / args.n:.2f} labels per example")
    kwargs = {"return_indices_ranked_by": args.rank_by}
    ours_wall, ours_cpu, ours = timed(
        lambda: fastclean.find_label_issues(labels, probs, multi_label=True, **kwargs), args.repeats)
    rows = [("fastclean", ours_wall, ours_cpu)]
    settings = [("cleanlab n_jobs=1", {"n_jobs": 1})]
    if not args.skip_default_jobs:
        settings.append(("cleanlab default n_jobs", {}))
    for name, extra in settings:
        wall, cpu, ref = timed(lambda: cl_filter.find_label_issues(labels, probs, **kwargs, **extra),
                               args.reference_repeats)
        assert ref.dtype == ours.dtype and np.array_equal(ref, ours), f"{name}: outputs differ"
        rows.append((name, wall, cpu))
    n_found = int(ours.sum()) if ours.dtype == bool else len(ours)
    print(f"identical outputs: yes ({n_found} examples flagged)")
    print(f"{'':26s}{'wall s':>9s}{'cpu s':>9s}{'wall ratio':>12s}{'cpu ratio':>11s}")
    for name, wall, cpu in rows:
        print(f"{name:26s}{wall:9.3f}{cpu:9.3f}{wall / ours_wall:12.1f}{cpu / ours_cpu:11.1f}")


if __name__ == "__main__":
    main()
