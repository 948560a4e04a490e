import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from fastclean.data.dataset import LabelledDataset
from fastclean.models import AUTO_TEXT_MODEL, MODEL_NAMES, auto_model_name, get_model
from fastclean.models.sklearn_model import SklearnModel


def _photos(tmp_path):
    return LabelledDataset("photos", "image", ["a", "b"], [0, 1], ["x", "y"], np.array(["train"] * 2),
                           paths=[tmp_path / "x.jpg", tmp_path / "y.jpg"])


def test_auto_chooses_by_modality(digits600, tweets300, tmp_path, monkeypatch):
    monkeypatch.setattr("fastclean.models.registry._cuda_available", lambda: False)
    assert auto_model_name(digits600) == "cnn"
    assert auto_model_name(_photos(tmp_path)) == "efficientnet-lite0"
    assert auto_model_name(tweets300) == AUTO_TEXT_MODEL == "minilm-layers+tfidf"
    feats = LabelledDataset("f", "array", ["a", "b"], [0, 1], ["0", "1"], np.array(["train"] * 2),
                            features=np.zeros((2, 3)))
    assert auto_model_name(feats) == "logreg"


def test_every_registered_name_builds_a_model_with_that_name():
    for name in MODEL_NAMES[1:]:
        assert get_model(name).name == name


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown name 'bert'.*tfidf-logreg"):
        get_model("bert")


def test_auto_needs_a_dataset_and_sklearn_needs_an_estimator():
    with pytest.raises(ValueError, match="dataset"):
        get_model("auto")
    with pytest.raises(ValueError, match="estimator"):
        get_model("sklearn")
    assert isinstance(get_model("sklearn", estimator=LogisticRegression()), SklearnModel)


def test_importing_models_and_crossval_does_not_import_torch():
    code = ("import sys, fastclean.models, fastclean.crossval; "
            "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
