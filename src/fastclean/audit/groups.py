"""Union-find over pairs of example indices: the connected components are duplicate sets."""

from __future__ import annotations

import numpy as np


def connected_groups(n: int, pairs: np.ndarray) -> np.ndarray:
    """Label each of ``n`` examples with its duplicate set.

    Parameters
    ----------
    n : int
        Number of examples.
    pairs : ndarray of int, shape (P, 2)
        Edges ``(i, j)``: examples found to be duplicates of each other.

    Returns
    -------
    ndarray of int64, shape (n,)
        ``-1`` for an example in no pair; otherwise the set's id, numbered 0, 1, … in the order
        of each set's smallest index (so the numbering does not depend on the order of ``pairs``).
    """
    parent = np.arange(n, dtype=np.int64)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs):
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        graph = coo_matrix((np.ones(len(pairs), np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        _, parent = connected_components(graph, directed=False)
    groups = np.full(n, -1, dtype=np.int64)
    if not len(pairs):
        return groups
    members = np.zeros(n, dtype=bool)
    members[pairs.ravel()] = True
    comp = parent[members]
    # Number the sets by their smallest member: np.unique's first occurrence in index order.
    _, first, inverse = np.unique(comp, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    groups[members] = rank[inverse]
    return groups


def group_members(groups: np.ndarray) -> list[np.ndarray]:
    """The members of each set (ascending indices), for set ids ``0 … max``."""
    groups = np.asarray(groups)
    rows = np.flatnonzero(groups >= 0)
    if not len(rows):
        return []
    order = rows[np.argsort(groups[rows], kind="stable")]
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    return np.split(order, bounds)
