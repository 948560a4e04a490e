"""Experiment tracking: fastai's ``WandbCallback``, made to work with current fastcore.

fastai 2.8.12 formats the learner's configuration for W&B by calling fastcore's
``init_args`` on every value, and ``init_args`` calls ``vars()``, which fails on plain ints,
bools and strings. So ``WandbCallback`` raises in ``before_fit`` before any training
(fastai issue #4173, open). :class:`WandbTracker` is the same callback with a tolerant
``init_args`` in place while it gathers the configuration: objects with attributes are
described as before, plain values are logged as they are.
"""

from __future__ import annotations

import contextlib
from typing import Iterator


def _tolerant_init_args(original):
    def init_args(o):
        return original(o) if hasattr(o, "__dict__") else {}

    return init_args


@contextlib.contextmanager
def _tolerant_config_formatting() -> Iterator[None]:
    import fastai.callback.wandb as fastai_wandb

    original = fastai_wandb.init_args
    fastai_wandb.init_args = _tolerant_init_args(original)
    try:
        yield
    finally:
        fastai_wandb.init_args = original


def wandb_callback(**kwargs):
    """A fastai ``WandbCallback`` (``kwargs`` passed on) that survives fastai issue #4173.

    Raises
    ------
    ValueError
        When wandb is not installed.
    """
    try:
        from fastai.callback.wandb import WandbCallback
    except ImportError as exc:
        raise ValueError("track: wandb is not installed (pip install wandb), use --track none") from exc

    class WandbTracker(WandbCallback):
        def before_fit(self):
            with _tolerant_config_formatting():
                super().before_fit()

    return WandbTracker(**kwargs)
