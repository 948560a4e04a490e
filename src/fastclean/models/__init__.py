"""Models that give predicted probabilities for a dataset, chosen by name or by modality.

``get_model("auto", dataset)`` picks a small CNN for small in-memory images, EfficientNet-Lite0
features + logistic regression for photos, MiniLM + TF-IDF for text. Feature extractors are
separate from heads and cache their output on disk (:func:`cached_features`). Importing this
package does not import torch; models import it when they run.
"""

from .base import Model, take_rows
from .cache import cache_root
from .features import FeatureExtractor, cached_features, feature_cache_path
from .registry import AUTO_TEXT_MODEL, MODEL_NAMES, MODELS, auto_model_name, get_model
from .sklearn_model import SklearnModel

__all__ = [
    "Model", "take_rows", "cache_root", "FeatureExtractor", "cached_features",
    "feature_cache_path", "AUTO_TEXT_MODEL", "MODEL_NAMES", "MODELS", "auto_model_name",
    "get_model", "SklearnModel",
]
