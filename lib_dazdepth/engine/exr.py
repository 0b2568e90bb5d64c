"""Read depth and colour canvases from OpenEXR files (Daz Studio / Iray and others).

Every failure becomes one :class:`~lib_dazdepth.engine.errors.InputError` with a one-line
message. The header is read first (cheap) so that deep images, oversized images and
missing channels are refused before any pixel is decoded; the pixels are then decoded
once. The ``OpenEXR`` package decodes every channel of every part in that one pass.
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

from .errors import InputError
from .files import open_regular

DEFAULT_MAX_PIXELS = 8192 * 8192
EXR_MAGIC = b"\x76\x2f\x31\x01"
# A file may hold many channels and parts: all are decoded, so cap the total too.
SAMPLES_PER_PIXEL_BUDGET = 8
PIXEL_TYPES = {
    np.dtype(np.float16): "half",
    np.dtype(np.float32): "float",
    np.dtype(np.uint32): "uint",
}
RGB_TRIPLES = (("R", "G", "B"), ("X", "Y", "Z"), ("x", "y", "z"))


@dataclass(frozen=True)
class ExrImage:
    """One channel (depth) or three channels (rgb) of an EXR, as float32."""

    path: str
    values: np.ndarray  # depth: (H, W) float32; rgb: (H, W, 3) float32
    channel: str  # e.g. "Y", "depth.Z", "R,G,B"
    part: int  # index of the part used
    part_name: str  # "" when the part is unnamed
    pixel_type: str  # stored type: "half" | "float" | "uint" (comma-joined if mixed)
    origin: tuple[int, int]  # data window min (x, y)


@dataclass(frozen=True)
class _PartInfo:
    index: int
    name: str
    channels: list[str]
    sampling: dict[str, tuple[int, int]]
    origin: tuple[int, int]
    size: tuple[int, int]  # (width, height)
    deep: bool


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


def _open(path: str, header_only: bool) -> Any:
    try:
        return OpenEXR.File(path, separate_channels=True, header_only=header_only)
    except Exception as exc:  # the package raises RuntimeError, IndexError, ...
        what = "cannot read header" if header_only else "cannot decode pixels"
        raise InputError(path, f"truncated or corrupt EXR ({what}: {_short(exc)})") from None


def _part_info(path: str, index: int, header: dict) -> _PartInfo:
    try:
        lo, hi = header["dataWindow"]
        x0, y0, x1, y1 = int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1])
        chans = list(header["channels"])
        storage = header.get("type")
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise InputError(path, f"truncated or corrupt EXR (bad header: {_short(exc)})") from None
    if x1 < x0 or y1 < y0:
        raise InputError(path, f"empty or invalid data window ({x0},{y0})-({x1},{y1})")
    return _PartInfo(
        index=index,
        name=str(header.get("name", "") or ""),
        channels=[c.name for c in chans],
        sampling={c.name: (int(c.xSampling), int(c.ySampling)) for c in chans},
        origin=(x0, y0),
        size=(x1 - x0 + 1, y1 - y0 + 1),
        deep=storage in (OpenEXR.deepscanline, OpenEXR.deeptile),
    )


def _read_parts(path: str) -> list[_PartInfo]:
    exr = _open(path, header_only=True)
    try:
        headers = [part.header for part in exr.parts]
    except Exception as exc:
        raise InputError(path, f"truncated or corrupt EXR ({_short(exc)})") from None
    if not headers:
        raise InputError(path, "truncated or corrupt EXR (no image parts)")
    return [_part_info(path, i, h) for i, h in enumerate(headers)]


def _check_limits(path: str, parts: list[_PartInfo], max_pixels: int) -> None:
    if any(p.deep for p in parts):
        raise InputError(path, "deep EXR images are not supported")
    for p in parts:
        width, height = p.size
        if width * height > max_pixels:
            raise InputError(
                path, f"image too large: {width}x{height} pixels (limit {max_pixels} pixels)"
            )
    samples = sum(p.size[0] * p.size[1] * len(p.channels) for p in parts)
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
    names = ", ".join(repr(p.name) for p in parts if p.name) or "none"
    raise InputError(path, f"no part named {part!r}; part names: {names}")


def _describe(parts: Sequence[_PartInfo]) -> str:
    def one(p: _PartInfo) -> str:
        label = f"part {p.index}" + (f" ({p.name})" if p.name else "")
        return f"{label}: {', '.join(p.channels) or '(none)'}"

    return "channels: " + "; ".join(one(p) for p in parts)


def list_channels(path: str | os.PathLike) -> list[tuple[int, str, list[str]]]:
    """(part index, part name, channel names) for each part, from the header only."""
    spath = os.fspath(path)
    _check_file(spath)
    return [(p.index, p.name, list(p.channels)) for p in _read_parts(spath)]


# ----------------------------------------------------------------------------- choices

Rule = Callable[[str], bool]


def _depth_rules() -> list[Rule]:
    return [
        lambda n: n == "Y",
        lambda n: n == "Z",
        lambda n: n.endswith(".Z"),
        lambda n: n.lower() == "depth" or n.lower().endswith(".depth"),
    ]


def _find_named(parts: Sequence[_PartInfo], rules: list[Rule]) -> tuple[_PartInfo, str] | None:
    """The first rule wins over all parts; within a rule, parts and channels in order."""
    for rule in rules:
        for p in parts:
            for name in p.channels:
                if rule(name):
                    return p, name
    return None


def _find_triple(channels: list[str], suffixes: tuple[str, str, str]) -> list[str] | None:
    if all(s in channels for s in suffixes):
        return list(suffixes)
    for name in channels:
        if name.endswith("." + suffixes[0]):
            layer = name[: -len(suffixes[0])]
            names = [layer + s for s in suffixes]
            if all(n in channels for n in names):
                return names
    return None


def _find_rgb(parts: Sequence[_PartInfo]) -> tuple[_PartInfo, list[str]] | None:
    for suffixes in RGB_TRIPLES:
        for p in parts:
            names = _find_triple(p.channels, suffixes)
            if names:
                return p, names
    return None


def _check_sampling(path: str, info: _PartInfo, names: list[str]) -> None:
    for name in names:
        xs, ys = info.sampling.get(name, (1, 1))
        if (xs, ys) != (1, 1):
            raise InputError(
                path, f"channel {name} is subsampled ({xs}x{ys}); subsampled channels unsupported"
            )


# ----------------------------------------------------------------------------- pixels


def _part_pixels(path: str, exr: Any, index: int) -> dict[str, np.ndarray]:
    """The decoded arrays of one part of an already decoded file.

    On bad pixel data the package prints a warning and leaves the part out of
    ``parts`` instead of raising, so a missing part means a damaged file.
    """
    try:
        parts = exr.parts
        if index >= len(parts):
            raise InputError(path, "truncated or corrupt EXR (pixel data cannot be decoded)")
        return {name: channel.pixels for name, channel in parts[index].channels.items()}
    except InputError:
        raise
    except Exception as exc:
        raise InputError(path, f"truncated or corrupt EXR ({_short(exc)})") from None


def _to_float(path: str, info: _PartInfo, name: str, pixels: Any) -> tuple[np.ndarray, str]:
    width, height = info.size
    kind = PIXEL_TYPES.get(getattr(pixels, "dtype", None))
    if kind is None:
        raise InputError(path, f"channel {name} has an unsupported pixel type")
    if pixels.shape != (height, width):
        raise InputError(path, f"truncated or corrupt EXR (channel {name} has wrong size)")
    return pixels.astype(np.float32, copy=False), kind


def _channel_arrays(
    path: str, info: _PartInfo, names: list[str], decoded: dict[str, np.ndarray]
) -> tuple[list[np.ndarray], str]:
    arrays, kinds = [], []
    for name in names:
        if name not in decoded:
            raise InputError(path, f"truncated or corrupt EXR (channel {name} not decoded)")
        array, kind = _to_float(path, info, name, decoded[name])
        arrays.append(array)
        kinds.append(kind)
    kind = kinds[0] if len(set(kinds)) == 1 else ",".join(kinds)
    return arrays, kind


def _image(path: str, info: _PartInfo, values: np.ndarray, channel: str, kind: str) -> ExrImage:
    return ExrImage(path, values, channel, info.index, info.name, kind, info.origin)


# ----------------------------------------------------------------------------- public


def _grey_candidates(parts: Sequence[_PartInfo]) -> list[_PartInfo]:
    return [p for p in parts if all(c in p.channels for c in "RGB")]


def _read_grey(path: str, candidates: list[_PartInfo], searched: list[_PartInfo]) -> ExrImage:
    """The R channel of the first part whose R, G and B are exactly equal."""
    for info in candidates:
        _check_sampling(path, info, ["R", "G", "B"])
    exr = _open(path, header_only=False)
    for info in candidates:
        decoded = _part_pixels(path, exr, info.index)
        (red, green, blue), kind = _channel_arrays(path, info, ["R", "G", "B"], decoded)
        if np.array_equal(red, green, equal_nan=True) and np.array_equal(red, blue, equal_nan=True):
            return _image(path, info, red, "R", kind)
    raise InputError(
        path,
        f"no depth channel found (R, G, B differ, so not a grey depth); {_describe(searched)}"
        " — choose one with --channel",
    )


def read_depth(
    path: str | os.PathLike,
    channel: str | None = None,
    part: int | str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> ExrImage:
    """Read one depth channel as a 2-D float32 array; NaN and inf are kept as stored.

    Without ``channel``: ``Y`` (Daz), else ``Z``, else ``*.Z``, else ``depth``/``*.depth``,
    else ``R`` of a part whose R, G and B are equal. Each rule is tried on every searched
    part (all parts in order, or only ``part``) before the next rule.
    """
    spath = os.fspath(path)
    _check_file(spath)
    parts = _read_parts(spath)
    _check_limits(spath, parts, max_pixels)
    searched = _select_parts(spath, parts, part)
    if channel is not None:
        found = _find_named(searched, [lambda n: n == channel])
        if found is None:
            raise InputError(spath, f"no channel {channel!r}; {_describe(searched)}")
    else:
        found = _find_named(searched, _depth_rules())
    if found is None:
        grey = _grey_candidates(searched)
        if grey:
            return _read_grey(spath, grey, searched)
        raise InputError(
            spath, f"no depth channel found; {_describe(searched)} — choose one with --channel"
        )
    info, name = found
    _check_sampling(spath, info, [name])
    decoded = _part_pixels(spath, _open(spath, header_only=False), info.index)
    (values,), kind = _channel_arrays(spath, info, [name], decoded)
    return _image(spath, info, values, name, kind)


def read_rgb(
    path: str | os.PathLike,
    part: int | str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> ExrImage:
    """Read three channels (normal or beauty canvases) as an (H, W, 3) float32 array.

    Tried in order: ``R,G,B``, then ``X,Y,Z``, then ``x,y,z``; each first as plain names,
    then with one layer prefix (``layer.R`` ...), on every searched part.
    """
    spath = os.fspath(path)
    _check_file(spath)
    parts = _read_parts(spath)
    _check_limits(spath, parts, max_pixels)
    searched = _select_parts(spath, parts, part)
    found = _find_rgb(searched)
    if found is None:
        raise InputError(spath, f"no R, G, B (or X, Y, Z) channels found; {_describe(searched)}")
    info, names = found
    _check_sampling(spath, info, names)
    decoded = _part_pixels(spath, _open(spath, header_only=False), info.index)
    arrays, kind = _channel_arrays(spath, info, names, decoded)
    return _image(spath, info, np.stack(arrays, axis=-1), ",".join(names), kind)


__all__ = ["DEFAULT_MAX_PIXELS", "ExrImage", "list_channels", "read_depth", "read_rgb"]
