"""MiniLM (all-MiniLM-L6-v2) fine-tuned end to end, with a linear head on mean-pooled tokens.

The frozen-embedding text models (``minilm-layers+tfidf``) stop near 0.85 out-of-sample accuracy
on covid-tweets; training every encoder weight on the task goes further, at a cost: about
89 CPU-s per 1 000 tweets per epoch on one core (``benchmarks/RESULTS.md``, issue 14). That is
seconds on a GPU, so ``auto`` picks this model for text when CUDA is available, and keeps the
linear models on CPU.

Training: AdamW (no weight decay on biases and LayerNorm weights), linear warm-up then linear
decay of the learning rate, a few epochs, dropout on the pooled vector, optional label
smoothing. Batches are dynamic: texts are shuffled, cut into pools of 50 batches, sorted by
length within a pool and padded only to the longest text of their batch, and the batches are
shuffled again, so little compute goes to padding.

Determinism: every random draw comes from generators seeded by ``seed``. On CPU the numerics
run on one thread whatever ``FASTCLEAN_THREADS`` says, because the order of floating-point
sums in multi-threaded kernels depends on the thread count (same seed, same files, whatever
the threads). On CUDA, torch's deterministic algorithms (and a fixed cuBLAS workspace) are
requested while training; that path could not be tested yet (no GPU in the sessions so far).
"""

from __future__ import annotations

import logging
import math
import os
import time
from typing import Sequence

import numpy as np

from ..data.dataset import LabelledDataset
from .base import Model
from .device import DEVICES, resolve_device
from .text_features import minilm_path, texts_of
from .threads import limited_threads

_log = logging.getLogger(__name__)

#: Batches sorted by length together (a pool), see the module docstring.
POOL_BATCHES = 50


def _load_pretrained():
    """The MiniLM tokenizer and a fresh copy of its pretrained encoder, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    path = minilm_path()
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)


def _tokenizer():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    return AutoTokenizer.from_pretrained(minilm_path())


def _pad(token_ids: Sequence[Sequence[int]], pad_id: int):
    """``input_ids`` and ``attention_mask`` tensors padded to the longest of ``token_ids``."""
    import torch

    width = max(1, max(len(t) for t in token_ids))
    ids = torch.full((len(token_ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(token_ids), width), dtype=torch.long)
    for i, t in enumerate(token_ids):
        ids[i, :len(t)] = torch.as_tensor(list(t), dtype=torch.long)
        mask[i, :len(t)] = 1
    return ids, mask


def length_sorted_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Rows in shuffled batches of similar length (pools of :data:`POOL_BATCHES` batches).

    Parameters
    ----------
    lengths : ndarray of int
        Tokens per row.
    batch_size : int
    rng : numpy.random.Generator
        Source of the shuffles (seeded by the caller, for determinism).

    Returns
    -------
    list of ndarray
        Row indices of each batch; every row appears exactly once, and the batch order is
        shuffled too.

    Examples
    --------
    >>> batches = length_sorted_batches(np.array([5, 9, 6, 8]), 2, np.random.default_rng(0))
    >>> sorted(np.concatenate(batches).tolist())
    [0, 1, 2, 3]
    """
    order = rng.permutation(len(lengths))
    pool = batch_size * POOL_BATCHES
    batches = []
    for start in range(0, len(order), pool):
        chunk = order[start:start + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def check_int(arg: str, value: object, low: int, high: int | None = None) -> None:
    """Check that ``value`` is an int in ``low..high`` (no upper bound when ``high`` is None).

    Raises
    ------
    ValueError
        Naming ``arg`` and the bound, for a bool, a non-int or an int out of range.
    """
    if (isinstance(value, bool) or not isinstance(value, int) or value < low
            or (high is not None and value > high)):
        bound = f"an int in {low}..{high}" if high is not None else "a positive int"
        raise ValueError(f"{arg}: expected {bound}, got {value!r}")


def check_fine_tune_args(*, epochs: int, batch_size: int, lr: float, warmup: float, max_length: int,
                         label_smoothing: float, device: str) -> None:
    """Check the training schedule shared by the fine-tuned text models.

    Raises
    ------
    ValueError
        Naming the first argument out of range (see :class:`MiniLMFineTune` for the ranges).
    """
    check_int("epochs", epochs, 1)
    check_int("batch_size", batch_size, 1)
    check_int("max_length", max_length, 3, 512)
    if not lr > 0:
        raise ValueError(f"lr: expected a positive number, got {lr!r}")
    if not 0 <= warmup < 1:
        raise ValueError(f"warmup: expected a fraction in [0, 1), got {warmup!r}")
    if not 0 <= label_smoothing < 1:
        raise ValueError(f"label_smoothing: expected a number in [0, 1), got {label_smoothing!r}")
    if device not in DEVICES:
        raise ValueError(f"device: expected one of {', '.join(DEVICES)}, got {device!r}")


class MiniLMFineTune(Model):
    """all-MiniLM-L6-v2 fine-tuned end to end with a linear head on its mean-pooled tokens.

    Parameters
    ----------
    epochs : int
        Passes over the training rows.
    batch_size : int
    lr : float
        Peak learning rate (reached after the warm-up, then decaying linearly to 0).
    warmup : float
        Fraction of the optimiser steps spent warming up, in [0, 1).
    weight_decay : float
        AdamW decoupled weight decay (not on biases and LayerNorm weights).
    max_length : int
        Word pieces kept per text (with ``[CLS]`` and ``[SEP]``); longer texts are truncated.
        128 keeps every covid tweet but one whole (99 % have ≤ 86).
    dropout : float
        Dropout on the pooled vector while training.
    label_smoothing : float
        Cross-entropy label smoothing in [0, 1).
    device : {"auto", "cpu", "cuda"}
        Where to train and predict; ``"auto"`` uses CUDA when available.
    """

    name = "minilm-finetune"
    version = "1"

    def __init__(self, epochs: int = 2, batch_size: int = 16, lr: float = 5e-5, warmup: float = 0.1,
                 weight_decay: float = 0.01, max_length: int = 128, dropout: float = 0.1,
                 label_smoothing: float = 0.0, device: str = "auto"):
        check_fine_tune_args(epochs=epochs, batch_size=batch_size, lr=lr, warmup=warmup,
                             max_length=max_length, label_smoothing=label_smoothing, device=device)
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.warmup = warmup
        self.weight_decay = weight_decay
        self.max_length = max_length
        self.dropout = dropout
        self.label_smoothing = label_smoothing
        self.device = device

    def params_key(self) -> str:
        # The device is left out on purpose: it changes the float rounding, not the method.
        return (f"e{self.epochs}-b{self.batch_size}-lr{self.lr:g}-w{self.warmup:g}-wd{self.weight_decay:g}"
                f"-l{self.max_length}-d{self.dropout:g}-ls{self.label_smoothing:g}")

    def prepare(self, dataset: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                progress: bool = True) -> list[list[int]]:
        """Word-piece ids of each text (truncated to ``max_length``), label-free."""
        texts = texts_of(dataset)
        if not texts:
            return []
        encoded = _tokenizer()(texts, truncation=True, max_length=self.max_length)
        return [list(ids) for ids in encoded["input_ids"]]

    def _threads(self, device: str):
        # One thread on CPU: identical numbers whatever FASTCLEAN_THREADS (see module docstring).
        return limited_threads(1 if device == "cpu" else None)

    def fit(self, inputs: list[list[int]], labels: np.ndarray, *, n_classes: int,
            seed: int = 0) -> "MiniLMFineTune":
        import torch  # before limited_threads, which then limits torch's threads too

        device = resolve_device(self.device)
        before = torch.are_deterministic_algorithms_enabled()
        try:
            if device == "cuda":
                # cuBLAS needs this before its first call; embedding gradients use atomics unless
                # deterministic algorithms are asked for (warn, rather than fail, where none exists).
                os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
                torch.use_deterministic_algorithms(True, warn_only=True)
            with self._threads(device):
                return self._fit(list(inputs), np.asarray(labels, dtype=np.int64), n_classes, seed, device)
        finally:
            torch.use_deterministic_algorithms(before)

    def _fit(self, token_ids: list[list[int]], labels: np.ndarray, n_classes: int, seed: int,
             device: str) -> "MiniLMFineTune":
        import torch
        import torch.nn.functional as F

        if len(token_ids) != len(labels):
            raise ValueError(f"labels: expected {len(token_ids)} labels, got {len(labels)}")
        if device == "cuda":
            torch.backends.cudnn.deterministic = True
            torch.backends.cudnn.benchmark = False
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        tokenizer, encoder = _load_pretrained()
        self.pad_id_ = int(tokenizer.pad_token_id or 0)
        from .finetune_net import MeanPoolClassifier

        net = MeanPoolClassifier(encoder, n_classes, self.dropout).to(device)
        no_decay = [p for n, p in net.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
        decay = [p for n, p in net.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": self.weight_decay},
                                 {"params": no_decay, "weight_decay": 0.0}], lr=self.lr)
        lengths = np.array([len(t) for t in token_ids])
        steps = self.epochs * math.ceil(len(token_ids) / self.batch_size)
        warm = int(self.warmup * steps)

        def schedule(step: int) -> float:
            if step < warm:
                return (step + 1) / (warm + 1)
            return max(0.0, (steps - step) / max(1, steps - warm))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
        y = torch.from_numpy(labels)
        net.train()
        wall, cpu, step = time.perf_counter(), time.process_time(), 0
        for epoch in range(self.epochs):
            for rows in length_sorted_batches(lengths, self.batch_size, rng):
                ids, mask = _pad([token_ids[i] for i in rows], self.pad_id_)
                logits = net(ids.to(device), mask.to(device))
                loss = F.cross_entropy(logits, y[rows].to(device), label_smoothing=self.label_smoothing)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                opt.step()
                sched.step()
                step += 1
                if step % 50 == 0 or step == steps:
                    _log.info("minilm-finetune: epoch %d, step %d of %d, %.0f s wall, %.0f CPU-s",
                              epoch + 1, step, steps, time.perf_counter() - wall, time.process_time() - cpu)
        self.net_ = net.eval()
        self.n_classes_ = n_classes
        return self

    def predict_proba(self, inputs: list[list[int]]) -> np.ndarray:
        import torch

        token_ids = list(inputs)
        out = np.zeros((len(token_ids), self.n_classes_), np.float64)
        if not token_ids:
            return out
        device = next(self.net_.parameters()).device
        order = np.argsort([len(t) for t in token_ids], kind="stable")
        with self._threads(device.type), torch.inference_mode():
            for start in range(0, len(order), 64):
                rows = order[start:start + 64]
                ids, mask = _pad([token_ids[i] for i in rows], self.pad_id_)
                logits = self.net_(ids.to(device), mask.to(device))
                out[rows] = torch.softmax(logits.double(), dim=1).cpu().numpy()
        return out

    def __getstate__(self) -> dict:
        # Pickle (model.joblib, the fold cache's final model) with the weights on the CPU.
        state = dict(self.__dict__)
        if "net_" in state:
            state["net_"] = state["net_"].to("cpu")
        return state
