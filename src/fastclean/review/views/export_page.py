"""The *Export* page: the cleaned labels as a CSV download."""

from __future__ import annotations

import streamlit as st

from ..context import ReviewContext
from ..export import cleaned_labels


def render(ctx: ReviewContext) -> None:
    """Draw the page."""
    st.header("Export cleaned labels")
    frame = cleaned_labels(ctx.run, ctx.store)
    counts = frame["decision"].value_counts()
    cols = st.columns(5)
    for col, decision in zip(cols, ["accept", "relabel", "keep", "drop", "none"]):
        col.metric(decision if decision != "none" else "no decision", int(counts.get(decision, 0)))
    st.write(
        "One row per example: `id`, `original_label`, `final_label` (empty when dropped), "
        "`decision` and `decided_at` (UTC). The run's own label files are never modified."
    )
    st.download_button(
        "Download cleaned_labels.csv", frame.to_csv(index=False).encode("utf-8"),
        file_name="cleaned_labels.csv", mime="text/csv", key="download", type="primary",
        on_click="ignore",
    )
    st.caption(f"Without a browser: `fastclean review {ctx.run.path} --export cleaned_labels.csv`")
    st.dataframe(frame[frame["decision"] != "none"], hide_index=True, width="stretch")
