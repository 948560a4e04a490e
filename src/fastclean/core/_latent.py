"""Closed-form relations between the prior, the noise matrix and the inverse noise matrix."""

from __future__ import annotations

import numpy as np

from ._numerics import CLIPPING_LOWER_BOUND, TINY_VALUE, clip_noise_rates, clip_values

PY_METHODS = ("cnt", "eqn", "marginal", "marginal_ps")


def compute_py(ps, noise_matrix, inverse_noise_matrix, *, py_method="cnt",
               true_labels_class_counts=None) -> np.ndarray:
    """Latent prior ``p(true_label = k)`` from the noisy prior and the two noise matrices."""
    if py_method == "cnt":
        py = (inverse_noise_matrix.diagonal()
              / np.clip(noise_matrix.diagonal(), a_min=TINY_VALUE, a_max=None) * ps)
    elif py_method == "eqn":
        py = np.linalg.inv(noise_matrix).dot(ps)
    elif py_method == "marginal":
        if true_labels_class_counts is None:
            raise ValueError("py_method='marginal' needs true_labels_class_counts")
        py = true_labels_class_counts / np.clip(
            float(sum(true_labels_class_counts)), a_min=TINY_VALUE, a_max=None)
    elif py_method == "marginal_ps":
        py = np.dot(inverse_noise_matrix, ps)
    else:
        raise ValueError(f"py_method should be one of {PY_METHODS}, got {py_method!r}")
    return clip_values(py, low=CLIPPING_LOWER_BOUND, high=1.0, new_sum=1.0)


def compute_inv_noise_matrix(py, noise_matrix, *, ps=None) -> np.ndarray:
    """``P(true_label | given_label)`` from the prior and ``P(given_label | true_label)``."""
    joint = noise_matrix * py
    ps = joint.sum(axis=1) if ps is None else ps
    return clip_noise_rates(joint.T / np.clip(ps, a_min=TINY_VALUE, a_max=None))


def compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, *, py=None) -> np.ndarray:
    """``P(given_label | true_label)`` from the noisy prior and the inverse noise matrix."""
    joint = (inverse_noise_matrix * ps).T
    py = joint.sum(axis=0) if py is None else py
    return clip_noise_rates(joint / np.clip(py, a_min=TINY_VALUE, a_max=None))


def converge_estimates(ps, py, noise_matrix, inverse_noise_matrix, *,
                       inv_noise_matrix_iterations=5, noise_matrix_iterations=3):
    """Iterate the closed-form relations so the three estimates agree numerically."""
    for _ in range(noise_matrix_iterations):
        for _ in range(inv_noise_matrix_iterations):
            inverse_noise_matrix = compute_inv_noise_matrix(py=py, noise_matrix=noise_matrix, ps=ps)
            py = compute_py(ps, noise_matrix, inverse_noise_matrix)
        noise_matrix = compute_noise_matrix_from_inverse(
            ps=ps, inverse_noise_matrix=inverse_noise_matrix, py=py)
    return py, noise_matrix, inverse_noise_matrix
