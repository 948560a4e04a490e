"""Keep / drop decisions on duplicate sets and outliers (the review app's *Data issues* page).

Decisions go to the run's decision log (:class:`~fastclean.review.store.CorrectionsStore`), one
row per example, like the label decisions: ``drop`` removes an example from the cleaned labels,
``keep`` keeps it with its given label. ``keep`` never overrides an example's label decision
(an accepted or relabelled example stays so). Members of a set outside the run (a training
duplicate of a test example in ``find --split test``) are shown but cannot be decided.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .store import CorrectionsStore

#: What can be decided for a whole duplicate set.
SET_ACTIONS = ("keep_all", "keep_first", "drop_all")
_DUPLICATE_TYPES = ("exact_duplicate", "near_duplicate", "cross_split_duplicate")


def duplicate_sets(run: Any) -> list[Any]:
    """The run's duplicate sets, most urgent first (across splits, then conflicting labels).

    Returns
    -------
    list of pandas.DataFrame
        One frame per set, one row per member: ``index`` (-1 outside the run), ``id``,
        ``split``, ``given_label``, ``text`` / ``path`` when known, ``group``; ordered by index,
        members outside the run last.
    """
    import pandas as pd

    table = getattr(run, "data_issues", None)
    if table is None or len(table) == 0:
        return []
    dup = table[table["issue_type"].isin(_DUPLICATE_TYPES) & (table["group"] >= 0)]
    conflicting = set(table.loc[table["issue_type"] == "conflicting_duplicate", "group"])
    sets = []
    for group, rows in dup.groupby("group", sort=True):
        members = {}
        for row in rows.to_dict("records"):
            members.setdefault((row["index"], row["id"]), _member(row, ""))
            if row["issue_type"] == "cross_split_duplicate" and int(row["other_index"]) < 0:
                members.setdefault((-1, row["other_id"]), _member(row, "other_"))
        frame = pd.DataFrame(list(members.values()))
        frame["group"] = int(group)
        frame = frame.sort_values(["_outside", "index", "id"], kind="stable").drop(columns="_outside")
        cross = frame["split"].nunique() > 1
        sets.append((0 if cross else 1, 0 if group in conflicting else 1, int(group), frame))
    sets.sort(key=lambda s: s[:3])
    return [s[3].reset_index(drop=True) for s in sets]


def _member(row: dict, prefix: str) -> dict:
    index = int(row[f"{prefix}index"]) if prefix == "" else -1
    label = row.get("given_label" if prefix == "" else "other_label", "")
    return {
        "index": index, "id": str(row[f"{prefix}id"]), "split": str(row.get(f"{prefix}split", "")),
        "given_label": str(label), "text": str(row.get(f"{prefix}text", "") or ""),
        "path": str(row.get(f"{prefix}path", "") or ""), "_outside": index < 0,
    }


def outlier_queue(run: Any) -> Any:
    """The run's outliers, most unusual (lowest score) first."""
    table = getattr(run, "data_issues", None)
    if table is None:
        return None
    out = table[table["issue_type"] == "outlier"]
    return out.sort_values(["score", "index"], kind="stable").reset_index(drop=True)


def decide_example(store: CorrectionsStore, member: Any, action: str) -> bool:
    """Record ``keep`` or ``drop`` for one example; return whether a row was written.

    ``keep`` is not written over an effective accept / relabel decision; members outside the
    run (``index`` -1) are skipped.
    """
    if action not in ("keep", "drop"):
        raise ValueError(f"action: expected 'keep' or 'drop', got {action!r}")
    index = int(member["index"])
    if index < 0:
        return False
    if action == "keep":
        current = store.latest().get(index)
        if current is not None and current.action in ("accept", "relabel"):
            return False
    store.decide(index, str(member["id"]), action, original_label=str(member["given_label"]))
    return True


def decide_set(store: CorrectionsStore, members: Any, action: str) -> int:
    """Decide a whole duplicate set: ``keep_all``, ``keep_first`` (drop the others) or ``drop_all``.

    ``keep_first`` keeps the first member in the run (smallest index) and drops the rest.

    Returns
    -------
    int
        Rows written.
    """
    if action not in SET_ACTIONS:
        raise ValueError(f"action: expected one of {', '.join(SET_ACTIONS)}, got {action!r}")
    inside = [m for m in members.to_dict("records") if int(m["index"]) >= 0]
    written = 0
    for position, member in enumerate(inside):
        if action == "keep_all" or (action == "keep_first" and position == 0):
            written += decide_example(store, member, "keep")
        else:
            written += decide_example(store, member, "drop")
    return written


def set_status(members: Any, latest: dict) -> str:
    """``"undecided"``, ``"partly decided"`` or ``"decided"`` for a set's in-run members."""
    inside = [int(i) for i in members["index"] if int(i) >= 0]
    decided = int(np.sum([i in latest for i in inside]))
    if decided == 0:
        return "undecided"
    return "decided" if decided == len(inside) else "partly decided"
