"""fastai ``Learner``s for noisy-label training: architectures, losses, fitting, prediction.

Architectures (``arch``):

- ``small-cnn``: a four-layer CNN built from fastai's ``ConvLayer``; fast on CPU, the default
  for small in-memory images (digits, MNIST).
- ``resnet18`` / ``resnet34``: ``vision_learner`` with torchvision ResNets; ImageNet weights
  only when ``pretrained`` is true (they download once into the torch cache).
- ``efficientnet-lite0``: ``vision_learner`` over the EfficientNet-Lite0 body of
  :mod:`fastclean.models`, with its offline ImageNet weights.
- ``mlp``: a fastai ``Learner`` with an MLP head on feature vectors (e.g. cached MiniLM
  sentence embeddings): the offline text option.
- ``awd-lstm``: fastai's ``text_classifier_learner`` (ULMFiT's AWD_LSTM) on the raw texts;
  WikiText-103 weights only when ``pretrained`` (they download), from scratch otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ARCHS = ("small-cnn", "resnet18", "resnet34", "efficientnet-lite0", "mlp", "awd-lstm")
LOSSES = ("ce", "ls")


def check_arch(arch: str) -> str:
    """Return ``arch`` if known. Raises ValueError naming the choices otherwise."""
    if arch not in ARCHS:
        raise ValueError(f"arch: unknown architecture {arch!r}; choose one of {', '.join(ARCHS)}")
    return arch


def check_loss(loss: str) -> str:
    """Return ``loss`` if known (``ce`` or ``ls``). Raises ValueError otherwise."""
    if loss not in LOSSES:
        raise ValueError(f"loss: unknown loss {loss!r}; choose ce (cross-entropy) or ls (label smoothing)")
    return loss


def make_loss(loss: str, eps: float = 0.1):
    """fastai's ``CrossEntropyLossFlat`` (``"ce"``) or ``LabelSmoothingCrossEntropyFlat(eps)`` (``"ls"``)."""
    from fastai.losses import CrossEntropyLossFlat, LabelSmoothingCrossEntropyFlat

    check_loss(loss)
    if not 0.0 <= eps < 1.0:
        raise ValueError(f"eps: label smoothing must lie in [0, 1), got {eps}")
    return CrossEntropyLossFlat() if loss == "ce" else LabelSmoothingCrossEntropyFlat(eps=eps)


def small_cnn(n_in: int, n_out: int, widths: tuple[int, ...] = (32, 64, 128)):
    """A small stride-2 CNN (fastai ``ConvLayer``s, global pooling, a linear head)."""
    from fastai.layers import ConvLayer, Flatten
    from torch import nn

    layers: list[Any] = []
    prev = n_in
    for width in widths:
        layers.append(ConvLayer(prev, width, ks=3, stride=2))
        prev = width
    layers += [nn.AdaptiveAvgPool2d(1), Flatten(), nn.Linear(prev, n_out)]
    return nn.Sequential(*layers)


def mlp(n_in: int, n_out: int, hidden: int = 256, p: float = 0.2):
    """A one-hidden-layer MLP head on feature vectors."""
    from torch import nn

    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(hidden, n_out))


def efficientnet_lite0_split(model) -> list:
    """Three parameter groups for gradual unfreezing: early body, late body, head.

    The early group is the stem and the stages up to 40 channels (the first 6 blocks), the
    late one the remaining blocks and the 1×1 head convolution.
    """
    body, head = model[0].net, model[1]
    early = [body._conv_stem, body._bn0, *body._blocks[:6]]
    late = [*body._blocks[6:], body._conv_head, body._bn1]
    return [[p for m in group for p in m.parameters()] for group in (early, late, [head])]


def efficientnet_lite0_learner(dls, n_out: int, *, pretrained: bool, **learner_kwargs):
    """A fastai ``Learner``: the EfficientNet-Lite0 body of :mod:`fastclean.models` + a fastai head.

    The parameters are split into early body, late body and head
    (:func:`efficientnet_lite0_split`) so that :func:`fit` unfreezes them gradually;
    pretrained weights are the offline ImageNet ones, with the [-1, 1] input scaling they were
    trained with (:data:`fastclean.models.efficientnet_lite.INPUT_MEAN` / ``INPUT_STD``).
    """
    from fastai.data.transforms import Normalize
    from fastai.learner import Learner
    from fastai.vision.learner import create_head
    from torch import nn

    from ..models import efficientnet_lite as eff
    from .effnet_body import EfficientNetLite0Body

    net = eff.load_pretrained().train() if pretrained else eff.EfficientNetLite0()

    model = nn.Sequential(EfficientNetLite0Body(net), create_head(eff.FEATURE_DIM, n_out))
    if pretrained:
        dls.add_tfms([Normalize.from_stats(eff.INPUT_MEAN, eff.INPUT_STD)], "after_batch")
    learn = Learner(dls, model, splitter=efficientnet_lite0_split, **learner_kwargs)
    learn.pretrained = pretrained
    if pretrained:
        learn.freeze()
    return learn


def build_learner(dls, arch: str, *, loss: str = "ce", eps: float = 0.1, pretrained: bool = False,
                  seed: int = 0, cbs: list | None = None):
    """A fastai ``Learner`` for ``dls``.

    Parameters
    ----------
    dls : fastai DataLoaders
        From :func:`fastclean.train.blocks.make_dataloaders`.
    arch : str
        One of :data:`ARCHS`.
    loss : {"ce", "ls"}
        Cross-entropy or label-smoothing cross-entropy.
    eps : float
        Label-smoothing strength for ``loss="ls"``.
    pretrained : bool
        Start from ImageNet weights (ResNets: downloaded when reachable).
    seed : int
        Seeds weight initialisation (``set_seed(seed, reproducible=True)``).
    cbs : list, optional
        Extra callbacks (e.g. ``WandbCallback``).

    Returns
    -------
    fastai.learner.Learner
    """
    from fastai.learner import Learner
    from fastai.metrics import accuracy
    from fastai.torch_core import set_seed

    check_arch(arch)
    loss_func = make_loss(loss, eps)
    set_seed(seed, reproducible=True)
    n_out = len(dls.vocab)
    common = dict(loss_func=loss_func, metrics=accuracy, cbs=cbs)
    if arch in ("resnet18", "resnet34", "efficientnet-lite0"):
        from fastai.vision.learner import vision_learner

        if arch == "efficientnet-lite0":
            return efficientnet_lite0_learner(dls, n_out, pretrained=pretrained, **common)
        from torchvision import models

        return vision_learner(dls, getattr(models, arch), pretrained=pretrained, n_out=n_out, **common)
    if arch == "awd-lstm":
        from fastai.text.learner import text_classifier_learner
        from fastai.text.models.awdlstm import AWD_LSTM, awd_lstm_clas_config

        # from scratch (offline), the WikiText-103 sized network is slow and no better: shrink it
        config = None if pretrained else {**awd_lstm_clas_config, "emb_sz": 100, "n_hid": 256,
                                           "n_layers": 2}
        learn = text_classifier_learner(dls, AWD_LSTM, pretrained=pretrained, drop_mult=0.5,
                                        n_out=n_out, config=config, **common)
        learn.pretrained = pretrained
        return learn
    x, _ = dls.one_batch()
    if arch == "small-cnn":
        if x.ndim != 4:
            raise ValueError("arch: small-cnn needs images; use mlp for feature vectors")
        model = small_cnn(x.shape[1], n_out)
    else:
        if x.ndim != 2:
            raise ValueError("arch: mlp needs feature vectors; use small-cnn or a resnet for images")
        model = mlp(x.shape[1], n_out)
    return Learner(dls, model, **common)


def fit(learn, epochs: int, *, freeze_epochs: int = 1, lr: float | None = None) -> None:
    """Train ``learn``: gradual unfreezing for pretrained bodies, else one cycle.

    Pretrained: ``freeze_epochs`` epochs of the head alone, then (with three or more
    parameter groups, as for EfficientNet-Lite0) one epoch with the late body unfrozen too,
    then the rest with the whole network unfrozen and discriminative learning rates; with
    two groups (torchvision ResNets) this is fastai's ``fine_tune``.
    """
    if epochs < 1:
        raise ValueError(f"epochs: must be at least 1, got {epochs}")
    import fastai.callback.progress  # noqa: F401  (adds Learner.no_bar)
    import fastai.callback.schedule  # noqa: F401  (adds fit_one_cycle, fine_tune)

    with learn.no_bar(), learn.no_logging():
        if getattr(learn, "pretrained", False):
            fine_tune_gradually(learn, epochs, freeze_epochs=freeze_epochs, base_lr=lr or 2e-3)
        else:
            learn.fit_one_cycle(epochs, lr or 1e-2)


def fine_tune_gradually(learn, epochs: int, *, freeze_epochs: int = 1, base_lr: float = 2e-3) -> None:
    """ULMFiT-style gradual unfreezing: head, then one more group per stage, then everything.

    ``freeze_epochs`` one-cycle epochs train the head alone (``freeze()``); each further
    group is unfrozen for one epoch (``freeze_to(-k)``) while epochs remain, the last stage
    (everything unfrozen) taking the rest, at ``slice(base_lr / 100, base_lr / 2)``.
    """
    n_groups = len(learn.opt.param_groups) if learn.opt is not None else len(learn.splitter(learn.model))
    if freeze_epochs:
        learn.freeze()
        learn.fit_one_cycle(freeze_epochs, slice(base_lr))
    remaining = epochs
    for k in range(2, n_groups):  # intermediate stages: the last k groups trainable
        if remaining <= 1:
            break
        learn.freeze_to(-k)
        learn.fit_one_cycle(1, slice(base_lr / 100, base_lr / 2), pct_start=0.3)
        remaining -= 1
    learn.unfreeze()
    learn.fit_one_cycle(remaining, slice(base_lr / 100, base_lr / 2), pct_start=0.3)


def predict_probs(learn, dl) -> np.ndarray:
    """Softmax probabilities of ``learn`` on ``dl`` as a float32 (N, K) array, in ``dl``'s order."""
    import fastai.callback.progress  # noqa: F401  (adds Learner.no_bar)

    with learn.no_bar(), learn.no_logging():
        probs, _ = learn.get_preds(dl=dl)
    return probs.numpy().astype(np.float32)
