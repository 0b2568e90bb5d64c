"""What a depth canvas's numbers mean, and turning them into planar depth.

- ``depth``: planar depth along the view axis (Daz's Depth canvas, Blender's Z pass).
- ``inverse``: 1/z with 0 for no hit (Nuke's ScanlineRender, facts.md section 2).
- ``distance``: radial distance from the camera (Iray's Distance canvas): planar depth is
  the distance times the cosine between the pixel's ray and the view axis, from the field
  of view (facts.md section 2).

What the numbers are measured in is a separate choice, the unit (``UNITS``): Daz works in
centimetres, Blender and Nuke in their scene unit (metres by default). Depth is turned into
centimetres on reading, so splits, presets, the cut-off and every readout are in cm
whatever the file's unit, and a preset fits any canvas of the scene. The background
threshold alone is in the file's unit: it finds the renderer's no-hit value (Blender's
1e10), a stored number whatever the unit (depthmap.load_depth_map). A
map without a unit (``none``: 0..1, a mist pass) is kept as stored, and nothing that shows
its numbers calls them cm.

The camera comes from the header when it has the standard ``worldToCamera`` and
``worldToNDC`` matrices (OpenEXR's standard attributes: camera space x right, y up, z the
viewing direction; NDC (0, 0) and (1, 1) the display window's top left and bottom right
corners), else from a horizontal field of view the user gives.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .exr_pixels import Window
from .frame_names import unnumbered_stem

CONVENTIONS = ("depth", "inverse", "distance")
AUTO = "auto"
DESCRIPTIONS = {"depth": "planar depth", "inverse": "inverse depth (1/z)", "distance": "distance"}
# Centimetres per stored unit; "none": no unit, numbers kept as stored.
UNITS = {"cm": 1.0, "mm": 0.1, "m": 100.0, "in": 2.54, "ft": 30.48, "none": 1.0}
CM = "cm"
NO_UNIT = "none"
_WORDS = {"mm": "millimetres", "m": "metres", "in": "inches", "ft": "feet"}
_DISTANCE_NAME = re.compile(r"(^|[-_ .])distance$", re.IGNORECASE)
_ROWS = 256  # rows converted at a time, to keep the per-pixel cosines small


@dataclass(frozen=True)
class Camera:
    """How the display window's pixels look out: a camera-to-NDC matrix (row vectors, as
    OpenEXR stores them), or a horizontal field of view in degrees."""

    to_ndc: np.ndarray | None = None  # (4, 4)
    fov: float | None = None
    pixel_aspect: float = 1.0  # a pixel's width over its height

    def describe(self) -> str:
        if self.to_ndc is not None:
            return "the header's camera"
        return f"a {self.fov:g}° horizontal field of view"


def camera_from_header(header: dict) -> np.ndarray | None:
    """The camera-to-NDC matrix from ``worldToCamera`` and ``worldToNDC``, if both are there
    and usable (a perspective projection giving one ray through each point of the display
    window); else None."""
    try:
        world_to_camera = np.asarray(header["worldToCamera"], dtype=np.float64)
        world_to_ndc = np.asarray(header["worldToNDC"], dtype=np.float64)
        if world_to_camera.shape != (4, 4) or world_to_ndc.shape != (4, 4):
            return None
        to_ndc = np.linalg.inv(world_to_camera) @ world_to_ndc
    except (KeyError, TypeError, ValueError, np.linalg.LinAlgError):
        return None
    if not np.isfinite(to_ndc).all() or not np.any(to_ndc[:3, 3]):
        return None  # orthographic or nonsense: no rays to speak of
    return to_ndc if _one_ray_per_pixel(to_ndc) else None


def _one_ray_per_pixel(c: np.ndarray) -> bool:
    """Whether every point of the display window (NDC 0..1) has one ray: the determinant
    ``_rays`` divides by is affine in NDC x and y (their product cancels), so it keeps one
    sign over the window when it has it, not 0, at the four corners."""
    nx, ny = np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.0, 0.0, 1.0, 1.0])
    with np.errstate(over="ignore", invalid="ignore"):
        det = (c[0, 0] - nx * c[0, 3]) * (c[1, 1] - ny * c[1, 3]) - (c[1, 0] - nx * c[1, 3]) * (
            c[0, 1] - ny * c[0, 3]
        )
        return bool(np.isfinite(det).all() and (np.all(det > 0) or np.all(det < 0)))


def convention_for(path: str | Path, wanted: str = AUTO) -> str:
    """The convention asked for, or by the name (``*-Distance.exr``: distance) with ``auto``."""
    if wanted != AUTO:
        if wanted not in CONVENTIONS:
            raise ValueError(f"depth convention: one of auto, {', '.join(CONVENTIONS)}")
        return wanted
    return "distance" if _DISTANCE_NAME.search(unnumbered_stem(Path(path))) else "depth"


def _rays(camera: Camera, display: Window, rows: slice) -> tuple[np.ndarray, np.ndarray]:
    """The rays (a, b, 1) through the centres of ``rows`` of the display window, as the
    image-plane offsets a (right) and b, broadcastable to (rows, W)."""
    width, height = display.width, display.height
    xs = (np.arange(width) + 0.5) / width
    ys = (np.arange(rows.start, rows.stop) + 0.5) / height
    if camera.to_ndc is None:
        tangent = math.tan(math.radians(camera.fov) / 2)
        pitch = 2 * tangent / width
        a = (xs - 0.5) * 2 * tangent
        b = (ys - 0.5) * height * pitch / camera.pixel_aspect
        return a[None, :], b[:, None]
    # NDC of the ray (a, b, 1): ((a c00 + b c10 + c20) / w, (a c01 + b c11 + c21) / w) with
    # w = a c03 + b c13 + c23; solved for (a, b) at each pixel centre by Cramer's rule.
    c = camera.to_ndc
    nx, ny = xs[None, :], ys[:, None]
    p, q, r = c[0, 0] - nx * c[0, 3], c[1, 0] - nx * c[1, 3], nx * c[2, 3] - c[2, 0]
    s, t, u = c[0, 1] - ny * c[0, 3], c[1, 1] - ny * c[1, 3], ny * c[2, 3] - c[2, 1]
    det = p * t - q * s
    with np.errstate(divide="ignore", invalid="ignore"):
        return (r * t - q * u) / det, (p * u - r * s) / det


def cosines(camera: Camera, display: Window, rows: slice | None = None) -> np.ndarray:
    """The cosine between each pixel's ray and the view axis, (rows, W) float64."""
    rows = rows or slice(0, display.height)
    a, b = _rays(camera, display, rows)
    return 1.0 / np.sqrt(a * a + b * b + 1.0)


def to_planar(values: np.ndarray, convention: str, camera: Camera | None, display: Window) -> None:
    """Turn (H, W) float32 ``values`` stored under ``convention`` into planar depth, in
    place. Non-finite values stay so; an inverse 0 (no hit) stays 0, which is background.
    ``camera`` is needed for distance (ValueError without it)."""
    if convention == "depth":
        return
    if convention == "inverse":
        with np.errstate(over="ignore", divide="ignore"):
            np.reciprocal(values, out=values, where=values != 0)
        return
    if convention != "distance":
        raise ValueError(f"depth convention: one of {', '.join(CONVENTIONS)}")
    if camera is None:
        raise ValueError("distance needs the camera: a field of view")
    for top in range(0, values.shape[0], _ROWS):
        rows = slice(top, min(top + _ROWS, values.shape[0]))
        block = values[rows]
        with np.errstate(over="ignore", invalid="ignore"):
            np.multiply(block, cosines(camera, display, rows), out=block, casting="unsafe")


def to_centimetres(values: np.ndarray, unit: str) -> None:
    """Turn (H, W) float32 ``values`` measured in ``unit`` (a key of ``UNITS``) into cm, in
    place: each value times ``np.float32`` of the unit's length in cm, rounded to float32
    (for ``m``, 100: the float32 nearest the value in cm). Non-finite values stay so; a
    value past float32's
    range becomes inf (background). ``cm`` and ``none`` leave the values as they are.
    Raises ValueError for another unit."""
    if unit not in UNITS:
        raise ValueError(f"depth unit: one of {', '.join(UNITS)}")
    factor = UNITS[unit]
    if factor != 1.0:
        with np.errstate(over="ignore", invalid="ignore"):
            np.multiply(values, np.float32(factor), out=values)


def shown_unit(unit: str) -> str:
    """The unit readouts give depths read in ``unit``: ``cm``, or ``""`` for none."""
    return "" if unit == NO_UNIT else CM


def unit_words(unit: str) -> str:
    """How messages say the unit was read: ``""`` for cm (Daz's, as it always was)."""
    if unit == CM:
        return ""
    if unit == NO_UNIT:
        return ", without a unit (numbers as stored)"
    return f", in {_WORDS[unit]} (×{UNITS[unit]:g} to cm)"
