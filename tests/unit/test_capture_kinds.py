"""Whiteboards and screens in the capture step (bench.capture_candidates: board, screen): a faint
marker stroke on a grey, unevenly lit board comes out on a white board and darker; a board is
told from a printed page; a photo of a screen loses its moiré's periodic energy."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bench.capture_candidates import board, screen

SIZE = (900, 600)  # w, h
FAINT_BLUE = (120, 140, 200)  # a dry blue marker, half its ink on the board


def grey_board_with_faint_blue_line() -> tuple[np.ndarray, np.ndarray]:
    """A grey board lit from the left (the right side a third darker) with a faint blue line
    of marker; and where the stroke is."""
    width, height = SIZE
    stroke = Image.new("L", SIZE, 0)
    font = ImageFont.load_default(size=64)
    ImageDraw.Draw(stroke).text((60, 250), "Ship the beta", font=font, fill=255)
    ink = np.asarray(stroke) > 128
    surface = np.ones((height, width, 3), np.float32) * 205
    surface[ink] = FAINT_BLUE
    light = np.linspace(1.0, 0.65, width, dtype=np.float32)[None, :, None]
    return np.clip(surface * light, 0, 255).astype(np.uint8), ink


def test_a_grey_unevenly_lit_board_comes_out_near_white_on_both_sides() -> None:
    photo, ink = grey_board_with_faint_blue_line()
    whitened = board.whiten_deepen(photo)
    grey = cv2.cvtColor(whitened, cv2.COLOR_RGB2GRAY)
    left, right = grey[:, :100][~ink[:, :100]], grey[:, -100:][~ink[:, -100:]]
    assert np.median(left) >= 245
    assert np.median(right) >= 245


def test_a_faint_marker_stroke_comes_out_darker_against_the_board() -> None:
    photo, ink = grey_board_with_faint_blue_line()
    core = cv2.erode(ink.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    before = cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY).astype(np.float32)
    after = cv2.cvtColor(board.whiten_deepen(photo), cv2.COLOR_RGB2GRAY).astype(np.float32)
    contrast_before = np.median(before[~ink]) - np.median(before[core])
    contrast_after = np.median(after[~ink]) - np.median(after[core])
    assert contrast_after > 1.5 * contrast_before


def test_a_board_with_coloured_marker_is_told_from_a_printed_page() -> None:
    photo, _ = grey_board_with_faint_blue_line()
    page = Image.new("RGB", SIZE, (245, 243, 238))
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=28)
    for row in range(12):
        draw.text((50, 30 + row * 45), "Quarterly figures for 2026", font=font, fill=(20, 20, 25))
    assert board.looks_like_board(photo)
    assert not board.looks_like_board(np.asarray(page))


def moire_photo() -> np.ndarray:
    """Text on a white screen whose pixel grid, a little finer than the camera's, is sampled
    into moiré: the grid (period 1.15 px, turned 12°) beats into ripples a few px apart."""
    width, height = SIZE
    page = Image.new("L", SIZE, 240)
    font = ImageFont.load_default(size=40)
    for row in range(6):
        ImageDraw.Draw(page).text((40, 40 + row * 90), "Takeaway: tools", font=font, fill=30)
    ys, xs = np.mgrid[:height, :width].astype(np.float32)
    turn = np.radians(12)  # the screen's grid is never square to the camera's
    us, vs = xs * np.cos(turn) + ys * np.sin(turn), ys * np.cos(turn) - xs * np.sin(turn)
    grid = 0.8 + 0.2 * np.cos(2 * np.pi * us / 1.15) * np.cos(2 * np.pi * vs / 1.15)
    grey = np.clip(np.asarray(page, np.float32) * grid, 0, 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def test_descreening_a_moire_photo_lowers_its_periodic_energy() -> None:
    photo = moire_photo()
    before = screen.periodic_energy(photo)
    assert screen.looks_like_screen(photo)
    assert screen.periodic_energy(screen.descreen_notch(photo)) < before / 2
    assert screen.periodic_energy(screen.descreen_gaussian(photo)) < before


def test_a_printed_page_has_no_periodic_energy_to_speak_of() -> None:
    page = Image.new("RGB", SIZE, (245, 243, 238))
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=28)
    words = "the quarterly figures rose by nine percent while costs fell in most regions".split()
    rng = np.random.default_rng(7)
    for row in range(12):
        line = " ".join(rng.choice(words, size=5))
        draw.text((50 + 9 * row, 30 + row * 47), line, font=font, fill=(20, 20, 25))
    assert not screen.looks_like_screen(np.asarray(page))
