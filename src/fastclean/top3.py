"""The ``top3`` column of ``issues.csv``/``examples.csv``: ``"cat:0.700;dog:0.200;bird:0.100"``.

Class names may hold any character. ``%``, ``;`` and ``:`` inside a name are written
percent-encoded (``%25``, ``%3B``, ``%3A``), so that the separators stay unambiguous and
ordinary names read as they are.
"""

from __future__ import annotations

from typing import Sequence

_ESCAPES = (("%", "%25"), (";", "%3B"), (":", "%3A"))


def _escape(name: str) -> str:
    for raw, coded in _ESCAPES:
        name = name.replace(raw, coded)
    return name


def _unescape(name: str) -> str:
    for raw, coded in reversed(_ESCAPES):
        name = name.replace(coded, raw)
    return name


def format_top3(classes: Sequence[str], probs, order) -> str:
    """``name:prob;…`` for the classes in ``order`` (indices into ``classes`` and ``probs``)."""
    return ";".join(f"{_escape(str(classes[k]))}:{probs[k]:.3f}" for k in order)


def parse_top3(text: str) -> list[tuple[str, float]]:
    """The ``(class name, probability)`` pairs of a ``top3`` cell, best first."""
    pairs = []
    for part in str(text).split(";"):
        name, sep, prob = part.rpartition(":")
        if sep:
            try:
                pairs.append((_unescape(name), float(prob)))
            except ValueError:
                continue
    return pairs
