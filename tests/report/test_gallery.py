"""The gallery: images from images.npy or files under the root, tweets as escaped text."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from PIL import Image
from sklearn.datasets import load_digits

from fastclean.report.gallery import gallery


def _issues(n: int, **columns) -> pd.DataFrame:
    base = {
        "rank": np.arange(1, n + 1), "index": np.arange(n), "id": [f"ex{i}" for i in range(n)],
        "given_label": ["cat"] * n, "suggested_label": ["dog"] * n,
        "confidence": np.linspace(0.95, 0.5, n), "label_quality": np.linspace(0.01, 0.3, n),
        "confidence_bucket": ["80+"] * n,
    }
    return pd.DataFrame({**base, **columns})


def test_shows_only_the_first_k_issues_in_rank_order():
    html = gallery(_issues(10), k=4)
    assert html.count('<div class="item">') == 4
    assert re.findall(r"#(\d+)</span>", html) == ["1", "2", "3", "4"]


def test_in_memory_images_become_png_thumbnails_by_index():
    images = np.round(load_digits().images[:6] * 255 / 16).astype(np.uint8)
    issues = _issues(3, index=[5, 0, 2])
    html = gallery(issues, k=3, images=images)
    assert html.count('src="data:image/png;base64,') == 3


def test_image_files_are_read_under_the_root_only(tmp_path):
    root = tmp_path / "root"
    (root / "cat").mkdir(parents=True)
    for i, digit in enumerate(load_digits().images[:2]):
        Image.fromarray(np.uint8(digit * 15)).save(root / "cat" / f"{i}.png")
    (tmp_path / "outside.png").write_bytes((root / "cat" / "0.png").read_bytes())
    paths = ["cat/0.png", str(root / "cat" / "1.png"), "../outside.png", "cat/missing.png"]
    html = gallery(_issues(4, path=paths), k=4, root=str(root))
    assert html.count('src="data:image/jpeg;base64,') == 2
    assert "outside the dataset root" in html and "image not found" in html


def test_tweets_are_escaped_and_long_ones_shortened():
    texts = ['<script>alert(1)</script> & "quotes"', "x" * 2000]
    html = gallery(_issues(2, text=texts), k=2)
    assert '<div class="gallery text">' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    assert "x" * 500 + "…" in html and "x" * 501 not in html


def test_truth_tags_say_whether_the_label_was_corrupted():
    html = gallery(_issues(2, is_noisy=["True", "False"], true_label=["dog", "cat"]), k=2)
    assert "noisy · true dog" in html and html.count('class="tag clean"') == 1


def test_no_issues_gives_a_note():
    assert "No issues" in gallery(_issues(0), k=5)
