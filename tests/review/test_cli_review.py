"""``fastclean review``: binds to loopback, warns on other hosts, exports without a browser."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import fastclean.cli.review as review_cli
from fastclean.cli import app
from tests.helpers import run_cli


@pytest.fixture
def launched(monkeypatch):
    """Capture the command ``review`` would exec instead of starting a server."""
    calls: list[list[str]] = []
    monkeypatch.setattr(review_cli.os, "execv", lambda path, argv: calls.append(list(argv)))
    return calls


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_review_binds_loopback_by_default_without_a_warning(image_run, launched):
    result = CliRunner().invoke(app, ["review", str(image_run), "--port", "8765"])
    assert result.exit_code == 0, result.output
    (command,) = launched
    assert _option(command, "--server.address") == "127.0.0.1"
    assert _option(command, "--server.port") == "8765"
    assert command[command.index("--") + 1] == str(image_run.resolve())
    assert "warning" not in result.output


def test_a_non_loopback_host_prints_a_warning(image_run, launched):
    result = CliRunner().invoke(app, ["review", str(image_run), "--host", "0.0.0.0"])
    assert result.exit_code == 0
    assert "warning: --host 0.0.0.0 exposes" in result.output
    assert _option(launched[0], "--server.address") == "0.0.0.0"


def test_allow_pickle_is_passed_to_the_app(text_run, launched):
    model = text_run / "model" / "model.joblib"
    result = CliRunner().invoke(app, ["review", str(text_run), "--allow-pickle", str(model)])
    assert result.exit_code == 0, result.output
    assert _option(launched[0], "--allow-pickle") == str(model.resolve())


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("127.0.0.2", True), ("0.0.0.0", False),
                                            ("192.168.1.5", False), ("example.org", False)])
def test_is_loopback(host, loopback):
    assert review_cli.is_loopback(host) is loopback


def test_export_writes_cleaned_labels_without_a_browser(image_run, tmp_path):
    out = tmp_path / "cleaned.csv"
    result = run_cli("review", str(image_run), "--export", str(out))
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame.columns)[:7] == ["index", "id", "split", "original_label", "final_label",
                                       "decision", "decided_at"]
    assert len(frame) == len(pd.read_csv(image_run / "examples.csv"))


@pytest.mark.parametrize(
    "args, message",
    [
        (["{missing}"], "not a fastclean run directory"),
        (["{run}", "--port", "0"], "--port"),
        (["{run}", "--allow-pickle", "{missing}"], "--allow-pickle"),
        (["{run}", "--export", "{existing}"], "already exists"),
    ],
)
def test_bad_input_exits_2_with_one_line(image_run, tmp_path, args, message):
    existing = tmp_path / "exists.csv"
    existing.write_text("x")
    values = {"run": image_run, "missing": tmp_path / "missing", "existing": existing}
    result = CliRunner().invoke(app, ["review", *[a.format(**values) for a in args]])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert existing.read_text() == "x"
