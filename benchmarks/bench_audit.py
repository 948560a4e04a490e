"""fastclean.audit vs cleanlab Datalab 2.9 on the same features, and a 1M-row near-duplicate search (issue 12).

Embedding-like data: N float32 vectors of dimension D made of 200 clusters in a 48-dimensional
subspace plus isotropic noise (the shape of sentence / image embeddings), with 1 % injected
near-copies and 0.5 % injected far-off points. Each method runs in its own subprocess so that its
peak memory (max RSS) is its own.

    # Datalab-compatible mode vs Datalab (near_duplicate, outlier, class_imbalance), 50k × 384:
    PYTHONPATH=src python benchmarks/bench_audit.py --n 50000
    # 1M × 384: our approximate index only, recall against exact search on a sample of rows:
    PYTHONPATH=src python benchmarks/bench_audit.py --n 1000000 --methods ours --threads 2

Prints, per method: wall and CPU seconds, peak RSS, flag counts; then the agreement with
Datalab (Jaccard of flagged near-duplicates, of near-duplicate pairs and of outliers) and the
speed ratio measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def make_features(n: int, d: int = 384, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((48, d)).astype(np.float32)
    centers = rng.standard_normal((200, 48)).astype(np.float32) * 2
    cluster = rng.integers(0, 200, n)
    x = np.empty((n, d), np.float32)
    for start in range(0, n, 100_000):  # bounded scratch memory
        stop = min(n, start + 100_000)
        z = centers[cluster[start:stop]] + rng.standard_normal((stop - start, 48)).astype(np.float32)
        x[start:stop] = z @ basis + 0.5 * rng.standard_normal((stop - start, d)).astype(np.float32)
    copies = rng.choice(n, n // 100, replace=False)
    x[copies[: len(copies) // 2]] = x[copies[len(copies) // 2:]] + 0.05 * rng.standard_normal(
        (len(copies) // 2, d)).astype(np.float32)
    far = rng.choice(n, n // 200, replace=False)
    x[far] = rng.standard_normal((len(far), d)).astype(np.float32) * 3
    labels = (cluster % 10).astype(np.int64)
    return x, labels


def worker(method: str, n: int, out: str, threads: int, backend: str) -> None:
    x, labels = make_features(n)
    wall, cpu = time.perf_counter(), time.process_time()
    if method == "datalab":
        import warnings

        from cleanlab import Datalab

        warnings.simplefilter("ignore")
        lab = Datalab(data={"label": labels}, label_name="label", verbosity=0)
        lab.find_issues(features=x, issue_types={"near_duplicate": {}, "outlier": {},
                                                 "class_imbalance": {}})
        issues = lab.get_issues()
        near = issues["is_near_duplicate_issue"].to_numpy()
        outl = issues["is_outlier_issue"].to_numpy()
        sets = lab.get_info("near_duplicate")["near_duplicate_sets"]
        pairs = np.array(sorted({(min(i, int(j)), max(i, int(j))) for i, s in enumerate(sets) for j in s}),
                         dtype=np.int64).reshape(-1, 2)
        used = "sklearn exact"
    else:
        from fastclean.audit import find_data_issues

        res = find_data_issues(x, labels, mode="datalab", backend=backend, threads=threads,
                               checks="duplicates,outliers,imbalance")
        near, outl = res.flags["near_duplicate"], res.flags["outlier"]
        pairs = _our_pairs(res)
        used = res.settings["backend"]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    np.savez(out, near=near, outl=outl, pairs=pairs)
    print(json.dumps({"method": method, "backend": used, "wall": wall, "cpu": cpu, "peak_rss_mb": rss,
                      "near": int(near.sum()), "outliers": int(outl.sum()), "pairs": len(pairs)}))


def _our_pairs(res) -> np.ndarray:
    return res.pairs["near_duplicate"]


def recall_1m(n: int, threads: int, sample: int = 1000) -> None:
    """Peak memory, time and recall of the approximate index against exact search."""
    from fastclean.audit import nearest_neighbors
    from fastclean.audit.checks import near_duplicates

    x, _ = make_features(n)
    wall, cpu = time.perf_counter(), time.process_time()
    nb = nearest_neighbors(x, 10, backend="ivf", threads=threads)
    near = near_duplicates(nb)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = np.random.default_rng(1).choice(n, sample, replace=False)
    del nb.distances
    q = x[rows] / np.linalg.norm(x[rows], axis=1, keepdims=True)
    best_d = np.full((sample, 0), np.inf, np.float32)
    best_i = np.zeros((sample, 0), np.int64)
    for start in range(0, n, 100_000):  # exact search for the sample, block by block
        block = x[start:start + 100_000]
        d = 1 - (q @ block.T) / np.linalg.norm(block, axis=1)[None, :]
        d[rows[:, None] == np.arange(start, start + len(block))[None, :]] = np.inf
        cand_d = np.concatenate([best_d, d], axis=1)
        cand_i = np.concatenate([best_i, np.broadcast_to(np.arange(start, start + len(block)), d.shape)], axis=1)
        top = np.argpartition(cand_d, 10, axis=1)[:, :10]
        best_d = np.take_along_axis(cand_d, top, 1)
        best_i = np.take_along_axis(cand_i, top, 1)
    exact = best_i
    recall = np.mean([len(set(e) & set(a)) / 10 for e, a in zip(exact, nb.indices[rows])])
    print(f"{n:,} x {x.shape[1]} float32, ivf, {threads} threads: {wall:.1f} s wall, {cpu:.1f} s CPU, "
          f"peak RSS {rss:,.0f} MB (the features alone: {x.nbytes / 2**20:,.0f} MB), "
          f"recall@10 vs exact on {sample} rows {recall:.4f}, near-duplicate examples {int(near.is_issue.sum()):,}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--methods", nargs="+", default=["datalab", "ours"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--worker", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.n, args.out, args.threads, args.backend)
        return
    if args.methods == ["ours"] and args.n >= 500_000:
        recall_1m(args.n, args.threads)
        return
    results, flags = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for method in args.methods:
            out = str(Path(tmp) / f"{method}.npz")
            proc = subprocess.run([sys.executable, __file__, "--worker", method, "--n", str(args.n),
                                   "--out", out, "--threads", str(args.threads), "--backend", args.backend],
                                  capture_output=True, text=True, env=os.environ)
            if proc.returncode != 0:
                print(proc.stderr[-3000:])
                raise SystemExit(proc.returncode)
            results[method] = json.loads(proc.stdout.strip().splitlines()[-1])
            with np.load(out) as f:
                flags[method] = {k: f[k] for k in f.files}
            print(results[method], flush=True)
    if "datalab" in results and "ours" in results:
        d, o = flags["datalab"], flags["ours"]
        jac = lambda a, b: (a & b).sum() / max((a | b).sum(), 1)  # noqa: E731
        dp = {tuple(p) for p in d["pairs"]}
        op = {tuple(p) for p in o["pairs"]}
        print(f"n={args.n:,}: Jaccard near-duplicate examples {jac(d['near'], o['near']):.4f}, "
              f"near-duplicate pairs {len(dp & op) / max(len(dp | op), 1):.4f}, outliers {jac(d['outl'], o['outl']):.4f}; "
              f"speed-up wall {results['datalab']['wall'] / results['ours']['wall']:.1f}x, "
              f"CPU {results['datalab']['cpu'] / results['ours']['cpu']:.1f}x; peak RSS "
              f"{results['datalab']['peak_rss_mb']:,.0f} MB vs {results['ours']['peak_rss_mb']:,.0f} MB")


if __name__ == "__main__":
    main()
