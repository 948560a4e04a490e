"""Detection on real Noisy Imagenette, and on the same photos downscaled to 32×32 (issue #10).

    FASTCLEAN_DATA=../shared/data FASTCLEAN_CACHE=... HF_HUB_OFFLINE=1 \\
        .venv/bin/python benchmarks/bench_imagenette.py nette [--levels 1 5 25 50] [--seeds 0 1 2]
    ... bench_imagenette.py small --csv /tmp/small32/small32.csv [--seeds 0 1 2]

``nette``: ``find``'s model (EfficientNet-Lite0 features, cached, + the inner-CV logistic
head) on the 9,469 training images with each published noise column, 5-fold, for several
fold seeds; precision / recall / F1 / AUPRC of CL's flags (``both``,
``prune_by_noise_rate`` and fastclean's ``calibrated_count``) against the label file's truth. Anchor, measured in the same run
on the same cached features: the previous default head (logistic regression, C=1), seed 0.

``small``: a CSV of 32×32 photos (``path,label``; e.g. Imagenette's training images
downscaled, see ``make_small_photos``): out-of-sample accuracy on the clean labels, and
detection F1 under 25 % injected uniform noise (noise seeds = ``--seeds``).

Times are CPU seconds of this process and its workers (the machine is shared; wall time is
printed too, with the load average).
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np

from fastclean import core
from fastclean.crossval import cross_val_pred_probs
from fastclean.data import load_dataset

FILTERS = ("both", "prune_by_noise_rate", core.CALIBRATED_COUNT)


def cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def scores(labels, probs, truth, filter_by):
    if filter_by == core.CALIBRATED_COUNT:
        flagged = core.find_label_issues_by_calibrated_count(labels, probs)
    else:
        flagged = core.find_label_issues(labels, probs, filter_by=filter_by)
    quality = core.get_label_quality_scores(labels, probs)
    s = core.detection_scores(flagged, truth, label_quality=quality)
    return {k: float(s[k]) for k in ("precision", "recall", "f1", "auprc")} | {"n_flagged": int(flagged.sum())}


def run(ds, model, seed, truth):
    t, c = time.perf_counter(), cpu_seconds()
    probs = cross_val_pred_probs(ds, model, folds=5, seed=seed, progress=False)
    wall, cpu = time.perf_counter() - t, cpu_seconds() - c
    out = {f: scores(ds.labels, probs, truth, f) for f in FILTERS}
    truth_labels = ds.true_labels if ds.true_labels is not None else ds.labels
    acc = float(np.mean(probs.argmax(1) == truth_labels))
    return out, acc, wall, cpu


def summarise(rows, key):
    vals = np.array([r[key] for r in rows])
    return f"{vals.mean():.4f} ± {vals.std(ddof=1) if len(vals) > 1 else 0:.4f}"


def nette(levels, seeds, anchor_levels=(25,)):
    from fastclean.models.feature_model import FeatureModel
    from fastclean.models.heads import LogisticRegressionHead
    from fastclean.models.image_features import EfficientNetLite0Extractor

    print(f"load average {os.getloadavg()[0]:.1f}")
    for level in levels:
        ds = load_dataset("noisy-imagenette", noise_pct=level, split="train")
        truth = ds.labels != ds.true_labels
        anchor = None
        if level in anchor_levels:
            anchor_model = FeatureModel("efficientnet-lite0", EfficientNetLite0Extractor(),
                                        LogisticRegressionHead(C=1.0))
            anchor, anchor_acc, _, anchor_cpu = run(ds, anchor_model, 0, truth)
        rows = {f: [] for f in FILTERS}
        accs, cpus = [], []
        for seed in seeds:
            out, acc, wall, cpu = run(ds, "efficientnet-lite0", seed, truth)
            accs.append(acc), cpus.append(cpu)
            for f in FILTERS:
                rows[f].append(out[f])
            print(f"{level:>2} % seed {seed}: both P {out['both']['precision']:.4f} R {out['both']['recall']:.4f} "
                  f"F1 {out['both']['f1']:.4f} AUPRC {out['both']['auprc']:.4f} flagged {out['both']['n_flagged']}"
                  f" | acc vs truth {acc:.4f} | {wall:.0f} s wall, {cpu:.0f} s CPU, load {os.getloadavg()[0]:.1f}",
                  flush=True)
        for f in FILTERS:
            print(f"{level:>2} % {truth.sum()} flipped, {f}: P {summarise(rows[f], 'precision')}, "
                  f"R {summarise(rows[f], 'recall')}, F1 {summarise(rows[f], 'f1')}, "
                  f"AUPRC {summarise(rows[f], 'auprc')}, flagged {summarise(rows[f], 'n_flagged')}")
        print(f"{level:>2} % accuracy vs truth {np.mean(accs):.4f}; CPU per 5-fold CV {np.mean(cpus):.0f} s", flush=True)
        if anchor is not None:
            print(f"{level:>2} % anchor (C=1, seed 0): F1 {anchor['both']['f1']:.4f}, acc vs truth {anchor_acc:.4f}, "
                  f"CPU {anchor_cpu:.0f} s; new head / anchor CPU {np.mean(cpus) / anchor_cpu:.1f}x", flush=True)


def small(csv, seeds):
    from fastclean.noise import inject_noise

    clean = load_dataset(csv, path_col="path", label_col="label")
    print(f"{len(clean)} photos, load average {os.getloadavg()[0]:.1f}")
    accs, f1s, cal = [], [], []
    for seed in seeds:
        _, acc, wall, cpu = run(clean, "auto", seed, np.zeros(len(clean), bool))
        noisy_labels, truth = inject_noise(clean.labels, clean.n_classes, noise_pct=25, seed=seed)
        noisy = clean.with_labels(noisy_labels)
        noisy.true_labels = clean.labels
        out, acc25, wall25, cpu25 = run(noisy, "auto", seed, truth)
        accs.append(acc), f1s.append(out["both"]), cal.append(out[core.CALIBRATED_COUNT])
        print(f"seed {seed}: clean OOS accuracy {acc:.4f} ({cpu:.0f} s CPU); 25 % noise: both P "
              f"{out['both']['precision']:.4f} R {out['both']['recall']:.4f} F1 {out['both']['f1']:.4f} "
              f"AUPRC {out['both']['auprc']:.4f}, acc vs truth {acc25:.4f} ({cpu25:.0f} s CPU); calibrated_count "
              f"P {cal[-1]['precision']:.4f} R {cal[-1]['recall']:.4f} F1 {cal[-1]['f1']:.4f}", flush=True)
    print(f"clean OOS accuracy {np.mean(accs):.4f} ± {np.std(accs, ddof=1) if len(accs) > 1 else 0:.4f}; "
          f"25 % F1 {summarise(f1s, 'f1')}, P {summarise(f1s, 'precision')}, R {summarise(f1s, 'recall')}; "
          f"calibrated_count F1 {summarise(cal, 'f1')}, P {summarise(cal, 'precision')}, R {summarise(cal, 'recall')}")


def make_small_photos(dest: str, side: int = 32) -> str:
    """Write Imagenette's training images downscaled to ``side``² (box filter) and a CSV of them."""
    from pathlib import Path

    import pandas as pd
    from PIL import Image

    from fastclean.data.sources import resolve_data_dir

    root = resolve_data_dir()[0] / "noisy_imagenette"
    df = pd.read_csv(root / "noisy_imagenette.csv")
    rows = []
    for rel in df.loc[~df.is_valid, "path"]:
        out = Path(dest) / rel.replace(".JPEG", ".png")
        out.parent.mkdir(parents=True, exist_ok=True)
        with Image.open(root / rel) as im:
            im.convert("RGB").resize((side, side), Image.BOX).save(out)
        rows.append((out.relative_to(dest).as_posix(), rel.split("/")[1]))
    csv = Path(dest) / f"small{side}.csv"
    pd.DataFrame(rows, columns=["path", "label"]).to_csv(csv, index=False)
    return str(csv)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["nette", "small"])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 5, 25, 50])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--anchor-levels", type=int, nargs="*", default=[25],
                        help="nette: levels also scored with the old C=1 head (seed 0)")
    parser.add_argument("--csv", help="small: CSV of 32×32 photos (made under --make DIR when absent)")
    parser.add_argument("--make", help="small: write the downscaled photos here first")
    args = parser.parse_args()
    if args.what == "nette":
        nette(args.levels, args.seeds, args.anchor_levels)
    else:
        small(args.csv or make_small_photos(args.make), args.seeds)
