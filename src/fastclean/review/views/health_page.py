"""The *Health* page: estimated noise rate, per-class label quality, most confused class pairs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..context import ReviewContext


def render(ctx: ReviewContext) -> None:
    """Draw the page."""
    summary = ctx.run.summary
    classes = ctx.run.classes
    st.header("Dataset health")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Examples", f"{summary.get('n_examples', len(ctx.run.labels)):,}")
    c2.metric("Flagged", f"{summary.get('n_issues', len(ctx.run.issues)):,}")
    if "estimated_noise_rate" in summary:
        c3.metric("Estimated noise rate", f"{float(summary['estimated_noise_rate']):.1%}")
    if "overall_label_health_score" in summary:
        c4.metric("Label health score", f"{float(summary['overall_label_health_score']):.3f}")

    st.subheader("Per-class label quality")
    per_class = _with_class_names(pd.DataFrame(summary.get("per_class", [])), classes)
    if per_class.empty:
        st.write("The run recorded no per-class health.")
    else:
        st.dataframe(per_class, hide_index=True, width="stretch")

    st.subheader("Most confused class pairs")
    pairs = _with_class_names(pd.DataFrame(summary.get("overlapping_classes", [])), classes)
    if pairs.empty:
        st.write("No overlapping classes were found.")
    else:
        st.dataframe(pairs.head(20), hide_index=True, width="stretch")

    matrix = summary.get("estimated_noise_matrix")
    if matrix:
        st.subheader("Estimated noise matrix P(given label | true label)")
        frame = pd.DataFrame(matrix, index=[f"given {c}" for c in classes],
                             columns=[f"true {c}" for c in classes])
        st.dataframe(frame.style.format("{:.2f}").background_gradient(cmap="Blues", axis=None),
                     width="stretch")


def _with_class_names(frame: pd.DataFrame, classes: list[str]) -> pd.DataFrame:
    """Show class names, not indices: name columns are kept (or made), index columns dropped."""
    frame = frame.copy()
    for column in [c for c in frame.columns if str(c).endswith("index")]:
        name_column = str(column)[: -len("index")].rstrip("_ ")
        if name_column not in frame.columns and pd.api.types.is_integer_dtype(frame[column]):
            frame[name_column] = [classes[int(i)] if 0 <= int(i) < len(classes) else str(i)
                                  for i in frame[column]]
        frame = frame.drop(columns=[column])
    names = [c for c in frame.columns if str(c).startswith("class")]
    frame = frame[names + [c for c in frame.columns if c not in names]]
    return frame.rename(columns=lambda c: str(c).replace("_", " "))
