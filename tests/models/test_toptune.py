"""``minilm-toptune``: MiniLM's top layer fine-tuned on cached token states (tiny CPU fits)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

pytest.importorskip("transformers")

from fastclean.crossval import cross_val_pred_probs  # noqa: E402
from fastclean.models import MODEL_NAMES, get_model  # noqa: E402
from fastclean.models.toptune import MiniLMTopTune, TokenStates  # noqa: E402

from .conftest import tweets_dataset  # noqa: E402


def _tiny(**kwargs) -> MiniLMTopTune:
    return MiniLMTopTune(**{"epochs": 1, "batch_size": 8, "max_length": 16, "device": "cpu", **kwargs})


@pytest.fixture(scope="module")
def tweets40():
    return tweets_dataset(40)


def test_prepare_caches_the_frozen_token_states(tweets40, tmp_path):
    model = _tiny()
    x = model.prepare(tweets40, cache_dir=tmp_path, progress=False)
    assert len(x) == 40 and x.states.dtype == np.float16 and x.states.shape[1] == 384
    assert x.lengths().max() == 16  # truncated to max_length
    assert list(tmp_path.glob("token-states/*/*.npz"))
    again = _tiny().prepare(tweets40, cache_dir=tmp_path, progress=False)  # from the cache
    np.testing.assert_array_equal(x.states, again.states)
    np.testing.assert_array_equal(x.offsets, again.offsets)
    # The frozen states are MiniLM's own hidden states after its lower layers.
    import torch

    from fastclean.models.finetune import _load_pretrained

    tokenizer, encoder = _load_pretrained()
    ids = tokenizer([tweets40.texts[3]], truncation=True, max_length=16, return_tensors="pt")
    with torch.inference_mode():
        hidden = encoder(**ids, output_hidden_states=True).hidden_states[model.frozen_layers][0].numpy()
    h, mask = x.batch(np.array([3]))
    np.testing.assert_allclose(h[0, :int(mask.sum())].numpy(), hidden, atol=1e-2, rtol=1e-2)


def test_fit_predict_gives_valid_probabilities_deterministically_and_pickles(tweets40, tmp_path):
    x = _tiny().prepare(tweets40, cache_dir=tmp_path, progress=False)
    model = _tiny()
    probs = model.fit(x, tweets40.labels, n_classes=2, seed=0).predict_proba(x)
    assert probs.shape == (40, 2) and np.all(probs >= 0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    assert probs[:, 0].std() > 0
    np.testing.assert_array_equal(probs, _tiny().fit(x, tweets40.labels, n_classes=2, seed=0).predict_proba(x))
    assert not np.array_equal(probs, _tiny().fit(x, tweets40.labels, n_classes=2, seed=1).predict_proba(x))
    sub = x.select_rows(np.arange(5))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).predict_proba(sub), model.predict_proba(sub))
    # Other batches pad to other widths, and on some CPUs that moves the last bits.
    np.testing.assert_allclose(model.predict_proba(sub), probs[:5], rtol=1e-6)


def test_training_moves_predictions_towards_the_labels(tweets40, tmp_path):
    model = _tiny(epochs=3, lr=3e-4, warmup=0.0)
    x = model.prepare(tweets40, cache_dir=tmp_path, progress=False)
    y = tweets40.labels
    probs = model.fit(x, y, n_classes=2, seed=0).predict_proba(x)
    flipped = model.fit(x, 1 - y, n_classes=2, seed=0).predict_proba(x)
    rows = np.arange(len(y))
    assert probs[rows, y].mean() > flipped[rows, y].mean()


def test_token_state_views_select_texts_without_copying():
    states = np.arange(12, dtype=np.float16).reshape(6, 2)
    x = TokenStates(states, np.array([0, 1, 3, 6]))  # texts of 1, 2 and 3 tokens
    view = x.select_rows(np.array([2, 0])).select_rows(np.array([0]))
    assert len(view) == 1 and view.states is states and view.lengths().tolist() == [3]
    h, mask = x.select_rows(np.array([2, 0])).batch(np.array([0, 1]))
    assert h.shape == (2, 3, 2) and mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    np.testing.assert_array_equal(h[0].numpy(), states[3:6])
    assert h[1, 1:].abs().sum() == 0


def test_cross_validation_runs_and_resumes_from_the_fold_cache(tweets40, tmp_path, monkeypatch):
    first = cross_val_pred_probs(tweets40, _tiny(), folds=2, seed=0, cache_dir=tmp_path, progress=False)
    assert first.shape == (40, 2) and np.isfinite(first).all()

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted again although every fold was cached")

    monkeypatch.setattr(MiniLMTopTune, "fit", no_fit)
    again = cross_val_pred_probs(tweets40, _tiny(), folds=2, seed=0, cache_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(first, again)


def test_registry_names():
    for name in ("minilm-toptune", "minilm-toptune+tfidf"):
        assert name in MODEL_NAMES and get_model(name).name == name


@pytest.mark.parametrize("kwargs, needle", [
    ({"top_layers": 0}, "top_layers"), ({"top_layers": 7}, "top_layers"), ({"epochs": 0}, "epochs"),
    ({"batch_size": 0}, "batch_size"), ({"lr": 0}, "lr"), ({"warmup": 1.0}, "warmup"),
    ({"max_length": 2}, "max_length"), ({"label_smoothing": 1.0}, "label_smoothing"),
    ({"device": "tpu"}, "device"),
])
def test_bad_arguments_name_the_argument(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        MiniLMTopTune(**kwargs)


def test_two_workers_give_the_same_bits_as_one(tweets40, tmp_path, monkeypatch):
    """Frozen chunks on a pool and batch pieces on a helper process: the numbers of one thread."""
    from fastclean.models import toptune_parallel

    monkeypatch.setattr(toptune_parallel, "FROZEN_CHUNK", 16)  # three chunks of the 40 tweets
    runs = {}
    for threads in ("1", "2"):
        monkeypatch.setenv("FASTCLEAN_THREADS", threads)
        model = _tiny(max_length=24)
        x = model.prepare(tweets40, cache_dir=tmp_path / threads, progress=False)
        probs = model.fit(x, tweets40.labels, n_classes=2, seed=3).predict_proba(x)
        runs[threads] = (x, probs)
    (x1, p1), (x2, p2) = runs["1"], runs["2"]
    np.testing.assert_array_equal(x1.states, x2.states)
    np.testing.assert_array_equal(x1.offsets, x2.offsets)
    np.testing.assert_array_equal(p1, p2)
    assert p1[:, 0].std() > 0
