"""The rule for a page's corners as a person gives them (PUT .../images/{id}/page): four points
of the original, in the page's order (top-left, top-right, bottom-right, bottom-left, turning
clockwise on screen; starting from another corner turns the page), enclosing a convex
quadrilateral of at least MIN_AREA of the image. The web app checks the same before sending."""

from __future__ import annotations

from collections.abc import Sequence

from jaryo_shared.ocr_result import Corner

MIN_AREA = 0.01  # of the image: a smaller page is a slip of the finger, not a document


def problem_with(corners: Sequence[Corner]) -> str | None:
    """Why these corners enclose no page, or None if they do."""
    points = [(corner.x, corner.y) for corner in corners]
    turns = [
        _cross(points[i], points[(i + 1) % 4], points[(i + 2) % 4]) for i in range(len(points))
    ]
    if not all(turn > 0 for turn in turns):
        return (
            "the corners must go round the page clockwise (top-left, top-right, bottom-right, "
            "bottom-left) and enclose a convex quadrilateral"
        )
    if _area(points) < MIN_AREA:
        return f"the corners enclose under {MIN_AREA:.0%} of the image"
    return None


def _cross(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    """Positive where the path a → b → c turns clockwise on screen (y grows downwards)."""
    return (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])


def _area(points: list[tuple[float, float]]) -> float:
    """The shoelace formula."""
    twice = sum(
        x0 * y1 - x1 * y0
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
    )
    return abs(twice) / 2
