"""Silence, precisely, third-party warnings that users can do nothing about."""

from __future__ import annotations

import warnings


def quiet_known_warnings() -> None:
    """Hide fastai's import-time use of ``torch.jit.script`` (deprecated in torch 2.10+).

    ``fastai.layers`` decorates a few activation functions with ``@torch.jit.script`` when it is
    imported, and torch answers with a ``FutureWarning`` on every ``train`` and ``bench``. Only
    that exact message is filtered; any other warning still shows.
    """
    warnings.filterwarnings("ignore", message=r"`torch\.jit\.script` is deprecated",
                            category=FutureWarning)
