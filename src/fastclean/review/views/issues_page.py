"""The *Issues* page: the queue of flagged examples, worst first, and the decision buttons.

Keyboard: ``A`` accept the suggestion, ``K`` keep the given label, ``D`` drop, ``L`` relabel
with the chosen class, ``U`` undo the last decision, ``N`` / ``P`` next / previous example.
For a multi-label run, labels are sets: the page shows them as chips and ``Relabel`` takes the
set picked in the *Label set* box (any subset of the classes, the empty set included).
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from ..context import ReviewContext
from ..media import example_image, parse_top3
from .widgets import probability_table

KEYS_HELP = (
    "Keys: **A** accept suggestion · **K** keep given · **D** drop · **L** relabel to the chosen "
    "class · **U** undo · **N** / **P** next / previous"
)
_BUCKETS = ["<60", "60-80", "80+"]


def render(ctx: ReviewContext) -> None:
    """Draw the page."""
    issues = ctx.run.issues.sort_values("rank", kind="stable")
    latest = ctx.store.latest()
    st.header("Label issues")
    _progress(issues, latest)

    queue = _filtered_queue(issues, latest, ctx.run.classes, ctx.store.label_sep)
    if queue.empty:
        st.success("No undecided example matches these filters: everything here has a decision "
                   "(switch off *Hide decided examples* to revisit them).")
        _undo_button(ctx)
        return

    position = _current_position(queue)
    row = queue.iloc[position]
    keys = KEYS_HELP if ctx.store.label_sep is None else KEYS_HELP.replace("chosen class",
                                                                          "chosen label set")
    st.caption(f"Example {position + 1} of {len(queue)} in this queue · {keys}")
    left, right = st.columns([1, 1], gap="large")
    with left:
        _show_input(ctx, row)
    with right:
        _show_labels(row, latest.get(int(row["index"])), ctx.store.label_sep)
        _actions(ctx, row)
    st.subheader("Queue")
    _queue_table(queue, latest)


def _progress(issues: pd.DataFrame, latest: dict) -> None:
    n = len(issues)
    decided = int(issues["index"].isin(list(latest)).sum())
    st.progress(decided / n if n else 1.0, text=f"{decided} of {n} flagged examples decided")


def _filtered_queue(issues: pd.DataFrame, latest: dict, classes: list[str],
                    sep: str | None = None) -> pd.DataFrame:
    sb = st.sidebar
    sb.subheader("Filter the queue")
    mask = pd.Series(True, index=issues.index)
    for column, title in (("split", "Split"), ("given_label", "Given label"),
                          ("suggested_label", "Suggested label")):
        if sep is not None and column != "split":  # label sets: filter by a class they hold
            sets = issues[column].astype(str).map(lambda cell: set(_set_names(cell, sep)))
            present = set().union(*sets) if len(sets) else set()
            options = [c for c in classes if c in present]
            chosen = sb.multiselect(f"{title} set holds", options, key=f"filter_{column}")
            if chosen:
                mask &= sets.map(lambda names: bool(names & set(chosen)))
            continue
        present = set(issues[column].astype(str)) - {""}
        # Classes in the run's order ("2" before "10"); splits alphabetically.
        options = [c for c in classes if c in present] + sorted(present - set(classes))
        if options:
            chosen = sb.multiselect(title, options, key=f"filter_{column}")
            if chosen:
                mask &= issues[column].astype(str).isin(chosen)
    buckets = [b for b in _BUCKETS if b in set(issues["confidence_bucket"].astype(str))]
    chosen = sb.multiselect("Confidence", buckets, key="filter_bucket")
    if chosen:
        mask &= issues["confidence_bucket"].astype(str).isin(chosen)
    if sb.toggle("Hide decided examples", value=True, key="hide_decided"):
        mask &= ~issues["index"].isin(list(latest))
    return issues[mask]


def _current_position(queue: pd.DataFrame) -> int:
    state = st.session_state
    focus = state.pop("focus_index", None)
    if focus is not None:
        hits = (queue["index"] == focus).to_numpy().nonzero()[0]
        if len(hits):
            state["position"] = int(hits[0])
    position = min(max(int(state.get("position", 0)), 0), len(queue) - 1)
    state["position"] = position
    return position


def _show_input(ctx: ReviewContext, row: pd.Series) -> None:
    if ctx.modality == "image":
        try:
            st.image(example_image(ctx.run, row), caption=str(row["id"]))
        except (PermissionError, FileNotFoundError, ValueError) as exc:
            st.error(f"cannot show this image: {exc}")
    elif "text" in row:
        st.markdown(
            f'<div class="fastclean-text" style="font-size:1.25rem;line-height:1.6;padding:1rem;'
            f'border:1px solid #ddd;border-radius:0.5rem">{html.escape(str(row["text"]))}</div>',
            unsafe_allow_html=True,
        )
        st.caption(f"id {row['id']}")
    else:
        st.write(f"example `{row['id']}` (no image or text stored in this run)")


def _set_names(cell: str, sep: str) -> list[str]:
    return [name for name in str(cell).split(sep) if name]


def _chips(cell: str, sep: str, color: str) -> str:
    names = _set_names(cell, sep)
    if not names:
        return '<span style="opacity:0.6">∅ no label</span>'
    return " ".join(
        f'<span class="fastclean-chip" style="display:inline-block;margin:0 0.3rem 0.3rem 0;'
        f'padding:0.1rem 0.6rem;border-radius:1rem;border:1px solid {color};color:{color}">'
        f"{html.escape(name)}</span>" for name in names)


def _show_labels(row: pd.Series, decision, sep: str | None = None) -> None:
    split = f" · {row['split']}" if str(row.get("split", "")) else ""
    st.markdown(f"**#{int(row['rank'])}** · id `{row['id']}`{split}")
    if sep is not None:
        st.markdown(_sets_html(row, sep), unsafe_allow_html=True)
    else:
        st.markdown(_labels_html(str(row["given_label"]), str(row["suggested_label"]),
                                 float(row["confidence"])), unsafe_allow_html=True)
    top = parse_top3(row["top3"])
    if top:
        probability_table(top)
    st.caption(f"label quality {float(row['label_quality']):.3f} (lower is more suspicious)")
    if decision is not None:
        final = decision.final_label if decision.final_label is not None else "—"
        st.info(f"Decided: **{decision.action}** → {final}")


def _sets_html(row: pd.Series, sep: str) -> str:
    """Given vs suggested label *set*, as chips, and which memberships look wrong."""
    parts = [("Given label set", row["given_label"], "inherit"),
             ("Suggested set (model ≥ 50 %)", row["suggested_label"], "#1a7f37")]
    if str(row.get("wrongly_given", "")):
        parts.append(("Looks wrongly given", row["wrongly_given"], "#b42318"))
    if str(row.get("wrongly_missing", "")):
        parts.append(("Looks missing", row["wrongly_missing"], "#8a5a00"))
    boxes = "".join(
        f'<div style="margin-bottom:0.5rem"><div style="font-size:0.85rem;opacity:0.7">{title}'
        f'</div><div style="font-size:1.2rem;font-weight:600">{_chips(cell, sep, color)}</div>'
        f"</div>" for title, cell, color in parts)
    return f'<div class="fastclean-labels">{boxes}</div>'


def _labels_html(given: str, suggested: str, confidence: float) -> str:
    """Given vs suggested label, large; long class names wrap instead of being cut."""
    box = ('<div style="flex:1;min-width:0"><div style="font-size:0.85rem;opacity:0.7">{title}</div>'
           '<div style="font-size:1.6rem;font-weight:600;overflow-wrap:anywhere;color:{color}">'
           '{label}</div>{note}</div>')
    given_box = box.format(title="Given label", color="inherit", label=html.escape(given), note="")
    suggested_box = box.format(
        title="Suggested", color="#1a7f37", label=html.escape(suggested),
        note=f'<div style="font-size:0.85rem">{confidence:.0%} confident</div>')
    return (f'<div class="fastclean-labels" style="display:flex;gap:1rem;margin-bottom:0.8rem">'
            f"{given_box}{suggested_box}</div>")


def _actions(ctx: ReviewContext, row: pd.Series) -> None:
    index = int(row["index"])
    args = (ctx, row)
    a, k, d = st.columns(3)
    suggested = str(row["suggested_label"])
    a.button("Accept", key="accept", help=f"Accept the suggested label {suggested}", shortcut="A",
             type="primary", on_click=_decide, args=(*args, "accept", suggested), width="stretch")
    k.button("Keep", key="keep", help="Keep the given label", shortcut="K", on_click=_decide,
             args=(*args, "keep", None), width="stretch")
    d.button("Drop", key="drop", shortcut="D", on_click=_decide, args=(*args, "drop", None),
             width="stretch")
    classes = ctx.run.classes
    sep = ctx.store.label_sep
    choice, relabel = st.columns([2, 1], vertical_alignment="bottom")
    if sep is not None:  # a label set: any subset of the classes, the empty set included
        picked = choice.multiselect("Label set", classes, default=[
            c for c in _set_names(suggested, sep) if c in classes], key=f"relabel_set_{index}")
        chosen = sep.join(c for c in classes if c in picked)
    else:
        default = classes.index(suggested) if suggested in classes else 0
        chosen = choice.selectbox("Another label", classes, index=default,
                                  key=f"relabel_choice_{index}")
    relabel.button("Relabel", key="relabel", shortcut="L", on_click=_decide,
                   args=(*args, "relabel", chosen), width="stretch")
    prev, nxt, undo = st.columns(3)
    prev.button("Previous", key="prev", shortcut="P", on_click=_move, args=(-1,), width="stretch")
    nxt.button("Next", key="next", shortcut="N", on_click=_move, args=(1,), width="stretch")
    with undo:
        _undo_button(ctx)


def _undo_button(ctx: ReviewContext) -> None:
    st.button("Undo", key="undo", shortcut="U", on_click=_undo, args=(ctx,), width="stretch")


def _decide(ctx: ReviewContext, row: pd.Series, action: str, final_label: str | None) -> None:
    ctx.store.decide(
        int(row["index"]), str(row["id"]), action,
        original_label=str(row["given_label"]), final_label=final_label,
    )
    st.toast(f"{action}: {row['id']}")
    if not st.session_state.get("hide_decided", True):
        st.session_state["position"] = st.session_state.get("position", 0) + 1


def _undo(ctx: ReviewContext) -> None:
    undone = ctx.store.undo()
    if undone is None:
        st.toast("Nothing to undo")
        return
    st.session_state["focus_index"] = undone.example_index
    st.toast(f"Undid the decision on {undone.example_id}")


def _move(step: int) -> None:
    st.session_state["position"] = st.session_state.get("position", 0) + step


def _queue_table(queue: pd.DataFrame, latest: dict) -> None:
    columns = [c for c in ("rank", "id", "split", "given_label", "suggested_label", "confidence",
                           "text") if c in queue.columns]
    table = queue[columns].head(500).copy()
    table["decision"] = [latest[i].action if i in latest else "" for i in queue["index"].head(500)]
    st.dataframe(table, hide_index=True, width="stretch", height=280)
