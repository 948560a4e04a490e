"""The *Data issues* page: keep / drop per duplicate set or outlier (``data_issues.csv``)."""

from __future__ import annotations

import html

import streamlit as st

from ..context import ReviewContext
from ..data_issue_queue import (
    decide_example, decide_set, duplicate_sets, outlier_queue, set_status,
)
from ..media import example_image


def render(ctx: ReviewContext) -> None:
    """Draw the page."""
    st.header("Data issues")
    run = ctx.run
    if run.data_issues is None:
        st.info("This run has no data_issues.csv: rerun `fastclean find` with "
                "`--checks labels,duplicates,outliers,imbalance` (the default).")
        return
    counts = run.summary.get("data_issues", {}).get("counts", {})
    if counts:
        cols = st.columns(min(len(counts), 6))
        for col, (kind, n) in zip(cols, counts.items()):
            col.metric(kind.replace("_", " "), int(n))
    latest = ctx.store.latest()
    view = st.radio("Review", ["Duplicate sets", "Outliers"], horizontal=True, key="di_view")
    if view == "Duplicate sets":
        _duplicates(ctx, latest)
    else:
        _outliers(ctx, latest)


def _navigate(key: str, n: int) -> int:
    position = min(int(st.session_state.get(key, 0)), max(n - 1, 0))
    prev, info, nxt = st.columns([1, 3, 1])
    if prev.button("Previous", key=f"{key}_prev", disabled=position == 0):
        position -= 1
    if nxt.button("Next", key=f"{key}_next", disabled=position >= n - 1):
        position += 1
    st.session_state[key] = position
    info.caption(f"{position + 1} of {n}")
    return position


def _duplicates(ctx: ReviewContext, latest: dict) -> None:
    sets = duplicate_sets(ctx.run)
    if not sets:
        st.success("No duplicate sets in this run.")
        return
    decided = sum(set_status(s, latest) == "decided" for s in sets)
    st.progress(decided / len(sets), text=f"{decided} of {len(sets)} duplicate sets decided")
    members = sets[_navigate("di_set", len(sets))]
    splits = sorted(set(members["split"]) - {""})
    labels = sorted(set(members["given_label"]))
    tags = []
    if len(splits) > 1:
        tags.append(f"across splits: {', '.join(splits)}")
    if len(labels) > 1:
        tags.append(f"labels differ: {', '.join(labels)}")
    st.subheader(f"Set {int(members['group'].iloc[0])} · {len(members)} members"
                 + (f" · {' · '.join(tags)}" if tags else ""))
    a, b, c = st.columns(3)
    if a.button("Keep all", key="di_keep_all", type="primary"):
        decide_set(ctx.store, members, "keep_all")
        st.rerun()
    if b.button("Keep first, drop the rest", key="di_keep_first"):
        decide_set(ctx.store, members, "keep_first")
        st.rerun()
    if c.button("Drop all", key="di_drop_all"):
        decide_set(ctx.store, members, "drop_all")
        st.rerun()
    cols = st.columns(min(len(members), 4))
    for i, member in enumerate(members.to_dict("records")):
        with cols[i % len(cols)]:
            _show_member(ctx, member, latest, key=f"di_m_{member['group']}_{i}")


def _outliers(ctx: ReviewContext, latest: dict) -> None:
    queue = outlier_queue(ctx.run)
    if queue is None or len(queue) == 0:
        st.success("No outliers in this run.")
        return
    decided = int(queue["index"].isin(list(latest)).sum())
    st.progress(decided / len(queue), text=f"{decided} of {len(queue)} outliers decided")
    row = queue.iloc[_navigate("di_outlier", len(queue))].to_dict()
    dist = row.get("distance")
    near = ("" if dist is None or dist != dist
            else f" · mean distance to the nearest neighbours {dist:.3f}")
    st.caption(f"score {row['score']:.3f} (lower = more unusual){near}")
    left, _ = st.columns([1, 1])
    with left:
        _show_member(ctx, row, latest, key=f"di_o_{row['index']}")


def _show_member(ctx: ReviewContext, member: dict, latest: dict, *, key: str) -> None:
    index = int(member["index"])
    if ctx.modality == "image" and index >= 0:
        try:
            st.image(example_image(ctx.run, {"index": index, "path": member.get("path", "")}),
                     width=160)
        except (OSError, ValueError, PermissionError) as exc:
            st.warning(f"image not shown: {exc}")
    elif str(member.get("text", "")):
        st.markdown(f"<blockquote>{html.escape(str(member['text']))}</blockquote>",
                    unsafe_allow_html=True)
    st.markdown(f"**{html.escape(str(member.get('given_label', '')))}** · "
                f"{html.escape(str(member.get('split', '')))} · `{html.escape(str(member['id']))}`")
    if index < 0:
        st.caption("outside this run: no decision here")
        return
    decision = latest.get(index)
    st.caption(f"decision: {decision.action if decision else 'none'}")
    k, d = st.columns(2)
    if k.button("Keep", key=f"{key}_keep"):
        decide_example(ctx.store, member, "keep")
        st.rerun()
    if d.button("Drop", key=f"{key}_drop"):
        decide_example(ctx.store, member, "drop")
        st.rerun()
