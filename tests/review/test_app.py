"""The review app, driven page by page with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import fastclean.review
from fastclean.review.export import cleaned_labels
from fastclean.run import read_run

APP = str(Path(fastclean.review.__file__).with_name("app.py"))


def start(monkeypatch, run_dir: Path, *extra: str) -> AppTest:
    """Run the app as ``streamlit run app.py -- RUN_DIR [extra...]`` would."""
    monkeypatch.setattr(sys, "argv", [APP, str(run_dir), *extra])
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def rows(run_dir: Path, view: str = "decisions") -> list[tuple]:
    conn = sqlite3.connect(run_dir / "review.sqlite")
    return conn.execute(
        f"SELECT example_index, action, original_label, final_label FROM {view} ORDER BY seq"
    ).fetchall()


def shown_id(at: AppTest) -> str:
    """The id of the example on screen, from the '#rank · id `...`' line."""
    line = next(m.value for m in at.markdown if str(m.value).startswith("**#"))
    return line.split("`")[1]


def goto(at: AppTest, page: str) -> AppTest:
    at.sidebar.radio(key="page").set_value(page).run()
    assert not at.exception, at.exception
    return at


def test_issues_page_shows_the_worst_issue_first(monkeypatch, image_run):
    at = start(monkeypatch, image_run)
    first = read_run(image_run).issues.sort_values("rank").iloc[0]
    assert shown_id(at) == first["id"]
    labels = next(str(m.value) for m in at.markdown if "fastclean-labels" in str(m.value))
    assert labels.index(f">{first['given_label']}<") < labels.index(f">{first['suggested_label']}<")
    assert len(at.image) == 1


def test_clicking_accept_leaves_a_row_in_sqlite_and_moves_on(monkeypatch, image_run):
    at = start(monkeypatch, image_run)
    first = read_run(image_run).issues.sort_values("rank").iloc[0]
    at.button(key="accept").click().run()
    assert rows(image_run) == [
        (first["index"], "accept", str(first["given_label"]), str(first["suggested_label"]))
    ]
    assert shown_id(at) != first["id"]
    assert "1 of" in at.get("progress")[0].proto.text


def test_keep_drop_and_relabel_are_recorded(monkeypatch, image_run):
    at = start(monkeypatch, image_run)
    queue = read_run(image_run).issues.sort_values("rank")
    at.button(key="keep").click().run()
    at.button(key="drop").click().run()
    third = queue.iloc[2]
    other = next(c for c in read_run(image_run).classes
                 if c not in (str(third["given_label"]), str(third["suggested_label"])))
    at.selectbox(key=f"relabel_choice_{third['index']}").set_value(other).run()
    at.button(key="relabel").click().run()
    assert rows(image_run, "latest_decisions") == [
        (queue.iloc[0]["index"], "keep", str(queue.iloc[0]["given_label"]),
         str(queue.iloc[0]["given_label"])),
        (queue.iloc[1]["index"], "drop", str(queue.iloc[1]["given_label"]), None),
        (third["index"], "relabel", str(third["given_label"]), other),
    ]


def test_undo_appends_a_row_and_brings_the_example_back(monkeypatch, image_run):
    at = start(monkeypatch, image_run)
    first_id = shown_id(at)
    at.button(key="accept").click().run()
    at.button(key="undo").click().run()
    assert [r[1] for r in rows(image_run)] == ["accept", "undo"]
    assert rows(image_run, "latest_decisions") == []
    assert shown_id(at) == first_id


def test_a_restarted_app_shows_the_decisions_already_made(monkeypatch, image_run):
    at = start(monkeypatch, image_run)
    for _ in range(3):
        at.button(key="accept").click().run()
    restarted = start(monkeypatch, image_run)
    assert "3 of" in restarted.get("progress")[0].proto.text
    restarted.sidebar.toggle(key="hide_decided").set_value(False).run()
    assert restarted.info[0].value.startswith("Decided: **accept**")


def test_filters_restrict_the_queue(monkeypatch, image_run):
    issues = read_run(image_run).issues
    given = str(issues.sort_values("rank").iloc[-1]["given_label"])
    at = start(monkeypatch, image_run)
    at.sidebar.multiselect(key="filter_given_label").set_value([given]).run()
    at.sidebar.multiselect(key="filter_split").set_value(["test"]).run()
    expected = issues[(issues["given_label"].astype(str) == given) & (issues["split"] == "test")]
    if expected.empty:
        assert at.success, "an empty queue says so"
    else:
        assert shown_id(at) == expected.sort_values("rank").iloc[0]["id"]
    at.sidebar.multiselect(key="filter_bucket").set_value(["80+"]).run()
    assert not at.exception


def test_text_run_shows_the_tweet(monkeypatch, text_run):
    at = start(monkeypatch, text_run)
    first = read_run(text_run).issues.sort_values("rank").iloc[0]
    html_blocks = [str(m.value) for m in at.markdown if "fastclean-text" in str(m.value)]
    assert len(html_blocks) == 1
    # the text is HTML-escaped, so compare on a word that needs no escaping
    assert first["text"].split()[0].replace("&", "&amp;") in html_blocks[0]


def test_health_page_shows_the_estimated_noise_rate(monkeypatch, image_run):
    at = goto(start(monkeypatch, image_run), "Health")
    summary = read_run(image_run).summary
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Estimated noise rate"] == f"{summary['estimated_noise_rate']:.1%}"
    assert metrics["Flagged"] == f"{summary['n_issues']:,}"
    assert len(at.dataframe) >= 2


def test_predict_page_explains_when_the_run_saved_no_model(monkeypatch, image_run):
    at = goto(start(monkeypatch, image_run), "Predict")
    assert "saved no model" in at.info[0].value


def test_predict_page_refuses_the_pickle_without_the_flag(monkeypatch, text_run):
    at = goto(start(monkeypatch, text_run), "Predict")
    assert "--allow-pickle" in at.code[0].value
    assert not at.text_area


def test_predict_page_classifies_a_typed_tweet(monkeypatch, text_run):
    model = text_run / "model" / "model.joblib"
    at = goto(start(monkeypatch, text_run, "--allow-pickle", str(model)), "Predict")
    at.text_area(key="predict_text").input("Official: 120 new cases of COVID-19 confirmed today").run()
    at.button(key="predict").click().run()
    assert not at.exception, at.exception
    assert at.metric[0].value in read_run(text_run).classes


def test_export_page_counts_decisions_and_offers_a_download(monkeypatch, image_run):
    at = start(monkeypatch, image_run)
    at.button(key="accept").click().run()
    at.button(key="drop").click().run()
    at = goto(at, "Export")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["accept"] == "1" and metrics["drop"] == "1"
    assert len(at.get("download_button")) == 1
    frame = cleaned_labels(read_run(image_run))
    assert sorted(frame.loc[frame["decision"] != "none", "decision"]) == ["accept", "drop"]


def test_image_outside_the_dataset_root_is_refused_in_the_app(monkeypatch, file_run, tmp_path):
    outside = tmp_path / "secret.png"
    from PIL import Image

    Image.new("L", (8, 8), 255).save(outside)
    issues = pd.read_csv(file_run / "issues.csv", dtype={"id": str})
    issues.loc[issues["rank"] == 1, "path"] = str(outside)
    issues.to_csv(file_run / "issues.csv", index=False)
    at = start(monkeypatch, file_run)
    assert any("outside the dataset root" in e.value for e in at.error)
    assert len(at.image) == 0


def test_image_files_inside_the_root_are_shown(monkeypatch, file_run):
    at = start(monkeypatch, file_run)
    assert not at.error
    assert len(at.image) == 1


@pytest.mark.parametrize("page", ["Issues", "Health", "Predict", "Export"])
def test_every_page_renders_for_a_text_run(monkeypatch, text_run, page):
    goto(start(monkeypatch, text_run), page)


def test_next_and_previous_move_through_the_queue(monkeypatch, image_run):
    queue = read_run(image_run).issues.sort_values("rank")
    at = start(monkeypatch, image_run)
    at.button(key="next").click().run()
    assert shown_id(at) == queue.iloc[1]["id"]
    at.button(key="prev").click().run()
    assert shown_id(at) == queue.iloc[0]["id"]
    assert rows(image_run) == []


def test_when_everything_is_decided_the_page_says_so(monkeypatch, image_run):
    from fastclean.review.store import CorrectionsStore

    run = read_run(image_run)
    store = CorrectionsStore(image_run, run.classes)
    for _, row in run.issues.iterrows():
        store.decide(row["index"], row["id"], "keep", original_label=str(row["given_label"]))
    at = start(monkeypatch, image_run)
    assert "No undecided example" in at.success[0].value
    assert f"{len(run.issues)} of {len(run.issues)}" in at.get("progress")[0].proto.text


def test_a_run_from_bare_arrays_can_be_reviewed(monkeypatch, image_run):
    import json

    (image_run / "images.npy").unlink()
    (image_run / "dataset.json").write_text(json.dumps({"name": None, "modality": "array"}))
    at = start(monkeypatch, image_run)
    assert any("no image or text" in str(m.value) for m in at.markdown)
    at.button(key="accept").click().run()
    assert [r[1] for r in rows(image_run)] == ["accept"]
