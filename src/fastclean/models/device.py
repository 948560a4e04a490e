"""Which torch device a model runs on: ``cpu``, ``cuda``, or ``auto`` (the GPU when there is one)."""

from __future__ import annotations

#: Accepted device names.
DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device: str) -> str:
    """``"cpu"`` or ``"cuda"``: ``"auto"`` takes CUDA when torch sees a GPU.

    Raises
    ------
    ValueError
        Unknown ``device``, or ``"cuda"`` without a usable GPU.
    """
    if device not in DEVICES:
        raise ValueError(f"device: expected one of {', '.join(DEVICES)}, got {device!r}")
    if device == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise ValueError("device: cuda requested but no GPU is available on this machine")
    return "cpu"
