"""Decode the chosen channels of one EXR part into an array the size of the display window.

The image is the display window (facts.md section 2): data at its offset in it, pixels the
data window does not cover get ``fill``, data outside it is dropped. Only the chosen
channels are decoded, strip by strip straight into the result (one interleaved (H, W, 3)
array for a triple): the ``OpenEXR`` package's ``InputFile`` reads the first part's named
channels and scanlines, and another part's once it is copied, undecoded, to a one-part
file of its own (``exr_part``). A package without ``InputFile`` (deprecated there) goes
through ``OpenEXR.File``, which decodes every channel of every part.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import OpenEXR

from .errors import InputError
from .exr_part import part_as_file

STRIP_ROWS = 256  # a multiple of every scanline compression's chunk (1, 16, 32, 256 lines)
# The InputFile header's pixel type numbers (Imath.PixelType): UINT, HALF, FLOAT.
STORED = {0: np.dtype(np.uint32), 1: np.dtype(np.float16), 2: np.dtype(np.float32)}
KIND = {np.dtype(np.uint32): "uint", np.dtype(np.float16): "half", np.dtype(np.float32): "float"}
CORRUPT = "truncated or corrupt EXR (pixel data cannot be decoded)"
_POOL = threading.Lock()


@dataclass(frozen=True)
class Window:
    """An EXR box: pixel coordinates of its first and last column and row (inclusive)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0 + 1

    @property
    def height(self) -> int:
        return self.y1 - self.y0 + 1

    @property
    def shape(self) -> tuple[int, int]:
        return self.height, self.width

    @property
    def origin(self) -> tuple[int, int]:
        return self.x0, self.y0

    def __str__(self) -> str:
        return f"({self.x0},{self.y0})-({self.x1},{self.y1})"

    def size_text(self) -> str:
        return f"{self.width}x{self.height}"

    def overlap(self, other: Window) -> Window | None:
        box = Window(
            max(self.x0, other.x0),
            max(self.y0, other.y0),
            min(self.x1, other.x1),
            min(self.y1, other.y1),
        )
        return box if box.x0 <= box.x1 and box.y0 <= box.y1 else None


@dataclass(frozen=True)
class Request:
    """What to decode: channels of one part, whose data window sits in a display window."""

    path: str
    part: int
    channels: tuple[str, ...]
    data: Window
    display: Window
    tile_rows: int = 0  # tile height of a tiled part, 0 for scanlines
    whole_file: bool = False  # the channels are all there is in a one-part file

    @property
    def as_is(self) -> bool:
        """Whether OpenEXR.File's own arrays are the image: every channel of the file is
        wanted (one, or R,G,B, which the package interleaves), data window = display."""
        wanted = len(self.channels) == 1 or self.channels == ("R", "G", "B")
        return self.whole_file and wanted and self.data == self.display


def use_cores() -> None:
    """Let OpenEXR decode with a thread per core: its process-wide pool starts empty
    (single-threaded), and the package's files decode through that pool."""
    count = getattr(OpenEXR, "global_thread_count", None)
    setter = getattr(OpenEXR, "set_global_thread_count", None)
    if count is None or setter is None:
        return
    with _POOL:
        if count() == 0:
            setter(min(os.cpu_count() or 1, 8))


def strip_rows(tile_rows: int) -> int:
    """Rows per read: whole chunks or tiles, so none is decoded twice."""
    if tile_rows <= 0:
        return STRIP_ROWS
    return tile_rows * max(1, -(-STRIP_ROWS // tile_rows))


def decode(request: Request, fill: float, legacy: bool = True) -> tuple[np.ndarray, str]:
    """(values, stored pixel type): (H, W) float32 for one channel, (H, W, n) for several,
    H x W the display window's size. The pixel type is ``half``/``float``/``uint``,
    comma-joined when the channels differ. Raises InputError on damaged pixel data."""
    display, channels = request.display, request.channels
    use_cores()
    if request.as_is and (len(channels) == 1 or interleaves_mixed_types_safely()):
        found = _read_as_is(request)
        if found is not None:
            return found
    shape = display.shape if len(channels) == 1 else (*display.shape, len(channels))
    out = np.full(shape, fill, dtype=np.float32)
    if legacy and request.part == 0 and hasattr(OpenEXR, "InputFile"):
        types = _read_strips(request, out)
    elif legacy and hasattr(OpenEXR, "InputFile"):
        with part_as_file(request.path, request.part) as single:
            try:
                types = _read_strips(dataclasses.replace(request, path=single, part=0), out)
            except InputError as error:
                raise InputError(request.path, error.problem) from None
    else:
        types = _read_whole(request, out)
    kinds = [KIND[t] for t in types]
    return out, kinds[0] if len(set(kinds)) == 1 else ",".join(kinds)


def interleaves_mixed_types_safely() -> bool:
    """Whether ``OpenEXR.File`` refuses to interleave R,G,B of mixed pixel types (3.5 on).
    3.4, the floor, interleaves them unconverted: a half R comes back as garbage floats, so
    there R,G,B are read by name, strip by strip."""
    if not hasattr(OpenEXR, "InputFile"):
        return True  # nothing else to read them with; such packages are newer than 3.5
    try:
        major, minor = (int(x) for x in OpenEXR.__version__.split(".")[:2])
    except (AttributeError, ValueError):
        return False
    return (major, minor) >= (3, 5)


def _target(out: np.ndarray, k: int, rows: slice, cols: slice) -> np.ndarray:
    return out[rows, cols] if out.ndim == 2 else out[rows, cols, k]


def _read_strips(request: Request, out: np.ndarray) -> list[np.dtype]:
    data, display = request.data, request.display
    try:
        exr = OpenEXR.InputFile(request.path)
    except Exception:  # the package raises OSError, TypeError, ...
        raise InputError(request.path, CORRUPT) from None
    try:
        header = exr.header()["channels"]
        types = [STORED[header[name].type.v] for name in request.channels]
        inner = data.overlap(display)
        if inner is None:
            return types
        step = strip_rows(request.tile_rows)
        cols = slice(inner.x0 - data.x0, inner.x1 - data.x0 + 1)
        into = slice(inner.x0 - display.x0, inner.x1 - display.x0 + 1)
        first = data.y0 + (inner.y0 - data.y0) // step * step
        for start in range(first, inner.y1 + 1, step):
            top, bottom = max(start, inner.y0), min(start + step - 1, inner.y1)
            strips = exr.channels(list(request.channels), scanLine1=top, scanLine2=bottom)
            rows = slice(top - display.y0, bottom - display.y0 + 1)
            for k, (buffer, stored) in enumerate(zip(strips, types)):
                strip = np.frombuffer(buffer, dtype=stored).reshape(-1, data.width)
                np.copyto(_target(out, k, rows, into), strip[:, cols], casting="unsafe")
        return types
    except InputError:
        raise
    except Exception:
        raise InputError(request.path, CORRUPT) from None
    finally:
        exr.close()


def _read_as_is(request: Request) -> tuple[np.ndarray, str] | None:
    """The package's own array, without a copy when it is float32: a Daz canvas (``Y``
    alone, or R,G,B, decoded as one interleaved array). None when the package will not
    interleave these R,G,B (of different pixel types): then they are read strip by strip."""
    path, single = request.path, len(request.channels) == 1
    try:
        parts = OpenEXR.File(path, separate_channels=single).parts
    except Exception:
        if not single:
            return None
        raise InputError(path, CORRUPT) from None
    try:
        if not parts:  # on bad pixel data the package leaves the part out
            raise InputError(path, CORRUPT)
        array = parts[0].channels[request.channels[0] if single else "RGB"].pixels
    except InputError:
        raise
    except Exception:
        raise InputError(path, CORRUPT) from None
    shape = request.data.shape if single else (*request.data.shape, 3)
    if array is None or array.shape != shape or array.dtype not in KIND:
        raise InputError(path, "truncated or corrupt EXR (pixel data of the wrong size or type)")
    return array.astype(np.float32, copy=False), KIND[array.dtype]


def _read_whole(request: Request, out: np.ndarray) -> list[np.dtype]:
    """Through ``OpenEXR.File``: every channel of every part is decoded."""
    path, data, display = request.path, request.data, request.display
    try:
        parts = OpenEXR.File(path, separate_channels=True).parts
        # On bad pixel data the package leaves the part out instead of raising.
        if request.part >= len(parts):
            raise InputError(path, CORRUPT)
        decoded = {name: ch.pixels for name, ch in parts[request.part].channels.items()}
    except InputError:
        raise
    except Exception:
        raise InputError(path, CORRUPT) from None
    arrays = [decoded.get(name) for name in request.channels]
    types = _checked(path, request.channels, arrays, data.shape)
    inner = data.overlap(display)
    if inner is not None:
        rows = slice(inner.y0 - data.y0, inner.y1 - data.y0 + 1)
        cols = slice(inner.x0 - data.x0, inner.x1 - data.x0 + 1)
        into_rows = slice(inner.y0 - display.y0, inner.y1 - display.y0 + 1)
        into_cols = slice(inner.x0 - display.x0, inner.x1 - display.x0 + 1)
        for k, array in enumerate(arrays):
            target = _target(out, k, into_rows, into_cols)
            np.copyto(target, array[rows, cols], casting="unsafe")
    return types


def _checked(
    path: str, names: Sequence[str], arrays: Sequence[np.ndarray | None], shape: tuple[int, int]
) -> list[np.dtype]:
    types = []
    for name, array in zip(names, arrays):
        if array is None:
            raise InputError(path, f"truncated or corrupt EXR (channel {name} not decoded)")
        if array.dtype not in KIND:
            raise InputError(path, f"channel {name} has an unsupported pixel type")
        if array.shape != shape:
            raise InputError(path, f"truncated or corrupt EXR (channel {name} has wrong size)")
        types.append(array.dtype)
    return types
