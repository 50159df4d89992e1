"""Whiteboards: the board whitened and faint marker deepened, after Zhang and He 2007
("Note-taking with a camera: whiteboard scanning and image enhancement"): the board's own
colour is estimated per cell as the mean of its brightest pixels, each pixel is divided by it,
then a curve saturates what is left (the strokes).

Measured, not wired (bench/capture_kinds.py, 12 synthetic boards, seed 18, read through the
service's path): the capture step as it is already divides a found board by its paper's
brightness (light.py), and reads the 6 boards it finds at CER 0.000-0.010. Added after it,
Zhang and He's curve made those worse (median over the 12 boards 0.016 -> 0.034; it lifts
tones above 0.4, so a faint stroke gets lighter), and so did the deepening curve (0.016 ->
0.021). The errors are on the 6 boards no document is found in; deepening those whole photos
as well cut the mean (0.063 -> 0.034) but not the median (0.016 -> 0.019), and on the real
photo set the test took the handwritten note for a board and made it worse (0.432 -> 0.615).
The test also takes the business card (coloured print, sparse) for a board. Time on a 12 MP
page (two runs, machine shared, load about 4): the test 0.03-0.07 s, Zhang and He 0.19-0.36 s,
deepening 0.13-0.21 s; the capture step with either on a 12 MP board photo 0.40-0.63 s.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 480  # px: the board's light varies over tens of these, a stroke is a few
CELL = 12  # px of the work copy: Zhang and He's 15 px cells on a photo of about this size
BRIGHTEST = 0.25  # share of each cell's pixels whose mean is the board's colour there
KAPPA = 0.75  # Zhang and He's S-curve exponent
WHITE = 0.9  # of the board's brightness: lighter than this is board (the deepen curve)
GAMMA = 2.0  # the deepen curve: p ** GAMMA below WHITE, so a faint stroke gets darker
INK = 0.75  # of the board's brightness: darker pixels are marker, for telling a board
MIN_COLOURED = 0.3  # least share of marker pixels that are coloured for a board
MIN_SATURATION = 60  # HSV saturation (0..255) of a coloured marker pixel
MAX_INK = 0.12  # most share of the page that is marker: a board is mostly board
MIN_INK = 0.002  # least share: a blank board has nothing to deepen
MIN_LIGHT = 150  # grey level: a board's median (after the light is evened, near white)


def board_colour(pixels: np.ndarray) -> np.ndarray:
    """The board's colour per cell (the mean of the brightest BRIGHTEST of each cell's pixels)
    smoothed, at the work copy's size, float32, the shape of a small copy of `pixels`."""
    scale = min(1.0, WORK_SIDE / max(pixels.shape[:2]))
    small = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = small.reshape(*small.shape[:2], -1).astype(np.float32)
    rows, cols = small.shape[0] // CELL, small.shape[1] // CELL
    if rows < 1 or cols < 1:
        return small.mean(axis=(0, 1), keepdims=True)
    cells = small[: rows * CELL, : cols * CELL].reshape(rows, CELL, cols, CELL, -1)
    cells = cells.transpose(0, 2, 1, 3, 4).reshape(rows, cols, CELL * CELL, -1)
    grey = cells.mean(axis=3)
    keep = max(1, round(BRIGHTEST * CELL * CELL))
    brightest = np.argpartition(-grey, keep - 1, axis=2)[:, :, :keep]
    colour = np.take_along_axis(cells, brightest[..., None], axis=2).mean(axis=2)
    # Zhang and He filter the cells' colours; a cell full of marker is taken from its neighbours
    colour = cv2.dilate(colour, np.ones((3, 3), np.uint8))
    colour = cv2.GaussianBlur(colour, (0, 0), 1.0)
    return colour.reshape(rows, cols, -1)


def _curved(pixels: np.ndarray, lut: np.ndarray) -> np.ndarray:
    height, width = pixels.shape[:2]
    colour = cv2.resize(board_colour(pixels), (width, height), interpolation=cv2.INTER_LINEAR)
    colour = np.maximum(colour.reshape(pixels.shape), 1.0).astype(np.float32)
    # divided in 8 bits, as light.py does, then the curve as a lookup table: fast on 12 MP
    divided = cv2.divide(pixels, colour.astype(np.uint8), scale=255)
    return cv2.LUT(divided, lut)


def whiten_zhang_he(pixels: np.ndarray) -> np.ndarray:
    """Zhang and He's enhancement: divided by the board's colour, then each channel through
    0.5 - 0.5 cos(p ** KAPPA * pi), which saturates the marker's colours."""
    p = np.arange(256) / 255.0
    lut = np.clip(255 * (0.5 - 0.5 * np.cos(p**KAPPA * np.pi)), 0, 255).astype(np.uint8)
    return _curved(pixels, lut)


def whiten_deepen(pixels: np.ndarray) -> np.ndarray:
    """Divided by the board's colour, then what is within WHITE of the board made white and
    the rest darkened (p / WHITE) ** GAMMA: a faint stroke gets darker, not lighter, as it
    does under Zhang and He's curve (which lifts tones above 0.4)."""
    p = np.arange(256) / 255.0
    lut = np.clip(255 * np.minimum(p / WHITE, 1.0) ** GAMMA, 0, 255).astype(np.uint8)
    return _curved(pixels, lut)


def looks_like_board(pixels: np.ndarray) -> bool:
    """Whether a found document is a whiteboard: light, its marks sparse (a board is mostly
    board) and mostly coloured (blue, red, green marker; a printed page's ink is black).
    A board written only in black is not told from a sparse printed page, and left alone."""
    if pixels.ndim != 3:
        return False
    scale = min(1.0, WORK_SIDE / max(pixels.shape[:2]))
    small = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    if float(np.median(grey)) < MIN_LIGHT:
        return False
    board = cv2.cvtColor(board_colour(small).astype(np.uint8), cv2.COLOR_RGB2GRAY)
    board = cv2.resize(board, grey.shape[::-1], interpolation=cv2.INTER_LINEAR)
    ink = grey < INK * board.astype(np.float32)
    share = float(ink.mean())
    if not MIN_INK <= share <= MAX_INK:
        return False
    saturation = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)[:, :, 1]
    return float((saturation[ink] >= MIN_SATURATION).mean()) >= MIN_COLOURED
