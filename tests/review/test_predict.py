"""Predictions from a run's saved model: found in ``model/``, loaded only when allowed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fastclean.review.predict import find_saved_model, load_saved_model, predict
from fastclean.run import read_run


def test_a_run_without_model_dir_has_no_saved_model(image_run):
    assert find_saved_model(image_run) is None


def test_saved_sklearn_model_is_found_but_not_loaded_without_permission(text_run):
    saved = find_saved_model(text_run)
    assert saved.kind == "sklearn" and saved.path.name == "model.joblib"
    with pytest.raises(PermissionError, match="--allow-pickle"):
        load_saved_model(saved, allow_pickle=[])


def test_sklearn_text_model_predicts_a_class_with_its_probability(text_run):
    run = read_run(text_run)
    saved = find_saved_model(text_run)
    model = load_saved_model(saved, allow_pickle=[saved.path])
    text = run.examples["text"].iloc[0]
    result = predict(model, "sklearn", text, run.classes)
    probs = model.predict_proba([text])[0]
    assert result.label == run.classes[int(np.argmax(probs))]
    assert result.confidence == pytest.approx(float(probs.max()))
    assert [name for name, _ in result.top] == [run.classes[k] for k in np.argsort(-probs)]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sklearn_image_model_gets_pixels_in_the_run_image_shape(image_run):
    import joblib
    from PIL import Image
    from sklearn.linear_model import LogisticRegression

    run = read_run(image_run)
    images = np.asarray(run.images)
    model = LogisticRegression(max_iter=100).fit(images.reshape(len(images), -1), run.labels)
    (image_run / "model").mkdir()
    joblib.dump(model, image_run / "model" / "model.joblib")
    saved = find_saved_model(image_run)
    loaded = load_saved_model(saved, allow_pickle=[saved.path])
    # An upload at 4x the stored size is shrunk back to the stored 8x8 grid.
    upload = Image.fromarray(images[5]).resize((32, 32), Image.NEAREST)
    result = predict(loaded, "sklearn", upload, run.classes, image_shape=images.shape[1:])
    expected = model.predict(images[5].reshape(1, -1).astype(float))[0]
    assert result.label == run.classes[int(expected)]
    with pytest.raises(ValueError, match="image_shape"):
        predict(loaded, "sklearn", upload, run.classes)


def test_exported_fastai_learner_predicts_an_image(file_run):
    import torch
    from fastai.learner import Learner
    from fastai.losses import CrossEntropyLossFlat
    from fastai.vision.data import ImageDataLoaders
    from PIL import Image
    from torch import nn

    torch.set_num_threads(1)
    root = read_run(file_run).dataset["root"]
    dls = ImageDataLoaders.from_folder(root, valid_pct=0.25, seed=0, bs=32, num_workers=0,
                                       device=torch.device("cpu"))
    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, len(dls.vocab)))
    learn = Learner(dls, model, loss_func=CrossEntropyLossFlat())
    with learn.no_logging():
        learn.fit(1, 1e-2)
    (file_run / "model").mkdir()
    learn.export((file_run / "model" / "export.pkl").absolute())
    saved = find_saved_model(file_run)
    assert saved.kind == "fastai"
    loaded = load_saved_model(saved, allow_pickle=[saved.path])
    image = Image.open(sorted(Path(root).glob("*/*.png"))[0])
    result = predict(loaded, "fastai", image, [str(c) for c in dls.vocab])
    assert result.label in [str(c) for c in dls.vocab]
    assert 0.0 <= result.confidence <= 1.0
    assert sum(p for _, p in result.top) <= 1.0 + 1e-6


def test_unknown_model_kind_is_refused(text_run):
    with pytest.raises(ValueError, match="kind"):
        predict(object(), "onnx", "text", ["a", "b"])
