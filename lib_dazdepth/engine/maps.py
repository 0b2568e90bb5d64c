"""From a depth map and a split setup to the output files: depth, test, regions, mask."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .depthmap import DepthMap
from .mapping import Mapped, MappingPlan, map_depth
from .outputs import PNG_LEVEL, SETUP_KEY, Output, output_path
from .png import png_bytes as encode
from .presets import dumps
from .splits import SplitSet

# Regions, masks, test colours and normals are imported when a map needs them: a plain
# depth map (the command line's default run) starts faster without them.
if TYPE_CHECKING:
    from .ids import IdObjects
    from .region_plan import RegionPlan
    from .render import RegionOutput


def sixteen_bit_note(name: str) -> str:
    """Said whenever a 16-bit depth PNG is written (facts.md section 3)."""
    return (
        f"** note: {name} is 16-bit, for tools that read 16-bit PNGs: a webui image box turns"
        " it into 8-bit RGB and keeps almost none of its greys; give ControlNet the 8-bit map"
    )


@dataclass(frozen=True)
class MapOptions:
    bits: int = 8
    regions: bool = False
    mask: bool = False
    noise: bool = False
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.bits not in (8, 16):
            raise ValueError("bits must be 8 or 16")


def map_for(depth_map: DepthMap, splits: SplitSet, want_split: bool, **wants: bool) -> Mapped:
    """Raises MappingError with the reference's status line when it cannot map."""
    plan = MappingPlan.from_splits(splits)
    wants.setdefault("valid_range", depth_map.range)
    return map_depth(depth_map.depth, depth_map.valid, plan, want_split, **wants)


def setup_text(depth_map: DepthMap, splits: SplitSet) -> dict[str, str]:
    source = {"file": Path(depth_map.path).name, "min": depth_map.min, "max": depth_map.max}
    return {SETUP_KEY: dumps(splits, source)}


def depth_outputs(
    depth_map: DepthMap,
    splits: SplitSet,
    options: MapOptions,
    stem: str | Path,
    out_dir: str | Path | None = None,
    edits: np.ndarray | None = None,
    objects: IdObjects | None = None,
) -> list[Output]:
    """The depth PNG, plus regions (with the region ``edits`` and the ID canvas's
    ``objects``) and mask when asked, for ``write`` and plain runs."""
    return map_outputs(depth_map, splits, options, stem, out_dir, edits, objects)[0]


def map_outputs(
    depth_map: DepthMap,
    splits: SplitSet,
    options: MapOptions,
    stem: str | Path,
    out_dir: str | Path | None = None,
    edits: np.ndarray | None = None,
    objects: IdObjects | None = None,
) -> tuple[list[Output], RegionOutput | None]:
    """``depth_outputs`` and the regions mask with its plan (None without ``regions``)."""
    eight_bit = options.bits == 8
    mapped = map_for(
        depth_map,
        splits,
        want_split=options.regions,
        want_fine=options.mask or not eight_bit,
        want_grey=eight_bit,
    )
    text = setup_text(depth_map, splits)
    result = []
    regions = None
    if options.regions or options.mask or options.noise or not eight_bit:
        from .render import add_noise, grey16, mask_image, region_output
    if options.regions:
        regions = region_output(mapped, splits, edits, objects)
        path = output_path(stem, "regions", out_dir)
        result.append(Output(path, regions.image, regions_text(regions.plan)))
    if options.mask:
        result.append(Output(output_path(stem, "mask", out_dir), mask_image(mapped)))
    grey = mapped.grey8() if eight_bit else grey16(mapped.fine)
    if options.noise:
        grey = add_noise(grey, options.seed)
    result.append(Output(output_path(stem, "depth", out_dir), grey, text))
    return result, regions


def test_outputs(
    depth_map: DepthMap, splits: SplitSet, stem: str | Path, out_dir: str | Path | None = None
) -> list[Output]:
    from .render import test_image

    mapped = map_for(depth_map, splits, want_split=True, want_fine=False, want_grey=True)
    image = test_image(mapped, splits)
    return [Output(output_path(stem, "test", out_dir), image, setup_text(depth_map, splits))]


REGIONS_KEY = "dazdepth-regions"  # text chunk of a regions PNG: its template and mapping


def regions_text(plan: RegionPlan) -> dict[str, str]:
    """The mask's own template and region -> colour -> section -> label rows, kept in the
    PNG so each frame of a batch carries the prompt that fits it."""
    return {REGIONS_KEY: json.dumps({"template": plan.template(), "regions": plan.rows()})}


def has_regions(
    splits: SplitSet, edits: np.ndarray | None = None, objects: IdObjects | None = None
) -> bool:
    """Whether any pixel can have a region: a split's flag, a region edit, or an ID
    canvas's object with a region."""
    return (
        any(s.region >= 0 for s in splits.splits)
        or (edits is not None and bool(edits.max() >= 0))
        or (objects is not None and bool(splits.id_regions))
    )


def png_bytes(image: np.ndarray) -> bytes:
    """(H, W) or (H, W, 3) uint8/uint16 pixels as PNG file bytes."""
    return encode(image, level=PNG_LEVEL)


def rgb8_png(image: np.ndarray) -> bytes:
    """An 8-bit RGB PNG, the only kind sent to ControlNet: a webui image box turns a 16-bit
    PNG into 8-bit RGB and keeps almost none of its greys (facts.md section 3)."""
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"ControlNet gets 8-bit RGB, not {image.dtype} {image.shape}")
    return png_bytes(image)


@dataclass(frozen=True)
class PngMaps:
    """The maps to send, and the plan the regions mask was painted from."""

    maps: dict[str, bytes]  # role -> PNG bytes
    plan: RegionPlan | None = None  # with maps["regions"]
    mask: np.ndarray | None = None  # the regions mask as an array, for the checks


def png_maps(
    depth_map: DepthMap,
    splits: SplitSet,
    normals: np.ndarray | None = None,
    beauty: np.ndarray | None = None,
    edits: np.ndarray | None = None,
    objects: IdObjects | None = None,
) -> PngMaps:
    """The maps ControlNet and the Regional Prompter take, as 8-bit RGB PNG bytes (the
    grey depth too, as the hosts' own uploads give it): depth, regions (when any source
    gives a region), normal and beauty (when given)."""
    from .normals import NormalSettings, encode_normals
    from .render import region_output

    mapped = map_for(depth_map, splits, want_split=True, want_grey=True)
    maps = {"depth": rgb8_png(np.repeat(mapped.grey8()[..., None], 3, axis=2))}
    regions = None
    if has_regions(splits, edits, objects):
        regions = region_output(mapped, splits, edits, objects)
        maps["regions"] = rgb8_png(regions.image)
    if normals is not None:
        maps["normal"] = rgb8_png(encode_normals(normals, NormalSettings(), ~depth_map.valid))
    if beauty is not None:
        maps["beauty"] = rgb8_png(beauty)
    if regions is None:
        return PngMaps(maps)
    return PngMaps(maps, regions.plan, regions.image)
