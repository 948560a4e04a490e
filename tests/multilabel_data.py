"""A small multi-label text CSV for the tests: words of each class, label sets with errors."""

from __future__ import annotations

import csv

import numpy as np

TOPICS = {
    "sport": ["goal", "match", "team", "score", "coach", "league"],
    "politics": ["vote", "election", "senate", "policy", "minister", "party"],
    "tech": ["software", "chip", "laptop", "code", "server", "cloud"],
    "health": ["doctor", "vaccine", "clinic", "diet", "virus", "nurse"],
}
FILLER = ["the", "a", "today", "news", "people", "said", "new", "report", "week", "city"]


def write_multilabel_csv(path, n: int = 240, seed: int = 0, sep: str = "|",
                         error_rate: float = 0.12):
    """Write ``id,text,tags`` rows; return (true class lists, given cells, rows given a wrong set)."""
    rng = np.random.default_rng(seed)
    names = sorted(TOPICS)
    truth, given, wrong = [], [], []
    for i in range(n):
        k = rng.choice([1, 1, 2, 2, 3])
        classes = sorted(rng.choice(len(names), size=k, replace=False).tolist())
        words = [w for c in classes for w in rng.choice(TOPICS[names[c]], 4).tolist()]
        words += rng.choice(FILLER, 5).tolist()
        rng.shuffle(words)
        labelled = set(classes)
        if rng.random() < error_rate:
            flip = int(rng.integers(len(names)))
            labelled ^= {flip}
            wrong.append(i)
        truth.append(classes)
        given_names = sep.join(names[c] for c in sorted(labelled))
        given.append(given_names)
        with open(path, "a" if i else "w", newline="") as fh:
            writer = csv.writer(fh)
            if i == 0:
                writer.writerow(["id", "text", "tags"])
            writer.writerow([f"doc{i}", " ".join(words), given_names])
    return truth, given, wrong
