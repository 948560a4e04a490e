"""Report sections of a multi-label run: label *sets* given and suggested, per-class counts."""

from __future__ import annotations

from .html import esc, fmt, table

_CHIP = ('<span style="display:inline-block;margin:1px 3px 1px 0;padding:0 6px;border-radius:9px;'
         'background:{bg};color:{fg};white-space:nowrap">{name}</span>')


def label_chips(cell: str, sep: str, *, bg: str = "#e8eef7", fg: str = "#1f2d3d",
                empty: str = "∅ (no label)") -> str:
    """A label set (class names joined by ``sep``) as escaped chips; the empty set as ``empty``."""
    names = [n for n in str(cell).split(sep) if n] if cell else []
    if not names:
        return f'<span style="opacity:0.6">{esc(empty)}</span>'
    return "".join(_CHIP.format(bg=bg, fg=fg, name=esc(n)) for n in names)


def multilabel_sections(run, *, top_k: int) -> list[tuple[str, str, str]]:
    """(anchor, title, body) sections for a run whose ``summary.json`` says ``multi-label``."""
    s = run.summary
    sep = s.get("label_sep", "|")
    settings = s.get("settings", {})
    overview = table(["", ""], [
        ("examples", s["n_examples"]),
        ("classes", s["n_classes"]),
        ("labels per example (mean)", s.get("labels_per_example")),
        ("examples with a suspicious label set", s["n_issues"]),
        ("multi-label health score", s.get("overall_multilabel_health_score")),
        ("filter / ranking", f"{settings.get('filter_by')} / {settings.get('rank_by')}"),
        ("model", settings.get("model", "given pred_probs")),
        ("label separator in the CSV files", repr(sep)),
    ])
    issues = run.issues.sort_values("rank", kind="stable").head(top_k)
    has_text = "text" in issues.columns
    rows = []
    for _, r in issues.iterrows():
        row = [int(r["rank"]), r["id"], label_chips(r["given_label"], sep),
               label_chips(r["suggested_label"], sep, bg="#e3f4e8", fg="#1a7f37"),
               label_chips(r.get("wrongly_given", ""), sep, bg="#fde8e8", fg="#b42318",
                           empty="–"),
               label_chips(r.get("wrongly_missing", ""), sep, bg="#fff4d6", fg="#8a5a00",
                           empty="–"),
               float(r["label_quality"])]
        if has_text:
            text = " ".join(str(r["text"]).split())
            row.append(text[:160] + ("…" if len(text) > 160 else ""))
        rows.append(row)
    headers = ["rank", "id", "given set", "suggested set", "wrongly given", "missing",
               "label quality"] + (["text"] if has_text else [])
    issues_html = (f"<p>The {len(issues)} worst of {s['n_issues']} flagged examples. The "
                   "suggested set holds the classes the model gives at least 50 %.</p>"
                   + table(headers, rows, raw_columns=(2, 3, 4, 5)))
    per_class = sorted(s.get("issues_per_class", []),
                       key=lambda c: -(c["wrongly_given"] or 0) - (c["wrongly_missing"] or 0))
    class_html = table(["class", "examples given it", "wrongly given", "wrongly missing"],
                       [(c["class"], c.get("examples"), c["wrongly_given"], c["wrongly_missing"])
                        for c in per_class])
    return [("summary", "Summary", overview),
            ("issues", "Suspicious label sets", issues_html),
            ("classes", "Per class", class_html)]


def title_and_subtitle(run) -> tuple[str, str]:
    """The page title and the run line of a multi-label report."""
    name = run.dataset.get("name") or run.path.name
    s = run.summary
    return (f"fastclean multi-label run: {name}",
            f"{fmt(s['n_examples'])} examples · {fmt(s['n_classes'])} classes · "
            f"{fmt(s['n_issues'])} suspicious label sets")


def write_multilabel_report(run_dir):
    """Write ``run_dir/report.html`` of a multi-label run (see ``write_report``)."""
    from .writer import write_report

    return write_report(run_dir)
