"""Each report figure renders to an embeddable PNG whose size follows its content."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from fastclean.report import plots


def _png(uri: str) -> Image.Image:
    assert uri.startswith("data:image/png;base64,")
    img = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    img.load()
    assert img.format == "PNG"
    return img


def test_noise_matrix_with_truth_is_two_panels_wide():
    m = np.full((3, 3), 0.1) + np.eye(3) * 0.7
    alone = _png(plots.noise_matrix_plot(m, ["a", "b", "c"]))
    both = _png(plots.noise_matrix_plot(m, ["a", "b", "c"], true=m))
    assert both.width > 1.6 * alone.width
    assert both.height == alone.height


def test_noise_matrix_of_many_classes_zooms_on_the_noisiest_ones():
    k = 200
    m = np.full((k, k), 0.1 / (k - 1)) + np.eye(k) * 0.9
    m[:, 7] = 0.0
    m[7, 7], m[3, 7] = 0.4, 0.6  # class 7 is the noisiest
    names = [f"c{i}" for i in range(k)]
    zoomed = _png(plots.noise_matrix_plot(m, names, max_classes=30))
    assert zoomed.width <= 800 and zoomed.height <= 650
    keep = plots.noisiest_classes(m, 30)
    assert len(keep) == 30 and 7 in keep and np.all(np.diff(keep) > 0)


def test_issues_per_class_draws_a_bar_per_given_class_up_to_the_cap():
    rng = np.random.default_rng(0)
    given, suggested = rng.integers(0, 50, 2000), rng.integers(0, 50, 2000)
    names = [f"class {i}" for i in range(50)]
    five = _png(plots.issues_per_class_plot(given, suggested, names, max_classes=5))
    twenty = _png(plots.issues_per_class_plot(given, suggested, names, max_classes=20))
    assert twenty.height > five.height + 15 * 25


def test_issues_per_class_without_issues_still_renders():
    img = _png(plots.issues_per_class_plot(np.array([], int), np.array([], int), ["a", "b"]))
    assert img.width > 0


def test_confidence_histogram_colours_the_three_buckets():
    conf = np.array([0.3] * 5 + [0.7] * 5 + [0.9] * 5)
    img = np.asarray(_png(plots.confidence_histogram(conf)).convert("RGB")).reshape(-1, 3)
    colours = {tuple(int(h[i : i + 2], 16) for i in (1, 3, 5)) for _, _, _, h in plots.BUCKETS}
    present = {c for c in colours if np.any(np.all(img == c, axis=1))}
    assert present == colours


def test_precision_recall_at_rank_handles_empty_and_full_rankings():
    assert _png(plots.precision_recall_at_rank(np.array([], bool), 10)).width > 0
    assert _png(plots.precision_recall_at_rank(np.ones(50, bool), 50)).width > 0


def test_bench_plot_has_one_panel_per_metric_and_skips_missing_values():
    noise = np.array([5, 5, 25, 25, 50, 50], float)
    series = ["baseline", "prune"] * 3
    acc = np.array([0.9, 0.92, 0.8, 0.88, 0.6, 0.8])
    f1 = np.array([np.nan, 0.9, np.nan, 0.85, np.nan, 0.7])
    one = _png(plots.bench_plot(noise, {"accuracy": (acc, series)}, title="digits"))
    four = _png(plots.bench_plot(
        noise, {"a": (acc, series), "b": (f1, series), "c": (f1, ["both"] * 6), "d": (acc, series)},
        title="d"))
    assert four.height > 1.5 * one.height
    empty = _png(plots.bench_plot(noise, {"f1": (np.full(6, np.nan), series)}, title="none"))
    assert empty.width > 0
