"""The review app in a real browser: ``fastclean review`` as a server, headless Chromium."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tests.review.server import CHROMIUM, browser_page, serving, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]


# Checked at import, so that a machine without a browser skips before building run dirs.
if not CHROMIUM.exists():
    pytest.skip(f"chromium not found at {CHROMIUM} (install Debian's chromium)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def decisions(run_dir: Path) -> list[tuple]:
    conn = sqlite3.connect(run_dir / "review.sqlite")
    try:
        return conn.execute("SELECT example_index, action FROM decisions ORDER BY seq").fetchall()
    finally:
        conn.close()


def wait_for_rows(run_dir: Path, n: int, timeout: float = 60) -> list[tuple]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (run_dir / "review.sqlite").exists() and len(rows := decisions(run_dir)) >= n:
            return rows
        time.sleep(0.2)
    raise AssertionError(f"expected {n} decisions in review.sqlite, found {decisions(run_dir)}")


def open_app(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Accept").wait_for()
    wait_for_app(page)


def test_clicking_accept_in_chromium_records_the_decision(image_run, tmp_path):
    from fastclean.run import read_run

    first = read_run(image_run).issues.sort_values("rank").iloc[0]
    with serving(image_run, log=tmp_path / "server.log") as (url, _), browser_page() as page:
        open_app(page, url)
        assert page.get_by_text(f"{first['id']}").first.is_visible()
        page.get_by_role("button", name="Accept").click()
        assert wait_for_rows(image_run, 1) == [(first["index"], "accept")]
        wait_for_app(page)
        page.get_by_text("1 of").first.wait_for()
        page.screenshot(path=str(tmp_path / "after-accept.png"))
    assert (tmp_path / "after-accept.png").stat().st_size > 10_000


def test_decisions_survive_sigkill_of_the_server(text_run, tmp_path):
    with serving(text_run, log=tmp_path / "server.log") as (url, proc), browser_page() as page:
        open_app(page, url)
        page.get_by_role("button", name="Accept").click()
        wait_for_rows(text_run, 1)
        wait_for_app(page)
        page.get_by_role("button", name="Drop").click()
        wait_for_rows(text_run, 2)
        wait_for_app(page)
        page.keyboard.press("k")  # the Keep shortcut
        made = wait_for_rows(text_run, 3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    assert [action for _, action in made] == ["accept", "drop", "keep"]
    conn = sqlite3.connect(text_run / "review.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert decisions(text_run) == made
    conn.close()
    with serving(text_run, log=tmp_path / "server2.log") as (url, _), browser_page() as page:
        open_app(page, url)
        page.get_by_text("3 of").first.wait_for()
        page.screenshot(path=str(tmp_path / "after-restart.png"))
