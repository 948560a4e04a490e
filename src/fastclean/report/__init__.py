"""``report.html``: a self-contained page that shows a run (or a benchmark) at a glance.

Plots are matplotlib PNGs and thumbnails are small images, all embedded as base64 ``data:``
URIs; the page has no scripts and no external resources, so it opens offline anywhere.
"""

from .writer import DEFAULT_TOP_K, REPORT_NAME, build_report, write_report

__all__ = ["build_report", "write_report", "DEFAULT_TOP_K", "REPORT_NAME"]
