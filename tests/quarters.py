"""An image of four coloured quarters, and the quarters' colours a render shows inside a box:
which part of the image a (cropped) picture shows, read off any rendering of it."""

from __future__ import annotations

import io

from PIL import Image

RED, GREEN, BLUE, YELLOW = (230, 0, 0), (0, 160, 0), (0, 0, 230), (240, 220, 0)
QUARTERS = [[RED, GREEN], [BLUE, YELLOW]]  # rows top to bottom, columns left to right
Box = tuple[float, float, float, float]  # x, y, w, h as fractions of the picture seen
EDGE = 3  # pixels left out at a box's edges, where anti-aliasing blends it with what is around


def quartered_png(width: int = 400, height: int = 200) -> bytes:
    image = Image.new("RGB", (width, height))
    half_w, half_h = width // 2, height // 2
    for row, colours in enumerate(QUARTERS):
        for column, colour in enumerate(colours):
            left, top = column * half_w, row * half_h
            image.paste(colour, (left, top, left + half_w, top + half_h))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def colours_in(picture: Image.Image, box: Box) -> set[tuple[int, int, int]]:
    """The quarters' colours seen inside the box (a pixel counts when it is close to one)."""
    x, y, w, h = box
    left, top = round(x * picture.width) + EDGE, round(y * picture.height) + EDGE
    right = round((x + w) * picture.width) - EDGE
    bottom = round((y + h) * picture.height) - EDGE
    seen = set()
    palette = [colour for row in QUARTERS for colour in row]
    for pixel in picture.convert("RGB").crop((left, top, right, bottom)).get_flattened_data():
        nearest = min(palette, key=lambda colour: _distance(colour, pixel))
        if _distance(nearest, pixel) <= 60:
            seen.add(nearest)
    return seen


def halves(box: Box) -> tuple[Box, Box]:
    """The box's top half and bottom half."""
    x, y, w, h = box
    return (x, y, w, h / 2), (x, y + h / 2, w, h / 2)


def _distance(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return max(abs(p - q) for p, q in zip(a, b, strict=True))
