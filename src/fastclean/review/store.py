"""The corrections store: every review decision, as an append-only log in ``review.sqlite``.

A decision is one row, committed in its own transaction, so a crash or a killed server loses
nothing that was acknowledged. Undo never deletes: it appends an ``undo`` row naming the row it
cancels, and the *current* decision for an example is its newest row that is neither an undo
nor undone (the ``latest_decisions`` view). The run's label files are never written.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

STORE_NAME = "review.sqlite"

#: What a reviewer can decide about a flagged example.
ACTIONS = ("accept", "relabel", "keep", "drop")

_SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    example_index  INTEGER NOT NULL,
    example_id     TEXT    NOT NULL,
    action         TEXT    NOT NULL CHECK (action IN ('accept', 'relabel', 'keep', 'drop', 'undo')),
    original_label TEXT    NOT NULL,
    final_label    TEXT,
    undoes         INTEGER REFERENCES decisions(seq),
    decided_at     TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_example ON decisions(example_index, seq);
CREATE UNIQUE INDEX IF NOT EXISTS one_undo_per_decision
    ON decisions(undoes) WHERE undoes IS NOT NULL;
CREATE VIEW IF NOT EXISTS effective_decisions AS
    SELECT d.* FROM decisions AS d
    WHERE d.action != 'undo'
      AND NOT EXISTS (SELECT 1 FROM decisions AS u WHERE u.undoes = d.seq);
CREATE VIEW IF NOT EXISTS latest_decisions AS
    SELECT e.* FROM effective_decisions AS e
    WHERE e.seq = (SELECT MAX(e2.seq) FROM effective_decisions AS e2
                   WHERE e2.example_index = e.example_index);
"""


@dataclass(frozen=True)
class Decision:
    """One row of the decision log."""

    seq: int
    example_index: int
    example_id: str
    action: str
    original_label: str
    final_label: str | None
    undoes: int | None
    decided_at: str


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class CorrectionsStore:
    """Append-only log of review decisions for one run directory.

    Each method opens its own short-lived connection, so the store is safe to use from
    Streamlit's script threads and from several processes at once (SQLite serialises writers).

    Parameters
    ----------
    run_dir : path-like
        The run directory; the store lives in ``run_dir/review.sqlite``.
    classes : sequence of str
        The run's class names; ``relabel`` must name one of them.
    label_sep : str, optional
        For a multi-label run: labels are label *sets*, class names joined by ``label_sep``
        (the empty string is the empty set); every name of a set must be a class.

    Raises
    ------
    FileNotFoundError
        If ``run_dir`` is not an existing directory.

    Examples
    --------
    >>> store = CorrectionsStore(run_dir, classes=["cat", "dog"])   # doctest: +SKIP
    >>> store.decide(3, "img3.png", "accept",
    ...              original_label="cat", final_label="dog")  # doctest: +SKIP
    """

    def __init__(self, run_dir: str | os.PathLike, classes: Sequence[str],
                 label_sep: str | None = None) -> None:
        run_dir = Path(run_dir)
        if not run_dir.is_dir():
            raise FileNotFoundError(f"run_dir: {run_dir} is not a directory")
        self.path = run_dir / STORE_NAME
        self.classes = list(classes)
        self.label_sep = label_sep
        with self._connect() as conn:
            # WAL lets the app read while a decision is being written; FULL makes each commit
            # durable before the click is acknowledged.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.row_factory = sqlite3.Row
        return _ClosingConnection(conn)

    def decide(
        self,
        example_index: int,
        example_id: str,
        action: str,
        *,
        original_label: str,
        final_label: str | None = None,
    ) -> Decision:
        """Record one decision in its own committed transaction.

        Parameters
        ----------
        example_index : int
            Row of the example in the run (``index`` column of ``examples.csv``).
        example_id : str
            The example's stable id (path, tweet id, ...), kept for export.
        action : {"accept", "relabel", "keep", "drop"}
            ``accept`` takes the suggested label, ``relabel`` another label, ``keep`` the given
            label; ``drop`` removes the example from the cleaned data.
        original_label : str
            The given label, as a class name.
        final_label : str, optional
            The label after the decision. Required for ``accept`` and ``relabel``; for ``keep``
            it defaults to ``original_label``; ignored for ``drop``.

        Returns
        -------
        Decision
            The row as stored.

        Raises
        ------
        ValueError
            If ``action`` is unknown, a label is not one of the classes, or ``example_index``
            is negative.
        """
        if action not in ACTIONS:
            raise ValueError(f"action: expected one of {', '.join(ACTIONS)}, got {action!r}")
        if int(example_index) < 0:
            raise ValueError(f"example_index: must be >= 0, got {example_index}")
        self._check_label("original_label", original_label)
        if action == "keep":
            final_label = original_label
        elif action == "drop":
            final_label = None
        else:
            if final_label is None:
                raise ValueError(f"final_label: required for action {action!r}")
            self._check_label("final_label", final_label)
        return self._append(int(example_index), str(example_id), action, original_label,
                            final_label, None)

    def undo(self, example_index: int | None = None) -> Decision | None:
        """Cancel the most recent effective decision, by appending an ``undo`` row.

        Parameters
        ----------
        example_index : int, optional
            Undo that example's latest decision; by default the latest decision of any example.

        Returns
        -------
        Decision or None
            The undo row, or None when there was nothing to undo.
        """
        query = "SELECT * FROM effective_decisions"
        args: tuple = ()
        if example_index is not None:
            query += " WHERE example_index = ?"
            args = (int(example_index),)
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(query + " ORDER BY seq DESC LIMIT 1", args).fetchone()
                if row is None:
                    conn.execute("ROLLBACK")
                    return None
                decision = self._insert(conn, row["example_index"], row["example_id"], "undo",
                                        row["original_label"], None, row["seq"])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return decision

    def latest(self) -> dict[int, Decision]:
        """The current decision of every decided example, keyed by example index."""
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM latest_decisions ORDER BY example_index").fetchall()
        return {row["example_index"]: _to_decision(row) for row in rows}

    def history(self) -> list[Decision]:
        """Every row of the log, undo rows included, oldest first."""
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM decisions ORDER BY seq").fetchall()
        return [_to_decision(row) for row in rows]

    def __iter__(self) -> Iterator[Decision]:
        return iter(self.latest().values())

    def __len__(self) -> int:
        with self._connect() as conn:
            return conn.execute("SELECT COUNT(*) FROM latest_decisions").fetchone()[0]

    def _check_label(self, name: str, label: str) -> None:
        if self.label_sep is not None:
            unknown = [c for c in str(label).split(self.label_sep) if c and c not in self.classes]
            if unknown:
                raise ValueError(f"{name}: {unknown[0]!r} in the label set {label!r} is not one "
                                 "of the run's classes")
            return
        if label not in self.classes:
            raise ValueError(f"{name}: {label!r} is not one of the run's classes")

    def _append(self, index, example_id, action, original, final, undoes) -> Decision:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                decision = self._insert(conn, index, example_id, action, original, final, undoes)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return decision

    @staticmethod
    def _insert(conn, index, example_id, action, original, final, undoes) -> Decision:
        decided_at = _now()
        cur = conn.execute(
            "INSERT INTO decisions (example_index, example_id, action, original_label, final_label,"
            " undoes, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (index, example_id, action, original, final, undoes, decided_at),
        )
        return Decision(cur.lastrowid, index, example_id, action, original, final, undoes,
                        decided_at)


def _to_decision(row: sqlite3.Row) -> Decision:
    return Decision(
        seq=row["seq"], example_index=row["example_index"], example_id=row["example_id"],
        action=row["action"], original_label=row["original_label"], final_label=row["final_label"],
        undoes=row["undoes"], decided_at=row["decided_at"],
    )


class _ClosingConnection:
    """A connection whose ``with`` block closes it (sqlite3's own only ends a transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def __enter__(self) -> sqlite3.Connection:
        return self._conn

    def __exit__(self, *exc) -> None:
        self._conn.close()
