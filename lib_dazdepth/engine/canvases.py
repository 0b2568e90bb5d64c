"""A canvas set: which file is the Depth, Normal and Beauty canvas, and reading the latter two.

Daz Studio writes ``<base>_canvases/<base>-Canvas<N>-<Type>.exr`` and the render itself
(PNG or JPG) beside the folder. Roles are recognised by name; the user may override them.
A Distance canvas (radial distance) serves as the depth when there is no Depth canvas.
The canvases of one set must line up pixel for pixel: the same display window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from .depthmap import DepthMap
from .errors import InputError
from .exr import DEFAULT_MAX_PIXELS, ExrImage, read_rgb

ROLES = ("depth", "normal", "beauty")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


@dataclass(frozen=True)
class CanvasSet:
    depth: Path | None = None
    normal: Path | None = None
    beauty: Path | None = None

    def get(self, role: str) -> Path | None:
        return getattr(self, role)


def role_of(path: Path) -> str | None:
    """The role a file's name announces, if any."""
    stem, suffix = path.stem.lower(), path.suffix.lower()
    for role in ROLES:
        if re.search(rf"(^|[-_ ]){role}$", stem) and (suffix == ".exr" or role == "beauty"):
            return role
    if re.search(r"(^|[-_ ])distance$", stem) and suffix == ".exr":
        return "depth"
    if suffix in PICTURE_SUFFIXES and not re.search(r"-canvas\d+", stem):
        return "beauty"  # the render beside the _canvases folder
    return None


def recognise(paths: list[Path]) -> CanvasSet:
    """Assign roles by name; a lone unnamed EXR is taken as the depth."""
    found: dict[str, Path] = {}
    # A Depth canvas before a Distance canvas, then by name.
    for path in sorted(paths, key=lambda p: (p.stem.lower().endswith("distance"), p.name)):
        role = role_of(path)
        if role and role not in found:
            found[role] = path
    if "depth" not in found:
        exrs = [p for p in paths if p.suffix.lower() == ".exr" and role_of(p) is None]
        if len(exrs) == 1:
            found["depth"] = exrs[0]
    return CanvasSet(**found)


@dataclass(frozen=True)
class Extra:
    """A Normal or Beauty canvas lined up with its depth canvas."""

    values: np.ndarray  # normals: (H, W, 3) float32; beauty: (H, W, 3) uint8 sRGB
    label: str  # what was read: "normals from N (X,Y,Z)"; "" for a picture
    notes: tuple[str, ...] = ()  # warnings: a guessed layer, a different data window


def read_normal_image(
    path: Path,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    layer: str | None = None,
    part: int | str | None = None,
) -> ExrImage:
    """The normals of a Normal canvas EXR (``exr.read_rgb`` with role normal)."""
    if path.suffix.lower() != ".exr":
        raise InputError(path, "a Normal canvas must be an EXR file (float normals)")
    return read_rgb(path, part=part, max_pixels=max_pixels, role="normal", layer=layer)


def read_normals(
    path: Path, max_pixels: int = DEFAULT_MAX_PIXELS, layer: str | None = None
) -> np.ndarray:
    """Camera-space normals (H, W, 3) float32 from a Normal canvas EXR."""
    return read_normal_image(path, max_pixels, layer).values


def _srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    srgb = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.rint(srgb * 255).astype(np.uint8)


def read_beauty(
    path: Path, max_pixels: int = DEFAULT_MAX_PIXELS, layer: str | None = None
) -> np.ndarray:
    """The beauty render as (H, W, 3) uint8 sRGB, from a PNG/JPG or a Beauty canvas EXR."""
    if path.suffix.lower() == ".exr":
        return _srgb(read_rgb(path, max_pixels=max_pixels, role="beauty", layer=layer).values)
    try:
        with Image.open(path) as image:
            if image.width * image.height > max_pixels:
                raise InputError(path, f"{image.width}x{image.height} is over the size limit")
            return np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise InputError(path, f"not a readable image ({error})") from None


def line_up(path: Path, image: ExrImage | np.ndarray, depth: DepthMap) -> tuple[str, ...]:
    """Check that a canvas covers the same pixels as the depth canvas: the same display
    window (or, for a picture, the same size). Raises InputError when it does not; returns
    a note when the data windows differ (both are placed in the display window)."""
    source = depth.source
    if isinstance(image, ExrImage) and source is not None:
        if image.display != source.display:
            raise InputError(
                path,
                f"display window {image.display} ({image.display.size_text()}) is not the"
                f" depth's {source.display} ({source.display.size_text()}); not used",
            )
        if image.data != source.data:
            return (
                f"{path.name}: data window {image.data} is not the depth's {source.data};"
                " lined up on the display window",
            )
        return ()
    values = image.values if isinstance(image, ExrImage) else image
    if values.shape[:2] != depth.shape:
        size = f"{values.shape[1]}x{values.shape[0]}"
        raise InputError(path, f"is {size}, the depth is {depth.width}x{depth.height}; not used")
    return ()


def read_extra(
    role: str,
    path: Path,
    depth: DepthMap,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    layer: str | None = None,
    hint: str | None = None,
) -> Extra:
    """Read the Normal or Beauty canvas of a set and check it lines up with the depth;
    ``hint`` says how to choose another layer (``ExrImage.notes``)."""
    if role == "beauty" and path.suffix.lower() != ".exr":
        picture = read_beauty(path, max_pixels)
        return Extra(picture, "", line_up(path, picture, depth))
    if role == "normal":
        image = read_normal_image(path, max_pixels, layer)
        values = image.values
    else:
        image = read_rgb(path, max_pixels=max_pixels, role="beauty", layer=layer)
        values = _srgb(image.values)
    notes = tuple(f"{path.name}: {note}" for note in image.notes(hint))
    what = "normals" if role == "normal" else "beauty"
    return Extra(values, f"{what} from {image.label}", line_up(path, image, depth) + notes)
