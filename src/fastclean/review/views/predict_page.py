"""The *Predict* page: classify a typed text or an uploaded image with the run's saved model."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..context import ReviewContext
from ..predict import (
    MODEL_DIR, MODEL_FILES, SavedModel, find_saved_model, load_saved_model, predict,
)
from .widgets import probability_table


@st.cache_resource(show_spinner="Loading the model...")
def _load(path: str, kind: str, allowed: tuple[str, ...]):
    return load_saved_model(SavedModel(Path(path), kind), allowed)


def render(ctx: ReviewContext) -> None:
    """Draw the page."""
    st.header("Predict")
    saved = find_saved_model(ctx.run.path)
    if saved is None:
        names = " or ".join(f"`{MODEL_DIR}/{name}`" for name in MODEL_FILES)
        st.info(
            f"This run saved no model, so there is nothing to predict with. A run that keeps its "
            f"model has {names} in its directory (a fastai `learn.export()` or a scikit-learn "
            f"estimator)."
        )
        return
    try:
        model = _load(str(saved.path), saved.kind, tuple(str(p) for p in ctx.allow_pickle))
    except PermissionError:
        st.warning(
            f"This run saved a {saved.kind} model at `{saved.path}`. It is a pickle, and loading a "
            f"pickle runs code from it, so the app only loads it when you name it. If you trust "
            f"this file, restart with:"
        )
        st.code(f"fastclean review {ctx.run.path} --allow-pickle {saved.path}", language="bash")
        return

    if ctx.modality == "text":
        text = st.text_area("Text to classify", key="predict_text",
                            placeholder="Type a text, e.g. a tweet")
        item = text.strip() or None
    else:
        upload = st.file_uploader("Image to classify", type=["png", "jpg", "jpeg", "bmp", "webp"],
                                  key="predict_image")
        item = None
        if upload is not None:
            from PIL import Image

            item = Image.open(upload)
            st.image(item, width=224)
    if st.button("Predict", key="predict", type="primary", disabled=item is None):
        shape = tuple(ctx.run.images.shape[1:]) if ctx.run.images is not None else None
        result = predict(model, saved.kind, item, ctx.run.classes, image_shape=shape)
        st.metric("Predicted label", result.label, f"{result.confidence:.1%} confident",
                  delta_color="off", delta_arrow="off")
        probability_table(result.top)
