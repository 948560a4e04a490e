"""Run the data-issue checks together and gather them into one table (``data_issues.csv``)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from . import checks as C
from .neighbors import nearest_neighbors
from .validation import check_labels

#: Every check ``find_data_issues`` knows; ``labels`` is confident learning, run elsewhere.
CHECKS = ("duplicates", "outliers", "imbalance")
#: Row types of the table, in the order they are listed.
ISSUE_TYPES = (
    "exact_duplicate", "near_duplicate", "cross_split_duplicate", "conflicting_duplicate",
    "outlier", "class_imbalance",
)
COLUMNS = [
    "issue_type", "index", "id", "split", "score", "group", "other_index", "other_id",
    "other_split", "distance", "given_label", "suggested_label",
]

#: Datalab 2.9's settings (``mode="datalab"``): k, metric and the three thresholds.
DATALAB = {"k": 10, "metric": "cosine", "near_duplicate_threshold": 0.13,
           "near_duplicate_relative": True, "outlier_threshold": 0.37037,
           "imbalance_threshold": 0.1, "near_duplicate_pixel_threshold": None,
           "near_duplicate_candidate_threshold": None, "outlier_method": "knn",
           "outlier_fence": 3.0,
           "outlier_pred_probs_threshold": 0.13}
#: fastclean's defaults (``mode="default"``); where they differ from Datalab's, the reason is
#: measured in benchmarks/bench_audit_truth.py (benchmarks/RESULTS.md, issue 12).
DEFAULTS = {**DATALAB, "near_duplicate_pixel_threshold": 0.15,
            "near_duplicate_candidate_threshold": 2.0, "outlier_method": "isolation"}
#: Outlier scores: ``knn`` (mean distance to the k nearest neighbours, Datalab's) or
#: ``isolation`` (:func:`~fastclean.audit.isolation.isolation_outliers`, the default).
OUTLIER_METHODS = ("knn", "isolation")
MODES = {"datalab": DATALAB, "default": DEFAULTS}


@dataclass
class DataIssues:
    """What :func:`find_data_issues` found.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (issue type, example), columns :data:`COLUMNS` (``data_issues.csv``).
    scores, flags : dict of str → ndarray (N,)
        Per-example score (lower = more suspicious) and flag for each issue type computed.
    groups : ndarray (N,), optional
        Duplicate set of each example (-1: none).
    pairs : dict of str → ndarray (P, 2)
        ``exact_duplicate`` / ``near_duplicate`` / ``cross_split_duplicate`` pairs found.
    counts : dict of str → int
        Flagged examples per issue type (and ``duplicate_sets``), for ``summary.json``.
    settings : dict
    timings : dict
    """

    table: Any
    scores: dict[str, np.ndarray] = field(default_factory=dict)
    flags: dict[str, np.ndarray] = field(default_factory=dict)
    groups: np.ndarray | None = None
    pairs: dict[str, np.ndarray] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def parse_checks(checks: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"labels,duplicates"`` or a list → the validated tuple (``None``: every check)."""
    allowed = ("labels", *CHECKS)
    if checks is None:
        return allowed
    items = checks.split(",") if isinstance(checks, str) else list(checks)
    items = [str(c).strip() for c in items if str(c).strip()]
    if not items:
        raise ValueError(f"checks: empty; choose from {', '.join(allowed)}")
    bad = [c for c in items if c not in allowed]
    if bad:
        raise ValueError(f"checks: unknown {', '.join(map(repr, bad))}; choose from {', '.join(allowed)}")
    return tuple(dict.fromkeys(items))


def find_data_issues(
    features=None,
    labels=None,
    *,
    n_classes: int | None = None,
    keys: Sequence[str] | None = None,
    images: np.ndarray | None = None,
    pred_probs: np.ndarray | None = None,
    pred_probs_scores: np.ndarray | None = None,
    ids: Sequence[str] | None = None,
    splits: Sequence[str] | None = None,
    checks: str | Sequence[str] | None = None,
    mode: str = "default",
    k: int | None = None,
    backend: str = "auto",
    threads: int | None = None,
    seed: int = 0,
    cache_dir: str | os.PathLike | None = None,
    **thresholds: Any,
) -> DataIssues:
    """Find duplicates, leakage across splits, conflicting duplicates, outliers and imbalance.

    Parameters
    ----------
    features : array-like, shape (N, D), optional
        Embeddings (e.g. EfficientNet-Lite0 or MiniLM). Without them only the checks that need
        no neighbours run (exact duplicates from ``keys``, class imbalance from ``labels``).
    labels : array-like of int, shape (N,), optional
        Given labels: needed for conflicting duplicates and class imbalance.
    n_classes : int, optional
        Number of classes (default ``labels.max() + 1``).
    keys : sequence of str, optional
        Content hashes of the raw inputs (:func:`~fastclean.audit.checks.exact_duplicate_keys`).
    images : ndarray (N, H, W[, C]), optional
        Small in-memory images (MNIST-like). In ``mode="default"`` near-duplicate candidates
        (within ``near_duplicate_candidate_threshold`` × the median nearest-neighbour distance)
        are confirmed on the pixels (``near_duplicate_pixel_threshold``), see
        :func:`~fastclean.audit.checks.near_duplicates`.
    pred_probs : array-like, shape (N, K), optional
        Out-of-sample predicted probabilities. Without ``features``, outliers come from them
        (with ``labels``; Datalab's rule in both modes,
        :func:`~fastclean.audit.ood.pred_probs_outliers`).
    pred_probs_scores : array-like, shape (N,), optional
        Instead of ``pred_probs``: their outlier scores, already computed block by block
        (:func:`~fastclean.audit.ood.block_scores`, for pred_probs too large for memory).
    ids, splits : sequence of str, optional
        Shown in the table; ``splits`` enables the cross-split (leakage) check.
    checks : str or sequence, optional
        Any of ``duplicates``, ``outliers``, ``imbalance`` (``labels`` is accepted and ignored
        here); default all.
    mode : {"default", "datalab"}
        ``"datalab"``: cleanlab 2.9 Datalab's k, metric and thresholds, for comparison.
    k : int, optional
        Neighbours per example (default: the mode's, 10). Clipped to ``N - 1``.
    backend : {"auto", "exact", "ivf"}
        See :func:`~fastclean.audit.neighbors.nearest_neighbors`.
    cache_dir : path, optional
        Keep the label-free work (neighbours, pixel checks) there and reuse it
        (:mod:`fastclean.audit.cache`): reruns with other labels cost almost nothing.
    **thresholds
        Override the mode's ``near_duplicate_threshold``, ``near_duplicate_relative``,
        ``outlier_threshold``, ``imbalance_threshold``, ``metric``, ``outlier_method``
        (``"isolation"`` by default, ``"knn"`` in ``mode="datalab"``) and ``outlier_fence``
        (isolation: flag above ``Q3 + outlier_fence * IQR``, default 3). With ``images`` the
        isolation forest reads their raw pixels, else the features.

    Returns
    -------
    DataIssues
    """
    import pandas as pd

    if mode not in MODES:
        raise ValueError(f"mode: expected one of {', '.join(MODES)}, got {mode!r}")
    settings = dict(MODES[mode])
    unknown = set(thresholds) - set(settings)
    if unknown:
        raise TypeError(f"find_data_issues: unexpected argument(s) {', '.join(sorted(unknown))}")
    settings.update(thresholds)
    if settings["outlier_method"] not in OUTLIER_METHODS:
        raise ValueError(f"outlier_method: expected one of {', '.join(OUTLIER_METHODS)}, "
                         f"got {settings['outlier_method']!r}")
    if k is not None:
        settings["k"] = k
    wanted = [c for c in parse_checks(checks) if c != "labels"]
    n = _size(features, labels, keys, pred_probs)
    if labels is not None:
        labels = check_labels(labels, n)
        n_classes = int(n_classes if n_classes is not None else labels.max() + 1)
    ids = [str(i) for i in (ids if ids is not None else range(n))]
    splits_arr = np.asarray(splits if splits is not None else [""] * n, dtype=object)
    if len(ids) != n or len(splits_arr) != n:
        raise ValueError(f"ids/splits: expected {n} entries each")

    timings: dict[str, float] = {}
    scores: dict[str, np.ndarray] = {}
    flags: dict[str, np.ndarray] = {}
    rows: list[pd.DataFrame] = []
    nbrs = None
    t = time.perf_counter()
    if features is not None and ("duplicates" in wanted or "outliers" in wanted):
        nbrs = _neighbors(features, settings, backend, threads, seed, cache_dir)
        timings["neighbors"] = time.perf_counter() - t
        settings["backend"] = nbrs.backend
        settings["k_used"] = nbrs.k

    def frame(kind, index, score, **cols):
        index = np.asarray(index, dtype=np.int64)
        data = {"issue_type": kind, "index": index, "id": [ids[i] for i in index],
                "split": splits_arr[index] if len(index) else [], "score": np.round(score, 6)}
        for name, value in cols.items():
            data[name] = value
        if "other_index" in cols:
            other = np.asarray(cols["other_index"], dtype=np.int64)
            data["other_id"] = [ids[i] for i in other]
            data["other_split"] = splits_arr[other] if len(other) else []
        return pd.DataFrame(data)

    groups = None
    pairs_found: dict[str, np.ndarray] = {}
    if "duplicates" in wanted and (keys is not None or nbrs is not None):
        t = time.perf_counter()
        exact_pairs = C.exact_duplicates(keys) if keys is not None else np.zeros((0, 2), np.int64)
        near = None
        if nbrs is not None:
            verify = images is not None and settings["near_duplicate_pixel_threshold"] is not None
            near = C.near_duplicates(
                nbrs,
                threshold=settings["near_duplicate_candidate_threshold"] if verify
                else settings["near_duplicate_threshold"],
                relative=settings["near_duplicate_relative"],
                images=images if verify else None,
                pixel_threshold=settings["near_duplicate_pixel_threshold"],
                cache_dir=cache_dir,
            )
            settings["near_duplicate_rule"] = "pixels" if verify else "radius"
            pairs_found["near_duplicate"] = near.pairs
            settings["near_duplicate_radius"] = near.radius
        groups = C.duplicate_sets(n, exact_pairs, near.pairs if near is not None else exact_pairs[:0])
        pairs_found["exact_duplicate"] = exact_pairs
        if keys is not None:
            exact_groups = C.duplicate_sets(n, exact_pairs)
            members = np.flatnonzero(exact_groups >= 0)
            first = _first_other(exact_groups)
            flags["exact_duplicate"] = exact_groups >= 0
            scores["exact_duplicate"] = np.where(exact_groups >= 0, 0.0, 1.0)
            rows.append(frame("exact_duplicate", members, np.zeros(len(members)),
                              group=groups[members], other_index=first[members],
                              distance=np.zeros(len(members))))
        if near is not None:
            flags["near_duplicate"], scores["near_duplicate"] = near.is_issue, near.scores
            members = np.flatnonzero(near.is_issue)
            rows.append(frame("near_duplicate", members, near.scores[members], group=groups[members],
                              other_index=nbrs.indices[members, 0],
                              distance=np.round(nbrs.distances[members, 0].astype(np.float64), 6)))
        if splits is not None:
            pairs = C.cross_split_pairs(groups, splits_arr)
            pairs_found["cross_split_duplicate"] = pairs
            flag = np.zeros(n, dtype=bool)
            flag[pairs[:, 0]] = True
            flags["cross_split_duplicate"] = flag
            dist = _pair_distance(features, pairs, settings["metric"]) if features is not None \
                else np.zeros(len(pairs))
            rows.append(frame("cross_split_duplicate", pairs[:, 0], np.zeros(len(pairs)),
                              group=groups[pairs[:, 0]], other_index=pairs[:, 1],
                              distance=np.round(dist, 6)))
        if labels is not None:
            conf = C.conflicting_duplicates(groups, labels)
            flags["conflicting_duplicate"], scores["conflicting_duplicate"] = conf.is_issue, conf.scores
            members = np.flatnonzero(conf.is_issue)
            rows.append(frame("conflicting_duplicate", members, conf.scores[members],
                              group=groups[members], other_index=_first_other(groups)[members],
                              given_label=labels[members], suggested_label=conf.suggested[members]))
        timings["duplicates"] = time.perf_counter() - t
    if "outliers" in wanted and nbrs is not None:
        t = time.perf_counter()
        mean_distance = nbrs.distances.astype(np.float64).mean(axis=1)
        if settings["outlier_method"] == "isolation":
            out = _isolation(features, images, settings, seed, cache_dir)
        else:
            out = C.outliers(nbrs, threshold=settings["outlier_threshold"])
        flags["outlier"], scores["outlier"] = out.is_issue, out.scores
        settings["outlier_cutoff"] = out.cutoff
        members = np.flatnonzero(out.is_issue)
        members = members[np.argsort(out.scores[members], kind="stable")]
        rows.append(frame("outlier", members, out.scores[members], other_index=nbrs.indices[members, 0],
                          distance=np.round(mean_distance[members], 6)))
        timings["outliers"] = time.perf_counter() - t
    elif "outliers" in wanted and labels is not None and (
            pred_probs is not None or pred_probs_scores is not None):
        from .ood import flag_scores, pred_probs_outliers

        t = time.perf_counter()
        cut = settings["outlier_pred_probs_threshold"]
        if pred_probs_scores is not None:
            if np.shape(pred_probs_scores) != (n,):
                raise ValueError(f"pred_probs_scores: expected shape ({n},), "
                                 f"got {np.shape(pred_probs_scores)}")
            out = flag_scores(pred_probs_scores, threshold=cut)
        else:
            out = pred_probs_outliers(pred_probs, labels, threshold=cut)
        flags["outlier"], scores["outlier"] = out.is_issue, out.scores
        settings["outlier_cutoff"], settings["outlier_input"] = out.cutoff, "pred_probs"
        members = np.flatnonzero(out.is_issue)
        members = members[np.argsort(out.scores[members], kind="stable")]
        rows.append(frame("outlier", members, out.scores[members], given_label=labels[members]))
        timings["outliers"] = time.perf_counter() - t
    if "imbalance" in wanted and labels is not None:
        imb = C.class_imbalance(labels, n_classes, threshold=settings["imbalance_threshold"])
        flags["class_imbalance"], scores["class_imbalance"] = imb.is_issue, imb.scores
        settings["rarest_class"], settings["rarest_class_share"] = imb.rarest_class, imb.rarest_share
        members = np.flatnonzero(imb.is_issue)
        rows.append(frame("class_imbalance", members, imb.scores[members], given_label=labels[members]))

    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=COLUMNS)
    table = table.reindex(columns=COLUMNS)
    for col in ("group", "other_index", "given_label", "suggested_label"):
        table[col] = table[col].astype("Int64")
    counts = {kind: int(flag.sum()) for kind, flag in flags.items()}
    if groups is not None:
        counts["duplicate_sets"] = int(groups.max() + 1) if len(groups) else 0
    settings.update({"mode": mode, "checks": list(wanted)})
    return DataIssues(table, scores, flags, groups, pairs_found, counts, settings, timings)


def _neighbors(features, settings, backend, threads, seed, cache_dir):
    from .cache import cached_arrays, digest
    from .neighbors import Neighbors

    if cache_dir is None:
        return nearest_neighbors(features, settings["k"], metric=settings["metric"],
                                 backend=backend, threads=threads, seed=seed)
    x = np.ascontiguousarray(features)
    key = "neighbors-" + digest(x, settings["k"], settings["metric"], backend, seed)

    def compute():
        nb = nearest_neighbors(x, settings["k"], metric=settings["metric"], backend=backend,
                               threads=threads, seed=seed)
        return {"distances": nb.distances, "indices": nb.indices, "backend": np.array(nb.backend)}

    found = cached_arrays(cache_dir, key, compute)
    return Neighbors(found["distances"], found["indices"], settings["metric"], str(found["backend"]))


def _isolation(features, images, settings, seed, cache_dir):
    """Isolation-forest outliers, on the raw pixels when small images are given: the features
    made for matching copies have the faint background zeroed, which is what sets a photo
    apart from a handwritten digit."""
    from .cache import cached_arrays, digest
    from .isolation import N_TREES, SUBSAMPLE, flag_anomalies, isolation_outliers

    x = features if images is None else np.asarray(images).reshape(len(images), -1)
    fence = settings["outlier_fence"]
    settings["outlier_input"] = "features" if images is None else "pixels"
    if cache_dir is None:
        return isolation_outliers(x, fence=fence, seed=seed)
    x = np.ascontiguousarray(x)
    key = "isolation-" + digest(x, N_TREES, SUBSAMPLE, seed)
    found = cached_arrays(cache_dir, key, lambda: {"a": isolation_outliers(x, seed=seed).anomaly})
    return flag_anomalies(found["a"], fence=fence)


def _size(features, labels, keys, pred_probs=None) -> int:
    for value in (features, labels, keys, pred_probs):
        if value is not None:
            return len(value)
    raise ValueError("find_data_issues: give features, labels, keys or pred_probs")


def _first_other(groups: np.ndarray) -> np.ndarray:
    """For each set member, the smallest-index other member of its set (-1 outside sets)."""
    from .groups import group_members

    out = np.full(len(groups), -1, dtype=np.int64)
    for members in group_members(groups):
        out[members] = members[0]
        out[members[0]] = members[1]
    return out


def _pair_distance(features, pairs: np.ndarray, metric: str) -> np.ndarray:
    if not len(pairs):
        return np.zeros(0)
    a = np.asarray(features[pairs[:, 0]], dtype=np.float64)
    b = np.asarray(features[pairs[:, 1]], dtype=np.float64)
    if metric == "cosine":
        a /= np.linalg.norm(a, axis=1, keepdims=True)
        b /= np.linalg.norm(b, axis=1, keepdims=True)
        return np.clip(1.0 - (a * b).sum(axis=1), 0.0, 2.0)
    return np.linalg.norm(a - b, axis=1)
