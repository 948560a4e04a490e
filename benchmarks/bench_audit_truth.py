"""Data-issue checks against injected truth (issue 12).

mnist-test + 200 injected near-duplicates (copies of real test images shifted by one pixel or
re-noised; half of them given a different label) + 100 injected outliers (Imagenette photos,
grey, 28 × 28). Features: what ``find`` uses for MNIST (``models.embeddings.audit_features``
with the CNN: mean-centred 14 × 14 box-averaged pixels). Scored per check:

- near_duplicate: flagged examples vs the 400 members of the injected pairs, and recall of
  the pairs themselves (source and copy in the same duplicate set);
- conflicting_duplicate: flagged examples vs the 200 members of the 100 relabelled pairs;
- outlier: flagged examples vs the 100 injected photos.

covid-tweets (all splits): every repeated tweet (same id / same normalised text) must be in a
duplicate set and the 6 test tweets that also appear in train/valid must be listed as
cross-split pairs (MiniLM features, as ``find`` uses).

    PYTHONPATH=src FASTCLEAN_DATA=../shared/data python benchmarks/bench_audit_truth.py [--seeds 0 1 2] [--mode default datalab]
"""

from __future__ import annotations

import argparse
import collections
import time
from pathlib import Path

import numpy as np


def inject_mnist(seed: int, data_dir: str | None):
    from PIL import Image

    from fastclean.data import load_dataset

    ds = load_dataset("mnist-test", data_dir=data_dir)
    rng = np.random.default_rng(seed)
    images, labels = ds.images.copy(), ds.labels.copy()
    n = len(images)
    src = rng.choice(n, 200, replace=False)
    copies, copy_labels = [], []
    for j, i in enumerate(src):
        im = images[i].astype(np.float32)
        if j % 2 == 0:  # shifted by one pixel
            dy, dx = [(0, 1), (1, 0), (0, -1), (-1, 0)][rng.integers(4)]
            im = np.roll(im, (dy, dx), axis=(0, 1))
        else:  # re-noised
            im = im + rng.normal(0, 12, im.shape)
        copies.append(np.clip(im, 0, 255).astype(np.uint8))
        lab = labels[i]
        if j < 100:  # half with a different label
            lab = (lab + rng.integers(1, 10)) % 10
        copy_labels.append(lab)
    root = Path(data_dir or "../shared/data") / "noisy_imagenette" / "train"
    files = sorted(root.glob("*/*.JPEG"))
    picks = [files[i] for i in rng.choice(len(files), 100, replace=False)]
    photos = []
    for p in picks:
        with Image.open(p) as im:
            photos.append(np.asarray(im.convert("L").resize((28, 28), Image.BILINEAR)))
    photo_labels = rng.integers(0, 10, 100)
    all_images = np.concatenate([images, np.stack(copies), np.stack(photos)])
    all_labels = np.concatenate([labels, copy_labels, photo_labels]).astype(np.int64)
    copy_rows = np.arange(n, n + 200)
    outlier_rows = np.arange(n + 200, n + 300)
    return all_images, all_labels, src, copy_rows, outlier_rows


def prf(flagged: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    tp = np.sum(flagged & truth)
    return tp / max(flagged.sum(), 1), tp / max(truth.sum(), 1)


def bench_mnist(seed: int, mode: str, data_dir: str | None, audit_seed: int = 0) -> dict:
    from fastclean.audit import exact_duplicate_keys, find_data_issues
    from fastclean.models.embeddings import pixel_features

    images, labels, src, copies, outl = inject_mnist(seed, data_dir)
    n = len(images)
    t = time.perf_counter()
    feats = pixel_features(images)
    res = find_data_issues(feats, labels, keys=exact_duplicate_keys(images=images), images=images,
                           mode=mode, seed=audit_seed)
    seconds = time.perf_counter() - t
    truth_dup = np.zeros(n, bool)
    truth_dup[src] = truth_dup[copies] = True
    truth_conf = np.zeros(n, bool)
    truth_conf[src[:100]] = truth_conf[copies[:100]] = True
    truth_out = np.zeros(n, bool)
    truth_out[outl] = True
    groups = res.groups
    pair_recall = np.mean([(groups[a] >= 0) and groups[a] == groups[b] for a, b in zip(src, copies)])
    out = {"seed": seed, "mode": mode, "seconds": seconds, "pair_recall": pair_recall}
    for name, truth in (("near_duplicate", truth_dup), ("conflicting_duplicate", truth_conf),
                        ("outlier", truth_out)):
        flagged = res.flags[name]
        p, r = prf(flagged, truth)
        out[name] = (p, r, int(flagged.sum()))
    return out


def bench_covid(mode: str, data_dir: str | None, cache_dir: str | None) -> dict:
    from fastclean.audit import exact_duplicate_keys, find_data_issues, normalise_text
    from fastclean.data import load_dataset
    from fastclean.models.features import cached_features
    from fastclean.models.text_features import MiniLMExtractor

    ds = load_dataset("covid-tweets", split="all", data_dir=data_dir)
    feats = cached_features(MiniLMExtractor(), ds, cache_dir=cache_dir, progress=False)
    t = time.perf_counter()
    res = find_data_issues(feats, ds.labels, keys=exact_duplicate_keys(texts=ds.texts),
                           splits=list(ds.splits), ids=ds.ids, mode=mode)
    seconds = time.perf_counter() - t
    by_text = collections.defaultdict(list)
    for i, text in enumerate(ds.texts):
        by_text[normalise_text(text)].append(i)
    by_id = collections.defaultdict(list)
    for i, id_ in enumerate(ds.ids):
        by_id[id_.split("#")[0]].append(i)
    repeated = [v for v in list(by_text.values()) + list(by_id.values()) if len(v) > 1]
    found = sum(len({res.groups[i] for i in v}) == 1 and res.groups[v[0]] >= 0 for v in repeated)
    cross_truth = {i for v in repeated for i in v
                   if ds.splits[i] == "test" and len(set(ds.splits[v])) > 1}
    cross = res.table[res.table["issue_type"] == "cross_split_duplicate"]
    cross_found = {int(i) for i in cross["index"]} & cross_truth
    test_cross_flagged = {int(i) for i in cross["index"] if ds.splits[int(i)] == "test"}
    return {"mode": mode, "seconds": seconds, "repeated_sets": len(repeated), "found": found,
            "cross_split_test_truth": len(cross_truth), "cross_found": len(cross_found),
            "cross_flagged_test": len(test_cross_flagged), "counts": res.counts}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--mode", nargs="+", default=["default", "datalab"])
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--cache-dir", default=None)
    ap.add_argument("--skip-covid", action="store_true")
    ap.add_argument("--audit-seed", type=int, default=0,
                    help="find_data_issues(seed=...): the isolation forest's seed (default 0)")
    args = ap.parse_args()
    print("mnist-test + 200 near-duplicates (100 relabelled) + 100 Imagenette photos: precision / recall (flagged)")
    for mode in args.mode:
        for seed in args.seeds:
            r = bench_mnist(seed, mode, args.data_dir, args.audit_seed)
            cells = " | ".join(f"{k} {r[k][0]:.3f}/{r[k][1]:.3f} ({r[k][2]})"
                               for k in ("near_duplicate", "conflicting_duplicate", "outlier"))
            print(f"{mode:8s} seed {seed}: {cells} | pairs recalled {r['pair_recall']:.3f} | {r['seconds']:.2f} s",
                  flush=True)
    if not args.skip_covid:
        for mode in args.mode:
            r = bench_covid(mode, args.data_dir, args.cache_dir)
            print(f"covid-tweets {mode}: repeated sets found {r['found']}/{r['repeated_sets']}, "
                  f"cross-split test tweets found {r['cross_found']}/{r['cross_split_test_truth']} "
                  f"(test tweets listed as cross-split: {r['cross_flagged_test']}), counts {r['counts']}, "
                  f"{r['seconds']:.2f} s", flush=True)


if __name__ == "__main__":
    main()
