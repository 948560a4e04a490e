"""Benchmark fastclean.core.find_label_issues against cleanlab 2.9.0 on the same arrays.

For each case (N x K, filter_by, dtype) it times, in this one process and on the same arrays:
the floor (one pass over the array, ``pred_probs.sum()``), cleanlab's ``find_label_issues``
with its default ``n_jobs``, and ours; it asserts the results are identical and prints the
medians and ratios. ``--memory`` also runs the chunked mode (np.memmap input and in-memory
input with ``chunk_size``) in fresh subprocesses and reports the extra memory they held.

    .venv/bin/python benchmarks/bench_core.py                       # the sizes of RESULTS.md
    .venv/bin/python benchmarks/bench_core.py --cases 200000x100:both --dtypes float32 --repeats 3
    .venv/bin/python benchmarks/bench_core.py --cases 1000000x100:both --memory-only
    .venv/bin/python benchmarks/bench_core.py --busy 2     # a busy machine: 2 CPU burners

``--busy N`` keeps N single-threaded CPU-burning processes running during all the timings
(cleanlab's and ours alike), so that the ratio on a busy machine can be measured on purpose.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np

DEFAULT_CASES = "1000000x100:both,50000x1000:prune_by_noise_rate,200000x100:both"

# A CPU burner for --busy: tight single-threaded numpy work on a cache-sized array until its
# time is up or its parent is gone (it never outlives the benchmark by more than a moment).
_BURNER = """
import os, sys, time
import numpy as np
end, parent = time.monotonic() + float(sys.argv[1]), os.getppid()
a = np.random.default_rng(int(sys.argv[2])).random(1 << 16)
while time.monotonic() < end and os.getppid() == parent:
    for _ in range(20):
        b = a.copy()
        b.sort()
        np.sqrt(b, out=b)
"""


@contextlib.contextmanager
def busy_machine(n: int, max_seconds: float):
    """Keep ``n`` CPU-burning processes running inside the ``with`` block; always stopped."""
    procs = []
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    try:
        for i in range(n):
            procs.append(subprocess.Popen([sys.executable, "-c", _BURNER, str(max_seconds),
                                           str(i)], env=env, stdin=subprocess.DEVNULL))
        if procs:
            time.sleep(1.0)  # let them start burning before the first timing
        yield procs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def make_data(n: int, k: int, dtype, seed: int = 0, noise: float = 0.15):
    """Synthetic out-of-sample predictions: a decent model, ``noise`` of the labels flipped.

    Generated in row blocks straight into the target dtype, so 1M x 100 float32 needs no
    float64 intermediate.
    """
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    probs = np.empty((n, k), dtype=dtype)
    step = 100_000
    for start in range(0, n, step):
        block = rng.standard_normal((min(step, n - start), k), dtype=np.float32)
        idx = np.arange(len(block))
        block[idx, truth[start:start + step]] += rng.uniform(1.0, 7.0, len(block)).astype(np.float32)
        block -= block.max(axis=1, keepdims=True)
        np.exp(block, out=block)
        block /= block.sum(axis=1, keepdims=True)
        probs[start:start + step] = block
    labels = truth.copy()
    flip = rng.random(n) < noise
    labels[flip] = rng.integers(0, k, int(flip.sum()))
    return labels, probs


def median_time(fn, repeats: int, cpu: list | None = None):
    """Median wall seconds of ``repeats`` calls and the last result; with ``cpu`` (a list),
    also appends the median CPU seconds of the process (all its threads) to it."""
    times, cpus, result = [], [], None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    if cpu is not None:
        cpu.append(statistics.median(cpus))
    return statistics.median(times), result


class RssAnonSampler:
    """Peak of the process's anonymous resident memory (heap, not file-backed pages)."""

    def __init__(self, interval: float = 0.002):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    @staticmethod
    def current() -> int:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
        return 0

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.current())
            time.sleep(self.interval)

    def __enter__(self):
        self.start = self.peak = self.current()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.current())


def run_case(n, k, filter_by, dtype, rank_by, repeats, skip_cleanlab):
    from fastclean.core import find_label_issues

    labels, probs = make_data(n, k, dtype)
    floor, _ = median_time(lambda: probs.sum(), max(repeats, 5))
    kwargs = dict(filter_by=filter_by, return_indices_ranked_by=rank_by)
    ours_cpu, cl_cpu = [], []
    ours_t, ours = median_time(lambda: find_label_issues(labels, probs, **kwargs), repeats,
                               ours_cpu)
    row = dict(case=f"{n}x{k}", filter_by=filter_by, dtype=np.dtype(dtype).name,
               n_issues=int(len(ours)), floor_s=floor, ours_s=ours_t, ours_cpu_s=ours_cpu[0])
    if not skip_cleanlab:
        from cleanlab.filter import find_label_issues as cl_find

        # cleanlab's CPU time counts this process only (its n_jobs workers are not included).
        cl_t, ref = median_time(lambda: cl_find(labels, probs, **kwargs), repeats, cl_cpu)
        if not np.array_equal(ours, ref):
            raise AssertionError(f"results differ from cleanlab for {row}")
        row.update(cleanlab_s=cl_t, cleanlab_cpu_s=cl_cpu[0], identical=True)
    return row


def _memory_child(args):
    """Run in a fresh process: find issues on a memmap (or loaded array) in chunks."""
    import tracemalloc

    from fastclean.core import find_label_issues

    labels = np.load(args.labels)
    if args.child == "memmap":
        probs = np.load(args.probs, mmap_mode="r")
    else:
        probs = np.load(args.probs)
    kwargs = dict(filter_by=args.filter_by, return_indices_ranked_by=args.rank_by,
                  chunk_size=args.chunk_size)
    tracemalloc.start()
    with RssAnonSampler() as rss:
        start = time.perf_counter()
        result = find_label_issues(labels, probs, **kwargs)
        seconds = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    baseline = rss.start
    np.save(args.out, result)
    print(json.dumps(dict(seconds=seconds, traced_peak=traced_peak,
                          rss_anon_peak_extra=max(0, rss.peak - baseline),
                          input_bytes=int(probs.nbytes))))


def run_memory(n, k, filter_by, dtype, rank_by, chunk_size):
    from fastclean.core import find_label_issues

    labels, probs = make_data(n, k, dtype)
    expected = find_label_issues(labels, probs, filter_by=filter_by,
                                 return_indices_ranked_by=rank_by)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        lab_path, prob_path = Path(tmp) / "labels.npy", Path(tmp) / "probs.npy"
        np.save(lab_path, labels)
        np.save(prob_path, probs)
        del probs
        for mode in ("memmap", "in-memory"):
            out = Path(tmp) / f"out-{mode}.npy"
            cmd = [sys.executable, __file__, "--child", mode, "--labels", str(lab_path),
                   "--probs", str(prob_path), "--out", str(out), "--filter-by", filter_by,
                   "--rank-by", rank_by or "none", "--chunk-size", str(chunk_size)]
            stats = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                              text=True).stdout.strip().splitlines()[-1])
            identical = bool(np.array_equal(np.load(out), expected))
            if not identical:
                raise AssertionError(f"chunked {mode} result differs from the in-memory one")
            rows.append(dict(mode=mode, identical=identical, **stats))
    return rows


def parse_cases(text):
    for item in text.split(","):
        size, filter_by = item.split(":")
        n, k = size.lower().split("x")
        yield int(n), int(k), filter_by


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=DEFAULT_CASES,
                        help="comma-separated NxK:filter_by (default: %(default)s)")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--rank-by", default="normalized_margin")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-cleanlab", action="store_true")
    parser.add_argument("--memory", action="store_true",
                        help="also measure the chunked mode's memory (float32, first case)")
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--busy", type=int, default=0, metavar="N",
                        help="run N CPU-burning processes during all timings (default 0)")
    parser.add_argument("--busy-max-seconds", type=float, default=3600.0,
                        help="the burners stop by themselves after this long")
    parser.add_argument("--child", choices=["memmap", "in-memory"], help=argparse.SUPPRESS)
    parser.add_argument("--labels", help=argparse.SUPPRESS)
    parser.add_argument("--probs", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--filter-by", default="both", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    rank_by = None if args.rank_by == "none" else args.rank_by
    warnings.filterwarnings("ignore")
    if args.child:
        args.rank_by = rank_by
        return _memory_child(args)

    if args.busy < 0:
        parser.error("--busy must be >= 0")
    with busy_machine(args.busy, args.busy_max_seconds):
        _run(args, rank_by)
    print(f"# load average at the end {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def _run(args, rank_by):
    cases = list(parse_cases(args.cases))
    from fastclean.core._parallel import core_threads

    print(f"# numpy {np.__version__}, {os.cpu_count()} logical CPUs, rank_by={rank_by}, "
          f"median of {args.repeats}, fastclean core threads {core_threads()} "
          f"(FASTCLEAN_THREADS={os.environ.get('FASTCLEAN_THREADS', 'unset')}), "
          f"busy {args.busy} (CPU-burning processes during all timings), "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if not args.memory_only:
        header = (f"{'case':>12} {'filter_by':>20} {'dtype':>8} {'issues':>8} {'floor s':>8} "
                  f"{'cleanlab s':>10} {'ours s':>8} {'speed-up':>8} {'x floor':>8} identical "
                  f"{'ours cpu':>10} {'cl cpu':>10}")
        print(header)
        for n, k, filter_by in cases:
            for dtype in args.dtypes.split(","):
                r = run_case(n, k, filter_by, np.dtype(dtype), rank_by, args.repeats,
                             args.skip_cleanlab)
                cl = r.get("cleanlab_s")
                print(f"{r['case']:>12} {filter_by:>20} {r['dtype']:>8} {r['n_issues']:>8} "
                      f"{r['floor_s']:>8.3f} {cl if cl is not None else float('nan'):>10.3f} "
                      f"{r['ours_s']:>8.3f} "
                      f"{(cl / r['ours_s']) if cl else float('nan'):>8.1f} "
                      f"{r['ours_s'] / r['floor_s']:>8.1f} {r.get('identical', '-')!s:>9} "
                      f"{r['ours_cpu_s']:>10.3f} {r.get('cleanlab_cpu_s', float('nan')):>10.3f}",
                      flush=True)
    if args.memory or args.memory_only:
        n, k, filter_by = cases[0]
        print(f"\n# chunked mode, {n}x{k} float32, {filter_by}, chunk_size={args.chunk_size}")
        print(f"{'mode':>10} {'seconds':>8} {'input MB':>9} {'traced peak MB':>15} "
              f"{'RssAnon extra MB':>17} {'% of input':>10} identical")
        for r in run_memory(n, k, filter_by, np.float32, rank_by, args.chunk_size):
            extra = max(r["traced_peak"], r["rss_anon_peak_extra"])
            print(f"{r['mode']:>10} {r['seconds']:>8.3f} {r['input_bytes'] / 1e6:>9.1f} "
                  f"{r['traced_peak'] / 1e6:>15.1f} {r['rss_anon_peak_extra'] / 1e6:>17.1f} "
                  f"{100 * extra / r['input_bytes']:>9.1f}% {r['identical']}", flush=True)


if __name__ == "__main__":
    main()
