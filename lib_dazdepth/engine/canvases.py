"""A canvas set: which file is the Depth, Normal and Beauty canvas, and reading the latter two.

Daz Studio writes ``<base>_canvases/<base>-Canvas<N>-<Type>.exr`` and the render itself
(PNG or JPG) beside the folder. Roles are recognised by name; the user may override them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, UnidentifiedImageError

from .errors import InputError
from .exr import DEFAULT_MAX_PIXELS, read_rgb
from .files import open_image, open_regular

ROLES = ("depth", "normal", "beauty")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
PICTURE_FORMATS = ("PNG", "JPEG", "WEBP")


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
    if suffix in PICTURE_SUFFIXES and not re.search(r"-canvas\d+", stem):
        return "beauty"  # the render beside the _canvases folder
    return None


def recognise(paths: list[Path]) -> CanvasSet:
    """Assign roles by name; a lone unnamed EXR is taken as the depth."""
    found: dict[str, Path] = {}
    for path in sorted(paths, key=lambda p: p.name):
        role = role_of(path)
        if role and role not in found:
            found[role] = path
    if "depth" not in found:
        exrs = [p for p in paths if p.suffix.lower() == ".exr" and role_of(p) is None]
        if len(exrs) == 1:
            found["depth"] = exrs[0]
    return CanvasSet(**found)


def read_normals(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Camera-space normals (H, W, 3) float32 from a Normal canvas EXR."""
    if path.suffix.lower() != ".exr":
        raise InputError(path, "a Normal canvas must be an EXR file (float normals)")
    return read_rgb(path, max_pixels=max_pixels).values


def read_beauty(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """The beauty render as (H, W, 3) uint8 sRGB, from a PNG/JPG or a Beauty canvas EXR."""
    if path.suffix.lower() == ".exr":
        linear = np.clip(read_rgb(path, max_pixels=max_pixels).values, 0.0, 1.0)
        srgb = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
        return np.rint(srgb * 255).astype(np.uint8)
    return decode_picture(open_regular(path, "image"), path, max_pixels)


def decode_picture(source: int | BinaryIO, name: str | Path, max_pixels: int) -> np.ndarray:
    """A PNG/JPG/WebP from an open descriptor or a stream as (H, W, 3) uint8; the header's
    size is checked against ``max_pixels`` before any pixel is decoded."""
    try:
        handle = open(source, "rb") if isinstance(source, int) else source  # noqa: SIM115
        with handle, open_image(handle, PICTURE_FORMATS) as image:
            if image.width * image.height > max_pixels:
                raise InputError(name, f"{image.width}x{image.height} is over the size limit")
            return np.asarray(image.convert("RGB"))
    except Image.DecompressionBombError:
        raise InputError(name, "the image header claims a size over the limit") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise InputError(name, f"not a readable image ({str(error)[:120]})") from None
