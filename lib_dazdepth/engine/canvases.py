"""A canvas set: which file is the Depth, Normal, Beauty and ID canvas; reading two of them.

Daz Studio writes ``<base>_canvases/<base>-Canvas<N>-<Type>.exr`` and the render itself
(PNG or JPG) beside the folder. Roles are recognised by name; the user may override them.
An ID canvas (Object Id, Material Id, Alpha, ...: ids.py) gives regions per object;
several Alpha canvases together give one object each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from .errors import InputError
from .exr import DEFAULT_MAX_PIXELS, read_rgb
from .ids import is_alpha_canvas, is_id_canvas

ROLES = ("depth", "normal", "beauty", "ids")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


@dataclass(frozen=True)
class CanvasSet:
    depth: Path | None = None
    normal: Path | None = None
    beauty: Path | None = None
    ids: Path | None = None
    alphas: tuple[Path, ...] = ()  # every Alpha canvas among the files

    def get(self, role: str) -> Path | None:
        return getattr(self, role)

    def id_paths(self) -> list[Path]:
        """The ID canvas, or all the Alpha canvases when it is one of them."""
        if self.ids is None:
            return []
        if is_alpha_canvas(self.ids) and self.ids in self.alphas:
            return list(self.alphas)
        return [self.ids]


def role_of(path: Path) -> str | None:
    """The role a file's name announces, if any."""
    stem, suffix = path.stem.lower(), path.suffix.lower()
    if is_id_canvas(path) and (suffix == ".exr" or suffix in PICTURE_SUFFIXES):
        return "ids"
    for role in ROLES[:3]:
        if re.search(rf"(^|[-_ ]){role}$", stem) and (suffix == ".exr" or role == "beauty"):
            return role
    if suffix in PICTURE_SUFFIXES and not re.search(r"-canvas\d+", stem):
        return "beauty"  # the render beside the _canvases folder
    return None


def recognise(paths: list[Path]) -> CanvasSet:
    """Assign roles by name; a lone unnamed EXR is taken as the depth. The ID canvas is the
    first named one that is not an Alpha canvas, else the Alpha canvases together."""
    found: dict[str, Path] = {}
    ordered = sorted(paths, key=lambda p: (is_alpha_canvas(p), p.name))
    for path in ordered:
        role = role_of(path)
        if role and role not in found:
            found[role] = path
    if "depth" not in found:
        exrs = [p for p in paths if p.suffix.lower() == ".exr" and role_of(p) is None]
        if len(exrs) == 1:
            found["depth"] = exrs[0]
    alphas = tuple(p for p in ordered if role_of(p) == "ids" and is_alpha_canvas(p))
    return CanvasSet(**found, alphas=alphas)


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
    try:
        with Image.open(path) as image:
            if image.width * image.height > max_pixels:
                raise InputError(path, f"{image.width}x{image.height} is over the size limit")
            return np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise InputError(path, f"not a readable image ({error})") from None
