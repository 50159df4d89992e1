"""Flattening: the document's quad warped to a rectangle of the document's own proportions.

The proportions come from the quad's perspective (Zhang and He, "Whiteboard scanning and image
enhancement", 2007): given the camera's focal length, the two vanishing points of the quad's
sides fix the true ratio of the sides, where averaging the sides' lengths would squash a card
seen at a slant. The focal length is estimated from the quad too, when its sides converge
enough to tell it; otherwise (a page seen square-on, or only tilted one way) a phone's is
assumed, which matters little then.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr_service.capture.geometry import Quad, sides

PHONE_FOCAL = 0.85  # of the photo's long side: a phone's main camera (about 26 mm equivalent)
FOCAL_RANGE = (0.4, 3.0)  # of the long side: an estimate outside this is noise, not a lens
RATIO_LIMIT = 2.2  # the perspective's ratio is trusted within this factor of the sides' average
INSET = 0.004  # of the page's side, trimmed all round: the quad lies on the outline's edge,
# and a line of desk left along it reads as a stroke


def aspect_ratio(quad: Quad, width: int, height: int) -> float:
    """The document's width / height, for a quad in a photo `width` x `height` px whose
    principal point is taken at the centre."""
    top, right, bottom, left = sides(quad)
    average = float((top + bottom) / max(1e-6, right + left))
    homogeneous = [np.append(point, 1.0) for point in quad.astype(np.float64)]
    n2, n3 = _side_directions(*homogeneous)
    centre = (width / 2, height / 2)
    long_side = max(width, height)
    focal = _focal(n2, n3, centre)
    if focal is None or not FOCAL_RANGE[0] < focal / long_side < FOCAL_RANGE[1]:
        focal = PHONE_FOCAL * long_side
    camera = np.array([[focal, 0, centre[0]], [0, focal, centre[1]], [0, 0, 1]])
    inverse = np.linalg.inv(camera)
    metric = inverse.T @ inverse
    ratio = float(np.sqrt((n2 @ metric @ n2) / (n3 @ metric @ n3)))
    if not np.isfinite(ratio) or not 1 / RATIO_LIMIT < ratio / average < RATIO_LIMIT:
        return average
    return ratio


def _side_directions(
    top_left: np.ndarray, top_right: np.ndarray, bottom_right: np.ndarray, bottom_left: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The images of the rectangle's horizontal and vertical directions (Zhang and He's n2, n3)."""
    k2 = np.dot(np.cross(top_left, bottom_right), bottom_left) / np.dot(
        np.cross(top_right, bottom_right), bottom_left
    )
    k3 = np.dot(np.cross(top_left, bottom_right), top_right) / np.dot(
        np.cross(bottom_left, bottom_right), top_right
    )
    return k2 * top_right - top_left, k3 * bottom_left - top_left


def _focal(n2: np.ndarray, n3: np.ndarray, centre: tuple[float, float]) -> float | None:
    if abs(n2[2] * n3[2]) < 1e-9:
        return None  # a pair of sides is parallel in the photo: no vanishing point
    u0, v0 = centre
    squared = -(
        (n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0 + n2[2] * n3[2] * u0 * u0)
        + (n2[1] * n3[1] - (n2[1] * n3[2] + n2[2] * n3[1]) * v0 + n2[2] * n3[2] * v0 * v0)
    ) / (n2[2] * n3[2])
    if not np.isfinite(squared) or squared <= 0:
        return None
    return float(np.sqrt(squared))


def flatten(pixels: np.ndarray, quad: Quad) -> np.ndarray:
    """The quad (pixels of `pixels`) warped to an upright rectangle as wide as its longer
    horizontal side, at most as many pixels as the photo had."""
    height, width = pixels.shape[:2]
    ratio = aspect_ratio(quad, width, height)
    top, _, bottom, _ = sides(quad)
    out_width = max(top, bottom)
    out_height = out_width / ratio
    shrink = min(1.0, float(np.sqrt(width * height / (out_width * out_height))))
    size = (max(1, round(out_width * shrink)), max(1, round(out_height * shrink)))
    target = np.array(
        [[0, 0], [size[0] - 1, 0], [size[0] - 1, size[1] - 1], [0, size[1] - 1]], np.float32
    )
    warp = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    page = cv2.warpPerspective(
        pixels, warp, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    trim_x, trim_y = round(INSET * size[0]) + 1, round(INSET * size[1]) + 1
    return page[trim_y : size[1] - trim_y, trim_x : size[0] - trim_x]
