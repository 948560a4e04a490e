"""The Data issues page in headless Chromium: a duplicate set decided with one click."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from tests.review.server import CHROMIUM, browser_page, serving, wait_for_app
from tests.review.test_data_issues_page import make_dup_run

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]

if not CHROMIUM.exists():
    pytest.skip(f"chromium not found at {CHROMIUM} (install Debian's chromium)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def _decisions(run_dir: Path, n: int, timeout: float = 60) -> list[tuple]:
    deadline = time.monotonic() + timeout
    rows: list[tuple] = []
    while time.monotonic() < deadline:
        if (run_dir / "review.sqlite").exists():
            conn = sqlite3.connect(run_dir / "review.sqlite")
            rows = conn.execute("SELECT example_index, action FROM decisions ORDER BY seq").fetchall()
            conn.close()
            if len(rows) >= n:
                return rows
        time.sleep(0.2)
    raise AssertionError(f"expected {n} decisions, found {rows}")


def test_keep_first_drop_the_rest_in_chromium(tmp_path):
    run_dir = make_dup_run(tmp_path / "run", tmp_path / "cache")
    with serving(run_dir, log=tmp_path / "server.log") as (url, _), browser_page() as page:
        page.goto(url)
        page.get_by_text("Data issues", exact=True).first.wait_for()
        wait_for_app(page)
        page.get_by_text("Data issues", exact=True).first.click()
        page.get_by_role("button", name="Keep first, drop the rest").wait_for()
        wait_for_app(page)
        assert page.get_by_text("across splits").first.is_visible()
        shot = Path(os.environ.get("FASTCLEAN_SCREENSHOT_DIR", tmp_path)) / "data-issues.png"
        page.screenshot(path=str(shot), full_page=True)
        page.get_by_role("button", name="Keep first, drop the rest").click()
        assert _decisions(run_dir, 2) == [(0, "keep"), (299, "drop")]
        wait_for_app(page)
        page.get_by_text("1 of 2 duplicate sets decided").first.wait_for()
    assert shot.stat().st_size > 10_000
