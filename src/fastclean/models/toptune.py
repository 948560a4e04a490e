"""MiniLM with only its top transformer layer(s) fine-tuned, on cached lower-layer token states.

Fine-tuning all of all-MiniLM-L6-v2 (``minilm-finetune``) classifies tweets far better than
linear heads on frozen embeddings, but costs about 60 CPU-s per 1 000 texts per epoch, most of
it in the forward and backward passes of the five lower layers. Those layers can stay frozen:
their outputs do not depend on the labels, so :meth:`MiniLMTopTune.prepare` runs them once per
dataset and caches every text's token states (float16, packed without padding), and each fit
(one per cross-validation fold) trains only the top layer(s), a mean pool and a linear layer
on those states. A fold then costs a fraction of a full fine-tune, which makes K-fold
out-of-sample probabilities affordable on a CPU.

Noisy labels are what ``find`` is for, so the fit guards against memorising them: few epochs,
weight decay, label smoothing, dropout, and a linear learning-rate decay to zero.

Determinism: every random draw comes from generators seeded by ``seed`` (dropout by ``(seed,
step, piece)``), and every computation runs on one thread. Two free cores are used without
changing a bit (:mod:`.toptune_parallel`): the frozen pass by chunks on a pool of processes, and
each training batch as two fixed pieces whose gradients are added in order, piece 1 on a helper
process. Same seed, same numbers, whatever ``FASTCLEAN_THREADS`` says.
"""

from __future__ import annotations

import copy
import functools
import logging
import math
import os
import time

import numpy as np

from ..data.dataset import LabelledDataset
from .base import Model
from .cache import cache_root
from .device import resolve_device
from .finetune import check_fine_tune_args, check_int, length_sorted_batches
from .text_features import texts_of
from .threads import NUMERIC_THREADS, limited_threads

_log = logging.getLogger(__name__)

#: MiniLM-L6's transformer layers and their width.
N_LAYERS = 6
HIDDEN_SIZE = 384
#: Version of the cached token states (bump when their computation changes).
STATES_VERSION = "1"


def build_net(frozen_layers: int, n_classes: int, dropout: float):
    """MiniLM's pretrained layers above ``frozen_layers``, a mean pool, dropout and a linear layer."""
    from .finetune import _load_pretrained
    from .toptune_net import TopLayersClassifier

    _, encoder = _load_pretrained()
    layers = [copy.deepcopy(layer) for layer in encoder.encoder.layer[frozen_layers:]]
    return TopLayersClassifier(layers, encoder.config.hidden_size, n_classes, dropout)


class TokenStates:
    """Hidden states of every token of N texts, packed without padding (float16).

    Parameters
    ----------
    states : ndarray of float16, shape (total tokens, hidden size)
    offsets : ndarray of int64, shape (N + 1,)
        Text ``i`` owns ``states[offsets[i]:offsets[i + 1]]``.
    rows : ndarray of int, optional
        The texts this view selects (default: all), in order.
    """

    def __init__(self, states: np.ndarray, offsets: np.ndarray, rows: np.ndarray | None = None):
        self.states = states
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.rows = np.arange(len(self.offsets) - 1) if rows is None else np.asarray(rows, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.rows)

    def select_rows(self, rows) -> "TokenStates":
        """A view of some texts (no copy of the states)."""
        return TokenStates(self.states, self.offsets, self.rows[np.asarray(rows, dtype=np.int64)])

    def lengths(self) -> np.ndarray:
        """Tokens per selected text."""
        return (self.offsets[self.rows + 1] - self.offsets[self.rows]).astype(np.int64)

    def batch(self, which: np.ndarray):
        """Float32 ``(len(which), longest, hidden)`` states and their 0/1 mask, zero-padded."""
        import torch

        texts = self.rows[which]
        lengths = self.offsets[texts + 1] - self.offsets[texts]
        width = max(1, int(lengths.max()))
        h = np.zeros((len(texts), width, self.states.shape[1]), np.float32)
        mask = np.zeros((len(texts), width), np.int64)
        for j, (i, n) in enumerate(zip(texts, lengths)):
            h[j, :n] = self.states[self.offsets[i]:self.offsets[i] + n]
            mask[j, :n] = 1
        return torch.from_numpy(h), torch.from_numpy(mask)


class MiniLMTopTune(Model):
    """all-MiniLM-L6-v2 with its top ``top_layers`` layers fine-tuned, a mean pool and a linear layer.

    Parameters
    ----------
    top_layers : int
        Transformer layers trained (1..6); the others run once, frozen, in :meth:`prepare`.
    epochs : int
    batch_size : int
    lr : float
        Peak AdamW learning rate (after a linear warm-up, then decaying linearly to 0).
    warmup : float
        Fraction of the steps spent warming up, in [0, 1).
    weight_decay : float
        Decoupled weight decay (not on biases and LayerNorm weights).
    max_length : int
        Word pieces kept per text, with ``[CLS]`` and ``[SEP]`` (3..512).
    dropout : float
        Dropout on the pooled vector while training (the layers keep MiniLM's own 0.1).
    label_smoothing : float
        Cross-entropy label smoothing in [0, 1).
    device : {"auto", "cpu", "cuda"}
    """

    name = "minilm-toptune"
    version = "2"  # 2: each batch's gradient summed from fixed pieces (toptune_parallel)

    def __init__(self, top_layers: int = 2, epochs: int = 2, batch_size: int = 16, lr: float = 1e-4,
                 warmup: float = 0.1, weight_decay: float = 0.01, max_length: int = 128,
                 dropout: float = 0.1, label_smoothing: float = 0.0, device: str = "auto"):
        check_int("top_layers", top_layers, 1, N_LAYERS)
        check_fine_tune_args(epochs=epochs, batch_size=batch_size, lr=lr, warmup=warmup,
                             max_length=max_length, label_smoothing=label_smoothing, device=device)
        self.top_layers = top_layers
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
        return (f"k{self.top_layers}-e{self.epochs}-b{self.batch_size}-lr{self.lr:g}-w{self.warmup:g}"
                f"-wd{self.weight_decay:g}-l{self.max_length}-d{self.dropout:g}-ls{self.label_smoothing:g}")

    @property
    def frozen_layers(self) -> int:
        """Layers run once in :meth:`prepare` (their output is the cached token states)."""
        return N_LAYERS - self.top_layers

    def prepare(self, dataset: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                progress: bool = True) -> TokenStates:
        """Token states after the frozen layers, for every text (cached on disk), label-free."""
        texts = texts_of(dataset)
        key = f"minilm-h{self.frozen_layers}-v{STATES_VERSION}-t{NUMERIC_THREADS}-l{self.max_length}"
        path = cache_root(cache_dir) / "token-states" / key / f"{dataset.content_hash()}.npz"
        if path.exists():
            try:
                with np.load(path) as z:
                    states = TokenStates(z["states"], z["offsets"])
                if len(states) == len(texts):
                    return states
            except (OSError, ValueError, KeyError):
                pass  # a damaged entry: compute again
        states = self._frozen_states(texts, progress)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.stem + f".tmp{os.getpid()}.npz")
        np.savez(tmp, states=states.states, offsets=states.offsets)
        os.replace(tmp, path)
        return states

    def _frozen_states(self, texts: list[str], progress: bool) -> TokenStates:
        from .features import progress_bar
        from .finetune import _tokenizer
        from .threads import model_threads
        from .toptune_parallel import frozen_states

        tokenizer = _tokenizer()
        token_ids = tokenizer(texts, truncation=True, max_length=self.max_length)["input_ids"]
        with progress_bar(f"minilm layers 1-{self.frozen_layers}", len(texts), progress) as advance:
            states, offsets = frozen_states(token_ids, self.frozen_layers, tokenizer.pad_token_id,
                                            HIDDEN_SIZE, model_threads(), advance)
        return TokenStates(states, offsets)

    def _threads(self, device: str):
        return limited_threads(1 if device == "cpu" else None)

    def fit(self, inputs: TokenStates, labels: np.ndarray, *, n_classes: int, seed: int = 0) -> "MiniLMTopTune":
        import torch

        labels = np.asarray(labels, dtype=np.int64)
        if len(inputs) != len(labels):
            raise ValueError(f"labels: expected {len(inputs)} labels, got {len(labels)}")
        device = resolve_device(self.device)
        before = torch.are_deterministic_algorithms_enabled()
        try:
            if device == "cuda":
                os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
                torch.use_deterministic_algorithms(True, warn_only=True)
            with self._threads(device):
                return self._fit(inputs, labels, n_classes, seed, device)
        finally:
            torch.use_deterministic_algorithms(before)

    def _fit(self, inputs: TokenStates, labels: np.ndarray, n_classes: int, seed: int,
             device: str) -> "MiniLMTopTune":
        import torch

        from .threads import model_threads
        from .toptune_parallel import MICRO_BATCHES, PieceHelper, batch_pieces, piece_backward

        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        net = build_net(self.frozen_layers, n_classes, self.dropout).to(device)
        named = list(net.named_parameters())
        no_decay = [p for n, p in named if n.endswith("bias") or "LayerNorm" in n]
        decay = [p for n, p in named if not (n.endswith("bias") or "LayerNorm" in n)]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": self.weight_decay},
                                 {"params": no_decay, "weight_decay": 0.0}], lr=self.lr)
        steps = self.epochs * math.ceil(len(labels) / self.batch_size)
        warm = int(self.warmup * steps)

        def schedule(step: int) -> float:
            if step < warm:
                return (step + 1) / (warm + 1)
            return max(0.0, (steps - step) / max(1, steps - warm))

        sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
        y = torch.from_numpy(labels)
        lengths = inputs.lengths()
        net.train()
        # Piece 1 of each batch on a helper process when a second core is free (same numbers).
        helper = None
        if device == "cpu" and MICRO_BATCHES == 2 and min(model_threads(), 2) == 2 \
                and len(labels) >= 4 * self.batch_size:
            helper = PieceHelper(functools.partial(build_net, self.frozen_layers, n_classes, self.dropout),
                                 inputs, labels, self.label_smoothing, seed, net.parameters())
        wall, cpu = time.perf_counter(), time.process_time()
        step = 0
        try:
            for epoch in range(self.epochs):
                for rows in length_sorted_batches(lengths, self.batch_size, rng):
                    pieces = batch_pieces(rows)
                    opt.zero_grad(set_to_none=True)
                    remote = helper is not None and len(pieces[1]) > 0
                    if remote:
                        helper.start(step, pieces[1], len(rows))
                    for j, piece in enumerate(pieces):
                        if len(piece) and not (remote and j == 1):
                            piece_backward(net, inputs, y, piece, len(rows), self.label_smoothing,
                                           seed, step, j, device)
                    if remote:
                        helper.add_gradient()
                    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                    opt.step()
                    sched.step()
                    step += 1
                _log.info("minilm-toptune: epoch %d of %d, %.0f s wall, %.0f CPU-s", epoch + 1,
                          self.epochs, time.perf_counter() - wall, time.process_time() - cpu)
        finally:
            if helper is not None:
                helper.close()
        self.net_ = net.eval()
        self.n_classes_ = n_classes
        return self

    def predict_proba(self, inputs: TokenStates) -> np.ndarray:
        import torch

        out = np.zeros((len(inputs), self.n_classes_), np.float64)
        if len(inputs) == 0:
            return out
        device = next(self.net_.parameters()).device
        order = np.argsort(inputs.lengths(), kind="stable")
        with self._threads(device.type), torch.inference_mode():
            for start in range(0, len(order), 64):
                rows = order[start:start + 64]
                h, mask = inputs.batch(rows)
                logits = self.net_(h.to(device), mask.to(device))
                out[rows] = torch.softmax(logits.double(), dim=1).cpu().numpy()
        return out

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if "net_" in state:
            state["net_"] = state["net_"].to("cpu")
        return state
