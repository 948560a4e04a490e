import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from fastclean.crossval import cross_val_pred_probs, fit_predict_split, fold_cache_dir, stratified_folds
from fastclean.data.dataset import LabelledDataset
from fastclean.models.base import Model
from fastclean.models.sklearn_model import SklearnModel

SRC = Path(__file__).resolve().parents[1] / "src"


def digits(n: int = 600) -> LabelledDataset:
    from sklearn.datasets import load_digits

    d = load_digits()
    return LabelledDataset("digits", "image", [str(k) for k in range(10)], d.target[:n],
                           [str(i) for i in range(n)], np.array(["train"] * n),
                           images=np.round(d.images[:n] * 255 / 16).astype(np.uint8))


class SpyModel(Model):
    """Records which ids each fit saw and which it scored; predicts the training prior."""

    name = "spy"

    def __init__(self):
        self.fits: list[set] = []
        self.scored: list[set] = []

    def prepare(self, dataset, *, cache_dir=None, progress=True):
        return np.array(dataset.ids)

    def fit(self, inputs, labels, *, n_classes, seed=0):
        self.fits.append(set(inputs))
        self.prior = np.bincount(labels, minlength=n_classes) / len(labels)
        return self

    def predict_proba(self, inputs):
        self.scored.append(set(inputs))
        return np.tile(self.prior, (len(inputs), 1))


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FASTCLEAN_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def inline_folds(monkeypatch):
    """Folds fit in this process (one worker), so a spy model sees every fit: on an idle machine
    the automatic worker count would fit them in a process pool, whatever the load was before."""
    monkeypatch.setenv("FASTCLEAN_THREADS", "1")


def test_every_example_is_scored_by_a_model_that_never_saw_it(inline_folds):
    ds, spy = digits(), SpyModel()
    probs = cross_val_pred_probs(ds, spy, folds=5, progress=False)
    assert probs.shape == (600, 10) and np.isfinite(probs).all()
    assert len(spy.fits) == 5
    for seen, scored in zip(spy.fits, spy.scored):
        assert not seen & scored
    assert set().union(*spy.scored) == set(ds.ids)


def test_folds_are_stratified_and_partition_the_rows():
    labels = digits().labels
    folds = stratified_folds(labels, 5, seed=0)
    np.testing.assert_array_equal(np.sort(np.concatenate(folds)), np.arange(600))
    per_fold = np.array([np.bincount(labels[f], minlength=10) for f in folds])
    assert (per_fold.max(0) - per_fold.min(0)).max() <= 1


def test_out_of_sample_accuracy_is_real_and_deterministic(tmp_path):
    ds = digits()
    model = SklearnModel(LogisticRegression(max_iter=300))
    a = cross_val_pred_probs(ds, model, folds=3, seed=1, cache_dir=tmp_path / "a", progress=False)
    b = cross_val_pred_probs(ds, model, folds=3, seed=1, cache_dir=tmp_path / "b", progress=False)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a.sum(1), 1.0)
    assert 0.85 < np.mean(a.argmax(1) == ds.labels) < 1.0


def test_finished_folds_are_reused_and_keyed_by_labels(tmp_path, inline_folds):
    ds, spy = digits(), SpyModel()
    cross_val_pred_probs(ds, spy, folds=4, cache_dir=tmp_path, progress=False)
    cross_val_pred_probs(ds, spy, folds=4, cache_dir=tmp_path, progress=False)
    assert len(spy.fits) == 4
    noisy = ds.with_labels(np.roll(ds.labels, 7))
    cross_val_pred_probs(noisy, spy, folds=4, cache_dir=tmp_path, progress=False)
    assert len(spy.fits) == 8
    assert fold_cache_dir(ds, spy, folds=4, seed=0, cache_dir=tmp_path) != \
        fold_cache_dir(noisy, spy, folds=4, seed=0, cache_dir=tmp_path)


def test_classes_smaller_than_the_number_of_folds_are_named():
    ds = digits()
    labels = ds.labels.copy()
    labels[np.flatnonzero(labels == 7)[3:]] = 1  # leave three 7s
    with pytest.raises(ValueError, match=r"'7' \(3\)"):
        cross_val_pred_probs(ds.with_labels(labels), SpyModel(), folds=5, progress=False)


@pytest.mark.parametrize("folds", [1, 0, 2.5, True])
def test_bad_fold_counts_are_rejected(folds):
    with pytest.raises(ValueError, match="folds"):
        cross_val_pred_probs(digits(), SpyModel(), folds=folds, progress=False)


def test_single_class_and_wrong_types_are_rejected():
    ds = digits()
    with pytest.raises(ValueError, match="single class"):
        cross_val_pred_probs(ds.with_labels(np.zeros(600)), SpyModel(), progress=False)
    with pytest.raises(TypeError, match="LabelledDataset"):
        cross_val_pred_probs(np.zeros((5, 2)), SpyModel(), progress=False)
    with pytest.raises(ValueError, match="labels must lie"):
        cross_val_pred_probs(ds.with_labels(ds.labels + 1), SpyModel(), progress=False)


def test_fit_predict_split_fits_on_train_and_scores_test():
    ds, spy = digits(), SpyModel()
    train, test = ds.subset(np.arange(400)), ds.subset(np.arange(400, 600))
    probs = fit_predict_split(train, test, spy, progress=False)
    assert probs.shape == (200, 10)
    assert spy.fits == [set(train.ids)] and spy.scored == [set(test.ids)]
    other = LabelledDataset("x", "image", list("abcdefghij"), test.labels, test.ids, test.splits,
                            images=test.images)
    with pytest.raises(ValueError, match="classes differ"):
        fit_predict_split(train, other, spy, progress=False)


def test_fit_predict_split_is_cached_with_its_model_and_keyed_by_seed_and_labels(tmp_path):
    ds = digits()
    train, test = ds.subset(np.arange(400)), ds.subset(np.arange(400, 600))
    first = SpyModel()
    probs, fitted = fit_predict_split(train, test, first, cache_dir=tmp_path, progress=False,
                                      return_model=True)
    assert len(first.fits) == 1 and fitted is first
    rerun = SpyModel()
    again, loaded = fit_predict_split(train, test, rerun, cache_dir=tmp_path, progress=False,
                                      return_model=True)
    assert rerun.fits == [] and rerun.scored == []  # neither fitted nor scored
    np.testing.assert_array_equal(again, probs)
    np.testing.assert_array_equal(loaded.prior, first.prior)
    other_seed = SpyModel()
    fit_predict_split(train, test, other_seed, seed=1, cache_dir=tmp_path, progress=False)
    assert len(other_seed.fits) == 1
    other_labels = SpyModel()
    fit_predict_split(train.with_labels(np.roll(train.labels, 3)), test, other_labels,
                      cache_dir=tmp_path, progress=False)
    assert len(other_labels.fits) == 1
    # The test labels are not the model's business: changing them changes nothing.
    same = SpyModel()
    fit_predict_split(train, test.with_labels(np.roll(test.labels, 3)), same, cache_dir=tmp_path,
                      progress=False)
    assert same.fits == []


def test_fit_predict_split_killed_after_the_fit_resumes_by_scoring(tmp_path):
    from fastclean.crossval import split_cache_dir

    ds = digits()
    train, test = ds.subset(np.arange(400)), ds.subset(np.arange(400, 600))
    probs = fit_predict_split(train, test, SpyModel(), cache_dir=tmp_path, progress=False)
    where = split_cache_dir(train, test, SpyModel(), seed=0, cache_dir=tmp_path)
    (where / "test-probs.npy").unlink()  # as if killed between the fit and the scoring
    spy = SpyModel()
    np.testing.assert_array_equal(fit_predict_split(train, test, spy, cache_dir=tmp_path,
                                                    progress=False), probs)
    assert spy.fits == []
    (where / "model.joblib").write_bytes(b"damaged")
    (where / "test-probs.npy").unlink()
    spy = SpyModel()
    np.testing.assert_array_equal(fit_predict_split(train, test, spy, cache_dir=tmp_path,
                                                    progress=False), probs)
    assert len(spy.fits) == 1


CHILD = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from fastclean.crossval import cross_val_pred_probs
    from fastclean.data.dataset import LabelledDataset
    from fastclean.models.sklearn_model import SklearnModel

    class KillableModel(SklearnModel):
        fits = 0
        def fit(self, *args, **kwargs):
            KillableModel.fits += 1
            if os.environ.get("KILL_AT_FIT") == str(KillableModel.fits):
                os.kill(os.getpid(), signal.SIGKILL)
            return super().fit(*args, **kwargs)

    d = load_digits()
    n = 600
    ds = LabelledDataset("digits", "image", [str(k) for k in range(10)], d.target[:n],
                         [str(i) for i in range(n)], np.array(["train"] * n),
                         images=np.round(d.images[:n] * 255 / 16).astype(np.uint8))
    model = KillableModel(LogisticRegression(max_iter=200), name="killable")
    probs = cross_val_pred_probs(ds, model, folds=5, seed=2, cache_dir=sys.argv[1], progress=False)
    np.save(sys.argv[2], probs)
    print("fits", KillableModel.fits)
""")


def test_sigkilled_run_resumes_from_finished_folds_with_identical_result(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, PYTHONPATH=str(SRC), FASTCLEAN_THREADS="1")  # fits in the child itself

    def run(cache, out, kill_at=None):
        e = dict(env, **({"KILL_AT_FIT": str(kill_at)} if kill_at else {}))
        return subprocess.run([sys.executable, str(script), str(cache), str(out)], env=e,
                              capture_output=True, text=True, timeout=300)

    killed = run(tmp_path / "cache", tmp_path / "killed.npy", kill_at=2)
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "killed.npy").exists()
    assert len(list((tmp_path / "cache" / "folds").rglob("fold*.npy"))) == 1

    resumed = run(tmp_path / "cache", tmp_path / "resumed.npy")
    assert resumed.returncode == 0, resumed.stderr
    assert "fits 4" in resumed.stdout  # only the four unfinished folds were trained

    # The same computation, uninterrupted, in this process with an empty cache.
    uninterrupted = cross_val_pred_probs(digits(600), SklearnModel(LogisticRegression(max_iter=200),
                                                                   name="killable"),
                                         folds=5, seed=2, cache_dir=tmp_path / "fresh", progress=False)
    np.testing.assert_array_equal(np.load(tmp_path / "resumed.npy"), uninterrupted)
