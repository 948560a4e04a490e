"""write_report / build_report: structure, self-containment, bench input, errors, scale."""

from __future__ import annotations

import base64
import io
import re
import time

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import fastclean.run as run_module
from fastclean.report import build_report, write_report
from fastclean.run import write_run

from .conftest import bench_rows, synthetic_result

DATA_URI = re.compile(r'src="data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)"')


def _assert_self_contained(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert not re.search(r'(src|href)\s*=\s*["\']?\s*(https?:)?//', lowered)
    assert "@import" not in lowered and "url(" not in lowered


def test_write_run_writes_a_report_with_every_section(digits_run):
    html = (digits_run / "report.html").read_text(encoding="utf-8")
    for anchor in ("summary", "noise-matrix", "per-class", "confidence", "detection", "gallery",
                   "issues"):
        assert f'<section id="{anchor}">' in html, anchor
    assert html.count('<div class="item">') == 24
    _assert_self_contained(html)


def test_embedded_images_are_valid_pngs(digits_run):
    html = (digits_run / "report.html").read_text(encoding="utf-8")
    found = DATA_URI.findall(html)
    # 4 plots (noise matrix, per class, confidence, detection) + 24 thumbnails.
    assert len(found) == 4 + 24
    for mime, payload in found:
        img = Image.open(io.BytesIO(base64.b64decode(payload)))
        img.verify()
        assert img.format.lower() in mime


def test_summary_shows_dataset_model_folds_and_scores(digits_run):
    html = (digits_run / "report.html").read_text(encoding="utf-8")
    summary = pd.read_json(digits_run / "summary.json", typ="series")
    assert "logistic-regression" in html and "<th>folds</th><td>3</td>" in html
    assert f"{int(summary['n_issues']):,}</div><div class=\"k\">issues found" in html
    assert f"{summary['precision']:.3f}" in html and f"{summary['recall']:.3f}" in html
    assert "Timings (seconds)" in html


def test_run_without_truth_has_no_detection_section(tmp_path):
    result = synthetic_result(300, 3)
    result.is_noisy = None
    result.true_labels = None
    html = (write_run(result, tmp_path / "run") / "report.html").read_text(encoding="utf-8")
    assert '<section id="detection">' not in html
    assert '<section id="noise-matrix">' in html
    assert "precision" not in html.split('<section id="summary">')[1].split("</section>")[0]


def test_text_run_shows_tweets_in_gallery(tweets_run):
    html = (tweets_run / "report.html").read_text(encoding="utf-8")
    issues = pd.read_csv(tweets_run / "issues.csv", keep_default_na=False, dtype={"id": str})
    assert '<div class="gallery text">' in html
    first = issues.iloc[0]
    assert first["id"] in html
    words = first["text"].split()[:4]
    assert " ".join(words).replace("&", "&amp;").replace("<", "&lt;") in html


def test_data_from_the_run_is_html_escaped(tmp_path):
    evil = '<script>alert("x")</script>'
    n = 120
    result = synthetic_result(
        n, 2, classes=['<b>cat</b>', 'a & "b"'],
        texts=[f"{evil} tweet {i} <img src=x onerror=alert(1)>" for i in range(n)],
        ids=[f'id"><i>{i}' for i in range(n)],
    )
    result.settings["model"] = "<u>model</u>"
    result.dataset["name"] = "<h1>name</h1>"
    html = (write_run(result, tmp_path / "run") / "report.html").read_text(encoding="utf-8")
    _assert_self_contained(html)
    for raw in ("<b>cat</b>", "<img src=x", 'id"><i>', "<u>model</u>", "<h1>name</h1>"):
        assert raw not in html, raw
    for escaped in ("&lt;b&gt;cat&lt;/b&gt;", "a &amp; &quot;b&quot;", "&lt;script&gt;",
                    "id&quot;&gt;&lt;i&gt;", "&lt;u&gt;model&lt;/u&gt;"):
        assert escaped in html, escaped


def test_bench_directory_gets_plots_and_results_table(tmp_path):
    rows = bench_rows()
    pd.DataFrame(rows).to_csv(tmp_path / "results.csv", index=False)
    sub = tmp_path / "noise-25" / "report.html"
    sub.parent.mkdir()
    sub.write_text("<html></html>")
    out = write_report(tmp_path)
    html = out.read_text(encoding="utf-8")
    assert out == tmp_path / "report.html"
    for anchor in ("bench-summary", "bench-plots", "bench-results", "bench-runs"):
        assert f'<section id="{anchor}">' in html
    assert len(DATA_URI.findall(html)) == 1  # one figure for the one dataset
    assert html.count("<tr>") == 1 + len(rows)
    assert "<th>n_kept</th>" in html  # extra columns of results.csv are kept
    assert 'href="noise-25/report.html"' in html
    _assert_self_contained(html)


def test_bench_results_missing_a_required_column_is_a_value_error(tmp_path):
    pd.DataFrame({"dataset": ["d"], "noise_pct": [5]}).to_csv(tmp_path / "results.csv", index=False)
    with pytest.raises(ValueError, match="strategy"):
        build_report(tmp_path)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(run_dir=3), TypeError, "run_dir"),
        (dict(run_dir="/nonexistent/fastclean-run"), FileNotFoundError, "does not exist"),
        (dict(top_k=-1), ValueError, "top_k"),
        (dict(top_k=2.5), TypeError, "top_k"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(tmp_path, kwargs, exc, match):
    kwargs = {"run_dir": tmp_path, **kwargs}
    with pytest.raises(exc, match=match):
        build_report(**kwargs)


def test_directory_that_is_neither_run_nor_bench_is_rejected_and_left_untouched(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(FileNotFoundError, match="neither a run directory"):
        write_report(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_file_is_not_a_directory(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x")
    with pytest.raises(NotADirectoryError):
        write_report(f)


def test_rewriting_replaces_the_report_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(run_module, "_write_report_if_available", lambda run_dir: None)
    run_dir = write_run(synthetic_result(200, 3), tmp_path / "run")
    (run_dir / "report.html").write_text("old")
    write_report(run_dir, top_k=3)
    assert (run_dir / "report.html").read_text(encoding="utf-8").count('<div class="item">') == 3
    assert not [p for p in run_dir.iterdir() if p.name.startswith(".") and p.name != ".fastclean-run"]


def test_100k_row_run_gives_a_small_report_quickly(tmp_path, monkeypatch):
    monkeypatch.setattr(run_module, "_write_report_if_available", lambda run_dir: None)
    run_dir = write_run(synthetic_result(100_000, 10), tmp_path / "big")
    start = time.perf_counter()
    out = write_report(run_dir)
    seconds = time.perf_counter() - start
    size = out.stat().st_size
    assert seconds < 30, f"report of a 100k-row run took {seconds:.1f} s"
    assert size < 10 * 1024 * 1024, f"report of a 100k-row run is {size / 1e6:.1f} MB"
    html = out.read_text(encoding="utf-8")
    assert "100,000</div>" in html
    assert html.count("<tr>") < 1000  # the issue table is capped, not 100k rows


def test_numeric_looking_class_names_keep_their_spelling(tmp_path):
    result = synthetic_result(200, 3, classes=["01", "02", "10"])
    html = (write_run(result, tmp_path / "run") / "report.html").read_text(encoding="utf-8")
    gallery = html.split('<section id="gallery">')[1].split("</section>")[0]
    labels = re.findall(r'title="given label">([^<]*)<', gallery)
    assert labels and set(labels) <= {"01", "02", "10"}


def test_image_files_under_the_dataset_root_become_thumbnails(tmp_path):
    from sklearn.datasets import load_digits

    root = tmp_path / "images"
    root.mkdir()
    n = 150
    paths = []
    for i, digit in enumerate(load_digits().images[:n]):
        paths.append(str(root / f"{i}.png"))
        Image.fromarray(np.uint8(digit * 15)).resize((64, 64)).save(paths[-1])
    result = synthetic_result(n, 3, paths=paths)
    result.dataset.update({"modality": "image", "root": str(root)})
    html = (write_run(result, tmp_path / "run") / "report.html").read_text(encoding="utf-8")
    shown = min(24, int(pd.read_json(tmp_path / "run" / "summary.json", typ="series")["n_issues"]))
    assert shown > 0 and html.count('src="data:image/jpeg;base64,') == shown


def test_importing_the_report_package_imports_neither_torch_nor_matplotlib():
    import subprocess
    import sys

    code = ("import sys, fastclean.report, fastclean.cli; "
            "print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_minimal_hand_made_run_directory_still_gets_a_report(tmp_path):
    """Only the files read_run needs, summary.json empty: every section degrades, none fails."""
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(3), size=30)
    np.save(tmp_path / "pred_probs.npy", probs)
    np.save(tmp_path / "labels.npy", rng.integers(0, 3, 30))
    (tmp_path / "classes.json").write_text('["a", "b", "c"]')
    (tmp_path / "summary.json").write_text("{}")
    pd.DataFrame({"rank": [1, 2], "index": [4, 9], "id": ["x4", "x9"], "given_label": ["a", "b"],
                  "suggested_label": ["b", "c"], "confidence": [0.9, 0.5]}).to_csv(
        tmp_path / "issues.csv", index=False)
    html = write_report(tmp_path).read_text(encoding="utf-8")
    assert "no estimated noise matrix" in html
    assert html.count('<div class="item">') == 2 and '<section id="detection">' not in html
