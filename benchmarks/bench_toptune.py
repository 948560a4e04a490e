"""``minilm-toptune`` vs the CPU ``auto`` text model: detection F1 on covid-tweets, 25 % noise.

For each noise seed: flip 25 % of the train split's labels (``inject_noise(seed=s)``), compute
5-fold out-of-sample pred_probs of each member exactly as ``find`` does
(``cross_val_pred_probs``, folds and fold seeds from ``s``, features and folds cached), and
score ``filter_by="both"`` flags against the flips for single models and for means of members'
probabilities (what ``MeanEnsemble`` computes: ``minilm-toptune+tfidf`` = toptune, word and char
TF-IDF; ``minilm-layers+tfidf``, the CPU ``auto`` of session 3 = layers-logreg, word, char). The
anchor is that ``auto``, measured in the same run. CPU seconds are this process's, per member.

    FASTCLEAN_DATA=../shared/data HF_HUB_OFFLINE=1 FASTCLEAN_THREADS=1 \\
        python benchmarks/bench_toptune.py --seeds 0 1 2 3 4
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--noise", type=float, default=25)
    parser.add_argument("--top-layers", type=int, default=2)
    args = parser.parse_args()

    import fastclean
    from fastclean.core import detection_scores
    from fastclean.crossval import cross_val_pred_probs
    from fastclean.data import load_dataset
    from fastclean.models import get_model
    from fastclean.models.tfidf import TfidfLogReg
    from fastclean.models.toptune import MiniLMTopTune
    from fastclean.noise import inject_noise

    ds = load_dataset("covid-tweets", split="train")
    members = {
        "toptune": lambda: MiniLMTopTune(top_layers=args.top_layers),
        "layers": lambda: get_model("minilm-layers-logreg"),
        "word": lambda: TfidfLogReg(C=0.25),
        "char": lambda: TfidfLogReg(C=0.25, ngrams="char"),
    }
    combos = {"minilm-layers+tfidf (auto, anchor)": ["layers", "word", "char"],
              "minilm-toptune": ["toptune"],
              "minilm-toptune+tfidf": ["toptune", "word", "char"],
              "toptune + layers + word + char": ["toptune", "layers", "word", "char"]}
    f1s = {name: [] for name in combos}
    accs = {name: [] for name in combos}
    for seed in args.seeds:
        noisy, truth = inject_noise(ds.labels, ds.n_classes, noise_pct=args.noise, seed=seed)
        probs = {}
        for key, make in members.items():
            c, w = time.process_time(), time.perf_counter()
            probs[key] = cross_val_pred_probs(ds.with_labels(noisy), make(), folds=5, seed=seed,
                                              progress=False)
            print(f"seed {seed} {key}: {time.process_time() - c:.1f} CPU-s, "
                  f"{time.perf_counter() - w:.1f} s wall", flush=True)
        for name, parts in combos.items():
            p = np.mean([probs[k] for k in parts], axis=0)
            s = detection_scores(fastclean.find_label_issues(noisy, p, filter_by="both"), truth)
            f1s[name].append(s["f1"])
            accs[name].append(float(np.mean(p.argmax(1) == ds.labels)))
            print(f"seed {seed} {name}: P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f} "
                  f"acc vs true {accs[name][-1]:.4f}", flush=True)
    anchor = np.mean(f1s["minilm-layers+tfidf (auto, anchor)"])
    print(f"\n| model | F1 per seed ({', '.join(map(str, args.seeds))}) | mean | min | acc vs true "
          "| mean F1 / anchor |")
    print("|---|---|---|---|---|---|")
    for name in combos:
        print(f"| {name} | {' / '.join(f'{f:.3f}' for f in f1s[name])} | {np.mean(f1s[name]):.4f} | "
              f"{np.min(f1s[name]):.4f} | {np.mean(accs[name]):.4f} | {np.mean(f1s[name]) / anchor:.3f} |")


if __name__ == "__main__":
    main()
