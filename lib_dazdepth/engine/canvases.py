"""A canvas set: which file is the Depth, Normal, Beauty and ID canvas; reading two of them.

Daz Studio writes ``<base>_canvases/<base>-Canvas<N>-<Type>.exr`` and the render itself
(PNG or JPG) beside the folder. Roles are recognised by name; the user may override them.
A Distance canvas (radial distance) serves as the depth when there is no Depth canvas.
The canvases of one set must line up pixel for pixel: the same display window.
An ID canvas (Object Id, Material Id, Alpha, ...: ids.py) gives regions per object;
several Alpha canvases together give one object each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, UnidentifiedImageError

from .background import BackgroundSettings
from .conventions import AUTO, CM
from .depthmap import DepthMap, load_depth_map
from .errors import DazDepthError, InputError, printable
from .exr import DEFAULT_MAX_PIXELS, ExrImage, channel_choices, read_rgb
from .files import open_image, open_regular
from .frame_names import unnumbered_stem
from .ids import is_alpha_canvas, is_id_canvas

ROLES = ("depth", "normal", "beauty", "ids")
LAYERED_ROLES = ROLES[:3]  # roles whose EXR layer the user may pick (an ID canvas: by name)
BY_NAME = "(by name)"  # the layer choice that leaves it to the names (layers.py)
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
PICTURE_FORMATS = ("PNG", "JPEG", "WEBP")


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
    stem, suffix = unnumbered_stem(path).lower(), path.suffix.lower()
    if is_id_canvas(path) and (suffix == ".exr" or suffix in PICTURE_SUFFIXES):
        return "ids"
    for role in LAYERED_ROLES:
        if re.search(rf"(^|[-_ ]){role}$", stem) and (suffix == ".exr" or role == "beauty"):
            return role
    if re.search(r"(^|[-_ ])distance$", stem) and suffix == ".exr":
        return "depth"
    if suffix in PICTURE_SUFFIXES and not re.search(r"-canvas\d+", stem):
        return "beauty"  # the render beside the _canvases folder
    return None


def is_distance(path: Path) -> bool:
    """Whether the name announces a Distance canvas (``-Distance``, numbered or not)."""
    return unnumbered_stem(path).lower().endswith("distance")


def recognise(paths: list[Path]) -> CanvasSet:
    """Assign roles by name; a lone unnamed EXR is taken as the depth. The ID canvas is the
    first named one that is not an Alpha canvas, else the Alpha canvases together."""
    found: dict[str, Path] = {}
    # A Depth canvas before a Distance canvas, Alpha canvases last, then by name.
    ordered = sorted(paths, key=lambda p: (is_alpha_canvas(p), is_distance(p), p.name))
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
    part: int | None = None,
) -> Extra:
    """Read the Normal or Beauty canvas of a set and check it lines up with the depth;
    ``hint`` says how to choose another layer (``ExrImage.notes``)."""
    if role == "beauty" and path.suffix.lower() != ".exr":
        picture = read_beauty(path, max_pixels)
        return Extra(picture, "", line_up(path, picture, depth))
    if role == "normal":
        image = read_normal_image(path, max_pixels, layer, part)
        values = image.values
    else:
        image = read_rgb(path, part=part, max_pixels=max_pixels, role="beauty", layer=layer)
        values = _srgb(image.values)
    notes = tuple(f"{path.name}: {note}" for note in image.notes(hint))
    what = "normals" if role == "normal" else "beauty"
    label = f"{what} from {printable(image.label)}"
    return Extra(values, label, line_up(path, image, depth) + notes)


@dataclass(frozen=True)
class Reading:
    """How to read a canvas set: a layer per role (a label of ``layer_labels``, or BY_NAME),
    what the depth canvas holds (``conventions``), a horizontal field of view (degrees),
    the depth canvas's unit (``conventions.UNITS``)."""

    layers: Mapping[str, str] = field(default_factory=dict)
    convention: str = AUTO
    fov: float | None = None
    unit: str = CM


@dataclass(frozen=True)
class LoadedSet:
    depth: DepthMap
    extras: dict[str, np.ndarray]  # "normal", "beauty" when they could be used
    read: list[str]  # what was read: "depth from Y (float), planar depth", "normals from ..."
    notes: list[str]  # warnings: a guessed channel, different data windows
    problems: list[DazDepthError]  # canvases left out, and why


def layer_labels(path: Path | None, role: str) -> list[str]:
    """The layers a user may pick for a role in an EXR (best first), from its header;
    none for a picture or a file whose header cannot be read."""
    if path is None or path.suffix.lower() != ".exr":
        return []
    try:
        return [c.label for c in channel_choices(path, role)]
    except DazDepthError:
        return []


def _layer(path: Path, role: str, label: str | None) -> tuple[str | None, int | None]:
    """(channel or layer, part) for a label of ``layer_labels``; (None, None) by name."""
    if not label or label == BY_NAME:
        return None, None
    for choice in channel_choices(path, role):
        if choice.label == label:
            return ",".join(choice.channels), choice.part
    raise InputError(path, f"has no layer {label!r}")


def load_set(
    canvases: CanvasSet,
    reading: Reading = Reading(),  # frozen, so a shared default is safe
    settings: BackgroundSettings | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    hint: str = "in the layer list",
) -> LoadedSet:
    """Read a set: the depth canvas (errors raise), then the Normal and Beauty canvases,
    each left out with a problem when it cannot be read or does not line up."""
    if canvases.depth is None:
        raise DazDepthError("no Depth canvas")
    channel, part = _layer(canvases.depth, "depth", reading.layers.get("depth"))
    depth = load_depth_map(
        canvases.depth,
        channel=channel,
        part=part,
        settings=settings,
        max_pixels=max_pixels,
        convention=reading.convention,
        fov=reading.fov,
        unit=reading.unit,
    )
    source = depth.source
    read = [source.describe()] if source else []
    notes = [f"{canvases.depth.name}: {n}" for n in source.notes(hint)] if source else []
    extras: dict[str, np.ndarray] = {}
    problems: list[DazDepthError] = []
    for role in ("normal", "beauty"):
        path = canvases.get(role)
        if path is None:
            continue
        try:
            layer, part = _layer(path, role, reading.layers.get(role))
            extra = read_extra(role, path, depth, max_pixels, layer, hint, part)
        except DazDepthError as error:
            problems.append(error)
            continue
        extras[role] = extra.values
        read += [extra.label] if extra.label else []
        notes += extra.notes
    return LoadedSet(depth, extras, read, notes, problems)
