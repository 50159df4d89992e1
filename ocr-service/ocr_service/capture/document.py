"""Finding the document in a photo: candidate quadrilaterals from the photo's edges and from
its bright, colourless regions, each side moved onto the outline nearby, each judged by how
its four sides lie on the photo. Works on a copy of at most WORK_SIDE px; the corners are
scaled back.

A quad is only trusted when each of its sides is backed in one long run (by an edge facing
its way, a step in brightness, or the frame) and at least two of them part the paper from
something else: a page, card, receipt or screen is outlined all round, a texture or a
gradient is not, and a block of print has paper on both sides. When none is trusted the
caller never crops the photo, so no text is cut away.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr_service.capture.geometry import Quad, area, corner_angles, ordered, sides

WORK_SIDE = 640  # px: enough for corners within a fraction of a percent, fast on 12 MP
MIN_AREA = 0.12  # of the photo: smaller quads are a logo, a label or a table cell
MAX_AREA = 0.96  # of the photo: larger ones leave nothing to crop or straighten
ANGLES = (40.0, 140.0)  # degrees: a document's corners seen at a phone's angles stay within
BORDER = 0.015  # of the photo's side: a quad side this close to the frame is the frame's
SAMPLES = 60  # points tested along each side
EDGE_REACH = 3  # px (of the work copy): how far from a sample an edge still backs it
BIN_DEGREES = 22.5  # edges are told apart by the direction they face, in bins this wide
GRADIENT_PERCENTILE = 95  # the strongest 5 % of gradients make edges
MIN_GRADIENT = 24.0  # (Sobel, L1) below which a photo has no edge to speak of
STEP_REACH = 4  # px (of the work copy) either side of a quad's side where its contrast is read
MIN_STEP = 10  # grey levels across a side, all of one sign, to back it without an edge
BAND = (3, 10)  # px (of the work copy) inside and outside a side where the tones are compared
PAPER_PERCENTILE = 80
MIN_TONE = 12  # grey levels between the paper inside a side and what lies outside it
REFINE_REACH = 0.03  # of the work copy's long side: how far a rough side is moved onto an edge
REFINE_STEP = 3  # px (of the work copy): the coarse search's step
CONFIDENT = 0.65  # least share of each side backed in one run for the quad to be trusted


@dataclass(frozen=True)
class Found:
    corners: Quad  # pixels of the input image, ordered (geometry.ordered)
    confidence: float  # the least-backed side's longest backed run, as a share of it, 0..1


def find_document(pixels: np.ndarray) -> Found | None:
    """The document's quad in an RGB (or grey) array, or None when none is trusted."""
    small, scale = _work_copy(pixels)
    grey = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    edges, edge_maps, fine_maps = _edges(grey)
    tones = [cv2.GaussianBlur(grey, (5, 5), 0)]
    if small.ndim == 3:
        tones.append(cv2.GaussianBlur(small.min(axis=2), (5, 5), 0))
    best: Found | None = None
    best_area = 0.0
    height, width = grey.shape
    for rough in _candidates(small, grey, edges):
        quad = _refined(rough, fine_maps)
        share = area(quad) / (width * height)
        if not MIN_AREA <= share <= MAX_AREA or not _plausible(quad):
            continue
        confidence = _backing(quad, edge_maps, tones)
        if confidence >= CONFIDENT and share > best_area:
            best, best_area = Found(quad / scale, confidence), share
    return best


def _work_copy(pixels: np.ndarray) -> tuple[np.ndarray, float]:
    scale = min(1.0, WORK_SIDE / max(pixels.shape[:2]))
    if scale == 1.0:
        return pixels, 1.0
    size = (round(pixels.shape[1] * scale), round(pixels.shape[0] * scale))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA), scale


def _edges(grey: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Canny after a blur and a closing that keep a document's outline and drop most of its
    print and of a desk's grain; the thresholds follow the photo's own strongest gradients,
    since a page's edge is soft in one photo and hard in the next. Also the edges split by
    the direction they face (BIN_DEGREES wide, over 180), widened by EDGE_REACH to judge a
    side and by one pixel to place it."""
    blurred = cv2.GaussianBlur(grey, (5, 5), 0)
    closed = cv2.morphologyEx(blurred, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    dx = cv2.Sobel(closed, cv2.CV_32F, 1, 0)
    dy = cv2.Sobel(closed, cv2.CV_32F, 0, 1)
    high = max(MIN_GRADIENT, float(np.percentile(np.abs(dx) + np.abs(dy), GRADIENT_PERCENTILE)))
    edges = cv2.Canny(closed, high / 2, high)
    bins = round(180 / BIN_DEGREES)
    facing = np.rint(np.degrees(np.arctan2(dy, dx)) / BIN_DEGREES).astype(int) % bins
    split = [((edges > 0) & (facing == index)).astype(np.uint8) for index in range(bins)]
    wide, narrow = (np.ones((2 * reach + 1,) * 2, np.uint8) for reach in (EDGE_REACH, 1))
    return (
        edges,
        [cv2.dilate(one, wide) > 0 for one in split],
        [cv2.dilate(one, narrow) > 0 for one in split],
    )


def _facing(normal: np.ndarray, maps: list[np.ndarray]) -> np.ndarray:
    """The edges facing the way of `normal`, give or take a bin."""
    direction = round(np.degrees(np.arctan2(normal[1], normal[0])) / BIN_DEGREES)
    return (
        maps[(direction - 1) % len(maps)]
        | maps[direction % len(maps)]
        | maps[(direction + 1) % len(maps)]
    )


def _inward(start: np.ndarray, end: np.ndarray, centre: np.ndarray) -> np.ndarray:
    normal = np.array([start[1] - end[1], end[0] - start[0]]) / max(
        1e-6, float(np.linalg.norm(end - start))
    )
    return normal if np.dot(centre - start, normal) >= 0 else -normal


def _refined(quad: Quad, maps: list[np.ndarray]) -> Quad:
    """Each side moved, end by end, up to REFINE_REACH along its normal onto the line that
    the most edges facing its way back; the corners are where the moved sides meet. A rough
    quad (a region's hull, a contour's simplification) then lies on the outline itself.
    Searched coarse (every REFINE_STEP px) then fine around the best, not every pair."""
    reach = max(2, round(REFINE_REACH * max(maps[0].shape)))
    coarse = np.arange(-reach, reach + 1, REFINE_STEP, dtype=np.float32)
    fine = np.arange(-REFINE_STEP + 1, REFINE_STEP, dtype=np.float32)
    centre = quad.mean(axis=0)
    lines = []
    for start, end in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        normal = _inward(start, end, centre)
        facing = _facing(normal, maps)
        unmoved = _support(facing, start, end, normal, np.zeros(1), np.zeros(1))[0, 0]
        scores = _support(facing, start, end, normal, coarse, coarse)
        at = np.unravel_index(int(np.argmax(scores)), scores.shape)
        near_start, near_end = coarse[at[0]] + fine, coarse[at[1]] + fine
        scores = _support(facing, start, end, normal, near_start, near_end)
        at = np.unravel_index(int(np.argmax(scores)), scores.shape)
        if scores[at] <= unmoved:
            lines.append((start, end))  # nothing better nearby: keep the side
            continue
        lines.append((start + near_start[at[0]] * normal, end + near_end[at[1]] * normal))
    corners = [_meet(lines[index - 1], lines[index]) for index in range(4)]
    if any(corner is None for corner in corners):
        return quad
    return ordered(np.array(corners, np.float32))


def _support(
    facing: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    normal: np.ndarray,
    start_shifts: np.ndarray,
    end_shifts: np.ndarray,
) -> np.ndarray:
    """The share of points on an edge along the side with its ends moved by each pair of
    shifts: (start shifts, end shifts)."""
    t = np.linspace(0.05, 0.95, SAMPLES, dtype=np.float32)
    starts = start + start_shifts[:, None, None, None] * normal
    ends = end + end_shifts[None, :, None, None] * normal
    points = starts + (ends - starts) * t[None, None, :, None]
    support = _read(facing, points.reshape(-1, 2)).reshape(len(start_shifts), len(end_shifts), -1)
    return support.mean(axis=2)


def _meet(
    first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]
) -> np.ndarray | None:
    """Where two lines, each through two points, cross; None if they are near parallel."""
    (x1, y1), (x2, y2) = first
    (x3, y3), (x4, y4) = second
    denominator = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
    if abs(denominator) < 1e-6:
        return None
    a, b = x1 * y2 - y1 * x2, x3 * y4 - y3 * x4
    return np.array(
        [
            (a * (x3 - x4) - (x1 - x2) * b) / denominator,
            (a * (y3 - y4) - (y1 - y2) * b) / denominator,
        ]
    )


def _candidates(small: np.ndarray, grey: np.ndarray, edges: np.ndarray) -> list[Quad]:
    """Quads from closed edge contours, and from the bright regions (Otsu on the grey and on
    the least channel, which is high only where the photo is both bright and colourless:
    paper, not wood)."""
    masks = [cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))]
    channels = [grey] if small.ndim == 2 else [grey, small.min(axis=2)]
    for channel in channels:
        blurred = cv2.GaussianBlur(channel, (7, 7), 0)
        _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        masks.append(cv2.morphologyEx(bright, cv2.MORPH_OPEN, np.ones((9, 9), np.uint8)))
    quads: list[Quad] = []
    min_pixels = MIN_AREA * grey.size
    for mask in masks:
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            if cv2.contourArea(cv2.convexHull(contour)) < min_pixels:
                continue
            quad = _as_quad(cv2.convexHull(contour))
            if quad is not None:
                quads.append(quad)
    return quads


def _as_quad(hull: np.ndarray) -> Quad | None:
    """The hull simplified to four corners, loosening the tolerance until it has four."""
    perimeter = cv2.arcLength(hull, True)
    for tolerance in (0.01, 0.02, 0.03, 0.05, 0.08):
        points = cv2.approxPolyDP(hull, tolerance * perimeter, True)
        if len(points) == 4:
            return ordered(points.reshape(4, 2))
        if len(points) < 4:
            return None
    return None


def _plausible(quad: Quad) -> bool:
    angles = corner_angles(quad)
    lengths = sides(quad)
    return bool(
        np.all((angles > ANGLES[0]) & (angles < ANGLES[1])) and lengths.min() > 0.2 * lengths.max()
    )


def _backing(quad: Quad, edge_maps: list[np.ndarray], tones: list[np.ndarray]) -> float:
    """The least share, over the quad's sides, of points where the side lies on an edge
    running its way, on a step in brightness (or whiteness) of one sign all along it, or on
    the frame. A soft page edge in a blurred photo has the step, a sharp one the edge, and a
    page cut by the frame has the frame; print has edges every way and steps both ways.
    0 for a quad with fewer than two sides mostly off the frame (it is the frame itself), or
    with fewer than two sides where the paper's tone changes (a block of print on a page; a
    book's gutter is one side without a change)."""
    height, width = edge_maps[0].shape
    margin = BORDER * max(width, height)
    centre = quad.mean(axis=0)
    shares: list[float] = []
    inside = differing = 0
    for start, end in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        points = start + (end - start) * np.linspace(0.1, 0.9, SAMPLES)[:, None]
        on_frame = (
            (points[:, 0] < margin)
            | (points[:, 0] > width - 1 - margin)
            | (points[:, 1] < margin)
            | (points[:, 1] > height - 1 - margin)
        )
        inside += on_frame.mean() < 0.5
        normal = _inward(start, end, centre)
        backed = on_frame | _read(_facing(normal, edge_maps), points)
        for tone in tones:
            step = _read(tone, points + STEP_REACH * normal).astype(np.int16) - _read(
                tone, points - STEP_REACH * normal
            )
            sign = 1 if np.median(step) >= 0 else -1
            backed |= sign * step >= MIN_STEP
        if on_frame.mean() < 0.5 and _tones_differ(tones, points, normal):
            differing += 1
        shares.append(_longest_run(backed) / len(backed))
    if inside < 2 or differing < 2:
        return 0.0
    return min(shares)


def _longest_run(flags: np.ndarray) -> int:
    """The most consecutive True values: an outline backs its side in one piece, a texture's
    edges and steps in scraps."""
    padded = np.concatenate([[0], flags.astype(np.int8), [0]])
    changes = np.flatnonzero(np.diff(padded))
    return int((changes[1::2] - changes[::2]).max()) if len(changes) else 0


def _tones_differ(tones: list[np.ndarray], points: np.ndarray, normal: np.ndarray) -> bool:
    """Whether the paper just inside the side is brighter or darker than what is just outside:
    the brighter part of each band (its PAPER_PERCENTILE) is the paper's or the desk's tone
    whatever print is there, so a block of text inside a page, paper on both sides, has none."""
    offsets = np.arange(BAND[0], BAND[1] + 1)
    for tone in tones:
        inner = np.concatenate([_read(tone, points + d * normal) for d in offsets])
        outer = np.concatenate([_read(tone, points - d * normal) for d in offsets])
        difference = np.percentile(inner, PAPER_PERCENTILE) - np.percentile(outer, PAPER_PERCENTILE)
        if abs(difference) >= MIN_TONE:
            return True
    return False


def _read(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    height, width = image.shape
    xs = np.clip(np.rint(points[:, 0]).astype(int), 0, width - 1)
    ys = np.clip(np.rint(points[:, 1]).astype(int), 0, height - 1)
    return image[ys, xs]


def _along_frame(
    start: np.ndarray, end: np.ndarray, width: int, height: int, margin: float
) -> bool:
    xs, ys = (start[0], end[0]), (start[1], end[1])
    return bool(
        max(xs) < margin
        or min(xs) > width - 1 - margin
        or max(ys) < margin
        or min(ys) > height - 1 - margin
    )
