"""The review app, a Streamlit script: ``streamlit run app.py -- RUN_DIR [--allow-pickle PATH]``.

Started by ``fastclean review DIR``. Pages: Issues (decide on flagged examples), Health (how
noisy the labels look), Predict (the run's saved model, if any) and Export (cleaned labels).
"""

from __future__ import annotations

import sys

import streamlit as st

from fastclean.review.context import ReviewContext, load_context, parse_app_args
from fastclean.review.views import (
    data_issues_page, export_page, health_page, issues_page, predict_page,
)

PAGES = {
    "Issues": issues_page.render,
    "Health": health_page.render,
    "Data issues": data_issues_page.render,
    "Predict": predict_page.render,
    "Export": export_page.render,
}

MULTI_LABEL_PAGES = ["Issues", "Export"]


@st.cache_resource(show_spinner=False)
def _context(run_dir: str, allow_pickle: tuple[str, ...]) -> ReviewContext:
    # The run is read once per server; decisions are queried from SQLite on every rerun.
    return load_context(run_dir, allow_pickle)


def main(argv: list[str]) -> None:
    """Render the app for the run directory named in ``argv``."""
    st.set_page_config(page_title="fastclean review", layout="wide")
    args = parse_app_args(argv)
    try:
        ctx = _context(str(args.run_dir.resolve()), tuple(str(p) for p in args.allow_pickle))
    except FileNotFoundError as exc:
        st.error(str(exc))
        st.stop()
    name = ctx.run.dataset.get("name") or ctx.run.path.name
    st.sidebar.title("fastclean review")
    st.sidebar.caption(f"run `{ctx.run.path.name}` · dataset `{name}` · {ctx.modality}")
    # A multi-label run has label sets: the Health, Data issues and Predict pages read
    # single labels, so it gets the Issues and Export pages.
    pages = MULTI_LABEL_PAGES if ctx.store.label_sep is not None else list(PAGES)
    page = st.sidebar.radio("Page", pages, key="page")
    PAGES[page](ctx)


# Streamlit runs this file as ``__main__``; importing it (e.g. a spawned worker re-importing the
# main module) must not start the app.
if __name__ == "__main__":
    main(sys.argv[1:])
