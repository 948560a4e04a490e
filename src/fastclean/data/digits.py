"""scikit-learn's bundled handwritten digits (1 797 images of 8×8 pixels), always available."""

from __future__ import annotations

import numpy as np

from .dataset import LabelledDataset


def load_digits_dataset() -> LabelledDataset:
    """Load scikit-learn's ``load_digits`` as uint8 grayscale images.

    The original pixel scale 0..16 is stretched to 0..255 so that the images look like any
    other 8-bit image to the models and the review app. Ids are the row indices.

    Returns
    -------
    LabelledDataset
        Modality ``"image"``, ``images`` of shape (1797, 8, 8), classes ``"0"`` … ``"9"``,
        every example in split ``"train"``.
    """
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = np.rint(bunch.images * (255.0 / 16.0)).clip(0, 255).astype(np.uint8)
    n = len(images)
    return LabelledDataset(
        name="digits",
        modality="image",
        classes=[str(c) for c in bunch.target_names],
        labels=bunch.target.astype(np.int64),
        ids=[str(i) for i in range(n)],
        splits=np.full(n, "train", dtype=object),
        images=images,
    )
