"""A multi-label run in the review app, in headless Chromium: sets shown, a set relabelled."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from tests.review.server import CHROMIUM, browser_page, serving, wait_for_app
from tests.review.test_multilabel_review import make_multilabel_run

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]

if not CHROMIUM.exists():
    pytest.skip(f"chromium not found at {CHROMIUM} (install Debian's chromium)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def wait_for_decision(run_dir: Path, timeout: float = 60) -> tuple:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (run_dir / "review.sqlite").exists():
            conn = sqlite3.connect(run_dir / "review.sqlite")
            row = conn.execute("SELECT example_index, action, final_label FROM decisions "
                               "ORDER BY seq DESC LIMIT 1").fetchone()
            conn.close()
            if row:
                return row
        time.sleep(0.2)
    raise AssertionError("no decision reached review.sqlite")


def test_label_set_relabel_in_chromium(tmp_path):
    from fastclean.run import read_run

    run_dir = make_multilabel_run(tmp_path / "ml")
    run = read_run(run_dir)
    first = run.issues.sort_values("rank").iloc[0]
    shots = Path(os.environ.get("FASTCLEAN_SCREENSHOTS", tmp_path))
    with serving(run_dir, log=tmp_path / "server.log") as (url, _), browser_page() as page:
        page.goto(url)
        page.get_by_role("button", name="Relabel").wait_for()
        wait_for_app(page)
        labels = page.locator(".fastclean-labels").first
        for name in filter(None, str(first["given_label"]).split("|")):
            assert labels.get_by_text(name, exact=True).first.is_visible()
        page.screenshot(path=str(shots / "multilabel-review.png"), full_page=True)
        # Add one more class to the set in the "Label set" box, then relabel.
        extra = next(c for c in run.classes
                     if c not in str(first["suggested_label"]).split("|"))
        page.get_by_role("combobox", name="Label set", exact=True).click()
        page.get_by_role("option", name=extra, exact=True).click()
        page.keyboard.press("Escape")
        wait_for_app(page)
        page.get_by_role("button", name="Relabel").click()
        index, action, final = wait_for_decision(run_dir)
        wait_for_app(page)
        page.screenshot(path=str(shots / "multilabel-review-after.png"), full_page=True)
    wanted = set(filter(None, str(first["suggested_label"]).split("|"))) | {extra}
    assert (index, action) == (int(first["index"]), "relabel")
    assert final == "|".join(c for c in run.classes if c in wanted)
