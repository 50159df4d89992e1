"""The capture step for phone photos (ocr_service.capture): a page photographed on a desk at an
angle and in a shadow is found, flattened to its own proportions with its lines level and its
light evened; a photo with no page in it is left exactly as it was."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr_service.capture import capture
from ocr_service.capture.curl import uncurl
from ocr_service.capture.flatten import aspect_ratio
from ocr_service.capture.light import even_light, light_on_dark, spread

PAGE = (800, 1000)  # w, h: a 4:5 page
LINES = 9
PHOTO = (1600, 1200)


def seen_by_camera(
    size: tuple[float, float],
    degrees: tuple[float, float, float],
    distance: float,
    photo: tuple[int, int],
    focal: float,
) -> np.ndarray:
    """Where a flat rectangle's corners land in a photo: turned about the camera's x, y and z
    axes, `distance` in front of a pinhole camera of `focal` px at the photo's centre."""
    width, height = size
    corners = (
        np.array(
            [[-width, -height, 0], [width, -height, 0], [width, height, 0], [-width, height, 0]]
        )
        / 2
    )
    rx, ry, rz = np.radians(degrees)
    turn_x = np.array([[1, 0, 0], [0, np.cos(rx), -np.sin(rx)], [0, np.sin(rx), np.cos(rx)]])
    turn_y = np.array([[np.cos(ry), 0, np.sin(ry)], [0, 1, 0], [-np.sin(ry), 0, np.cos(ry)]])
    turn_z = np.array([[np.cos(rz), -np.sin(rz), 0], [np.sin(rz), np.cos(rz), 0], [0, 0, 1]])
    seen = corners @ (turn_z @ turn_y @ turn_x).T + np.array([0, 0, distance])
    xs = focal * seen[:, 0] / seen[:, 2] + photo[0] / 2
    ys = focal * seen[:, 1] / seen[:, 2] + photo[1] / 2
    return np.stack([xs, ys], axis=1).astype(np.float32)


# A phone held above the desk, looking down at an angle, turned a little.
CORNERS = seen_by_camera((0.8, 1.0), (25, 12, 7), 1.5, PHOTO, 1400)


def page_with_text() -> np.ndarray:
    page = Image.new("RGB", PAGE, (245, 243, 238))
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=44)
    for row in range(LINES):
        draw.text((70, 80 + row * 95), "Quarterly figures 2026", font=font, fill=(25, 25, 30))
    return np.asarray(page)


def desk(rng: np.random.Generator) -> np.ndarray:
    """A wood-like desk: brown, with streaks and grain, and a shadow falling across it."""
    width, height = PHOTO
    grain = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 3)
    streaks = np.sin(np.linspace(0, 40, width))[None, :] * 0.5
    texture = 1 + 0.08 * (grain / grain.std() + streaks)
    wood = np.array([150, 110, 75], np.float32)[None, None, :] * texture[..., None]
    return np.clip(wood, 0, 255).astype(np.uint8)


def shadowed(pixels: np.ndarray) -> np.ndarray:
    """Light falling off from the right to the left: the left edge gets 55 % of it."""
    width = pixels.shape[1]
    light = np.linspace(0.55, 1.0, width, dtype=np.float32)[None, :, None]
    return np.clip(pixels.astype(np.float32) * light, 0, 255).astype(np.uint8)


def photo_of_page(rng: np.random.Generator) -> np.ndarray:
    page = page_with_text()
    source = np.array([[0, 0], [PAGE[0], 0], [PAGE[0], PAGE[1]], [0, PAGE[1]]], np.float32)
    warp = cv2.getPerspectiveTransform(source, CORNERS)
    seen = cv2.warpPerspective(page, warp, PHOTO, flags=cv2.INTER_LINEAR)
    inside = cv2.warpPerspective(np.full(page.shape[:2], 255, np.uint8), warp, PHOTO) > 127
    photo = desk(rng)
    photo[inside] = seen[inside]
    noise = rng.normal(0, 3, photo.shape)
    return shadowed(np.clip(photo + noise, 0, 255).astype(np.uint8))


def text_rows(pixels: np.ndarray) -> list[tuple[int, int]]:
    """The runs of rows holding ink, top to bottom: one per level line of text."""
    grey = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    ink = grey < 110
    has_ink = ink.mean(axis=1) > 0.01
    runs, start = [], None
    for y, inked in enumerate(has_ink):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            runs.append((start, y))
            start = None
    return runs


def test_page_on_a_desk_is_found_within_two_percent_of_its_corners() -> None:
    photo = photo_of_page(np.random.default_rng(1))

    result = capture(Image.fromarray(photo))

    assert result.corners is not None
    found = np.array(result.corners) * np.array(PHOTO)
    error = np.abs(found - CORNERS) / np.array(PHOTO)
    assert error.max() <= 0.02, error


def test_found_page_is_flattened_to_its_proportions_with_level_lines() -> None:
    photo = photo_of_page(np.random.default_rng(2))

    result = capture(Image.fromarray(photo))

    page = np.asarray(result.image)
    assert page.shape[1] / page.shape[0] == pytest.approx(PAGE[0] / PAGE[1], rel=0.04)
    rows = text_rows(page)
    assert len(rows) == LINES  # a tilted line would smear into its neighbours' rows
    heights = [end - start for start, end in rows]
    assert max(heights) < 0.07 * page.shape[0]  # each about one line's height, not a slant's


@pytest.mark.parametrize("degrees", [(50, 15, 20), (40, -20, -10), (30, 25, 5), (10, 5, 3)])
def test_a_card_seen_slanted_keeps_its_proportions(degrees: tuple[float, float, float]) -> None:
    """Averaging the sides would make a card seen at 50 degrees 40 % too wide."""
    photo = (4032, 3024)
    quad = seen_by_camera((0.09, 0.055), degrees, 0.2, photo, 3000)

    assert aspect_ratio(quad, *photo) == pytest.approx(0.09 / 0.055, rel=0.01)


def test_a_card_tilted_one_way_only_is_near_its_proportions() -> None:
    """Two sides stay parallel, so the lens cannot be told from the quad: a phone's is assumed,
    3000 px being about 0.74 of this photo's long side against the 0.85 assumed."""
    photo = (4032, 3024)
    quad = seen_by_camera((0.09, 0.055), (40, 0, 0), 0.2, photo, 3000)

    assert aspect_ratio(quad, *photo) == pytest.approx(0.09 / 0.055, rel=0.08)


@pytest.mark.parametrize("kind", ["gradient", "texture"])
def test_photo_without_a_page_is_left_as_it_is(kind: str) -> None:
    width, height = PHOTO
    if kind == "gradient":
        ramp = (
            np.linspace(40, 230, width, dtype=np.float32)[None, :]
            + np.linspace(0, 20, height, dtype=np.float32)[:, None]
        )
        pixels = np.repeat(ramp[..., None], 3, axis=2).astype(np.uint8)
    else:  # foliage-like: blotches of greens at several scales
        rng = np.random.default_rng(3)
        layers = [
            cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), s)
            for s in (2, 8, 30)
        ]
        field = sum(layer / layer.std() for layer in layers)
        colours = np.stack([60 + 15 * field, 110 + 30 * field, 50 + 10 * field], axis=2)
        pixels = np.clip(colours, 0, 255).astype(np.uint8)
    photo = Image.fromarray(pixels)

    result = capture(photo)

    assert result.corners is None
    assert result.steps == ()
    assert result.image is photo


@pytest.mark.parametrize("size", [(3072, 1), (1, 3000), (31, 31), (5000, 33), (33, 5000)])
def test_a_strip_or_a_speck_is_left_as_it_is_or_flattened_without_error(
    size: tuple[int, int],
) -> None:
    """Images of a valid file but of no page's shape (the fuzz set's one-row PNG) pass through
    the step whole; where the person gives corners of one that is big enough, it is flattened."""
    noise = np.random.default_rng(1).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    photo = Image.fromarray(noise)

    assert capture(photo).image is photo
    fixed = capture(photo, ((0, 0), (1, 0), (1, 1), (0, 1)))
    assert fixed.image is photo or "flattened" in fixed.steps


def test_a_picture_in_a_slide_is_not_taken_for_a_page() -> None:
    """A dark slide with a white screenshot beside its title and list: the screenshot is
    outlined all round, like a page on a desk, but cropping to it would cut the slide's own
    text away, so the slide is kept as it is."""
    slide = Image.new("RGB", (1600, 900), (18, 28, 36))
    draw = ImageDraw.Draw(slide)
    font = ImageFont.load_default(size=56)
    draw.text((110, 100), "NEW EXPERIENCE GOALS", font=font, fill=(220, 170, 40))
    for row, item in enumerate(["1. UP-TO-DATE", "2. ENGAGING", "3. FRICTION FREE"]):
        draw.text((110, 260 + row * 170), item, font=font, fill=(240, 240, 240))
    draw.rectangle((800, 300, 1570, 680), fill=(250, 250, 250))
    small = ImageFont.load_default(size=14)
    for row in range(12):
        draw.text(
            (830, 330 + row * 26), "Interpolated strings in C#", font=small, fill=(30, 30, 30)
        )

    result = capture(slide)

    assert result.corners is None and result.image is slide


def test_shadow_across_a_page_is_evened_out() -> None:
    shadow = shadowed(page_with_text())
    assert spread(shadow) > 60  # grey levels between the lit and the shaded paper

    evened = even_light(shadow)

    assert spread(evened) < 10
    grey = cv2.cvtColor(evened, cv2.COLOR_RGB2GRAY)
    assert np.percentile(grey, 50) > 240  # the paper is white ...
    assert np.percentile(grey, 1) < 60  # ... and the print still dark


def bent(pixels: np.ndarray, sag: float) -> np.ndarray:
    """The page bowed as over a book's spine: each column dropped by a parabola's height,
    `sag` px more at the middle than at the edges."""
    height, width = pixels.shape[:2]
    xs = np.arange(width, dtype=np.float32)
    drop = sag * (1 - ((xs - width / 2) / (width / 2)) ** 2)
    map_x = np.broadcast_to(xs[None, :], (height, width)).copy()
    map_y = (np.arange(height, dtype=np.float32)[:, None] - drop[None, :]).astype(np.float32)
    return cv2.remap(pixels, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def wide_page_with_text() -> np.ndarray:
    page = Image.new("RGB", (900, 1100), (245, 243, 238))
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=30)
    for row in range(LINES):
        draw.text(
            (60, 80 + row * 110),
            "Pour off the liquid in the pan and brown",
            font=font,
            fill=(25, 25, 30),
        )
    return np.asarray(page)


def inked_rows(pixels: np.ndarray) -> int:
    """How many rows hold ink: a level line covers its own height, a bowed one its sag too."""
    return sum(end - start for start, end in text_rows(pixels))


def test_curled_page_has_its_lines_made_level_again() -> None:
    page = wide_page_with_text()
    curled = bent(page, sag=30)
    assert inked_rows(curled) > 1.5 * inked_rows(page)

    flat = uncurl(curled)

    assert flat is not None
    assert inked_rows(flat) < 1.25 * inked_rows(page)
    assert len(text_rows(flat)) == len(text_rows(page))


def test_page_with_level_lines_is_not_uncurled() -> None:
    assert uncurl(wide_page_with_text()) is None


def test_light_print_on_a_dark_board_is_not_relit() -> None:
    """Dividing by the 'paper' would take a road sign's white letters for the paper."""
    sign = Image.new("RGB", (800, 500), (20, 110, 60))
    ImageDraw.Draw(sign).text(
        (80, 180), "Seoul 56 km", font=ImageFont.load_default(size=90), fill=(240, 240, 240)
    )
    board = np.asarray(sign)

    assert light_on_dark(board)
    assert not light_on_dark(page_with_text())
