"""Multinomial logistic regression with an L2 penalty, fitted by L-BFGS on float32 products.

The model of scikit-learn's ``LogisticRegression(C=C)`` (multinomial, intercept not
penalised): it minimises ``sum_i w_i * log_loss_i + ||W||² / (2 C)``. Written here because the
inner cross-validation of the logistic heads fits this model some twenty times per outer fold
along a path of ``C`` values, and scikit-learn (1) multiplies in float64 (twice the cost of
float32 on a CPU; the features are float32 to begin with) and (2) cannot start a fit from
another fold's solution. The products ``X @ W`` and ``Xᵀ @ R`` run in float32; the loss, its
gradient and the optimiser's state are float64, so the optimum is float64-accurate up to the
rounding of those products (~1e-7 relative), far below the stopping tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Stopping tolerance on the largest gradient entry of the per-example objective
#: (``loss / n``), as scikit-learn's ``tol`` for lbfgs.
TOL = 1e-4


@dataclass
class MultinomialFit:
    """A fitted model: ``coef`` (D, K) and ``intercept`` (K,), float64; ``n_iter`` taken."""

    coef: np.ndarray
    intercept: np.ndarray
    n_iter: int

    def logits(self, x: np.ndarray) -> np.ndarray:
        """``x @ coef + intercept`` (float64, (N, K)); ``x`` float32 (N, D)."""
        return (x @ self.coef.astype(np.float32)).astype(np.float64) + self.intercept

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Softmax probabilities, float64 (N, K)."""
        return softmax(self.logits(x))

    def as_start(self) -> np.ndarray:
        """The parameters packed as :func:`fit_multinomial`'s ``start``."""
        return np.concatenate([self.coef.ravel(), self.intercept])


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax (float64)."""
    z = logits - logits.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def fit_multinomial(x: np.ndarray, y: np.ndarray, n_classes: int, C: float, *,
                    start: np.ndarray | None = None, tol: float = TOL,
                    max_iter: int = 1000) -> MultinomialFit:
    """Fit the L2-penalised multinomial logistic regression on ``x`` and labels ``y``.

    Parameters
    ----------
    x : ndarray of float32, shape (N, D)
        Features (standardise them first: one ``C`` then fits every feature alike).
    y : ndarray of int, shape (N,)
        Labels in ``[0, n_classes)``.
    n_classes : int
        K, the number of output columns.
    C : float
        Inverse penalty, as scikit-learn's ``C``. With two classes scikit-learn fits one logit
        difference ``v`` penalised by ``||v||² / (2C)``; the two symmetric logits fitted here,
        ``±v/2``, carry that penalty at ``C / 2``, which is therefore used.
    start : ndarray, optional
        Parameters to start from (:meth:`MultinomialFit.as_start`, e.g. the fit at a
        neighbouring ``C`` or on other rows); zeros by default.
    tol : float
        Stop when every gradient entry of ``objective / N`` is below ``tol``.
    max_iter : int
        L-BFGS iteration cap.

    Returns
    -------
    MultinomialFit
    """
    from scipy.optimize import minimize

    x = np.ascontiguousarray(x, dtype=np.float32)
    n, d = x.shape
    k = n_classes
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    penalty = 1.0 / ((C / 2 if k == 2 else C) * n)

    def objective(params):
        w = params[:d * k].reshape(d, k)
        b = params[d * k:]
        z = (x @ w.astype(np.float32)).astype(np.float64) + b
        zmax = z.max(axis=1, keepdims=True)
        e = np.exp(z - zmax)
        s = e.sum(axis=1, keepdims=True)
        log_norm = np.log(s) + zmax
        loss = (log_norm[:, 0] - (z * onehot).sum(axis=1)).mean() + 0.5 * penalty * np.dot(w.ravel(), w.ravel())
        r = (e / s - onehot) / n
        grad_w = (x.T @ r.astype(np.float32)).astype(np.float64) + penalty * w
        return loss, np.concatenate([grad_w.ravel(), r.sum(axis=0)])

    x0 = np.zeros(d * k + k) if start is None else np.asarray(start, dtype=np.float64).copy()
    result = minimize(objective, x0, jac=True, method="L-BFGS-B",
                      options=dict(maxiter=max_iter, gtol=tol, ftol=64 * np.finfo(float).eps,
                                   maxcor=10))
    params = result.x
    return MultinomialFit(params[:d * k].reshape(d, k).copy(), params[d * k:].copy(), int(result.nit))
