"""Colours: the Regional Prompter's region palette and CSS test colours."""

from __future__ import annotations

import colorsys

RGB = tuple[int, int, int]


def region_hues(count: int) -> list[float]:
    """Hues in degrees in bisection order: 0, 180, 90, 270, 45, 135, 225, 315, 22.5, ...
    Exact: 360 k / 2^n is a binary fraction (no ``fractions``, whose import costs start-up)."""
    hues = [0.0]
    parts = 2
    while len(hues) < count:
        hues.extend(360 * k / parts for k in range(1, parts, 2))
        parts *= 2
    return hues[:count]


def hsv_to_rgb8(hue_degrees: float, saturation: float, value: float) -> RGB:
    """HSV to 8-bit RGB as the Regional Prompter computes it: floor(c * 256), max 255."""
    r, g, b = colorsys.hsv_to_rgb(float(hue_degrees) / 360.0, saturation, value)
    return tuple(min(255, int(c * 256)) for c in (r, g, b))  # type: ignore[return-value]


def region_colours(count: int) -> list[RGB]:
    """Colour of regions 0..count-1 in the Regional Prompter's mask mode."""
    return [hsv_to_rgb8(h, 0.5, 0.5) for h in region_hues(count)]


def parse_colour(text: str) -> RGB:
    """A CSS colour name or #rgb/#rrggbb, as the reference's ``flag N test red``."""
    from PIL import ImageColor  # only when a colour is given: keeps start-up short

    value = ImageColor.getrgb(text.strip())
    return value[0], value[1], value[2]


def hex_colour(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)
