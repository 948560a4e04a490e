"""Start ``fastclean review`` as a real server and drive it with headless Chromium."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

CHROMIUM = Path(os.environ.get("FASTCLEAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-extensions", "--disable-sync",
    "--no-first-run", "--mute-audio",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(run_dir: Path, port: int, *extra: str, log: Path | None = None) -> subprocess.Popen:
    """Run ``python -m fastclean review RUN_DIR --port PORT`` and wait until it answers."""
    out = open(log, "ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "fastclean", "review", str(run_dir), "--port", str(port), *extra],
        stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"fastclean review exited early with {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        time.sleep(0.3)
    stop(proc)
    raise RuntimeError("fastclean review did not answer within 90 s")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def serving(run_dir: Path, *extra: str, log: Path | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """A running review server for ``run_dir``: yields its URL and process, stops it after."""
    port = free_port()
    proc = start_server(run_dir, port, *extra, log=log)
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop(proc)


@contextlib.contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    """A Playwright page in the system's headless Chromium (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished a script run (no 'Running...' status widget)."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_timeout(500)  # give a rerun triggered just before time to start
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.wait_for_timeout(300)
