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
    """Write ``id,text,tags`` rows; return (true class lists, given cells, wrong rows)."""
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


def write_multilabel_image_csv(folder, n: int = 36, seed: int = 0):
    """``folder/digits.csv`` (``path,digits``) of PNGs showing one or two of the digits 0, 1, 7
    side by side, labelled with the set shown; row 5's set is wrong. Returns the CSV rows."""
    from PIL import Image
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    pools = {d: np.flatnonzero(y == d) for d in (0, 1, 7)}
    rng = np.random.default_rng(seed)
    (folder / "img").mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        shown = sorted(rng.choice([0, 1, 7], size=int(rng.integers(1, 3)), replace=False).tolist())
        tiles = [x[rng.choice(pools[d])].reshape(8, 8) for d in shown]
        tiles += [np.zeros((8, 8))] * (2 - len(tiles))
        pixels = (np.hstack(tiles) * 15).clip(0, 255).astype(np.uint8)
        Image.fromarray(pixels).resize((64, 32)).convert("RGB").save(folder / "img" / f"{i}.png")
        rows.append((f"img/{i}.png", "|".join(str(d) for d in shown)))
    rows[5] = (rows[5][0], "7" if rows[5][1] != "7" else "0")
    with (folder / "digits.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows([("path", "digits"), *rows])
    return rows
