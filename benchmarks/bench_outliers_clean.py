"""How many outliers the default outlier check flags on real data with nothing injected (issue 12).

digits (1 797 8×8 images, raw pixels), mnist-test (10 000, raw pixels) and covid-tweets (all
10 000, the MiniLM features ``find`` uses): count of flagged outliers with the default
(isolation forest, ``Q3 + 3 IQR``) and with the milder fences / Datalab's k-NN rule for
comparison, and the most unusual few (index, id, label, score, and the text for tweets).

    PYTHONPATH=src FASTCLEAN_DATA=../shared/data \
        python benchmarks/bench_outliers_clean.py [--cache-dir C] [--show 5]
"""

from __future__ import annotations

import argparse

import numpy as np


def datasets(data_dir, cache_dir):
    from fastclean.data import load_dataset
    from fastclean.models.embeddings import pixel_features
    from fastclean.models.features import cached_features
    from fastclean.models.text_features import MiniLMExtractor

    for name in ("digits", "mnist-test"):
        ds = load_dataset(name, data_dir=data_dir)
        yield name, ds, pixel_features(ds.images), ds.images
    ds = load_dataset("covid-tweets", split="all", data_dir=data_dir)
    feats = cached_features(MiniLMExtractor(), ds, cache_dir=cache_dir, progress=False)
    yield "covid-tweets", ds, feats, None


def main() -> None:
    from fastclean.audit import find_data_issues
    from fastclean.audit.isolation import flag_anomalies

    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--cache-dir", default=None)
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()
    for name, ds, feats, images in datasets(args.data_dir, args.cache_dir):
        res = find_data_issues(feats, ds.labels, images=images, checks="outliers")
        knn = find_data_issues(feats, ds.labels, checks="outliers", mode="datalab")
        anomaly = 1 - res.scores["outlier"]
        milder = {f: int(flag_anomalies(anomaly, fence=f).is_issue.sum()) for f in (1.5, 1.7)}
        n = len(ds.labels)
        flagged = int(res.flags["outlier"].sum())
        print(f"{name} (N = {n}, {res.settings['outlier_input']}): default flags {flagged} "
              f"({100 * flagged / n:.2f} %), cutoff {res.settings['outlier_cutoff']:.4f}, "
              f"max anomaly "
              f"{anomaly.max():.4f}; fence 1.5 IQR: {milder[1.5]}, 1.7 IQR: {milder[1.7]}; "
              f"Datalab k-NN rule: {int(knn.flags['outlier'].sum())}", flush=True)
        for i in np.argsort(res.scores["outlier"], kind="stable")[:args.show]:
            text = f" {ds.texts[i][:90]!r}" if ds.texts is not None else ""
            score, flag = res.scores["outlier"][i], bool(res.flags["outlier"][i])
            print(f"   most unusual: index {i} id {ds.ids[i]} label {ds.classes[ds.labels[i]]} "
                  f"score {score:.4f} flagged {flag}{text}")


if __name__ == "__main__":
    main()
