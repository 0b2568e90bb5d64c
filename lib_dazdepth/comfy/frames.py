"""An animation's frames mapped with one split setup, for the frames node: the arrays
``python -m lib_dazdepth batch`` writes as PNGs, in frame order.

Frames are the Depth canvases of a folder inside ComfyUI's input folder (and its
subfolders), paired with their Normal canvases by name (``engine.batch.pair_frames``).
The splits are a preset's, or one split over the union of all frames' ranges (``batch
--union``), so one depth gives one grey in every frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..engine.background import BackgroundSettings
from ..engine.batch import BatchJob, Frame, frame_range, pair_frames, union_splits
from ..engine.depthmap import load_depth_map
from ..engine.errors import InputError
from ..engine.exr import quietly, read_rgb
from ..engine.maps import MapOptions, depth_outputs
from ..engine.normals import NormalSettings, encode_normals
from ..engine.presets import load_preset
from ..engine.splits import SplitSet
from .canvases import NO_HIT_DEFAULTS, existing_file, folder_files

_PLAIN = MapOptions()  # 8-bit depth only, as ``batch`` writes by default


@dataclass(frozen=True)
class FrameMaps:
    keys: list[str]  # frame names (``anim.0007``), in order
    depth: np.ndarray  # (B, H, W) uint8
    normal: np.ndarray | None  # (B, H, W, 3) uint8, when every frame has a Normal canvas


def find_frames(input_dir: str | Path, folder: str) -> list[Frame]:
    frames = pair_frames(folder_files(input_dir, folder))
    if not frames:
        raise InputError(f"folder {folder.strip()!r}", "holds no Depth canvases (*-Depth.exr)")
    return frames


def frame_splits(
    frames: list[Frame], input_dir: str | Path, preset: str, background: BackgroundSettings
) -> SplitSet:
    if preset.strip():
        path = existing_file(input_dir, preset, "preset")
        splits = load_preset(path)
        status = splits.mapping_status()
        if status != "Success":
            raise InputError(path, f"mapping status was: {status}")
        return splits
    job = BatchJob(SplitSet.default(0.0, 1.0), Path("."), background=background)
    ranges = []
    for frame in frames:
        found = quietly(frame_range, frame, job)
        if isinstance(found, str):
            raise InputError(frame.depth, found.removeprefix(f"{frame.depth}: "))
        ranges.append(found)
    return union_splits(ranges)


def map_frames(
    input_dir: str | Path,
    folder: str,
    preset: str = "",
    background: BackgroundSettings = NO_HIT_DEFAULTS,
) -> FrameMaps:
    """Every frame's depth (and normal) map; InputError naming the frame when one cannot be
    read or differs in size from the first."""
    frames = find_frames(input_dir, folder)
    splits = frame_splits(frames, input_dir, preset, background)
    with_normals = [f for f in frames if f.normal is not None]
    if with_normals and len(with_normals) != len(frames):
        lacking = next(f for f in frames if f.normal is None)
        raise InputError(lacking.depth, "has no Normal canvas, while other frames have one")
    depth, normal, shape = [], [], None
    for frame in frames:
        depth_map = quietly(load_depth_map, frame.depth, settings=background)
        if shape is None:
            shape = depth_map.shape
        elif depth_map.shape != shape:
            sizes = f"is {_size(depth_map.shape)}, the first frame {_size(shape)}"
            raise InputError(frame.depth, sizes)
        (output,) = depth_outputs(depth_map, splits, _PLAIN, frame.depth.with_suffix(""))
        depth.append(output.image)
        if frame.normal is not None:
            normals = quietly(read_rgb, frame.normal).values
            if normals.shape[:2] != shape:
                raise InputError(frame.normal, "is not the size of its depth canvas")
            normal.append(encode_normals(normals, NormalSettings(), ~depth_map.valid))
    return FrameMaps([f.key for f in frames], np.stack(depth), np.stack(normal) if normal else None)


def _size(shape: tuple[int, ...]) -> str:
    return f"{shape[1]}x{shape[0]}"
