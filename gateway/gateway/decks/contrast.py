"""Text colours that show: WCAG 2 relative luminance and contrast ratio."""

from __future__ import annotations

MIN_CONTRAST = 4.5  # WCAG AA for normal text


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_on(background: str, *preferred: str) -> str:
    """The first preferred colour that contrasts enough with `background`, else black or white,
    whichever contrasts more."""
    for colour in preferred:
        if contrast(colour, background) >= MIN_CONTRAST:
            return colour
    return max(("#000000", "#ffffff"), key=lambda colour: contrast(colour, background))
