"""What each ComfyUI node does, from its inputs to its outputs (torch tensors): the
``execute`` of the nodes in ``nodes.py`` is one call here, so these are tested without
ComfyUI (tests/comfy, with CPU torch).

Every problem leaves as a plain ``ValueError`` whose message is one line naming the file
or field, which ComfyUI shows in its error display.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import torch

from ..engine.background import BackgroundSettings
from ..engine.errors import DazDepthError
from ..engine.normals import NormalSettings
from .canvases import CanvasChoice, Canvases, load_canvases
from .frames import map_frames
from .maps import DepthMaps, DepthSettings, make_depth, make_normal, make_regions
from .tensors import image_batch, mask_batch

Result = TypeVar("Result")
FLAT_NORMAL = (128, 128, 255)  # normalbae's background: a surface facing the camera


def one_line(function: Callable[..., Result]) -> Callable[..., Result]:
    """Re-raise our errors, bad values and file errors as one-line ValueErrors."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (DazDepthError, ValueError, OSError) as error:
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            raise ValueError(" ".join(lines) or type(error).__name__) from None

    return wrapper


def background_settings(threshold: float, edge_tolerance: float, repair_edges: bool):
    """The command line's --background-threshold, --edge-tolerance (negative: off) and
    --repair-edges."""
    tolerance = None if edge_tolerance < 0 else edge_tolerance
    return BackgroundSettings(threshold, tolerance, repair_edges)


@one_line
def load(
    input_dir: str | Path,
    folder: str,
    depth_file: str = "",
    normal_file: str = "",
    beauty_file: str = "",
    ids_file: str = "",
    background_threshold: float = 1e9,
    edge_tolerance: float = 0.1,
    repair_edges: bool = False,
) -> tuple[Canvases, torch.Tensor | None]:
    """(the canvases, the beauty render as an IMAGE, or None when there is none)."""
    choice = CanvasChoice(folder, depth_file, normal_file, beauty_file, ids_file)
    settings = background_settings(background_threshold, edge_tolerance, repair_edges)
    canvases = load_canvases(input_dir, choice, settings)
    beauty = None if canvases.beauty is None else image_batch([canvases.beauty])
    return canvases, beauty


@one_line
def depth(
    canvases: Canvases,
    input_dir: str | Path,
    splits: str = "automatic",
    preset: str = "",
    cutoff: float = 0.0,
    curve: str = "linear",
    compress: bool = False,
) -> tuple[DepthMaps, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(the mapping, depth IMAGE, test IMAGE, MASK: 1 off the farthest level)."""
    maps = make_depth(canvases, DepthSettings(splits, preset, cutoff, curve, compress), input_dir)
    mask = mask_batch(maps.mask()[None])
    return maps, image_batch([maps.grey()]), image_batch([maps.test()]), mask


@one_line
def normal(
    canvases: Canvases,
    convention: str = "normalbae",
    flip_x: bool = False,
    flip_y: bool = False,
    flip_z: bool = False,
    depth_no_hit: bool = False,
) -> torch.Tensor:
    settings = NormalSettings(convention, flip_x, flip_y, flip_z)
    return image_batch([make_normal(canvases, settings, depth_no_hit)])


@one_line
def regions(
    maps: DepthMaps, choice: str = "preset"
) -> tuple[torch.Tensor, torch.Tensor, list[str]]:
    """(region IMAGE, MASK batch one per region, labels)."""
    found = make_regions(maps, choice)
    return image_batch([found.image]), mask_batch(found.masks), found.labels


@one_line
def frames(
    input_dir: str | Path, folder: str, preset: str = "", background_threshold: float = 1e9
) -> tuple[torch.Tensor, torch.Tensor, list[str]]:
    """(depth IMAGE batch, normal IMAGE batch, frame names). Without Normal canvases the
    normal batch is flat (every pixel facing the camera)."""
    found = map_frames(input_dir, folder, preset, BackgroundSettings(background_threshold))
    normal = found.normal
    if normal is None:
        normal = np.empty((*found.depth.shape, 3), dtype=np.uint8)
        normal[...] = FLAT_NORMAL
    return image_batch(found.depth), image_batch(normal), found.keys
