"""HTML helpers: escaping, number formatting, embedded figures only, a script-free page."""

from __future__ import annotations

import pytest

from fastclean.report.html import esc, figure, fmt, page, table


def test_esc_escapes_markup_and_both_quotes():
    assert esc('<a href="x">\'&') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"


@pytest.mark.parametrize(
    "value, kwargs, expected",
    [(1234567, {}, "1,234,567"), (0.12345, {}, "0.123"), (0.25, {"pct": True}, "25.0 %"),
     (float("nan"), {}, "–"), (None, {}, "–"), (True, {}, "yes"), (3.0, {}, "3"),
     ("<b>", {}, "&lt;b&gt;")],
)
def test_fmt_formats_numbers_and_escapes_text(value, kwargs, expected):
    assert fmt(value, **kwargs) == expected


def test_table_escapes_cells_except_raw_columns():
    html = table(["<h>", "raw"], [["<x>", "<i>ok</i>"]], raw_columns=[1])
    assert "<th>&lt;h&gt;</th>" in html and "<td>&lt;x&gt;</td>" in html and "<td><i>ok</i></td>" in html


def test_figure_refuses_anything_but_embedded_images():
    assert figure("data:image/png;base64,AAAA", "alt").startswith("<figure><img")
    with pytest.raises(ValueError, match="data_uri"):
        figure("https://example.com/x.png", "alt")


def test_page_has_navigation_to_every_section_and_no_script():
    html = page("T<", "S", [("one", "First", "<p>1</p>"), ("two", "Second", "<p>2</p>")])
    assert html.startswith("<!DOCTYPE html>") and "<title>T&lt;</title>" in html
    assert '<a href="#one">First</a>' in html and '<section id="two">' in html
    assert "<script" not in html.lower()
