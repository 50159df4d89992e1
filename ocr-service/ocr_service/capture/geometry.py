"""Quadrilaterals in pixels: ordering corners, and the side lengths and angles the other steps
judge a quad by."""

from __future__ import annotations

import numpy as np

Quad = np.ndarray  # float32 (4, 2): top-left, top-right, bottom-right, bottom-left


def ordered(points: np.ndarray) -> Quad:
    """Four points in reading order of a page: sorted by angle around their centre (clockwise
    on screen), starting from the one nearest the image's top-left (smallest x + y)."""
    points = np.asarray(points, np.float32).reshape(4, 2)
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    clockwise = points[np.argsort(angles)]  # y grows downwards, so this is clockwise on screen
    first = int(np.argmin(clockwise.sum(axis=1)))
    return np.roll(clockwise, -first, axis=0)


def sides(quad: Quad) -> np.ndarray:
    """The lengths of the top, right, bottom and left sides."""
    return np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)


def corner_angles(quad: Quad) -> np.ndarray:
    """The inner angle at each corner, in degrees."""
    before = np.roll(quad, 1, axis=0) - quad
    after = np.roll(quad, -1, axis=0) - quad
    cosine = (before * after).sum(axis=1) / (
        np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1) + 1e-9
    )
    return np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))


def area(quad: Quad) -> float:
    x, y = quad[:, 0], quad[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)
