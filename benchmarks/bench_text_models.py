"""Text models for ``find``: detection F1 on covid-tweets with injected noise, over noise seeds.

For each model, each noise seed: flip ``--noise`` % of the train split's labels (uniform,
``fastclean.noise.inject_noise(seed=s)``), compute 5-fold out-of-sample pred_probs exactly as
``fastclean find`` does (``cross_val_pred_probs``, folds seeded by ``s``, features and folds
cached), flag with ``filter_by="both"`` and score against the flips. The anchor is
``tfidf-logreg``, measured in the same run; the last column is each model's mean F1 over the
anchor's. Cached features make reruns cheap; CPU seconds are the process's, per seed.

    FASTCLEAN_DATA=../shared/data HF_HUB_OFFLINE=1 python benchmarks/bench_text_models.py \\
        --models tfidf-logreg minilm+tfidf minilm-layers+tfidf --seeds 0 1 2 3 4
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["minilm+tfidf", "minilm-layers+tfidf"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--noise", type=float, default=25)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--anchor", default="tfidf-logreg")
    args = parser.parse_args()

    import fastclean
    from fastclean.core import detection_scores
    from fastclean.crossval import cross_val_pred_probs
    from fastclean.data import load_dataset
    from fastclean.noise import inject_noise

    ds = load_dataset("covid-tweets", split="train")
    models = [args.anchor] + [m for m in args.models if m != args.anchor]
    rows = []
    for name in models:
        f1s, cpu, acc = [], [], []
        for seed in args.seeds:
            noisy, truth = inject_noise(ds.labels, ds.n_classes, noise_pct=args.noise, seed=seed)
            c = time.process_time()
            probs = cross_val_pred_probs(ds.with_labels(noisy), name, folds=args.folds, seed=seed,
                                         progress=False)
            cpu.append(time.process_time() - c)
            flagged = fastclean.find_label_issues(noisy, probs, filter_by="both")
            f1s.append(detection_scores(flagged, truth)["f1"])
            acc.append(float(np.mean(probs.argmax(1) == ds.labels)))
            print(f"{name} seed {seed}: F1 {f1s[-1]:.4f} acc vs true {acc[-1]:.4f} cpu {cpu[-1]:.1f}s",
                  flush=True)
        rows.append((name, f1s, float(np.mean(acc)), float(np.median(cpu))))
    anchor = np.mean(rows[0][1])
    print(f"\n| model | F1 per seed ({', '.join(map(str, args.seeds))}) | mean | min | acc vs true "
          f"| CPU s/seed (median) | mean F1 / {args.anchor} |")
    print("|---|---|---|---|---|---|---|")
    for name, f1s, acc, cpu in rows:
        print(f"| {name} | {' / '.join(f'{f:.3f}' for f in f1s)} | {np.mean(f1s):.4f} | "
              f"{np.min(f1s):.4f} | {acc:.4f} | {cpu:.1f} | {np.mean(f1s) / anchor:.3f} |")


if __name__ == "__main__":
    main()
