"""``minilm-finetune``: MiniLM fine-tuned end to end (tiny CPU fits: 40 tweets, 1 epoch, 16 tokens)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

pytest.importorskip("transformers")

from fastclean.crossval import cross_val_pred_probs  # noqa: E402
from fastclean.models import MODEL_NAMES, auto_model_name, get_model  # noqa: E402
from fastclean.models.finetune import MiniLMFineTune, length_sorted_batches, resolve_device  # noqa: E402

from .conftest import tweets_dataset  # noqa: E402


def _tiny() -> MiniLMFineTune:
    return MiniLMFineTune(epochs=1, batch_size=8, max_length=16, device="cpu")


@pytest.fixture(scope="module")
def tweets40():
    return tweets_dataset(40)


def test_fit_predict_gives_valid_probabilities_deterministically_and_pickles(tweets40):
    model = _tiny()
    x = model.prepare(tweets40, progress=False)
    assert len(x) == 40 and max(len(ids) for ids in x) == 16  # truncated to max_length
    probs = model.fit(x, tweets40.labels, n_classes=2, seed=0).predict_proba(x)
    assert probs.shape == (40, 2) and np.all(probs >= 0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    assert probs[:, 0].std() > 0  # the texts are told apart, not one constant answer
    again = _tiny().fit(x, tweets40.labels, n_classes=2, seed=0).predict_proba(x)
    np.testing.assert_array_equal(probs, again)
    other_seed = _tiny().fit(x, tweets40.labels, n_classes=2, seed=1).predict_proba(x)
    assert not np.array_equal(probs, other_seed)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).predict_proba(x[:5]), model.predict_proba(x[:5]))
    # Five texts pad to another width than forty, and on some CPUs (oneDNN kernels picked by
    # shape) that moves the last bits of the same text's probabilities.
    np.testing.assert_allclose(model.predict_proba(x[:5]), probs[:5], rtol=1e-6)


def test_training_moves_predictions_towards_the_labels(tweets40):
    model = MiniLMFineTune(epochs=3, batch_size=8, max_length=16, lr=1e-4, warmup=0.0, device="cpu")
    x = model.prepare(tweets40, progress=False)
    y = tweets40.labels
    probs = model.fit(x, y, n_classes=2, seed=0).predict_proba(x)
    flipped = model.fit(x, 1 - y, n_classes=2, seed=0).predict_proba(x)
    rows = np.arange(len(y))
    assert probs[rows, y].mean() > flipped[rows, y].mean()


def test_cross_validation_runs_and_resumes_from_the_fold_cache(tweets40, tmp_path, monkeypatch):
    first = cross_val_pred_probs(tweets40, _tiny(), folds=2, seed=0, cache_dir=tmp_path, progress=False)
    assert first.shape == (40, 2) and np.isfinite(first).all()

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted again although every fold was cached")

    monkeypatch.setattr(MiniLMFineTune, "fit", no_fit)
    again = cross_val_pred_probs(tweets40, _tiny(), folds=2, seed=0, cache_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(first, again)


def test_length_sorted_batches_cover_every_row_once_in_similar_lengths():
    rng = np.random.default_rng(0)
    lengths = rng.integers(3, 100, size=1000)
    batches = length_sorted_batches(lengths, 16, np.random.default_rng(1))
    rows = np.concatenate(batches)
    assert sorted(rows.tolist()) == list(range(1000))
    spread = np.mean([np.ptp(lengths[b]) for b in batches])
    assert spread < np.ptp(lengths) / 5  # sorted within pools: little padding
    again = length_sorted_batches(lengths, 16, np.random.default_rng(1))
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))


def test_registry_cli_names_and_auto_on_a_gpu(tweets40, monkeypatch):
    import torch

    assert "minilm-finetune" in MODEL_NAMES
    assert get_model("minilm-finetune").name == "minilm-finetune"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert auto_model_name(tweets40) == "minilm-finetune"
    assert resolve_device("auto") == "cuda" and resolve_device("cpu") == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert auto_model_name(tweets40) == "minilm-layers+tfidf"
    assert resolve_device("auto") == "cpu"
    with pytest.raises(ValueError, match="device: cuda requested"):
        resolve_device("cuda")


@pytest.mark.parametrize("kwargs, needle", [
    ({"epochs": 0}, "epochs"), ({"batch_size": 0}, "batch_size"), ({"lr": 0}, "lr"),
    ({"warmup": 1.0}, "warmup"), ({"max_length": 2}, "max_length"),
    ({"label_smoothing": 1.0}, "label_smoothing"), ({"device": "tpu"}, "device"),
])
def test_bad_arguments_name_the_argument(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        MiniLMFineTune(**kwargs)


def test_cli_lists_the_name_among_the_models(tmp_path):
    from tests.helpers import run_cli

    out = tmp_path / "run"
    res = run_cli("find", "covid-tweets", "--model", "minilm-finetun", "--out", str(out))
    assert res.returncode == 2 and "minilm-finetune" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()
