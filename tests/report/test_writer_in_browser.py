"""The report of a real run, opened in headless Chromium: it renders, offline, images decoded."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WINDOW = (1280, 2400)


def _require_chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"headless Chromium not found at {CHROMIUM}: install Debian's chromium package")
    return CHROMIUM


def screenshot(report: Path, out: Path) -> Path:
    """Screenshot ``report`` (a local HTML file) with headless Chromium, network disabled."""
    cmd = [
        _require_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--screenshot={out}", f"--window-size={WINDOW[0]},{WINDOW[1]}", report.resolve().as_uri(),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    return out


def test_screenshot_of_a_real_run_report_shows_a_rendered_page(digits_run, tmp_path):
    png = screenshot(digits_run / "report.html", tmp_path / "report.png")
    img = Image.open(png).convert("RGB")
    assert img.size == WINDOW
    pixels = np.asarray(img)
    assert pixels[:40].mean() < 80, "the dark header (inline CSS) is not rendered"
    body = pixels[120:].reshape(-1, 3)
    assert len(np.unique(body[:: 7], axis=0)) > 200, "the page body looks blank"
    # The noise-matrix heatmap (matplotlib 'Blues') puts saturated blue on screen.
    blue = (body[:, 2] > 120) & (body[:, 0] < 60) & (body[:, 1] < 110)
    assert blue.sum() > 2000


def test_every_embedded_image_decodes_and_nothing_is_fetched(tweets_run, digits_run):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_require_chromium(),
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            for run in (digits_run, tweets_run):
                page.goto((run / "report.html").resolve().as_uri(), wait_until="load")
                state = page.evaluate(
                    "Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)"
                )
                assert state and all(state), f"{run.name}: an image failed to decode"
        finally:
            browser.close()
    fetched = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert fetched == []
