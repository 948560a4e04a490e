"""Label issues for a fastai ``Learner``, in the spirit of ``fastai.interpret.Interpretation``.

``LabelIssueInterpretation.from_learner(learn)`` predicts the validation set (or any labelled
``DataLoader``), runs :func:`fastclean.find_label_issues` on those probabilities, and keeps the
result as a DataFrame, worst first. ``plot_top_issues(k)`` shows the top ``k``: images in a
grid titled with the given label, the suggested label and the model's confidence; texts (and
anything else) as a table.

The probabilities should be out-of-sample: use a split the learner was not trained on (the
default ``ds_idx=1`` is the validation set), or cross-validate.

fastai and torch are imported only by :meth:`LabelIssueInterpretation.from_learner`.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .core import find_label_issues, get_label_quality_scores
from .run import DEFAULT_FILTER_BY, DEFAULT_RANK_BY


class LabelIssueInterpretation:
    """The label issues of one labelled dataset, given a model's predicted probabilities.

    Parameters
    ----------
    pred_probs : array_like of float, shape (N, K)
        Out-of-sample predicted probabilities; rows are renormalised to sum to 1.
    labels : array_like of int, shape (N,)
        The given labels.
    classes : sequence of str
        Class names, in label order.
    items : sequence, optional
        The inputs, row for row (paths, texts, ...), shown in the ``item`` column.
    dl : fastai DataLoader, optional
        Where the inputs came from; :meth:`plot_top_issues` draws images from it.
    filter_by : str
        Passed to :func:`fastclean.find_label_issues`; the default is ``fastclean find``'s.
    rank_by : str
        ``return_indices_ranked_by`` and the label-quality score method (default as
        ``fastclean find``).

    Attributes
    ----------
    issues : pandas.DataFrame
        One row per flagged example, worst first: ``rank``, ``index`` (row in ``dl``),
        ``item``, ``given_label``, ``suggested_label``, ``confidence``, ``label_quality``,
        ``top3``.
    label_quality : ndarray, shape (N,)
        Quality score of every example (lower = more suspicious).

    Raises
    ------
    ValueError
        If ``classes`` or ``items`` do not match the shapes of ``pred_probs`` and ``labels``
        (other input errors come from :func:`fastclean.find_label_issues`).
    """

    def __init__(
        self,
        pred_probs,
        labels,
        classes: Sequence[str],
        *,
        items: Sequence[Any] | None = None,
        dl: Any = None,
        learn: Any = None,
        filter_by: str = DEFAULT_FILTER_BY,
        rank_by: str = DEFAULT_RANK_BY,
    ) -> None:
        probs = np.asarray(pred_probs, dtype=np.float64)
        if probs.ndim != 2:
            raise ValueError(f"pred_probs: expected a 2-D array, got shape {probs.shape}")
        probs = probs / probs.sum(axis=1, keepdims=True)
        labels = np.asarray(labels)
        self.classes = [str(c) for c in classes]
        if len(self.classes) != probs.shape[1]:
            raise ValueError(
                f"classes: {len(self.classes)} names for {probs.shape[1]} columns of pred_probs"
            )
        if items is not None and len(items) != len(probs):
            raise ValueError(f"items: {len(items)} items for {len(probs)} rows of pred_probs")
        self.pred_probs, self.labels, self.items = probs, labels, items
        self.dl, self.learn = dl, learn
        ranked = find_label_issues(labels, probs, filter_by=filter_by,
                                   return_indices_ranked_by=rank_by)
        self.issue_indices = np.asarray(ranked, dtype=np.int64)
        self.label_quality = np.asarray(get_label_quality_scores(labels, probs, method=rank_by))
        self.issues = self._issues_frame()

    @classmethod
    def from_learner(
        cls,
        learn,
        ds_idx: int = 1,
        dl=None,
        *,
        filter_by: str = DEFAULT_FILTER_BY,
        rank_by: str = DEFAULT_RANK_BY,
    ) -> "LabelIssueInterpretation":
        """Predict ``learn.dls[ds_idx]`` (or ``dl``) and find its label issues.

        Parameters
        ----------
        learn : fastai.learner.Learner
            A trained classification learner.
        ds_idx : int, default 1
            Which of ``learn.dls`` to use when ``dl`` is None (1 = validation set).
        dl : fastai DataLoader, optional
            A labelled DataLoader, e.g. ``learn.dls.test_dl(items, with_labels=True)``.
        filter_by, rank_by : str
            See :class:`LabelIssueInterpretation`.

        Returns
        -------
        LabelIssueInterpretation

        Raises
        ------
        ValueError
            If the DataLoader yields no labels.
        """
        if dl is None:
            # The training DataLoader shuffles and drops the last batch; row i must be item i.
            dl = learn.dls[ds_idx].new(shuffle=False, drop_last=False)
        probs, targets = learn.get_preds(dl=dl)
        if targets is None or (hasattr(targets, "numel") and targets.numel() == 0):
            raise ValueError(
                "dl: the DataLoader has no labels (use test_dl(..., with_labels=True))")
        items = getattr(dl, "items", None)
        if items is not None and hasattr(items, "iloc"):
            items = [row for _, row in items.iterrows()]
        elif items is not None:
            items = list(items)
        return cls(
            probs.numpy(), targets.numpy().astype(np.int64), _class_names(learn.dls.vocab),
            items=items, dl=dl, learn=learn, filter_by=filter_by, rank_by=rank_by,
        )

    def _issues_frame(self):
        import pandas as pd

        from .top3 import format_top3

        idx = self.issue_indices
        probs = self.pred_probs[idx]
        suggested = probs.argmax(axis=1)
        top3 = np.argsort(-probs, axis=1, kind="stable")[:, :3]
        return pd.DataFrame(
            {
                "rank": np.arange(1, len(idx) + 1),
                "index": idx,
                "item": [_describe(self.items[i]) for i in idx] if self.items is not None
                else [str(i) for i in idx],
                "given_label": [self.classes[k] for k in self.labels[idx]],
                "suggested_label": [self.classes[k] for k in suggested],
                "confidence": probs[np.arange(len(idx)), suggested],
                "label_quality": self.label_quality[idx],
                "top3": [format_top3(self.classes, p, row) for p, row in zip(probs, top3)],
            }
        )

    def top_issues(self, k: int | None = None):
        """The ``k`` worst issues (all by default), as a DataFrame."""
        return self.issues if k is None else self.issues.head(_check_k(k))

    def plot_top_issues(self, k: int = 9, ncols: int = 3,
                        figsize: tuple[float, float] | None = None):
        """Show the ``k`` worst label issues.

        Images are drawn in a grid, each titled ``given / suggested / confidence``; for any
        other input the top issues are returned as a table.

        Parameters
        ----------
        k : int
            How many issues to show.
        ncols : int
            Columns of the image grid.
        figsize : (float, float), optional
            Size of the figure in inches.

        Returns
        -------
        matplotlib.figure.Figure or pandas.DataFrame
            The figure (images) or the table (``item``, ``given_label``, ``suggested_label``,
            ``confidence``, ...).
        """
        top = self.top_issues(k)
        images = [self._image(int(i)) for i in top["index"]] if len(top) else []
        if not images or any(image is None for image in images):
            return top.set_index("rank")
        import matplotlib.pyplot as plt

        ncols = max(1, min(ncols, len(images)))
        nrows = int(np.ceil(len(images) / ncols))
        fig, axes = plt.subplots(nrows, ncols, figsize=figsize or (3 * ncols, 3.3 * nrows),
                                 squeeze=False)
        for ax in axes.ravel():
            ax.axis("off")
        for ax, image, (_, row) in zip(axes.ravel(), images, top.iterrows()):
            ax.imshow(image, cmap="gray" if np.asarray(image).ndim == 2 else None)
            ax.set_title(f"given {row['given_label']} / suggested {row['suggested_label']}\n"
                         f"confidence {row['confidence']:.2f}", fontsize=9)
        fig.suptitle(f"Top {len(images)} label issues")
        fig.tight_layout()
        return fig

    def _image(self, index: int):
        """The input at ``index`` as an image array, or None when it is not an image."""
        from PIL import Image

        if self.dl is not None:
            x = self.dl.dataset[index][0]
            if isinstance(x, Image.Image):
                return np.asarray(x)
            return None
        if self.items is not None and isinstance(self.items[index], Image.Image):
            return np.asarray(self.items[index])
        return None


def _class_names(vocab) -> list[str]:
    # Text classifiers carry [token vocab, class vocab]; image classifiers only the classes.
    if len(vocab) == 2 and not isinstance(vocab[0], str) and hasattr(vocab[0], "__len__"):
        vocab = vocab[1]
    return [str(c) for c in vocab]


def _describe(item) -> str:
    if hasattr(item, "to_dict"):
        return ", ".join(f"{k}={v}" for k, v in item.to_dict().items())
    return str(item)


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k: expected a positive integer, got {k!r}")
    return int(k)
