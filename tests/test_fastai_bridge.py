"""LabelIssueInterpretation with a real, tiny fastai Learner trained on real digits (CPU)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import fastclean
from fastclean.fastai_bridge import LabelIssueInterpretation
from fastclean.run import DEFAULT_FILTER_BY, DEFAULT_RANK_BY

N_IMAGES = 400
NOISE = 0.12


@pytest.fixture(scope="module")
def digits_folder(tmp_path_factory) -> tuple[Path, set[str]]:
    """Real digits as PNGs in ``<class>/`` folders; 12 % are filed under a wrong class."""
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    rng = np.random.default_rng(0)
    root = tmp_path_factory.mktemp("digits-png")
    flipped = set(rng.choice(N_IMAGES, size=int(NOISE * N_IMAGES), replace=False).tolist())
    noisy_names = set()
    for i in range(N_IMAGES):
        label = int(digits.target[i])
        if i in flipped:
            label = (label + int(rng.integers(1, 10))) % 10
            noisy_names.add(f"{i}.png")
        (root / str(label)).mkdir(exist_ok=True)
        Image.fromarray((digits.images[i] * 15).astype(np.uint8)).save(root / str(label) / f"{i}.png")
    return root, noisy_names


@pytest.fixture(scope="module")
def learner(digits_folder):
    import torch
    from fastai.learner import Learner
    from fastai.losses import CrossEntropyLossFlat
    from fastai.vision.data import ImageDataLoaders
    from torch import nn

    torch.set_num_threads(1)
    torch.manual_seed(0)
    root, _ = digits_folder
    dls = ImageDataLoaders.from_folder(root, valid_pct=0.5, seed=0, bs=32, num_workers=0,
                                       device=torch.device("cpu"))
    model = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(32 * 4 * 4, 10),
    )
    learn = Learner(dls, model, loss_func=CrossEntropyLossFlat())
    with learn.no_logging():
        learn.fit(8, 3e-3)
    return learn


@pytest.fixture(scope="module")
def interp(learner):
    return LabelIssueInterpretation.from_learner(learner)


def test_issues_match_find_label_issues_on_the_validation_predictions(learner, interp):
    dl = learner.dls.valid.new(shuffle=False, drop_last=False)
    probs, targets = learner.get_preds(dl=dl)
    probs = probs.numpy().astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    expected = fastclean.find_label_issues(targets.numpy(), probs, filter_by=DEFAULT_FILTER_BY,
                                           return_indices_ranked_by=DEFAULT_RANK_BY)
    assert interp.issues["index"].tolist() == list(expected)
    assert len(interp.labels) == len(learner.dls.valid_ds)


def test_given_label_is_the_folder_of_each_flagged_item(interp):
    assert len(interp.issues) > 0
    for _, row in interp.issues.iterrows():
        assert Path(row["item"]).parent.name == row["given_label"]


def test_issues_are_ranked_worst_first(interp):
    quality = interp.issues["label_quality"].to_numpy()
    assert np.all(np.diff(quality) >= 0)
    assert interp.issues["rank"].tolist() == list(range(1, len(quality) + 1))


def test_flagged_items_are_mostly_the_misfiled_ones(interp, digits_folder):
    _, noisy_names = digits_folder
    valid_names = [Path(str(item)).name for item in interp.items]
    base_rate = np.mean([name in noisy_names for name in valid_names])
    flagged = [Path(item).name for item in interp.issues["item"]]
    precision = np.mean([name in noisy_names for name in flagged])
    assert precision > 2 * base_rate


def test_plot_top_issues_draws_titled_images(interp):
    import matplotlib

    matplotlib.use("Agg")
    k = min(6, len(interp.issues))
    fig = interp.plot_top_issues(k, ncols=3)
    titled = [ax for ax in fig.axes if ax.get_title()]
    assert len(titled) == k
    first = interp.issues.iloc[0]
    assert titled[0].get_title().startswith(
        f"given {first['given_label']} / suggested {first['suggested_label']}")
    assert len(titled[0].get_images()) == 1


def test_a_labelled_test_dl_can_be_interpreted(learner, digits_folder):
    root, _ = digits_folder
    items = sorted(root.glob("*/*.png"))[:120]
    dl = learner.dls.test_dl(items, with_labels=True)
    interp = LabelIssueInterpretation.from_learner(learner, dl=dl)
    assert len(interp.labels) == len(items)
    assert [learner.dls.vocab[k] for k in interp.labels] == [p.parent.name for p in items]


def test_an_unlabelled_test_dl_is_refused(learner, digits_folder):
    root, _ = digits_folder
    dl = learner.dls.test_dl(sorted(root.glob("*/*.png"))[:10])
    with pytest.raises(ValueError, match="no labels"):
        LabelIssueInterpretation.from_learner(learner, dl=dl)


def test_text_issues_are_plotted_as_a_table(data_dir):
    import csv

    with open(data_dir / "covid_tweets" / "valid.tsv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[:200]
    texts = [r[1] for r in rows]
    classes = sorted({r[2] for r in rows})
    labels = np.array([classes.index(r[2]) for r in rows])
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.pipeline import make_pipeline

    probs = cross_val_predict(make_pipeline(TfidfVectorizer(), LogisticRegression()), texts, labels,
                              cv=3, method="predict_proba")
    interp = LabelIssueInterpretation(probs, labels, classes, items=texts)
    table = interp.plot_top_issues(5)
    assert list(table["item"]) == [texts[i] for i in interp.issue_indices[:5]]
    assert set(table["given_label"]) <= set(classes)


@pytest.mark.parametrize("k", [0, -1, 2.5, True])
def test_bad_k_is_refused(interp, k):
    with pytest.raises(ValueError, match="k:"):
        interp.plot_top_issues(k)


def test_mismatched_classes_are_refused():
    with pytest.raises(ValueError, match="classes"):
        LabelIssueInterpretation(np.full((4, 2), 0.5), [0, 1, 0, 1], ["a", "b", "c"])
