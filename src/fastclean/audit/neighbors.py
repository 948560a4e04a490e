"""k nearest neighbours of every example: exact (brute force) or approximate (faiss IVF).

The exact search is faiss's flat index when faiss is installed (``fastclean[audit]``), else
scikit-learn's brute-force ``NearestNeighbors``; both work through the data in blocks.

Both backends return the same thing, a :class:`Neighbors` with ``(N, k)`` distances (ascending)
and indices, the example itself excluded. Cosine distance is computed as the euclidean distance
of L2-normalised rows (``d_cos = d_euc**2 / 2``), so both metrics take the same fast path.

Memory is bounded: the exact search works through the data in row blocks of
``working_memory_mb``; the approximate index holds the vectors once plus its graph.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .validation import check_features, check_k

BACKENDS = ("auto", "exact", "ivf")
#: Above this many examples ``backend="auto"`` uses the approximate index (when faiss is
#: installed). Measured in benchmarks/bench_audit.py (benchmarks/RESULTS.md, issue 12).
EXACT_MAX_ROWS = 20_000
#: Inverted lists probed per query by the approximate index.
IVF_NPROBE = 8
#: Queries per call to the approximate index (bounds its scratch memory).
SEARCH_ROWS = 65_536
#: Scratch memory of the exact search, per block of rows.
WORKING_MEMORY_MB = 256


@dataclass
class Neighbors:
    """The k nearest neighbours of each of N examples (itself excluded).

    Attributes
    ----------
    distances : ndarray of float32, shape (N, k)
        Ascending along each row.
    indices : ndarray of int64, shape (N, k)
    metric : str
    backend : str
        ``"exact"`` or ``"ivf"``.
    """

    distances: np.ndarray
    indices: np.ndarray
    metric: str
    backend: str

    @property
    def k(self) -> int:
        return int(self.indices.shape[1])


def normalise_rows(features: np.ndarray) -> np.ndarray:
    """Rows of ``features`` divided by their L2 norm (float32)."""
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return np.ascontiguousarray(features / norms, dtype=np.float32)


def nearest_neighbors(
    features,
    k: int = 10,
    *,
    metric: str = "cosine",
    backend: str = "auto",
    threads: int | None = None,
    seed: int = 0,
) -> Neighbors:
    """Find the ``k`` nearest neighbours of every row of ``features`` among the other rows.

    Parameters
    ----------
    features : array-like, shape (N, D)
        Finite numbers; under ``metric="cosine"`` no all-zero row.
    k : int
        Neighbours per example; clipped to ``N - 1`` when larger.
    metric : {"cosine", "euclidean"}
    backend : {"auto", "exact", "ivf"}
        ``"auto"``: exact up to :data:`EXACT_MAX_ROWS` examples, and above it the approximate
        inverted-file index of faiss when faiss is installed (``pip install fastclean[audit]``).
    threads : int, optional
        Threads for the search (default: ``FASTCLEAN_THREADS`` or all cores). Results do not
        depend on it: the index's k-means runs single-threaded, and each row is assigned and
        each query answered independently of the others.
    seed : int
        Seeds the k-means of the approximate index.

    Returns
    -------
    Neighbors

    Raises
    ------
    ValueError
        Bad ``features`` (see :func:`~fastclean.audit.validation.check_features`), ``k < 1``,
        unknown ``metric`` or ``backend``.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend: expected one of {', '.join(BACKENDS)}, got {backend!r}")
    x = check_features(features, metric=metric)
    k = check_k(k, len(x))
    if metric == "cosine":
        x = normalise_rows(x)
    if backend == "auto":
        backend = "exact" if len(x) <= EXACT_MAX_ROWS or not _has_faiss() else "ivf"
    threads = threads or _default_threads()
    if backend == "exact":
        dist, idx = _exact_faiss(x, k, threads) if _has_faiss() else _exact(x, k, threads)
    else:
        dist, idx = _ivf(x, k, threads, seed)
    if metric == "cosine":
        dist = np.clip(dist * dist / 2.0, 0.0, 2.0)
    dist = _zero_identical(x, dist, idx)
    return Neighbors(np.ascontiguousarray(dist, dtype=np.float32), idx.astype(np.int64, copy=False),
                     metric, backend)


def _default_threads() -> int:
    env = os.environ.get("FASTCLEAN_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def _exact(x: np.ndarray, k: int, threads: int) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force euclidean k-NN with scikit-learn, block by block (bounded memory)."""
    from sklearn import config_context
    from sklearn.neighbors import NearestNeighbors
    from threadpoolctl import threadpool_limits

    with config_context(working_memory=WORKING_MEMORY_MB), threadpool_limits(threads):
        nn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric="euclidean", n_jobs=1).fit(x)
        # X=None: each row is not its own neighbour (scikit-learn drops it, or the farthest
        # of the k + 1 when exact duplicates tie with it).
        dist, idx = nn.kneighbors(None, n_neighbors=k)
    return dist.astype(np.float32), idx


def _zero_identical(x: np.ndarray, dist: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Distance exactly 0 between identical rows (float rounding leaves ~1e-7 otherwise)."""
    row_hash = np.array([hash(row.tobytes()) for row in x])
    same = row_hash[idx] == row_hash[:, None]
    if same.any():
        rows, cols = np.nonzero(same)
        same[rows, cols] = np.all(x[rows] == x[idx[rows, cols]], axis=1)
        dist = np.where(same, 0.0, dist)
    return dist


def _exact_faiss(x: np.ndarray, k: int, threads: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact k-NN with faiss's flat (brute-force, BLAS) index, in blocks of queries."""
    import faiss

    previous = faiss.omp_get_max_threads()
    try:
        faiss.omp_set_num_threads(threads)
        index = faiss.IndexFlatL2(x.shape[1])
        index.add(x)
        parts = [index.search(x[s:s + SEARCH_ROWS], k + 1) for s in range(0, len(x), SEARCH_ROWS)]
    finally:
        faiss.omp_set_num_threads(previous)
    sq = np.concatenate([p[0] for p in parts])
    idx = np.concatenate([p[1] for p in parts])
    return _drop_self(np.sqrt(np.maximum(sq, 0)), idx, k)


def _has_faiss() -> bool:
    import importlib.util

    return importlib.util.find_spec("faiss") is not None


def _ivf(x: np.ndarray, k: int, threads: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Approximate k-NN with a faiss inverted-file index (IVF-Flat) over all rows.

    About ``2 sqrt(N)`` lists from k-means on a sample of 32 rows per list; each row is looked
    up in the :data:`IVF_NPROBE` lists nearest to it. Distances are exact for the candidates
    found, so a missed neighbour can only make a distance larger, never smaller.
    """
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("backend 'ivf' needs faiss: pip install 'fastclean[audit]'") from exc
    n, d = x.shape
    nlist = int(np.clip(2 * np.sqrt(n), 1, 4096))
    rng = np.random.default_rng(seed)
    sample = x[np.sort(rng.choice(n, size=min(n, 32 * nlist), replace=False))]
    previous = faiss.omp_get_max_threads()
    try:
        faiss.omp_set_num_threads(1)  # k-means: one thread, the same centroids on any machine
        quantizer = faiss.IndexFlatL2(d)
        index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_L2)
        index.cp.niter = 10
        index.cp.seed = seed
        index.cp.min_points_per_centroid = 1
        index.train(sample)
        faiss.omp_set_num_threads(threads)
        index.add(x)
        index.nprobe = min(IVF_NPROBE, nlist)
        parts = [index.search(x[start:start + SEARCH_ROWS], k + 1) for start in range(0, n, SEARCH_ROWS)]
        sq = np.concatenate([p[0] for p in parts])
        idx = np.concatenate([p[1] for p in parts])
    finally:
        faiss.omp_set_num_threads(previous)
    return _drop_self(np.sqrt(np.maximum(sq, 0)), idx, k)


def _drop_self(dist: np.ndarray, idx: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """From k + 1 neighbours per row, drop the row itself (or the farthest when it is absent)."""
    n = len(idx)
    is_self = idx == np.arange(n)[:, None]
    # Missing candidates come back as -1: push them to the end with an infinite distance.
    missing = idx < 0
    dist = np.where(missing, np.inf, dist)
    drop = np.where(is_self.any(axis=1), is_self.argmax(axis=1), k)
    keep = np.ones_like(is_self)
    keep[np.arange(n), drop] = False
    dist = dist[keep].reshape(n, k)
    idx = idx[keep].reshape(n, k)
    order = np.argsort(dist, axis=1, kind="stable")
    return np.take_along_axis(dist, order, 1), np.take_along_axis(idx, order, 1)
