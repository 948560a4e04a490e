"""Classifier heads fitted on fixed features: one L2 logistic regression, ``C`` given or cross-validated."""

from __future__ import annotations

import numpy as np

from .base import full_proba
from .logistic import TOL, MultinomialFit, fit_multinomial

#: The regularisation grid of ``C="cv"`` (inverse L2 strength on standardised features),
#: half-decade steps, walked from the strongest. On Noisy Imagenette's EfficientNet-Lite0
#: features (~7,500 training rows per fold) the inner CV chose 0.003 at 5 % noise and 0.0003
#: at 25 % and 50 %: the more noise, the stronger the regularisation.
C_GRID = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)
#: Former grid of ``LogisticRegressionHead(C="cv")`` (issue 14), kept for code that imports it.
CV_CS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
#: Inner folds of ``C="cv"``.
CV_FOLDS = 3
#: Stopping tolerance of the inner fits of ``C="cv"``: only their held-out loss is used, to
#: compare ``C`` values half a decade apart. On Noisy Imagenette (4 noise levels x 5 folds)
#: 1e-3 chose the same ``C`` as 1e-4 in every fold, at half the cost.
INNER_TOL = 1e-3


class LogisticRegressionHead:
    """Standardised features → multinomial L2 logistic regression, ``C`` given or chosen by inner CV.

    Why cross-validate ``C``: with ~1,000 standardised features and a few thousand examples,
    ``C=1`` can nearly fit any labelling, flipped labels included, so held-out probabilities
    of flipped examples lean towards their wrong label and confident learning misses them
    (Noisy Imagenette at 25 %: detection F1 0.62 with ``C=1``). How much to regularise
    depends on the features, the number of examples and the noise, so ``C="cv"`` chooses it
    on the data: the values of ``grid`` are scored by the held-out log-loss of the given
    (noisy) labels in an inner stratified ``inner_folds``-fold split of the training rows
    only, and the best is refitted on all of them. The held-out log-loss of noisy labels is
    smallest for the model whose probabilities are closest to the noisy-label distribution
    (under class-conditional noise, the clean posterior passed through the noise); a model
    that memorises flips loses on the held-out ones.

    The grid is walked from the strongest regularisation (cheap, well-conditioned fits, each
    started from the previous ``C``'s solution on the same rows) and the walk stops once the
    inner loss has risen ``patience`` times past its minimum, so the expensive weakly
    regularised fits are skipped when they cannot win. The final fit starts from the mean of
    the inner solutions at the chosen ``C``. Fits use :func:`~fastclean.models.logistic.fit_multinomial`
    (float32 products, L-BFGS), the model of scikit-learn's ``LogisticRegression``.

    Parameters
    ----------
    C : float or "cv"
        Inverse L2 regularisation strength (scikit-learn's ``C``), or ``"cv"``.
    grid : sequence of float
        Candidate ``C`` values of ``C="cv"``.
    inner_folds : int
        Folds of the inner split.
    patience : int
        Grid steps past the best ``C`` to try before stopping.
    max_iter : int
        L-BFGS iteration cap per fit.
    tol : float
        Stopping tolerance of the final fit (largest gradient entry of the per-example objective).
    inner_tol : float
        Stopping tolerance of the inner fits of ``C="cv"``.

    Attributes
    ----------
    C_ : float
        The ``C`` of the final fit.
    inner_loss_ : dict
        ``C="cv"``: mean held-out log-loss of each ``C`` tried.
    """

    def __init__(self, C: float | str = 1.0, *, grid=C_GRID, inner_folds: int = CV_FOLDS,
                 patience: int = 1, max_iter: int = 1000, tol: float = TOL,
                 inner_tol: float = INNER_TOL):
        if C != "cv" and (isinstance(C, bool) or not isinstance(C, (int, float)) or not C > 0):
            raise ValueError(f"C: expected a positive number or 'cv', got {C!r}")
        grid = tuple(float(c) for c in grid)
        if not grid or not all(c > 0 for c in grid):
            raise ValueError(f"grid: expected positive C values, got {grid!r}")
        if inner_folds < 2:
            raise ValueError(f"inner_folds: expected at least 2, got {inner_folds!r}")
        if patience < 1:
            raise ValueError(f"patience: expected at least 1, got {patience!r}")
        if not (max_iter >= 1 and tol > 0 and inner_tol > 0):
            raise ValueError(f"max_iter, tol, inner_tol: expected positive values, "
                             f"got {max_iter!r}, {tol!r}, {inner_tol!r}")
        self.C = C
        self.grid = tuple(sorted(grid))
        self.inner_folds = inner_folds
        self.patience = patience
        self.max_iter = max_iter
        self.tol = tol
        self.inner_tol = inner_tol

    def __repr__(self) -> str:
        # Part of the fold cache key: say everything that changes the fitted numbers.
        solver = f"lbfgs32 tol {self.tol:g}"
        if self.C != "cv":
            return f"logreg(C={self.C:g}, {solver})"
        return (f"logreg(C=cv in {','.join(f'{c:g}' for c in self.grid)}, {self.inner_folds} inner folds, "
                f"patience {self.patience}, inner tol {self.inner_tol:g}, {solver})")

    def fit(self, features: np.ndarray, labels: np.ndarray, *, n_classes: int, seed: int = 0):
        """Fit on ``features`` (N, D) and integer ``labels`` (choosing ``C`` first if ``"cv"``); returns ``self``."""
        labels = np.asarray(labels)
        self.n_classes = n_classes
        self.classes_, y = np.unique(labels, return_inverse=True)
        features = np.asarray(features)
        self.mean_ = features.mean(axis=0, dtype=np.float64)
        scale = features.std(axis=0, dtype=np.float64)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        x = self._standardise(features)
        k = len(self.classes_)
        self.inner_loss_: dict[float, float] = {}
        start = None
        if self.C == "cv":
            counts = np.bincount(y)
            folds = min(self.inner_folds, int(counts.min()))
            if len(self.grid) == 1 or folds < 2 or k < 2:  # too few rows of a class to cross-validate
                self.C_ = self.grid[len(self.grid) // 2]
            else:
                self.C_, start = self._choose_c(x, y, folds, k, seed)
        else:
            self.C_ = float(self.C)
        if k < 2:
            self.model = None
            return self
        self.model = fit_multinomial(x, y, k, self.C_, start=start, tol=self.tol, max_iter=self.max_iter)
        return self

    def _standardise(self, features: np.ndarray) -> np.ndarray:
        return ((np.asarray(features, dtype=np.float64) - self.mean_) / self.scale_).astype(np.float32)

    def _choose_c(self, x: np.ndarray, y: np.ndarray, folds: int, k: int, seed: int):
        """The ``C`` of least inner held-out log-loss, and the mean inner solution there."""
        from sklearn.model_selection import StratifiedKFold

        splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, y))
        fits: list[MultinomialFit | None] = [None] * len(splits)
        best, best_loss, best_start, worse = self.grid[0], np.inf, None, 0
        for c in self.grid:
            loss = 0.0
            for j, (tr, te) in enumerate(splits):
                start = None if fits[j] is None else fits[j].as_start()
                fits[j] = fit_multinomial(x[tr], y[tr], k, c, start=start, tol=self.inner_tol,
                                          max_iter=self.max_iter)
                z = fits[j].logits(x[te])
                zmax = z.max(axis=1)
                loss += float((np.log(np.exp(z - zmax[:, None]).sum(axis=1)) + zmax - z[np.arange(len(te)), y[te]]).sum())
            loss /= len(y)
            self.inner_loss_[c] = round(loss, 5)
            if loss < best_loss:
                best, best_loss, worse = c, loss, 0
                best_start = np.mean([f.as_start() for f in fits], axis=0)
            else:
                worse += 1
                if worse >= self.patience:
                    break
        return best, best_start

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Probabilities over all ``n_classes`` (0 for classes unseen in training)."""
        if self.model is None:  # a single class seen
            return full_proba(np.ones((len(features), 1)), self.classes_, self.n_classes)
        proba = self.model.predict_proba(self._standardise(features))
        return full_proba(proba, self.classes_, self.n_classes)


class CVLogisticRegressionHead(LogisticRegressionHead):
    """``LogisticRegressionHead(C="cv")`` (the name the image models used before the heads were one).

    Parameters
    ----------
    grid, inner_folds, patience, max_iter, tol, inner_tol
        As :class:`LogisticRegressionHead`.
    """

    def __init__(self, grid=C_GRID, inner_folds: int = CV_FOLDS, patience: int = 1,
                 max_iter: int = 1000, tol: float = TOL, inner_tol: float = INNER_TOL):
        super().__init__("cv", grid=grid, inner_folds=inner_folds, patience=patience,
                         max_iter=max_iter, tol=tol, inner_tol=inner_tol)
