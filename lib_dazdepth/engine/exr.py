"""Read depth and colour canvases from OpenEXR files (Daz Studio / Iray and others).

Every failure becomes one :class:`~lib_dazdepth.engine.errors.InputError` with a one-line
message. The header is read first (cheap) so that deep images, oversized images and
missing channels are refused before any pixel is decoded. Which channel holds what is
decided from the names (``layers``); only those channels are decoded (``exr_pixels``),
into an image the size of the display window.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import OpenEXR

from . import layers
from .conventions import camera_from_header
from .errors import InputError, listed, printable, shown
from .exr_part import check_counts
from .exr_pixels import Request, Window, decode
from .files import open_regular
from .layers import Candidate, PartChannels

DEFAULT_MAX_PIXELS = 8192 * 8192
EXR_MAGIC = b"\x76\x2f\x31\x01"
# Decoding through OpenEXR.File (without the package's InputFile, or legacy=False) decodes
# every channel of every part: cap the total.
SAMPLES_PER_PIXEL_BUDGET = 8
FLAGS = {"depth": "--channel", "normal": "--normal-channel", "beauty": "--beauty-channel"}


@dataclass(frozen=True)
class ExrImage:
    """Channels of one part of an EXR, as float32, the size of the display window."""

    path: str
    values: np.ndarray  # depth: (H, W) float32; normal/beauty: (H, W, 3) float32
    channel: str  # the channel or the triple's layer: "Y", "ViewLayer.Depth.Z", "R,G,B"
    part: int  # index of the part used
    part_name: str  # "" when the part is unnamed
    pixel_type: str  # stored type: "half" | "float" | "uint" (comma-joined if mixed)
    display: Window  # the image: values[0, 0] is its top left pixel
    data: Window  # where the file has pixels; the rest is no hit (depth) or 0
    label: str = ""  # the channel as messages name it (with its part in a multipart file)
    also: tuple[str, ...] = ()  # other channels the names allow as surely: a guess was made
    others: tuple[str, ...] = ()  # every other channel the names allow, best first
    to_ndc: np.ndarray | None = None  # the header's camera (conventions.camera_from_header)
    pixel_aspect: float = 1.0
    role: str = "depth"  # what it was read as: depth, normal, beauty

    @property
    def origin(self) -> tuple[int, int]:
        """The data window's top left corner, in the file's pixel coordinates."""
        return self.data.origin

    def uncovered(self) -> int:
        """Pixels of the display window outside the data window."""
        inner = self.data.overlap(self.display)
        return self.display.width * self.display.height - (
            inner.width * inner.height if inner else 0
        )

    def notes(self, hint: str | None = None) -> list[str]:
        """What the user should know, one line each without the file's name: a guessed
        channel (``hint`` says how to choose another; by default the command line's flag),
        a data window that is not the display window."""
        found = []
        if self.also:
            found.append(guess_note(self.label, self.also, hint or f"with {FLAGS[self.role]}"))
        if self.data != self.display:
            found.append(window_note(self.data, self.display, self.uncovered()))
        return found


def guess_note(label: str, also: Sequence[str], hint: str) -> str:
    used, others = printable(label), printable(", ".join(also))
    return f"used {used}, but {others} could be meant too (choose {hint})"


def window_note(data: Window, display: Window, uncovered: int) -> str:
    return (
        f"data window {data} differs from the display window {display}:"
        f" the image is {display.size_text()}, {uncovered} pixels without data"
    )


@dataclass(frozen=True)
class _PartInfo:
    index: int
    name: str
    channels: list[str]
    sampling: dict[str, tuple[int, int]]
    data: Window
    display: Window
    deep: bool
    tile_rows: int
    header: dict


def quietly(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a reader with the native library's chatter muted (see below)."""
    with native_output_silenced():
        try:
            return function(*args, **kwargs)
        except InputError as error:
            # The traceback holds the half-read file, whose destructor prints too: free it
            # while the output is still muted.
            error.__traceback__ = None
            raise error from None


@contextlib.contextmanager
def native_output_silenced() -> Iterator[None]:
    """Mute what the OpenEXR C++ library prints on damaged files (it writes to the process's
    stdout and stderr, then we raise one clear InputError anyway). Process-wide, so only for
    the command line, where nothing else is writing meanwhile."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


# ----------------------------------------------------------------------------- headers


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _check_file(path: str) -> None:
    if not os.path.exists(path):
        raise InputError(path, "file not found")
    if os.path.isdir(path):
        raise InputError(path, "is a directory, not an EXR file")
    fd = open_regular(path, "EXR file")  # a FIFO would hang, a device never end
    try:
        with os.fdopen(fd, "rb") as handle:
            magic = handle.read(len(EXR_MAGIC))
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or _short(exc)})") from None
    if not magic:
        raise InputError(path, "empty file")
    if magic != EXR_MAGIC:
        raise InputError(path, "not an OpenEXR file")


def _window(path: str, header: dict, key: str) -> Window:
    lo, hi = header[key]
    box = Window(int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1]))
    if box.x1 < box.x0 or box.y1 < box.y0:
        what = "data" if key == "dataWindow" else "display"
        raise InputError(path, f"empty or invalid {what} window {box}")
    return box


def _part_info(path: str, index: int, header: dict) -> _PartInfo:
    try:
        data = _window(path, header, "dataWindow")
        display = _window(path, header, "displayWindow") if "displayWindow" in header else data
        chans = list(header["channels"])
        storage = header.get("type")
        tiles = header.get("tiles")
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InputError(path, f"truncated or corrupt EXR (bad header: {_short(exc)})") from None
    return _PartInfo(
        index=index,
        name=str(header.get("name", "") or ""),
        channels=[c.name for c in chans],
        sampling={c.name: (int(c.xSampling), int(c.ySampling)) for c in chans},
        data=data,
        display=display,
        deep=storage in (OpenEXR.deepscanline, OpenEXR.deeptile),
        tile_rows=int(tiles.ySize) if tiles is not None else 0,
        header=header,
    )


def _read_parts(path: str) -> list[_PartInfo]:
    check_counts(path)
    try:
        exr = OpenEXR.File(path, separate_channels=True, header_only=True)
        headers = [part.header for part in exr.parts]
    except Exception as exc:  # the package raises RuntimeError, IndexError, ...
        what = f"cannot read header: {_short(exc)}"
        raise InputError(path, f"truncated or corrupt EXR ({what})") from None
    if not headers:
        raise InputError(path, "truncated or corrupt EXR (no image parts)")
    return [_part_info(path, i, h) for i, h in enumerate(headers)]


def _check_limits(path: str, parts: list[_PartInfo], max_pixels: int) -> None:
    if any(p.deep for p in parts):
        raise InputError(path, "deep EXR images are not supported")
    for p in parts:
        for box in (p.data, p.display):
            if box.width * box.height > max_pixels:
                raise InputError(
                    path, f"image too large: {box.size_text()} pixels (limit {max_pixels} pixels)"
                )


def _check_budget(path: str, parts: list[_PartInfo], max_pixels: int) -> None:
    """For a read that decodes every channel of every part."""
    samples = sum(p.data.width * p.data.height * len(p.channels) for p in parts)
    if samples > max_pixels * SAMPLES_PER_PIXEL_BUDGET:
        raise InputError(path, f"image too large: {samples} samples in all channels and parts")


def _select_parts(path: str, parts: list[_PartInfo], part: int | str | None) -> list[_PartInfo]:
    if part is None:
        return parts
    if isinstance(part, (int, np.integer)) and not isinstance(part, bool):
        if 0 <= part < len(parts):
            return [parts[int(part)]]
        raise InputError(path, f"no part {part}; the file has {len(parts)} part(s)")
    found = [p for p in parts if p.name == part]
    if found:
        return found[:1]
    names = listed([repr(p.name) for p in parts if p.name]) or "none"
    raise InputError(path, f"no part named {shown(repr(part))}; part names: {names}")


def _describe(parts: Sequence[_PartInfo]) -> str:
    """The channels, by part; at most 12 in all (a render of 300 passes made a line of
    28 KB)."""
    named = [(p, c) for p in parts for c in p.channels] or [(p, "(none)") for p in parts]
    cut = {id(p): [c for q, c in named[:12] if q is p] for p in parts}

    def one(p: _PartInfo) -> str:
        label = f"part {p.index}" + (f" ({shown(p.name)})" if p.name else "")
        return f"{label}: {listed(cut[id(p)])}"

    more = f"; … ({len(named) - 12} more)" if len(named) > 12 else ""
    return "channels: " + "; ".join(one(p) for p in parts if cut[id(p)]) + more


def _named(parts: Sequence[_PartInfo]) -> list[PartChannels]:
    return [PartChannels(p.index, p.name, tuple(p.channels)) for p in parts]


def _headers(path: str | os.PathLike, max_pixels: int | None = None) -> tuple[str, list[_PartInfo]]:
    spath = os.fspath(path)
    _check_file(spath)
    parts = _read_parts(spath)
    if max_pixels is not None:
        _check_limits(spath, parts, max_pixels)
    return spath, parts


def list_channels(path: str | os.PathLike) -> list[tuple[int, str, list[str]]]:
    """(part index, part name, channel names) for each part, from the header only."""
    _, parts = _headers(path)
    return [(p.index, p.name, list(p.channels)) for p in parts]


def channel_choices(path: str | os.PathLike, role: str) -> list[Candidate]:
    """What the user may pick for a role in this file, best first (``layers.choices``);
    from the header only."""
    _, parts = _headers(path)
    return layers.choices(role, _named(parts))


# ----------------------------------------------------------------------------- reading


def _choose(
    path: str, role: str, searched: list[_PartInfo], wanted: str | None
) -> tuple[Candidate, list[Candidate]]:
    named = _named(searched)
    if wanted is not None:
        found = layers.chosen(role, named, wanted)
        if found is None:
            what = "channel" if role == "depth" else "layer or channels"
            raise InputError(path, f"no {what} {shown(repr(wanted))}; {_describe(searched)}")
        return found, []
    found_all = layers.candidates(role, named)
    if not found_all:
        what = {"depth": "depth channel", "normal": "normal layer", "beauty": "RGB layer"}[role]
        hint = ""
        if role == "depth" and any({"R", "G", "B"} <= set(p.channels) for p in searched):
            hint = " (a grey depth stored as RGB: --channel R)"
        raise InputError(
            path,
            f"no {what} found; {_describe(searched)} — choose one with {FLAGS[role]}{hint}",
        )
    return found_all[0], found_all[1:]


def _read(
    path: str | os.PathLike,
    role: str,
    wanted: str | None,
    part: int | str | None,
    max_pixels: int,
    legacy: bool = True,
) -> ExrImage:
    spath, parts = _headers(path, max_pixels)
    searched = _select_parts(spath, parts, part)
    found, rest = _choose(spath, role, searched, wanted)
    info = parts[found.part]
    for name in found.channels:
        xs, ys = info.sampling.get(name, (1, 1))
        if (xs, ys) != (1, 1):
            raise InputError(
                spath, f"channel {name} is subsampled ({xs}x{ys}); subsampled channels unsupported"
            )
    if not legacy or not hasattr(OpenEXR, "InputFile"):
        _check_budget(spath, parts, max_pixels)
    whole = len(parts) == 1 and set(found.channels) == set(info.channels) and legacy
    request = Request(
        spath, info.index, found.channels, info.data, info.display, info.tile_rows, whole
    )
    values, kind = decode(request, np.nan if role == "depth" else 0.0, legacy)
    also = layers.ambiguous([found, *rest])
    return ExrImage(
        path=spath,
        values=values,
        channel=found.name,
        part=info.index,
        part_name=info.name,
        pixel_type=kind,
        display=info.display,
        data=info.data,
        label=found.label,
        also=tuple(c.label for c in also),
        others=tuple(c.label for c in rest),
        to_ndc=camera_from_header(info.header),
        pixel_aspect=float(info.header.get("pixelAspectRatio", 1.0) or 1.0),
        role=role,
    )


def read_depth(
    path: str | os.PathLike,
    channel: str | None = None,
    part: int | str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    legacy: bool = True,
) -> ExrImage:
    """Read one depth channel as an (H, W) float32 array the size of the display window;
    NaN (no hit) where the data window does not reach; NaN and inf kept as stored.

    Without ``channel``, the channel whose name says depth most surely (``layers.depth_rank``:
    Daz's ``Y``, ``Z``, ``depth``, ``*.Depth.Z``, ...), over every searched part (all, or only
    ``part``); never a component of a vector layer. ``channel`` names any channel (``R`` of
    a grey RGB depth) or a layer of one channel. ``legacy=False`` decodes through
    ``OpenEXR.File`` only (as without the package's ``InputFile``).
    """
    return _read(path, "depth", channel, part, max_pixels, legacy)


def read_rgb(
    path: str | os.PathLike,
    part: int | str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    role: str = "normal",
    layer: str | None = None,
    legacy: bool = True,
) -> ExrImage:
    """Read a triple (normal or beauty canvas) as one (H, W, 3) float32 array the size of the
    display window; 0 where the data window does not reach.

    ``role="normal"``: a layer named for normals (``N``, ``Normal``, ``ViewLayer.Normal``),
    else one whose name holds the word (``Denoising Normal``), else the root R,G,B or X,Y,Z
    (a Daz Normal canvas). ``role="beauty"``: the root R,G,B, else a layer named for it
    (``Combined``), else any R,G,B layer. ``layer`` names the layer (``""`` or ``RGB`` for
    the root) or three channels joined by commas.
    """
    if role not in ("normal", "beauty"):
        raise ValueError(f"role: normal or beauty, got {role!r}")
    return _read(path, role, layer, part, max_pixels, legacy)


__all__ = [
    "DEFAULT_MAX_PIXELS",
    "ExrImage",
    "Window",
    "channel_choices",
    "list_channels",
    "read_depth",
    "read_rgb",
]
