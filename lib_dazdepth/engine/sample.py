"""The sample canvas set on disk, Daz-style, written as it is rendered.

``write_sample`` renders the scene of ``scene.py`` a block of rows at a time and streams
each block into the three canvases (EXR, scanline ZIP, written with the ``OpenEXR``
package's ``OutputFile``, a block of scanlines at a time) and the beauty PNG (``png.py``),
so memory stays that of a block whatever the size. A package without ``OutputFile``
(deprecated there) gets the whole image rendered first and written through
``OpenEXR.File``.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import OpenEXR

from .errors import OutputError
from .outputs import SOFTWARE, is_ours, temp_beside
from .png import PngWriter
from .scene import NO_HIT, OBJECT_NAMES, SceneBuffers, render_rows, render_scene

SAMPLE_MARK = f"{SOFTWARE} sample scene"
BLOCK_PIXELS = 1 << 18  # pixels rendered and written at a time
# channel name, stored pixel type, and which buffer of a block holds it
CANVASES = {
    "beauty_exr": (("R", "G", "B"), np.float16, "beauty"),
    "depth_exr": (("Y",), np.float32, "depth"),
    "normal_exr": (("R", "G", "B"), np.float32, "normal"),
}

__all__ = [
    "NO_HIT",
    "OBJECT_NAMES",
    "SAMPLE_MARK",
    "SamplePaths",
    "SceneBuffers",
    "render_rows",
    "render_scene",
    "write_sample",
]


@dataclass(frozen=True)
class SamplePaths:
    beauty_exr: Path
    depth_exr: Path
    normal_exr: Path
    beauty_png: Path


def tone_map(beauty: np.ndarray) -> np.ndarray:
    """Linear RGB to 8-bit sRGB, clipping highlights."""
    x = np.clip(beauty, 0.0, 1.0)
    srgb = np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(x, 1 / 2.4) - 0.055)
    return np.rint(srgb * 255.0).astype(np.uint8)


def _is_sample(path: Path) -> bool:
    """A file an earlier ``write_sample`` made (so it may be replaced)."""
    if path.suffix.lower() == ".png":
        return is_ours(path)
    try:
        header = OpenEXR.File(str(path), header_only=True).header()
    except Exception:  # not an EXR at all: not ours
        return False
    return header.get("comments") == SAMPLE_MARK


def _planes(scene: SceneBuffers, channels: tuple[str, ...], dtype: type, buffer: str) -> dict:
    values = getattr(scene, buffer)
    if len(channels) == 1:
        return {channels[0]: np.ascontiguousarray(values, dtype=dtype)}
    return {c: np.ascontiguousarray(values[..., k], dtype=dtype) for k, c in enumerate(channels)}


class _ExrStream:
    """A scanline ZIP EXR written a block of rows at a time (the package's OutputFile)."""

    def __init__(self, path: str, size: int, channels: tuple[str, ...], dtype: type) -> None:
        import Imath  # shipped with the OpenEXR package, for its OutputFile

        kind = Imath.PixelType.HALF if dtype == np.float16 else Imath.PixelType.FLOAT
        header = OpenEXR.Header(size, size)
        header["compression"] = Imath.Compression(Imath.Compression.ZIP_COMPRESSION)
        header["channels"] = {c: Imath.Channel(Imath.PixelType(kind)) for c in channels}
        header["comments"] = SAMPLE_MARK.encode()  # the old API writes bytes as a string
        self.file = OpenEXR.OutputFile(path, header)

    def write(self, planes: dict[str, np.ndarray], rows: int) -> None:
        self.file.writePixels({name: plane.tobytes() for name, plane in planes.items()}, rows)

    def close(self) -> None:
        self.file.close()


def _stream(temps: dict[str, str], png: BinaryIO, size: int, no_hit: float) -> None:
    streams = {key: _ExrStream(temps[key], size, *spec[:2]) for key, spec in CANVASES.items()}
    writer = PngWriter(png, size, size, np.uint8, 3, {"Software": SAMPLE_MARK})
    rows = max(1, BLOCK_PIXELS // size)
    try:
        for top in range(0, size, rows):
            block = render_rows(size, top, min(top + rows, size), no_hit)
            for key, (channels, dtype, buffer) in CANVASES.items():
                streams[key].write(_planes(block, channels, dtype, buffer), block.depth.shape[0])
            writer.rows(tone_map(block.beauty))
        writer.close()
    finally:
        for stream in streams.values():
            stream.close()


def _whole(temps: dict[str, str], png: BinaryIO, size: int, no_hit: float) -> None:
    scene = render_scene(size, no_hit)
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    header["comments"] = SAMPLE_MARK
    for key, (channels, dtype, buffer) in CANVASES.items():
        with OpenEXR.File(dict(header), _planes(scene, channels, dtype, buffer)) as exr:
            exr.write(temps[key])
    writer = PngWriter(png, size, size, np.uint8, 3, {"Software": SAMPLE_MARK})
    writer.rows(tone_map(scene.beauty))
    writer.close()


def write_sample(
    directory: str | os.PathLike,
    size: int = 1200,
    name: str = "sample_scene",
    no_hit: float = NO_HIT,
    overwrite: bool = False,
    streamed: bool = True,
) -> SamplePaths:
    """Write the sample scene Daz-style and return the paths.

    Layout, as Daz Studio writes canvases: ``DIRECTORY/NAME.png`` (the render)
    beside ``DIRECTORY/NAME_canvases/NAME-Canvas{1,2,3}-{Beauty,Depth,Normal}.exr``.
    Existing files are refused (OutputError) unless they are an earlier sample (the
    files carry a mark) or ``overwrite`` is true; the files are written to temporary
    names first and moved into place once all are complete. ``streamed=False`` renders
    the whole image first (as without the package's ``OutputFile``).
    """
    if not name or any(c in name for c in "/\\") or name in (".", ".."):
        raise ValueError(f"name: not a plain file name: {name!r}")
    if int(size) != size or size < 16:
        raise ValueError(f"size: must be an integer of at least 16, got {size!r}")
    size = int(size)
    root = Path(directory)
    canvases = root / f"{name}_canvases"
    paths = SamplePaths(
        beauty_exr=canvases / f"{name}-Canvas1-Beauty.exr",
        depth_exr=canvases / f"{name}-Canvas2-Depth.exr",
        normal_exr=canvases / f"{name}-Canvas3-Normal.exr",
        beauty_png=root / f"{name}.png",
    )
    targets = {key: getattr(paths, key) for key in (*CANVASES, "beauty_png")}
    if not overwrite:
        for target in targets.values():
            if os.path.lexists(target) and not _is_sample(target):
                raise OutputError(target, "exists and is not a Daz Depth sample; not overwriting")
    temps: dict[str, str] = {}
    try:
        canvases.mkdir(parents=True, exist_ok=True)
        for key, target in targets.items():
            fd, temps[key] = temp_beside(target)
            os.close(fd)
        stream = streamed and hasattr(OpenEXR, "OutputFile")
        with open(temps["beauty_png"], "wb") as png:
            (_stream if stream else _whole)(temps, png, size, float(no_hit))
        for key, target in targets.items():
            os.replace(temps.pop(key), target)
    except OSError as exc:
        raise OutputError(root, f"cannot write the sample ({exc.strerror or exc})") from exc
    finally:
        for temp in temps.values():
            with contextlib.suppress(OSError):
                os.unlink(temp)
    return paths
