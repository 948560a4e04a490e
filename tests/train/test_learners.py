import numpy as np
import pytest

from fastclean.train.blocks import make_dataloaders
from fastclean.train.learners import build_learner, check_arch, fit, make_loss, predict_probs


def test_losses_are_fastai_flat_losses():
    from fastai.losses import CrossEntropyLossFlat, LabelSmoothingCrossEntropyFlat

    assert isinstance(make_loss("ce"), CrossEntropyLossFlat)
    ls = make_loss("ls", eps=0.2)
    assert isinstance(ls, LabelSmoothingCrossEntropyFlat) and ls.func.eps == 0.2


@pytest.mark.parametrize("bad", ["focal", "", "CE"])
def test_unknown_loss_is_rejected(bad):
    with pytest.raises(ValueError, match="loss"):
        make_loss(bad)


def test_unknown_arch_lists_the_choices():
    with pytest.raises(ValueError, match="small-cnn"):
        check_arch("vgg")


def test_same_seed_gives_the_same_model(digits):
    train, valid = digits.subset(np.arange(0, 1797, 6)), digits.subset(np.arange(1, 1797, 30))
    probs = []
    for _ in range(2):
        dls = make_dataloaders(train, valid, bs=32, seed=3)
        learn = build_learner(dls, "small-cnn", seed=3)
        fit(learn, 1)
        probs.append(predict_probs(learn, dls.valid))
    assert np.allclose(probs[0], probs[1], atol=1e-5)
    assert probs[0].shape == (len(valid), 10)


def test_small_cnn_learns_digits_in_two_epochs(digits):
    train, valid = digits.subset(np.arange(0, 1797, 2)), digits.subset(np.arange(1, 1797, 4))
    dls = make_dataloaders(train, valid, bs=32)
    learn = build_learner(dls, "small-cnn", loss="ls")
    fit(learn, 2, lr=1e-2)
    acc = (predict_probs(learn, dls.valid).argmax(1) == valid.labels).mean()
    assert acc > 0.8


def test_resnet18_offline_builds_and_predicts(digits):
    ds = digits.subset(np.arange(40))
    dls = make_dataloaders(ds, ds.subset(np.arange(8)), rgb=True, bs=8)
    learn = build_learner(dls, "resnet18", pretrained=False)
    probs = predict_probs(learn, dls.valid)
    assert probs.shape == (8, 10) and np.allclose(probs.sum(1), 1, atol=1e-4)


def test_efficientnet_lite0_pretrained_freezes_the_body(digits):
    ds = digits.subset(np.arange(16))
    dls = make_dataloaders(ds, ds.subset(np.arange(4)), rgb=True, bs=4)
    learn = build_learner(dls, "efficientnet-lite0", pretrained=True)
    body, head = learn.model[0], learn.model[1]
    assert not body.net._conv_stem.weight.requires_grad
    assert all(p.requires_grad for p in head.parameters())
    assert predict_probs(learn, dls.valid).shape == (4, 10)


def test_efficientnet_lite0_fine_tunes_gradually_on_real_photos(data_dir, tmp_path):
    """The GPU path (pretrained body, gradual unfreezing) on a few real images, on the CPU."""
    import torch

    from tests.data.test_noisy_imagenette_images import copy_real_subset
    from fastclean.data.imagenette import load_noisy_imagenette

    ds = load_noisy_imagenette(copy_real_subset(data_dir, tmp_path, (2, 1)), noise_pct=5)
    train, valid = ds.subset(np.flatnonzero(ds.splits == "train")), ds.subset(np.flatnonzero(ds.splits == "valid"))
    dls = make_dataloaders(train, valid, rgb=True, size=64, bs=10)
    learn = build_learner(dls, "efficientnet-lite0", pretrained=True, seed=0)
    assert len(learn.splitter(learn.model)) == 3
    stem, late = learn.model[0].net._conv_stem.weight, learn.model[0].net._conv_head.weight
    before = stem.detach().clone(), late.detach().clone()
    fit(learn, 2, freeze_epochs=1)  # head alone, then late body + head, then everything
    assert not torch.equal(stem, before[0]) and not torch.equal(late, before[1])
    assert all(p.requires_grad for p in learn.model.parameters())
    probs = predict_probs(learn, dls.valid)
    assert probs.shape == (10, 10) and np.allclose(probs.sum(1), 1, atol=1e-4)


def test_auto_arch_is_features_on_cpu_and_fine_tuning_on_gpu(data_dir, tmp_path, monkeypatch):
    from tests.data.test_noisy_imagenette_images import copy_real_subset
    from fastclean.data.imagenette import load_noisy_imagenette
    from fastclean.train import experiment
    from fastclean.train.experiment import LearnerSpec, with_inputs

    ds = load_noisy_imagenette(copy_real_subset(data_dir, tmp_path, (1, 0)), noise_pct=5)
    on_cpu = with_inputs(ds, cache_dir=tmp_path / "cache", arch="auto", device="cpu")
    assert on_cpu.paths is None and on_cpu.features.shape == (10, 1280)
    assert LearnerSpec().resolved(on_cpu).arch == "mlp"
    # with a GPU, the images stay images and the pretrained body is fine-tuned
    monkeypatch.setattr(experiment, "resolve_device", lambda device: "cuda")
    assert with_inputs(ds, arch="auto", device="cuda") is ds
    spec = LearnerSpec(device="cuda").resolved(ds)
    assert (spec.arch, spec.pretrained, spec.size) == ("efficientnet-lite0", True, 224)
