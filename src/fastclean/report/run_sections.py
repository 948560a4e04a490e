"""The report sections of a ``find`` run directory (read with :func:`fastclean.run.read_run`)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from . import plots
from .gallery import gallery
from .html import esc, figure, fmt, key_values, table

_ISSUE_TABLE_ROWS = 200
_MAX_CLASS_NAMES = 30
_MAX_CLASS_CHARS = 240

Section = tuple[str, str, str]


def run_sections(run: Any, *, top_k: int) -> list[Section]:
    """Build every section of a run's report.

    Parameters
    ----------
    run : fastclean.run.Run
        The run directory, read back.
    top_k : int
        Number of issues in the gallery.

    Returns
    -------
    list of (anchor, title, html)
    """
    summary = run.summary
    issues = _with_exact_label_names(run)
    sections: list[Section] = [("summary", "Summary", _summary(run))]
    sections.append(("noise-matrix", "Noise matrix", _noise_matrix(run)))
    sections.append(("per-class", "Issues per class", _per_class(run, issues)))
    sections.append(("confidence", "Confidence of the suggestions", _confidence(issues)))
    if "is_noisy" in issues.columns and summary.get("n_actual_noisy") is not None:
        sections.append(("detection", "Detection against the truth", _detection(run, issues)))
    root = run.dataset.get("root") or summary.get("dataset", {}).get("root")
    sections.append((
        "gallery",
        f"Worst {min(top_k, len(issues))} issues",
        gallery(issues, k=top_k, images=run.images, root=root,
                also=run.dataset.get("link_roots") or ()),
    ))
    sections.append(("issues", "Issue list", _issue_table(issues, len(run.labels))))
    skipped = run.dataset.get("skipped") or []
    if skipped:
        sections.append(("skipped", f"Skipped inputs ({len(skipped)})", _skipped(skipped)))
    from .data_issue_sections import data_issue_sections

    sections += data_issue_sections(run, top_k=top_k)
    return sections


def _skipped(skipped: list, shown: int = 200) -> str:
    """The unreadable inputs ``--skip-bad`` left out of the run (the first ``shown``)."""
    items = "".join(f"<li><code>{esc(str(s))}</code></li>" for s in skipped[:shown])
    more = f"<p>… and {len(skipped) - shown} more (all in summary.json).</p>" if len(skipped) > shown else ""
    return (f"<p>{len(skipped)} input(s) could not be read and were left out of the run "
            f"(<code>--skip-bad</code>):</p><ul>{items}</ul>{more}")


def _with_exact_label_names(run: Any) -> Any:
    """``issues`` with given/suggested names taken from labels.npy and pred_probs.npy.

    The CSV round trip turns class names such as ``"01"`` into the number 1; the arrays and
    classes.json are exact.
    """
    issues = run.issues.copy()
    if len(issues) == 0 or "index" not in issues.columns:
        return issues
    rows = issues["index"].to_numpy(dtype=np.int64)
    if rows.min() < 0 or rows.max() >= len(run.labels):
        return issues
    names = np.asarray(run.classes, dtype=object)
    issues["given_label"] = names[np.asarray(run.labels)[rows]]
    issues["suggested_label"] = names[np.asarray(run.pred_probs[rows]).argmax(axis=1)]
    return issues


def title_of(run: Any) -> str:
    """A short title: the dataset name, or the run directory's name."""
    name = run.dataset.get("name") or run.summary.get("dataset", {}).get("name") or run.path.name
    return f"fastclean report: {name}"


def subtitle_of(run: Any) -> str:
    """One line: examples, classes and issues."""
    s = run.summary
    n = int(s.get("n_examples", len(run.labels)))
    return (f"{n:,} examples · {int(s.get('n_classes', len(run.classes)))} classes · "
            f"{int(s.get('n_issues', len(run.issues))):,} issues")


def _summary(run: Any) -> str:
    s = run.summary
    settings = s.get("settings") or {}
    dataset = {**(s.get("dataset") or {}), **run.dataset}
    n = s.get("n_examples", len(run.labels))
    n_issues = s.get("n_issues", len(run.issues))
    cards = [
        ("examples", fmt(n), ""),
        ("classes", fmt(s.get("n_classes", len(run.classes))), ""),
        ("issues found", fmt(n_issues), "bad" if n_issues else "ok"),
        ("flagged", fmt(n_issues / n if n else 0.0, pct=True), ""),
        ("estimated noise rate", fmt(s.get("estimated_noise_rate"), pct=True), ""),
    ]
    if s.get("n_actual_noisy") is not None:
        cards.append(("actually noisy", fmt(s["n_actual_noisy"]), ""))
    for key in ("precision", "recall", "f1", "auprc"):
        if s.get(key) is not None:
            cards.append((key if key != "f1" else "F1", f"{float(s[key]):.3f}", "ok"))
    if s.get("overall_label_health_score") is not None:
        cards.append(("label health score", fmt(s["overall_label_health_score"]), ""))
    html_cards = "".join(
        f'<div class="card {c}"><div class="v">{v}</div><div class="k">{esc(k)}</div></div>'
        for k, v, c in cards
    )
    classes = list(run.classes)
    shown_names: list[str] = []
    for name in classes[:_MAX_CLASS_NAMES]:
        if sum(len(n) + 2 for n in shown_names) + len(name) > _MAX_CLASS_CHARS:
            break
        shown_names.append(name)
    shown = ", ".join(shown_names)
    if len(shown_names) < len(classes):
        shown += f", … and {len(classes) - len(shown_names)} more"
    facts: list[tuple[str, str]] = [
        ("dataset", esc(dataset.get("name", "–"))),
        ("modality", esc(dataset.get("modality", "–"))),
        ("classes", esc(shown)),
        ("model", esc(settings.get("model", "–"))),
        ("folds", esc(settings.get("folds", settings.get("n_folds", "–")))),
        ("filter_by", esc(settings.get("filter_by", "–"))),
        ("rank_by", esc(settings.get("rank_by", settings.get("return_indices_ranked_by", "–")))),
    ]
    for key in ("accuracy_vs_given_labels", "accuracy_vs_true_labels"):
        if s.get(key) is not None:
            facts.append((key.replace("_", " "), fmt(s[key], pct=True)))
    shown_keys = {"name", "modality", "model", "folds", "n_folds", "filter_by", "rank_by",
                  "return_indices_ranked_by"}
    shown_keys |= {"n_classes"}
    shown_values = {str(dataset.get("name"))}
    for key, value in {**dataset, **settings}.items():
        if key in shown_keys or value in (None, "", [], {}) or str(value) in shown_values:
            continue  # e.g. settings.dataset repeats dataset.name; skipped=[] says nothing
        facts.append((str(key), esc(_plain(value))))
    timings = s.get("timings") or {}
    timing_html = ""
    if timings:
        rows = [(k, float(v)) for k, v in timings.items()]
        if "total" not in timings:
            rows.append(("total", sum(v for _, v in rows)))
        timing_html = "<h3>Timings (seconds)</h3>" + table(["step", "seconds"], rows)
    return (
        f'<div class="cards">{html_cards}</div><div class="cols"><div>{key_values(facts)}</div>'
        f"<div>{timing_html}</div></div>"
    )


def _noise_matrix(run: Any) -> str:
    s = run.summary
    estimated = s.get("estimated_noise_matrix")
    if estimated is None:
        return '<p class="note">This run has no estimated noise matrix.</p>'
    true = s.get("true_noise_matrix")
    uri = plots.noise_matrix_plot(
        np.asarray(estimated), run.classes, None if true is None else np.asarray(true)
    )
    caption = ("Cell (row i, column j) is the probability that an example whose true label is j "
               "was given label i; the diagonal is the fraction of each class labelled correctly.")
    if len(run.classes) > plots.MAX_MATRIX_CLASSES:
        caption += (f" With {len(run.classes)} classes only the {plots.MAX_MATRIX_CLASSES} with the "
                    "lowest estimated diagonal are drawn, so columns need not sum to 1.")
    return figure(uri, "noise matrix heatmap", caption)


def _per_class(run: Any, issues: Any) -> str:
    index = {c: i for i, c in enumerate(run.classes)}
    given = issues["given_label"].map(index).to_numpy(dtype=float)
    suggested = issues["suggested_label"].map(index).to_numpy(dtype=float)
    known = ~(np.isnan(given) | np.isnan(suggested))
    uri = plots.issues_per_class_plot(given[known].astype(np.int64), suggested[known].astype(np.int64),
                                      run.classes)
    fig = figure(uri, "issues per class", "Issues per given label, coloured by the suggested label.")
    corrections = ""
    if len(issues):
        pairs = (issues.groupby(["given_label", "suggested_label"]).size()
                 .sort_values(ascending=False, kind="stable").head(12))
        rows = [(g, sug, int(c)) for (g, sug), c in pairs.items()]
        corrections = ("<h3>Most frequent corrections</h3>"
                       + table(["given", "suggested", "issues"], rows))
    overlap = ""
    pairs = _records(run.summary.get("overlapping_classes"))[:10]
    if pairs and {"class_a", "class_b"} <= set(pairs[0]):
        rows = [(p["class_a"], p["class_b"], p.get("n_overlap"), p.get("joint_probability"))
                for p in pairs]
        overlap = ("<h3>Most confused class pairs</h3>"
                   + table(["class a", "class b", "examples", "joint prob."], rows))
    out = f'<div class="cols"><div>{fig}</div><div>{corrections}{overlap}</div></div>'
    per_class = _records(run.summary.get("per_class"))
    if per_class:
        headers = [h for h in dict.fromkeys(k for r in per_class for k in r)
                   if not (h == "class_index" and "class" in per_class[0])]
        rows = [[r.get(h) for h in headers] for r in per_class]
        out += ("<h3>Per-class label health (worst first)</h3>"
                f'<div class="scroll">{table(headers, rows)}</div>')
    return out


def _confidence(issues: Any) -> str:
    if len(issues) == 0 or "confidence" not in issues.columns:
        return '<p class="note">No issues were flagged.</p>'
    conf = issues["confidence"].astype(float).to_numpy()
    fig = figure(
        plots.confidence_histogram(conf),
        "confidence histogram",
        "How sure the model is of the label it suggests, over the flagged issues.",
    )
    rows = []
    for name, lo, hi, _ in plots.BUCKETS:
        n = int(np.sum((conf >= lo) & ((conf < hi) if hi < 1.0 else (conf <= hi))))
        rows.append((name, n, f"{n / len(conf):.0%}"))
    counts = ("<div><h3>Buckets</h3>" + table(["confidence", "issues", "share"], rows)
              + '<p class="note">80+ suggestions are the safest to accept;<br>'
              "&lt;60 ones deserve a look first.</p></div>")
    return f'<div class="cols"><div>{fig}</div>{counts}</div>'


def _detection(run: Any, issues: Any) -> str:
    s = run.summary
    noisy = issues["is_noisy"].astype(str).str.lower().isin(["true", "1"]).to_numpy()
    uri = plots.precision_recall_at_rank(noisy, int(s["n_actual_noisy"]))
    rows = [(k, s.get(k)) for k in ("precision", "recall", "f1", "auprc") if s.get(k) is not None]
    rows.append(("actually noisy", int(s["n_actual_noisy"])))
    rows.append(("flagged", len(issues)))
    fig = figure(uri, "precision and recall against rank",
                 "Among the first k issues: the fraction really corrupted (precision) and the "
                 "fraction of all corrupted labels found so far (recall).")
    return f'<div class="cols"><div>{fig}</div><div>{table(["score", "value"], rows)}</div></div>'


def _issue_table(issues: Any, n_examples: int) -> str:
    if len(issues) == 0:
        return '<p class="note">No issues were flagged.</p>'
    cols = [c for c in ("rank", "index", "id", "split", "given_label", "suggested_label", "confidence",
                        "confidence_bucket", "label_quality", "is_noisy", "true_label")
            if c in issues.columns]
    head = issues.head(_ISSUE_TABLE_ROWS)[cols]
    rows = [[_cell(v) for v in r] for r in head.itertuples(index=False, name=None)]
    note = (f'<p class="note">The first {len(head):,} of {len(issues):,} issues '
            f"({len(issues) / max(n_examples, 1):.1%} of the data); all of them are in issues.csv.</p>")
    return note + f'<div class="scroll">{table(cols, rows)}</div>'


def _cell(value: Any) -> Any:
    if isinstance(value, (np.integer, int)) and not isinstance(value, (bool, np.bool_)):
        return str(value)  # ranks and row indices: no thousands separators
    if isinstance(value, (np.floating, float)):
        return round(float(value), 4)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _records(per_class: Any) -> list[dict]:
    """Normalise ``per_class`` (records, dict of rows, or dict of columns) to a list of dicts."""
    if not per_class:
        return []
    if isinstance(per_class, list):
        return [r if isinstance(r, dict) else {"value": r} for r in per_class]
    if isinstance(per_class, dict):
        values = list(per_class.values())
        if all(isinstance(v, dict) for v in values):
            return [{"class": k, **v} for k, v in per_class.items()]
        if all(isinstance(v, list) for v in values):
            n = max(len(v) for v in values)
            return [{k: (v[i] if i < len(v) else None) for k, v in per_class.items()} for i in range(n)]
        return [{"class": k, "value": v} for k, v in per_class.items()]
    return []


def _plain(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, default=str) if isinstance(value, (dict, list, tuple)) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
