"""fastai ``DataLoaders`` built with the DataBlock API from a :class:`LabelledDataset`.

Items are ``(input, label_name)`` tuples read with fastai's :class:`ItemGetter`, so an exported
learner pickles no closure and no copy of the data: ``Learner.export`` empties the items and
keeps only the transforms. Three kinds of input:

- images in memory (``images``, e.g. digits, MNIST): ``ImageBlock`` over uint8 arrays;
- images on disk (``paths``, e.g. Imagenette): ``ImageBlock`` over paths, resized;
- feature vectors (``features``, or text embedded beforehand): a float ``TransformBlock``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..data.dataset import LabelledDataset


def to_float_tensor(x):
    """Type transform of feature-vector inputs: a 1-D float32 tensor (module level: picklable)."""
    import torch

    return torch.as_tensor(np.asarray(x, dtype=np.float32))


def array_to_image(x):
    """Type transform of in-memory uint8 images: a channels-first ``TensorImage`` (no PIL round trip)."""
    import torch
    from fastai.torch_core import TensorImage, TensorImageBW

    t = torch.from_numpy(np.ascontiguousarray(x))
    if t.ndim == 2:
        return TensorImageBW(t[None])
    return TensorImage(t.permute(2, 0, 1))


class Items(list):
    """The item list handed to ``DataBlock.dataloaders``.

    fastai formats its source into a (silent) message; the default ``repr`` of thousands of
    image arrays took a minute for MNIST, this one is instant.
    """

    def __repr__(self) -> str:
        return f"Items({len(self)})"


def input_kind(ds: LabelledDataset, *, text: bool = False) -> str:
    """Which input the DataBlock reads: ``"images"``, ``"paths"``, ``"features"`` or ``"texts"``.

    ``text=True`` asks for the raw strings (the fastai AWD_LSTM text classifier).

    Raises
    ------
    ValueError
        If ``ds`` holds only texts (embed them first, see :mod:`fastclean.train.features`).
    """
    if text:
        if ds.texts is None:
            raise ValueError(f"dataset {ds.name!r}: a text classifier needs texts")
        return "texts"
    if ds.images is not None:
        return "images"
    if ds.paths is not None:
        return "paths"
    if ds.features is not None:
        return "features"
    raise ValueError(
        f"dataset {ds.name!r}: no images, paths or features to train on "
        "(texts must be embedded first)"
    )


def _inputs(ds: LabelledDataset, kind: str, rgb: bool) -> list:
    if kind == "texts":
        return list(ds.texts)
    if kind == "images":
        images = np.asarray(ds.images, dtype=np.uint8)
        if rgb and images.ndim == 3:
            images = np.repeat(images[..., None], 3, axis=-1)
        return list(images)
    if kind == "paths":
        return [str(p) for p in ds.paths]
    return list(np.asarray(ds.features, dtype=np.float32))


def make_items(ds: LabelledDataset, labels: np.ndarray | None = None, *, rgb: bool = False,
               text: bool = False) -> list:
    """``(input, label_name)`` tuples for ``ds``; ``labels`` overrides ``ds.labels``."""
    labels = ds.labels if labels is None else np.asarray(labels)
    xs = _inputs(ds, input_kind(ds, text=text), rgb)
    return [(x, ds.classes[int(y)]) for x, y in zip(xs, labels)]


def make_datablock(ds: LabelledDataset, valid_idx: Sequence[int], *, rgb: bool = False,
                   size: int | None = None, text: bool = False):
    """The fastai ``DataBlock`` for ``ds``, with ``valid_idx`` as its validation rows.

    Parameters
    ----------
    ds : LabelledDataset
        Supplies the input kind and the class vocabulary (kept in ``ds.classes`` order).
    valid_idx : sequence of int
        Positions (in the item list) of the validation examples.
    rgb : bool
        Three-channel images (pretrained ImageNet bodies) instead of grayscale ones.
    size : int, optional
        Resize images to ``size`` x ``size`` (required for images on disk).
    text : bool
        Tokenize and numericalize the raw texts (fastai ``TextBlock``, spaCy-free word rules).
    """
    from fastai.data.block import CategoryBlock, DataBlock, TransformBlock
    from fastai.data.transforms import IndexSplitter, IntToFloatTensor, ItemGetter
    from fastai.vision.augment import Resize
    from fastai.vision.core import PILImage, PILImageBW
    from fastai.vision.data import ImageBlock

    kind = input_kind(ds, text=text)
    item_tfms = None
    if kind == "texts":
        from fastai.text.core import Tokenizer, WordTokenizer
        from fastai.text.data import TextBlock

        x_block = TextBlock(Tokenizer(WordTokenizer()), min_freq=1, seq_len=72)
    elif kind == "features":
        x_block = TransformBlock(type_tfms=to_float_tensor)
    elif kind == "images" and size is None:
        # in-memory images skip PIL: about 3x faster per item on CPU, same pixels
        x_block = TransformBlock(type_tfms=array_to_image, batch_tfms=IntToFloatTensor)
    else:
        gray = kind == "images" and not rgb and np.asarray(ds.images).ndim == 3
        x_block = ImageBlock(cls=PILImageBW if gray else PILImage)
        if size is not None:
            item_tfms = Resize(size)
        elif kind == "paths":
            raise ValueError("size: images on disk need a size to be resized to")
    return DataBlock(
        blocks=(x_block, CategoryBlock(vocab=list(ds.classes), sort=False)),
        get_x=ItemGetter(0),
        get_y=ItemGetter(1),
        splitter=IndexSplitter(list(valid_idx)),
        item_tfms=item_tfms,
    )


def make_dataloaders(train: LabelledDataset, valid: LabelledDataset, *,
                     train_labels: np.ndarray | None = None, rgb: bool = False,
                     size: int | None = None, bs: int = 64, seed: int = 0, device=None,
                     text: bool = False):
    """fastai ``DataLoaders``: ``train`` (with ``train_labels``) to fit, ``valid`` to monitor.

    Parameters
    ----------
    train, valid : LabelledDataset
        The examples to fit on and to validate on (same classes).
    train_labels : ndarray of int, optional
        Labels to fit on instead of ``train.labels`` (pseudo-labels, cleaned labels).
    rgb, size
        See :func:`make_datablock`.
    bs : int
        Batch size.
    seed : int
        Seeds the shuffling of the training loader.
    device : torch.device or str, optional
        Where batches go (CPU by default).
    """
    from fastai.torch_core import set_seed

    # fastai loaders draw their shuffling RNG from the global state when they are created
    set_seed(seed, reproducible=True)
    items = Items(make_items(train, train_labels, rgb=rgb, text=text) + make_items(valid, rgb=rgb, text=text))
    valid_idx = range(len(train), len(train) + len(valid))
    block = make_datablock(train, valid_idx, rgb=rgb, size=size, text=text)
    return block.dataloaders(items, bs=min(bs, max(1, len(train))), num_workers=0,
                             device=device if device is not None else "cpu")


def make_test_dl(dls, ds: LabelledDataset, *, rgb: bool = False, bs: int = 256, text: bool = False):
    """A loader over ``ds``'s inputs in order, with the validation transforms of ``dls``."""
    items = [(x,) for x in _inputs(ds, input_kind(ds, text=text), rgb)]
    return dls.test_dl(items, bs=bs, num_workers=0)
