"""``minilm-toptune`` on two cores with the numbers of one: frozen chunks and split batches.

Threads inside one computation change its floating-point sums (``threads.py``), so the cores
are used by giving single-threaded processes pieces of work whose results do not depend on
who computes them:

- **Frozen pass.** Texts, sorted by length, are cut into chunks of :data:`FROZEN_CHUNK`
  (a multiple of the batch of 16), and each chunk's batches are run by one worker. The
  batches are the same whatever the number of workers, so the states are the same bits.
- **Fit.** Every training batch is cut into :data:`MICRO_BATCHES` fixed pieces; each piece's
  gradient is computed on its own (forward and backward, dropout seeded by ``(seed, step,
  piece)``) and the pieces' gradients are added in piece order, then one optimiser step
  follows. One process computes the pieces one after the other; with two, a helper process
  computes piece 1 while this one computes piece 0, hands its gradient over through shared
  memory, and gets the updated weights back. ``g0 + g1`` is the same sum either way.
"""

from __future__ import annotations

import functools
from typing import Sequence

import numpy as np

#: Texts per unit of work of the frozen pass (a multiple of :data:`FROZEN_BATCH`).
FROZEN_CHUNK = 1024
#: Texts per forward pass of the frozen layers.
FROZEN_BATCH = 16
#: Pieces every training batch is cut into (fixed: part of the numerics, not of the machine).
MICRO_BATCHES = 2


@functools.lru_cache(maxsize=1)
def _encoder():
    from .finetune import _load_pretrained

    _, encoder = _load_pretrained()
    return encoder.eval()


def frozen_chunk(token_ids: Sequence[Sequence[int]], frozen_layers: int, pad_id: int) -> np.ndarray:
    """Token states after ``frozen_layers`` of the texts of one chunk, packed (float16).

    ``token_ids`` come sorted by length; they are run in batches of :data:`FROZEN_BATCH` on one
    thread.
    """
    import torch

    from .finetune import _pad
    from .threads import limited_threads

    encoder = _encoder()
    out = []
    with limited_threads(), torch.inference_mode():
        for start in range(0, len(token_ids), FROZEN_BATCH):
            batch = token_ids[start:start + FROZEN_BATCH]
            ids, mask = _pad(batch, pad_id)
            hidden = encoder(input_ids=ids, attention_mask=mask,
                             output_hidden_states=True).hidden_states[frozen_layers].numpy()
            out += [hidden[j, :len(t)].astype(np.float16) for j, t in enumerate(batch)]
    return np.concatenate(out) if out else np.zeros((0, encoder.config.hidden_size), np.float16)


def frozen_states(token_ids: list[list[int]], frozen_layers: int, pad_id: int, hidden_size: int,
                  workers: int, advance=lambda n: None) -> tuple[np.ndarray, np.ndarray]:
    """Packed float16 states and offsets of every text, computed by chunks on ``workers`` processes."""
    lengths = np.array([len(t) for t in token_ids], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    states = np.zeros((int(offsets[-1]), hidden_size), np.float16)
    order = np.argsort(lengths, kind="stable")
    chunks = [order[s:s + FROZEN_CHUNK] for s in range(0, len(order), FROZEN_CHUNK)]
    jobs = [([token_ids[i] for i in rows], frozen_layers, pad_id) for rows in chunks]

    def put(rows, packed):
        at = 0
        for i in rows:
            states[offsets[i]:offsets[i + 1]] = packed[at:at + lengths[i]]
            at += lengths[i]
        advance(len(rows))

    workers = min(workers, len(chunks))
    if workers > 1:
        from .threads import single_threaded_pool

        with single_threaded_pool(workers) as pool:
            for rows, packed in zip(chunks, pool.map(frozen_chunk, *zip(*jobs))):
                put(rows, packed)
    else:
        for rows, job in zip(chunks, jobs):
            put(rows, frozen_chunk(*job))
    return states, offsets


def piece_seed(seed: int, step: int, piece: int) -> int:
    """The dropout seed of one piece of one training step (the same in any process)."""
    return int(np.random.SeedSequence([seed, step, piece]).generate_state(1)[0])


def piece_backward(net, inputs, y, rows: np.ndarray, batch_len: int, label_smoothing: float,
                   seed: int, step: int, piece: int, device: str = "cpu") -> None:
    """Forward and backward of one piece; its gradient is added to the parameters' ``.grad``.

    The loss is the piece's summed cross-entropy over ``batch_len`` (the whole batch's size),
    so the pieces' gradients add up to the gradient of the batch's mean loss.
    """
    import torch
    import torch.nn.functional as F

    torch.manual_seed(piece_seed(seed, step, piece))
    h, mask = inputs.batch(rows)
    logits = net(h.to(device), mask.to(device))
    loss = F.cross_entropy(logits, y[rows].to(device), label_smoothing=label_smoothing,
                           reduction="sum") / batch_len
    loss.backward()


def batch_pieces(rows: np.ndarray) -> list[np.ndarray]:
    """A batch cut into :data:`MICRO_BATCHES` pieces (the first ones one row longer)."""
    return np.array_split(rows, MICRO_BATCHES)


class PieceHelper:
    """A helper process that computes piece 1 of every step on a replica of the net.

    Parameters
    ----------
    net_factory : callable
        Builds the replica in the helper (its weights are overwritten before every step).
    inputs : TokenStates
    labels : ndarray of int64
    label_smoothing : float
    seed : int
    params : iterable of torch.nn.Parameter
        The parent's parameters: their weights go to the helper before every step, and the
        helper's gradient is added to their ``.grad``.
    """

    def __init__(self, net_factory, inputs, labels: np.ndarray, label_smoothing: float, seed: int,
                 params):
        import multiprocessing

        import torch
        from torch.nn.utils import parameters_to_vector

        from .threads import _single_threaded_worker

        self.params = list(params)
        flat = parameters_to_vector(self.params).detach()
        self.weights = flat.clone().share_memory_()
        self.grads = torch.zeros_like(flat).share_memory_()
        states = torch.from_numpy(inputs.states).share_memory_()
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_helper_main, daemon=True,
                                args=(child, net_factory, states, inputs.offsets, inputs.rows, labels,
                                      label_smoothing, seed, self.weights, self.grads,
                                      _single_threaded_worker))
        self.proc.start()
        child.close()

    def start(self, step: int, rows: np.ndarray, batch_len: int) -> None:
        """Ask for piece 1 of ``step`` with the current weights."""
        import torch
        from torch.nn.utils import parameters_to_vector

        with torch.no_grad():
            self.weights.copy_(parameters_to_vector(self.params))
        self.conn.send((step, rows, batch_len))

    def add_gradient(self) -> None:
        """Wait for piece 1 and add its gradient to the parameters' ``.grad`` (after piece 0's)."""
        reply = self._recv()
        if reply != "done":
            raise RuntimeError(f"minilm-toptune: the helper process failed: {reply}")
        at = 0
        for p in self.params:
            g = self.grads[at:at + p.numel()].view_as(p)
            at += p.numel()
            if p.grad is None:
                p.grad = g.clone()
            else:
                p.grad += g

    def _recv(self):
        try:
            while not self.conn.poll(1.0):
                if not self.proc.is_alive():
                    break
            return self.conn.recv()
        except (EOFError, OSError):
            self.proc.join(timeout=5)
            raise RuntimeError("minilm-toptune: the helper process died "
                               f"(exit code {self.proc.exitcode})") from None

    def close(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join()


def _helper_main(conn, net_factory, states, offsets, rows, labels, label_smoothing, seed, weights,
                 grads, init) -> None:
    init()
    import torch
    from torch.nn.utils import parameters_to_vector, vector_to_parameters

    from .toptune import TokenStates

    torch.set_num_threads(1)
    inputs = TokenStates(states.numpy(), offsets, rows)
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    net = net_factory()
    net.train()
    params = list(net.parameters())
    try:
        while True:
            job = conn.recv()
            if job is None:
                return
            step, piece_rows, batch_len = job
            with torch.no_grad():
                vector_to_parameters(weights, params)
            for p in params:
                p.grad = None
            piece_backward(net, inputs, y, piece_rows, batch_len, label_smoothing, seed, step, 1)
            with torch.no_grad():
                grads.copy_(parameters_to_vector([p.grad if p.grad is not None else torch.zeros_like(p)
                                                  for p in params]))
            conn.send("done")
    except Exception as exc:  # reported to the parent, which raises
        conn.send(f"{type(exc).__name__}: {exc}")
