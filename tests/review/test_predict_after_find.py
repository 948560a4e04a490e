"""The Predict page on a run straight out of ``fastclean find`` (no ``train`` output needed)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.review.server import CHROMIUM, browser_page, serving, wait_for_app
from tests.helpers import small_tweets

TWEET = "Official: 1,203 new cases of COVID-19 confirmed in Ohio today, 12 deaths"


@pytest.fixture(scope="module")
def _find_run(tmp_path_factory, data_dir) -> Path:
    from fastclean.run import find_in_dataset, write_run

    base = tmp_path_factory.mktemp("find-predict")
    data = small_tweets(data_dir, base / "data")
    result = find_in_dataset("covid-tweets", data_dir=data, split="test", model="tfidf-logreg",
                             progress=False)
    return write_run(result, base / "run")


@pytest.fixture
def find_run(_find_run, tmp_path) -> Path:
    return Path(shutil.copytree(_find_run, tmp_path / "run"))


def test_predict_page_classifies_a_tweet_with_the_find_model(monkeypatch, find_run):
    from streamlit.testing.v1 import AppTest

    import fastclean.review
    from fastclean.models.predictor import MODEL_FILE
    from fastclean.run import read_run

    app = str(Path(fastclean.review.__file__).with_name("app.py"))
    monkeypatch.setattr(sys, "argv", [app, str(find_run), "--allow-pickle", str(find_run / MODEL_FILE)])
    at = AppTest.from_file(app, default_timeout=120).run()
    at.sidebar.radio(key="page").set_value("Predict").run()
    at.text_area(key="predict_text").input(TWEET).run()
    at.button(key="predict").click().run()
    assert not at.exception, at.exception
    import joblib

    probs = joblib.load(find_run / MODEL_FILE).predict_proba([TWEET])[0]
    classes = read_run(find_run).classes
    assert at.metric[0].value == classes[int(probs.argmax())]
    assert f"{probs.max():.1%}" in at.metric[0].delta


@pytest.mark.browser
@pytest.mark.timeout(300)
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"chromium not found at {CHROMIUM}")
def test_predict_page_in_chromium_after_find(find_run, tmp_path):
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from fastclean.models.predictor import MODEL_FILE

    model = find_run / MODEL_FILE
    with serving(find_run, "--allow-pickle", str(model), log=tmp_path / "server.log") as (url, _), \
            browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        page.get_by_text("Predict", exact=True).click()
        wait_for_app(page)
        page.get_by_placeholder("Type a text, e.g. a tweet").fill(TWEET)
        page.keyboard.press("Control+Enter")
        wait_for_app(page)
        page.get_by_role("button", name="Predict").click()
        page.get_by_text("Predicted label").wait_for()
        wait_for_app(page)
        page.screenshot(path=str(tmp_path / "predict.png"))
        body = page.inner_text("body")
    assert "INFORMATIVE" in body and "confident" in body
    assert (tmp_path / "predict.png").stat().st_size > 10_000
