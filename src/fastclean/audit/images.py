"""Near-duplicate verification for small in-memory images: pixel distance after alignment.

Embedding distance alone cannot tell a copy of an image shifted by a pixel (or re-encoded with
some noise) from a different but similar-looking example (two thin "1"s of MNIST). Comparing
the pixels themselves, at the best of the small shifts, can: a copy differs only by the noise.
"""

from __future__ import annotations

import numpy as np

#: Largest shift (pixels, each direction) tried when aligning two images.
MAX_SHIFT = 1


def aligned_pixel_distance(images: np.ndarray, pairs: np.ndarray, *, max_shift: int = MAX_SHIFT,
                           chunk: int = 4096) -> np.ndarray:
    """Relative pixel distance of each pair of images at its best alignment.

    For a pair (a, b) of grey images (colour is averaged), the smallest over integer shifts
    ``s`` with ``|s_y|, |s_x| <= max_shift`` of ``||a - shift(b, s)|| / max(||a||, ||b||)``,
    computed on the part both images cover after the shift (borders cropped by ``max_shift``).
    0 for identical images; a copy re-noised with standard deviation σ scores about
    ``σ · sqrt(pixels) / ||a||``. Give images already moved to their centre of mass
    (:func:`centre_by_mass`) and a small ``max_shift`` covers any shift.

    Parameters
    ----------
    images : ndarray, shape (N, H, W) or (N, H, W, C)
    pairs : ndarray of int, shape (P, 2)
    max_shift : int
    chunk : int
        Pairs compared at a time (bounded memory).

    Returns
    -------
    ndarray of float64, shape (P,)
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    x = np.asarray(images)
    if x.ndim == 4:
        x = x.mean(axis=3)
    if x.ndim != 3:
        raise ValueError(f"images: expected (N, H, W) or (N, H, W, C), got shape {x.shape}")
    m = int(max_shift)
    h, w = x.shape[1:]
    if h <= 2 * m or w <= 2 * m:
        raise ValueError(f"images: {h}x{w} is too small for max_shift={m}")
    out = np.empty(len(pairs))
    for start in range(0, len(pairs), chunk):
        p = pairs[start:start + chunk]
        a = x[p[:, 0], m:h - m, m:w - m].astype(np.float32)
        b_full = x[p[:, 1]].astype(np.float32)
        norm_a = np.sqrt(np.einsum("ijk,ijk->i", a, a))
        centre = b_full[:, m:h - m, m:w - m]
        norm_b = np.sqrt(np.einsum("ijk,ijk->i", centre, centre))
        best = np.full(len(p), np.inf)
        for dy in range(-m, m + 1):
            for dx in range(-m, m + 1):
                diff = a - b_full[:, m + dy:h - m + dy, m + dx:w - m + dx]
                best = np.minimum(best, np.einsum("ijk,ijk->i", diff, diff))
        out[start:start + chunk] = np.sqrt(best) / np.maximum(np.maximum(norm_a, norm_b), 1e-12)
    return out


#: Pixels fainter than this share of their image's brightest pixel count as background (0).
BACKGROUND = 0.25


def suppress_background(images: np.ndarray, level: float = BACKGROUND) -> np.ndarray:
    """Grey float32 copies of (N, H, W[, C]) images with pixels below ``level`` × the image's
    maximum set to 0: sensor noise and compression speckle on a dark background vanish, strokes stay."""
    x = np.asarray(images, dtype=np.float32)
    if x.ndim == 4:
        x = x.mean(axis=3)
    peak = x.reshape(len(x), -1).max(axis=1)[:, None, None]
    return np.where(x >= level * peak, x, 0.0).astype(np.float32)


def centre_by_mass(images: np.ndarray) -> np.ndarray:
    """Shift each image by whole pixels (cyclically) so that its centre of mass is central.

    Parameters
    ----------
    images : ndarray, shape (N, H, W) or (N, H, W, C)
        Colour is averaged to grey first.

    Returns
    -------
    ndarray of float32, shape (N, H, W)
    """
    x = np.asarray(images, dtype=np.float32)
    if x.ndim == 4:
        x = x.mean(axis=3)
    n, h, w = x.shape
    mass = x.sum(axis=(1, 2))
    mass = np.where(mass > 0, mass, 1.0)
    cy = (x.sum(axis=2) * np.arange(h)).sum(axis=1) / mass
    cx = (x.sum(axis=1) * np.arange(w)).sum(axis=1) / mass
    dy = np.rint((h - 1) / 2 - cy).astype(int)
    dx = np.rint((w - 1) / 2 - cx).astype(int)
    out = x.copy()
    for sy, sx in set(zip(dy.tolist(), dx.tolist())):
        if sy or sx:
            rows = np.flatnonzero((dy == sy) & (dx == sx))
            out[rows] = np.roll(x[rows], (sy, sx), axis=(1, 2))
    return out
