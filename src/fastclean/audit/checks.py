"""The data-issue checks, each a score per example (lower = more suspicious, in [0, 1]) and a flag.

- :func:`exact_duplicate_keys` / :func:`exact_duplicates`: a content hash of the raw input;
- :func:`near_duplicates`: pairs closer than a threshold in the embedding space, grouped into sets;
- :func:`cross_split_pairs`: duplicate sets spanning train / valid / test (leakage);
- :func:`conflicting_duplicates`: duplicate sets whose members carry different labels;
- :func:`outliers`: mean distance to the k nearest neighbours;
- :func:`class_imbalance`: the rarest class when it is far below ``1/K`` of the data.

Scores and thresholds follow cleanlab 2.9's Datalab (``near_duplicate``, ``outlier``,
``class_imbalance`` issue managers); :mod:`fastclean.audit.api` picks the thresholds.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .groups import connected_groups
from .neighbors import Neighbors

#: Smallest median distance used as a scale (as Datalab: a dataset of exact copies has median 0).
EPSILON = 1e-6


def normalise_text(text: str) -> str:
    """The text two strings must share to count as exact duplicates.

    Case-folded (``str.casefold``), every run of whitespace collapsed to one space, and stripped
    at both ends. Nothing else: punctuation, URLs and mentions still count.
    """
    return " ".join(str(text).casefold().split())


def exact_duplicate_keys(
    *,
    texts: Sequence[str] | None = None,
    images: np.ndarray | None = None,
    paths: Sequence[str | os.PathLike] | None = None,
) -> list[str]:
    """A content hash (SHA-1, hex) per example of exactly one kind of raw input.

    Parameters
    ----------
    texts : sequence of str, optional
        Hashed after :func:`normalise_text`.
    images : ndarray, optional
        In-memory images (N, ...): each image's shape, dtype and bytes.
    paths : sequence of path, optional
        Files: their bytes (an unreadable file gets a key of its own, never a duplicate).

    Returns
    -------
    list of str
    """
    given = [v is not None for v in (texts, images, paths)]
    if sum(given) != 1:
        raise ValueError("exact_duplicate_keys: give exactly one of texts, images or paths")
    if texts is not None:
        return [hashlib.sha1(normalise_text(t).encode("utf-8")).hexdigest() for t in texts]
    if images is not None:
        arr = np.asarray(images)
        head = f"{arr.dtype.str}{arr.shape[1:]}".encode()
        return [hashlib.sha1(head + np.ascontiguousarray(im).tobytes()).hexdigest() for im in arr]
    keys = []
    for i, path in enumerate(paths):
        h = hashlib.sha1()
        try:
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        except OSError:
            h.update(f"unreadable:{i}".encode())
        keys.append(h.hexdigest())
    return keys


def exact_duplicates(keys: Sequence[str]) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of examples with the same key: each one to its set's first.

    Returns
    -------
    ndarray of int64, shape (P, 2)
    """
    first: dict[str, int] = {}
    pairs = []
    for i, key in enumerate(keys):
        j = first.setdefault(key, i)
        if j != i:
            pairs.append((j, i))
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)


@dataclass
class NearDuplicates:
    """Result of :func:`near_duplicates`."""

    pairs: np.ndarray          # (P, 2), i < j, sorted
    distances: np.ndarray      # (P,) distance of each pair
    scores: np.ndarray         # (N,) 1 - exp(-d_nn / median d_nn); 0 for an exact copy
    is_issue: np.ndarray       # (N,) in at least one pair
    radius: float              # pairs are closer than this
    median_nn_distance: float


def near_duplicates(
    neighbors: Neighbors,
    *,
    threshold: float = 0.13,
    relative: bool = True,
    images: np.ndarray | None = None,
    pixel_threshold: float | None = None,
    cache_dir: str | os.PathLike | None = None,
) -> NearDuplicates:
    """Pairs of examples closer than a radius among each other's k nearest neighbours.

    Parameters
    ----------
    neighbors : Neighbors
    threshold : float
        The radius: ``threshold`` times the median nearest-neighbour distance when
        ``relative`` (Datalab's rule, default 0.13), else an absolute distance.
    relative : bool
    images : ndarray (N, H, W[, C]), optional
        With ``pixel_threshold``: the raw images. Pairs within the radius are then only
        candidates, kept when their pixels at the best alignment differ by less than
        ``pixel_threshold`` (relative, :func:`~fastclean.audit.images.aligned_pixel_distance`
        after :func:`~fastclean.audit.images.suppress_background` and
        :func:`~fastclean.audit.images.centre_by_mass`): copies, not look-alikes.
    pixel_threshold : float, optional
    cache_dir : path, optional
        Reuse the pixel distances of the candidate pairs (:mod:`fastclean.audit.cache`).

    Returns
    -------
    NearDuplicates
    """
    if not threshold >= 0:
        raise ValueError(f"threshold: must be >= 0, got {threshold}")
    dist, idx = neighbors.distances, neighbors.indices
    n = len(dist)
    nn = dist[:, 0].astype(np.float64)
    median = max(float(np.median(nn)), EPSILON)
    radius = threshold * median if relative else float(threshold)
    rows, cols = np.nonzero(dist < radius)
    a, b = rows.astype(np.int64), idx[rows, cols]
    pairs = np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)
    pair_dist = dist[rows, cols].astype(np.float64)
    if len(pairs):
        codes, first = np.unique(pairs[:, 0] * n + pairs[:, 1], return_index=True)
        pairs = np.stack([codes // n, codes % n], axis=1)
        pair_dist = pair_dist[first]
    if images is not None and pixel_threshold is not None and len(pairs):
        from .cache import cached_arrays, digest
        from .images import aligned_pixel_distance, centre_by_mass, suppress_background

        key = "pixels-v2-" + digest(np.asarray(images), pairs)
        pixel = cached_arrays(cache_dir, key, lambda: {
            "d": aligned_pixel_distance(centre_by_mass(suppress_background(images)), pairs)})["d"]
        keep = pixel < pixel_threshold
        pairs, pair_dist = pairs[keep], pair_dist[keep]
    is_issue = np.zeros(n, dtype=bool)
    is_issue[pairs.ravel()] = True
    scores = 1.0 - np.exp(-nn / median)
    scores[np.isclose(nn, 0)] = 0.0
    return NearDuplicates(pairs, pair_dist, scores, is_issue, float(radius), median)


@dataclass
class Outliers:
    """Result of :func:`outliers`."""

    scores: np.ndarray         # (N,) exp(-mean kNN distance / its median)
    mean_distance: np.ndarray  # (N,)
    is_issue: np.ndarray       # (N,)
    cutoff: float              # flagged: mean distance above this


def outliers(neighbors: Neighbors, *, threshold: float = 0.37037) -> Outliers:
    """Examples far from their k nearest neighbours.

    An example is an outlier when its mean distance to its k nearest neighbours exceeds
    ``Q3 + (1/threshold - 1) * IQR`` of those means over the dataset (Datalab's rule; 0.37037
    makes it Tukey's fence at 1.7 IQR). Score: ``exp(-mean / median(mean))``.

    Parameters
    ----------
    neighbors : Neighbors
    threshold : float in (0, 1]
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold: must be in (0, 1], got {threshold}")
    mean = neighbors.distances.astype(np.float64).mean(axis=1)
    q1, q3 = np.percentile(mean, [25, 75])
    cutoff = float(q3 + (1.0 / threshold - 1.0) * (q3 - q1))
    scale = max(float(np.median(mean)), 100 * np.finfo(np.float64).eps)
    scores = np.exp(-mean / scale)
    if neighbors.metric == "cosine":
        # Distances within float error of 0 are exact copies, not a tiny-but-real distance.
        scores[mean <= 100 * np.finfo(np.float64).epsneg] = 1.0
    return Outliers(scores, mean, mean > cutoff, cutoff)


@dataclass
class ClassImbalance:
    """Result of :func:`class_imbalance`."""

    scores: np.ndarray       # (N,) the class's share for the rarest class's examples, else 1
    is_issue: np.ndarray     # (N,)
    rarest_class: int
    rarest_share: float
    flagged: bool


def class_imbalance(labels: np.ndarray, n_classes: int, *, threshold: float = 0.1) -> ClassImbalance:
    """Flag the rarest class when its share of the data is below ``threshold / K`` (Datalab's rule).

    Classes with no example at all are not counted as the rarest (they have nothing to flag).
    """
    labels = np.asarray(labels, dtype=np.int64)
    counts = np.bincount(labels, minlength=n_classes)
    share = counts / max(len(labels), 1)
    present = np.flatnonzero(counts > 0)
    rarest = int(present[np.argmin(share[present])])
    flagged = bool(share[rarest] < threshold / n_classes)
    scores = np.where(labels == rarest, share[rarest], 1.0)
    return ClassImbalance(scores, (labels == rarest) & flagged, rarest, float(share[rarest]), flagged)


def duplicate_sets(n: int, *pair_arrays: np.ndarray) -> np.ndarray:
    """Set id per example (-1 for none) from the union of several pair lists (union-find)."""
    pairs = [np.asarray(p, dtype=np.int64).reshape(-1, 2) for p in pair_arrays]
    return connected_groups(n, np.concatenate(pairs) if pairs else np.zeros((0, 2), np.int64))


def cross_split_pairs(groups: np.ndarray, splits: Sequence[str]) -> np.ndarray:
    """Pairs ``(i, j)`` of one duplicate set in different splits: each member to the first
    member of the set (smallest index) found in another split.

    Returns
    -------
    ndarray of int64, shape (P, 2)
    """
    from .groups import group_members

    splits = np.asarray(splits, dtype=object)
    out = []
    for members in group_members(groups):
        member_splits = splits[members]
        if len(set(member_splits)) < 2:
            continue
        for i, s in zip(members, member_splits):
            other = members[member_splits != s][0]
            out.append((int(i), int(other)))
    return np.asarray(out, dtype=np.int64).reshape(-1, 2)


@dataclass
class Conflicts:
    """Result of :func:`conflicting_duplicates`."""

    is_issue: np.ndarray        # (N,) member of a set whose labels disagree
    suggested: np.ndarray       # (N,) the set's majority label (-1 outside conflicting sets)
    scores: np.ndarray          # (N,) share of the set that carries this example's label
    minority: np.ndarray        # (N,) label differs from the majority


def conflicting_duplicates(groups: np.ndarray, labels: np.ndarray) -> Conflicts:
    """Duplicate sets whose members carry different labels, with the majority label suggested.

    Ties go to the smallest label among the most frequent ones.
    """
    from .groups import group_members

    labels = np.asarray(labels, dtype=np.int64)
    n = len(labels)
    is_issue = np.zeros(n, dtype=bool)
    minority = np.zeros(n, dtype=bool)
    suggested = np.full(n, -1, dtype=np.int64)
    scores = np.ones(n, dtype=np.float64)
    for members in group_members(groups):
        member_labels = labels[members]
        if np.all(member_labels == member_labels[0]):
            continue
        values, counts = np.unique(member_labels, return_counts=True)
        majority = values[np.argmax(counts)]
        share = dict(zip(values.tolist(), (counts / len(members)).tolist()))
        is_issue[members] = True
        suggested[members] = majority
        minority[members] = member_labels != majority
        scores[members] = [share[v] for v in member_labels.tolist()]
    return Conflicts(is_issue, suggested, scores, minority)
