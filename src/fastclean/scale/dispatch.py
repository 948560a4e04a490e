"""Route calls with row-chunked ``pred_probs`` from the in-memory functions to
:mod:`fastclean.scale.api`, so that ``fastclean.find_label_issues(labels, dask_array)`` works.

Imports nothing beyond numpy; the chunked implementation is imported on first use.
"""

from __future__ import annotations

import functools
import importlib
import inspect

from .sources import is_chunked_input

_NOTE = """
    Row-chunked input (``fastclean`` package level only): ``pred_probs`` may also be a
    ``dask.array`` chunked along rows, a ``zarr`` array or a path to a ``.zarr`` store or
    ``.npy`` file; the call then runs block by block (on a Dask cluster with ``client=``)
    and returns exactly the in-memory answer. See :mod:`fastclean.scale.api`.
"""

_SCALE_ONLY = ("client", "chunk_rows")


def accept_chunked(func):
    """Wrap an in-memory function so chunked ``pred_probs`` go to its chunked namesake."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            bound = signature.bind_partial(*args, **{k: v for k, v in kwargs.items()
                                                     if k not in _SCALE_ONLY})
            probs = bound.arguments.get("pred_probs")
        except TypeError:
            probs = None
        if is_chunked_input(probs) or any(k in kwargs for k in _SCALE_ONLY):
            api = importlib.import_module("fastclean.scale.api")
            return getattr(api, func.__name__)(*args, **kwargs)
        return func(*args, **kwargs)

    wrapper.__doc__ = (func.__doc__ or "") + _NOTE
    return wrapper
