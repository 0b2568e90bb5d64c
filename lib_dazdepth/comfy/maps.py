"""The maps the ComfyUI nodes output, as numpy arrays, made as the command line makes them.

``make_depth`` follows ``python -m lib_dazdepth FILE.exr`` step by step (cutoff, starting
splits, the preset's depth edits, one mapping), so each array equals the PNG the command
line writes: depth (``--auto``, ``--preset`` or the reference's one split), test, mask
(``--mask``) and regions (``--regions``; ``--split-regions`` for one region per split,
``--regions-from`` for the ID canvas's objects), from the one region plan
(``engine.region_plan``) the command line paints them from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..editing.edits import load_edits_for, named_sidecars
from ..editing.overpaint import apply_depth_edits
from ..engine.autosplit import auto_splits
from ..engine.depthmap import DepthMap
from ..engine.errors import InputError
from ..engine.ids import IdObjects, number_objects
from ..engine.mapping import Mapped
from ..engine.maps import map_for
from ..engine.normals import NormalSettings, encode_normals
from ..engine.presets import load_preset
from ..engine.region_plan import build_plan
from ..engine.region_sources import number_counts
from ..engine.regions import split_pixel_counts, splits_as_regions
from ..engine.render import mask_image, region_map, test_image
from ..engine.splits import SplitSet
from .canvases import Canvases, existing_file

SPLIT_CHOICES = ("automatic", "preset", "one split")
CURVES = ("linear", "inverse")
REGION_CHOICES = ("preset", "one per split", "ID canvas")
NORMALBAE = NormalSettings()


@dataclass(frozen=True)
class DepthSettings:
    """The depth node's inputs. ``preset`` is a file inside ComfyUI's input folder (a JSON
    preset or a depth PNG written by Daz Depth); with it, ``curve`` and ``compress`` come
    from the preset, as on the command line. ``cutoff`` (cm; 0: none) clamps every depth
    beyond it, as ``--depth_cutoff``."""

    splits: str = "automatic"
    preset: str = ""
    cutoff: float = 0.0
    curve: str = "linear"
    compress: bool = False

    def check(self) -> None:
        for field, value, allowed in (
            ("splits", self.splits, SPLIT_CHOICES),
            ("curve", self.curve, CURVES),
        ):
            if value not in allowed:
                raise InputError(field, f"{value!r} is not one of {', '.join(allowed)}")
        if not (np.isfinite(self.cutoff) and self.cutoff >= 0):
            raise InputError("cutoff", f"{self.cutoff!r} must be a depth in cm, or 0 for none")
        if self.splits == "preset" and not self.preset.strip():
            raise InputError("preset", "name a preset file (JSON, or a depth PNG from Daz Depth)")


def preset_files(input_dir: str | Path, preset: str) -> list[Path]:
    """The preset and the edits files beside it that it names (those that exist)."""
    path = existing_file(input_dir, preset, "preset")
    beside = [path.with_name(name) for name in named_sidecars(path).values()]
    return [path, *(p for p in beside if p.is_file())]


@dataclass(frozen=True)
class DepthMaps:
    """A mapped depth canvas: what flows from the depth node to the region node
    (``DAZ_DEPTH``)."""

    depth_map: DepthMap  # after the cutoff and the preset's depth edits
    splits: SplitSet
    mapped: Mapped  # fine levels, split index and grey, from one mapping
    region_edits: np.ndarray | None = None  # the preset's (editing/edits.py)
    objects: IdObjects | None = None  # the loaded ID canvas's, for regions from it

    def grey(self) -> np.ndarray:
        """(H, W) uint8: near is white, background black."""
        return self.mapped.grey8()

    def test(self) -> np.ndarray:
        """(H, W, 3) uint8: grey, with the splits flagged ``test`` painted their colour."""
        return test_image(self.mapped, self.splits)

    def mask(self) -> np.ndarray:
        """(H, W) uint8: 0 on the farthest level (the background when there is one), 255
        elsewhere, as ``--mask``."""
        return mask_image(self.mapped)


def starting_splits(depth_map: DepthMap, settings: DepthSettings, preset: SplitSet | None):
    if preset is not None:
        return preset
    if settings.splits == "automatic":
        values = depth_map.valid_values()
        return auto_splits(values, compress=settings.compress, curve=settings.curve)
    splits = SplitSet.default(depth_map.min, depth_map.max).with_curve(settings.curve)
    return splits.with_compress(settings.compress)


def make_depth(canvases: Canvases, settings: DepthSettings, input_dir: str | Path) -> DepthMaps:
    """Map the depth canvas. InputError (one line) for a bad setting or preset, or a preset
    whose levels do not fit (the reference's status line)."""
    settings.check()
    depth_map = canvases.depth
    if settings.cutoff > 0:
        depth_map = depth_map.with_cutoff(settings.cutoff)
    preset_path = None
    preset = None
    if settings.splits == "preset":
        preset_path = existing_file(input_dir, settings.preset, "preset")
        preset = load_preset(preset_path)
    splits = starting_splits(depth_map, settings, preset)
    status = splits.mapping_status()
    if status != "Success":
        raise InputError(preset_path or "splits", f"mapping status was: {status}")
    region_edits = None
    if preset_path is not None:
        edits = load_edits_for(preset_path, depth_map.shape)
        depth_map = apply_depth_edits(depth_map, edits.depth)
        region_edits = edits.regions
    splits = splits.record_offsets()
    mapped = map_for(depth_map, splits, want_split=True, want_fine=True, want_grey=True)
    return DepthMaps(depth_map, splits, mapped, region_edits, canvases.objects)


@dataclass(frozen=True)
class RegionMaps:
    image: np.ndarray  # (H, W, 3) uint8 in the Regional Prompter's colours, grey elsewhere
    masks: np.ndarray  # (N, H, W) bool: the pixels of the plan's region i, i = 0..N-1
    labels: list[str]  # N: each region's label (its splits' labels), or "(region k)"


def one_region_per_split(depth_map: DepthMap, splits: SplitSet) -> SplitSet:
    """Every split holding at least 0.1% of the pixels gets its own region, near to far
    (the shell's REGIONS, the command line's ``--split-regions``)."""
    return splits_as_regions(splits, split_pixel_counts(depth_map.valid_values(), splits.bounds))


def regions_from_ids(maps: DepthMaps, splits: SplitSet) -> SplitSet:
    """Each object of the ID canvas its own region: the preset's ID table first, the rest
    near to far after it (the command line's ``--regions-from``)."""
    if maps.objects is None:
        raise InputError(
            "regions_from",
            "'ID canvas' needs an ID canvas (NAME-ObjectId.exr, -MaterialId, -Index,"
            " -Cryptomatte, -Alpha): name one in ids_file of Load Daz canvases",
        )
    table = number_objects(maps.objects, maps.depth_map, dict(splits.id_regions))
    return splits.with_id_regions(table)


def make_regions(maps: DepthMaps, choice: str = "preset") -> RegionMaps:
    """The Regional Prompter mask, one mask per region of its plan (the regions holding
    pixels, in number order: the Regional Prompter's order) and their labels. Raises
    InputError when no pixel has a region, RegionPlanError over 256 regions."""
    if choice not in REGION_CHOICES:
        raise InputError("regions_from", f"{choice!r} is not one of {', '.join(REGION_CHOICES)}")
    splits, objects = maps.splits, None
    if choice == "one per split":
        splits = one_region_per_split(maps.depth_map, splits)
    elif choice == "ID canvas":
        splits, objects = regions_from_ids(maps, splits), maps.objects
    numbers = region_map(maps.mapped, splits, maps.region_edits, objects)
    plan = build_plan(number_counts(numbers), splits)
    if not len(plan):
        raise InputError(
            "regions_from",
            "no pixel has a region (no split flagged 'region', no region edits):"
            " choose 'one per split', or a preset with regions",
        )
    wanted = np.array([entry.number for entry in plan.entries], dtype=numbers.dtype)
    masks = numbers[None, :, :] == wanted[:, None, None]
    labels = [entry.words for entry in plan.entries]
    return RegionMaps(plan.image(maps.mapped.grey8(), numbers), masks, labels)


def make_normal(
    canvases: Canvases, settings: NormalSettings = NORMALBAE, depth_no_hit: bool = False
) -> np.ndarray:
    """(H, W, 3) uint8 ControlNet normal map, as the command line writes NAME.normal.png.
    ``depth_no_hit``: pixels the depth canvas has as no hit also get the flat background
    colour (as the tab and ``batch`` do)."""
    if canvases.normals is None:
        raise InputError(
            canvases.paths.depth.parent,
            "no Normal canvas was found beside the depth canvas (NAME-Normal.exr):"
            " name one in normal_file",
        )
    try:
        settings.validate()
    except ValueError as error:
        raise InputError("normal settings", str(error)) from None
    background = ~canvases.depth.valid if depth_no_hit else None
    return encode_normals(canvases.normals, settings, background)
