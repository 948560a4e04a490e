"""Benchmarks of issue 11: fastclean on a Dask cluster.

``mnist``: ``fastclean find mnist-test --noise 25`` with ``--workers 1`` (no Dask) and
``--workers 2`` (a local cluster, folds as tasks), each on a cold fold cache; checks the run
directories are identical and prints the wall and CPU-time ratio.

``big``: one .npy of N x K float32 pred_probs on disk (written block by block, deleted at the
end unless --keep); times the single-process chunked run and a 2-worker local cluster with a
memory limit per worker, checks they agree exactly, and (optionally) runs cleanlab 2.9's
in-memory ``find_label_issues`` under an address-space cap and its ``find_label_issues_batched``.

    python benchmarks/bench_scale.py mnist --data-dir ../shared/data
    python benchmarks/bench_scale.py big --rows 20000000 --classes 100 --dir /tmp/i11/big \\
        --worker-memory 3GB --cleanlab-cap 12000000000 --batched-rows 20000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    return " ".join(open("/proc/loadavg").read().split()[:3])


def timed(cmd: list, env: dict | None = None) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds of it and its children, load before/after."""
    before_cpu, load_before = _children_cpu(), _load()
    start = time.perf_counter()
    res = subprocess.run(cmd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if res.returncode != 0:
        sys.exit(f"failed ({res.returncode}): {' '.join(cmd)}\n{res.stderr[-3000:]}")
    return {"wall": wall, "cpu": _children_cpu() - before_cpu, "load_before": load_before,
            "load_after": _load(), "stdout": res.stdout, "stderr": res.stderr}


class _Phases:
    """Wall-clock phases of one ``fastclean find`` in this process (the ``trace`` mode)."""

    def __init__(self):
        self.t0 = time.perf_counter()
        self.spans: list = []

    def wrap(self, owner, name: str, label: str, context: bool = False) -> None:
        original = getattr(owner, name)
        phases = self

        if context:
            import contextlib

            @contextlib.contextmanager
            def timed_cm(*a, **k):
                start = time.perf_counter()
                cm = original(*a, **k)
                value = cm.__enter__()
                phases.add(label + " start", start)
                try:
                    yield value
                finally:
                    start = time.perf_counter()
                    cm.__exit__(None, None, None)
                    phases.add(label + " close", start)
            setattr(owner, name, timed_cm)
            return

        def timed_fn(*a, **k):
            start = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                phases.add(label, start)
        setattr(owner, name, timed_fn)

    def add(self, label: str, start: float) -> None:
        self.spans.append((label, start - self.t0, time.perf_counter() - self.t0))


def _trace(argv: list) -> None:
    """Run ``fastclean`` with ``argv`` in this process; print its phases as a JSON line on exit."""
    import atexit

    phases = _Phases()
    sys.path.insert(0, str(HERE.parent / "src"))
    from fastclean import crossval, data, run
    from fastclean.models.cnn import SmallCNN
    from fastclean.scale import cluster, folds

    import fastclean.data_issues as data_issues

    phases.add("imports", phases.t0)
    phases.wrap(cluster, "local_cluster", "cluster", context=True)
    phases.wrap(data, "load_dataset", "load dataset")
    phases.wrap(SmallCNN, "prepare", "prepare inputs")
    phases.wrap(crossval, "cross_val_pred_probs", "pred_probs (all folds)")
    phases.wrap(run, "find_from_probs", "CL core")
    phases.wrap(data_issues, "audit_dataset", "data checks")
    phases.wrap(run, "write_run", "write run dir")

    original_call = folds.DaskJobRunner.__call__

    def traced_runner(self, fn, jobs):
        from distributed import get_task_stream

        with get_task_stream(self.client) as ts:
            start = time.perf_counter()
            result = original_call(self, fn, jobs)
            phases.add("dask fold tasks", start)
        t_ref = time.time() - (time.perf_counter() - phases.t0)
        for task in ts.data:
            for part in task.get("startstops", ()):
                if part.get("action") == "compute":
                    phases.spans.append((f"  task {task['key'][:24]} on {task['worker'][-5:]}",
                                         part["start"] - t_ref, part["stop"] - t_ref))
        return result

    folds.DaskJobRunner.__call__ = traced_runner
    if "--workers" in argv and argv[argv.index("--workers") + 1] == "1":
        phases.wrap(crossval, "fit_fold", "  fold fit (in process)")

    @atexit.register
    def report():
        phases.add("exit", time.perf_counter())
        print("PHASES " + json.dumps([(n, round(a, 2), round(b, 2)) for n, a, b in phases.spans]),
              file=sys.stderr, flush=True)

    from fastclean.cli import main as cli_main

    sys.argv = ["fastclean", *argv]
    cli_main()


def _print_phases(stderr: str, wall: float) -> None:
    for line in stderr.splitlines():
        if line.startswith("PHASES "):
            for name, a, b in json.loads(line[7:]):
                print(f"    {name:<40} {a:7.2f} -> {b:7.2f}  ({b - a:6.2f} s)")
    print(f"    {'(process wall, incl. interpreter start)':<40} {wall:7.2f}")


def bench_mnist(args) -> None:
    fastclean = [sys.executable, __file__, "trace", "--"] if args.phases \
        else [sys.executable, "-m", "fastclean"]
    root = Path(args.work)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    results = {}
    for workers in args.workers:
        out, cache = root / f"run-w{workers}", root / f"cache-w{workers}"
        cmd = fastclean + ["find", "mnist-test", "--noise", "25", "--seed", str(args.seed),
                           "--out", str(out), "--workers", str(workers)]
        if args.data_dir:
            cmd += ["--data-dir", args.data_dir]
        r = timed(cmd, env={"FASTCLEAN_CACHE": str(cache), "FASTCLEAN_THREADS": "1"})
        results[workers] = r
        print(f"--workers {workers}: wall {r['wall']:.1f} s, cpu {r['cpu']:.1f} s, "
              f"load {r['load_before']} -> {r['load_after']}", flush=True)
        if args.phases:
            _print_phases(r["stderr"], r["wall"])
    base, other = args.workers[0], args.workers[-1]
    same = all((root / f"run-w{base}" / name).read_bytes()
               == (root / f"run-w{other}" / name).read_bytes()
               for name in ("issues.csv", "examples.csv", "pred_probs.npy", "data_issues.csv"))
    ratio = results[base]["wall"] / results[other]["wall"]
    print(f"identical run directories (issues, examples, pred_probs, data_issues): {same}")
    print(f"speedup --workers {other} vs {base}: {ratio:.2f}x wall; "
          f"cpu {results[base]['cpu']:.1f} s vs {results[other]['cpu']:.1f} s")


def write_big(path: Path, n: int, k: int, seed: int) -> None:
    """Write labels and float32 pred_probs block by block (never the whole array in memory)."""
    sys.path.insert(0, str(HERE))
    from bench_core import make_data

    path.mkdir(parents=True, exist_ok=True)
    probs = np.lib.format.open_memmap(path / "p.npy", mode="w+", dtype=np.float32, shape=(n, k))
    labels = np.empty(n, dtype=np.int64)
    step = 1_000_000
    for i, start in enumerate(range(0, n, step)):
        y, p = make_data(min(step, n - start), k, np.float32, seed=seed + i)
        probs[start:start + len(y)] = p
        labels[start:start + len(y)] = y
        probs.flush()
    del probs
    np.save(path / "y.npy", labels)


def _mem_available() -> int:
    for line in open("/proc/meminfo"):
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def _peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM; unlike ru_maxrss, not inherited over exec)."""
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _child(args) -> None:
    """One measured run in a fresh process; prints a JSON line."""
    sys.path.insert(0, str(HERE.parent / "src"))
    labels = np.load(Path(args.dir) / "y.npy")
    probs_path = str(Path(args.dir) / "p.npy")
    start = time.perf_counter()
    out = {}
    if args.child == "serial":
        import fastclean

        ranked = fastclean.find_label_issues(labels, probs_path, chunk_rows=args.chunk_rows,
                                             return_indices_ranked_by="self_confidence")
        np.save(Path(args.dir) / "ranked-serial.npy", ranked)
    elif args.child == "dask":
        import distributed

        import fastclean
        from fastclean.scale.cluster import local_cluster

        with local_cluster(2, args.worker_memory) as cluster, distributed.Client(cluster) as c:
            started = time.perf_counter()
            ranked = fastclean.find_label_issues(labels, probs_path, client=c,
                                                 chunk_rows=args.chunk_rows,
                                                 return_indices_ranked_by="self_confidence")
            out["without_startup"] = time.perf_counter() - started
            out["worker_peak_rss_mb"] = sorted(c.run(_peak_rss_mb).values())
        np.save(Path(args.dir) / "ranked-dask.npy", ranked)
    elif args.child == "cleanlab":
        from cleanlab.filter import find_label_issues

        probs = np.load(probs_path)  # in memory, as cleanlab needs
        ranked = find_label_issues(labels, probs, return_indices_ranked_by="self_confidence")
        np.save(Path(args.dir) / "ranked-cleanlab.npy", ranked)
    elif args.child == "batched":
        from cleanlab.experimental.label_issues_batched import find_label_issues_batched

        rows = args.batched_rows
        probs = np.load(probs_path, mmap_mode="r")[:rows]
        ranked = find_label_issues_batched(labels=labels[:rows], pred_probs=probs,
                                           batch_size=100_000, n_jobs=1, verbose=False)
        np.save(Path(args.dir) / "ranked-batched.npy", ranked)
    out["seconds"] = time.perf_counter() - start
    out["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(out))


def _run_child(args, kind: str, cap: int | None = None) -> dict:
    cmd = [sys.executable, __file__, "big", "--child", kind, "--dir", args.dir,
           "--chunk-rows", str(args.chunk_rows), "--worker-memory", args.worker_memory,
           "--batched-rows", str(args.batched_rows)]
    if cap:
        cmd = ["prlimit", f"--as={cap}", "--"] + cmd
    before = _children_cpu()
    start = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True,
                         env={**os.environ, "FASTCLEAN_THREADS": "1", "OMP_NUM_THREADS": "1"})
    wall = time.perf_counter() - start
    info = {"wall": wall, "cpu": _children_cpu() - before, "rc": res.returncode, "load": _load()}
    if res.returncode == 0:
        info.update(json.loads(res.stdout.strip().splitlines()[-1]))
    else:
        info["error"] = (res.stderr.strip().splitlines() or ["?"])[-1][:300]
    print(kind, json.dumps(info), flush=True)
    return info


def bench_big(args) -> None:
    if args.child:
        return _child(args)
    path = Path(args.dir)
    if not (path / "p.npy").exists():
        t = time.perf_counter()
        write_big(path, args.rows, args.classes, args.seed)
        print(f"wrote {args.rows} x {args.classes} float32 in {time.perf_counter() - t:.0f} s",
              flush=True)
    try:
        serial = _run_child(args, "serial")
        dask = _run_child(args, "dask")
        a, b = np.load(path / "ranked-serial.npy"), np.load(path / "ranked-dask.npy")
        print(f"dask == serial chunked: {np.array_equal(a, b)} ({len(a)} issues); "
              f"time ratio dask/serial {dask['wall'] / serial['wall']:.2f} "
              f"(without cluster start-up {dask.get('without_startup', float('nan')) / serial['wall']:.2f})")
        if args.cleanlab_cap:
            # Leave others at least 2 GB: lower the cap if the machine has less to spare.
            available = _mem_available()
            cap = min(args.cleanlab_cap, max(available - (2 << 30), 1 << 30))
            print(f"cleanlab address-space cap {cap / 1e9:.1f} GB "
                  f"(MemAvailable {available / 1e9:.1f} GB)", flush=True)
            _run_child(args, "cleanlab", cap=cap)
            if (path / "ranked-cleanlab.npy").exists():
                c = np.load(path / "ranked-cleanlab.npy")
                print(f"cleanlab in-memory == fastclean: {np.array_equal(a, c)}")
        if args.batched_rows:
            batched = _run_child(args, "batched")
            if batched["rc"] == 0:
                got = np.load(path / "ranked-batched.npy")
                rows = args.batched_rows
                exact = a[a < rows] if rows < args.rows else a
                if rows < args.rows:  # the exact answer on the same prefix
                    import fastclean

                    labels = np.load(path / "y.npy")[:rows]
                    exact = fastclean.find_label_issues(
                        labels, np.load(path / "p.npy", mmap_mode="r")[:rows],
                        return_indices_ranked_by="self_confidence")
                sa, sb = set(exact.tolist()), set(got.tolist())
                print(f"batched on {rows} rows: flags {len(sb)}, exact flags {len(sa)}, "
                      f"in both {len(sa & sb)}, only batched {len(sb - sa)}, "
                      f"only exact {len(sa - sb)}")
    finally:
        if not args.keep:
            shutil.rmtree(path, ignore_errors=True)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["trace", "--"]:
        return _trace(argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    m = sub.add_parser("mnist")
    m.add_argument("--data-dir")
    m.add_argument("--work", default="/tmp/bench-scale-mnist")
    m.add_argument("--workers", type=int, nargs=2, default=[1, 2])
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--phases", action="store_true",
                   help="print each run's phases (cluster start/close, folds, CL, writing)")
    b = sub.add_parser("big")
    b.add_argument("--rows", type=int, default=20_000_000)
    b.add_argument("--classes", type=int, default=100)
    b.add_argument("--dir", default="/tmp/bench-scale-big")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--chunk-rows", type=int, default=250_000)
    b.add_argument("--worker-memory", default="3GB")
    b.add_argument("--cleanlab-cap", type=int, default=0,
                   help="address-space cap (bytes) for cleanlab's in-memory call; 0 skips it")
    b.add_argument("--batched-rows", type=int, default=0,
                   help="rows for cleanlab's find_label_issues_batched; 0 skips it")
    b.add_argument("--keep", action="store_true", help="keep the data on disk")
    b.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    (bench_mnist if args.what == "mnist" else bench_big)(args)


if __name__ == "__main__":
    main()
