"""Per-pixel regions: connected parts, small islands, growing, ordering near to far.

A region map is an int16 array, the region number per pixel (0, 1, ... in the Regional
Prompter's colour order) and ``NONE`` where a pixel has no region. Region edits are such a
map with ``INHERIT`` where a pixel keeps the region its split's ``region`` flag gives
(see ``compose``).
"""

from __future__ import annotations

import numpy as np

from .mapping import split_index
from .splits import SplitSet

NONE = -1
INHERIT = -2
NEIGHBOURS_4 = ((-1, 0), (1, 0), (0, -1), (0, 1))


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, start and stop (exclusive) of every horizontal run of True, in raster order."""
    height, width = mask.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, stops = np.nonzero(step == -1)
    return rows, starts, stops


def label_components(mask: np.ndarray, diagonal: bool = True) -> tuple[np.ndarray, int]:
    """Connected parts of ``mask``: (int32 labels, 0 outside and 1..count in raster order
    of each part's first pixel; count). ``diagonal``: 8-connected, else 4-connected."""
    mask = np.asarray(mask, dtype=bool)
    width = mask.shape[1]
    rows, starts, stops = _runs(mask)
    count = len(rows)
    labels = np.zeros(mask.shape, dtype=np.int32)
    if count == 0:
        return labels, 0
    # Runs of the next row that touch run i form a contiguous range of that row's runs.
    stride = width + 2
    start_keys = rows.astype(np.int64) * stride + starts
    stop_keys = rows.astype(np.int64) * stride + stops
    reach = 1 if diagonal else 0
    next_row = (rows.astype(np.int64) + 1) * stride
    first = np.searchsorted(stop_keys, next_row + starts - reach, side="right")
    last = np.searchsorted(start_keys, next_row + stops + reach, side="left")
    touching = np.maximum(last - first, 0)
    a = np.repeat(np.arange(count), touching)
    b = np.arange(touching.sum()) - np.repeat(np.cumsum(touching) - touching, touching)
    b = np.repeat(first, touching) + b
    root = np.arange(count)
    while True:  # hook each pair onto the smaller root, then jump pointers
        low = np.minimum(root[a], root[b])
        before = root.copy()
        np.minimum.at(root, root[a], low)
        np.minimum.at(root, root[b], low)
        root = root[root]
        if np.array_equal(root, before):
            break
    _, part = np.unique(root, return_inverse=True)
    lengths = stops - starts
    flat = np.repeat(rows.astype(np.int64) * width + starts - np.cumsum(lengths) + lengths, lengths)
    flat += np.arange(lengths.sum())
    labels.ravel()[flat] = np.repeat(part.ravel() + 1, lengths)
    return labels, int(part.max()) + 1


def neighbour_pairs(labels: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, ...]:
    """For every ordered 4-neighbour pair of pixels whose labels differ: (label here,
    label there, ``values`` there)."""
    here_l, there_l, there_v = [], [], []
    for cut_a, cut_b in (
        ((slice(None, -1),), (slice(1, None),)),
        ((slice(None), slice(None, -1)), (slice(None), slice(1, None))),
    ):
        a, b = labels[cut_a], labels[cut_b]
        differ = a != b
        here_l += [a[differ], b[differ]]
        there_l += [b[differ], a[differ]]
        there_v += [values[cut_b][differ], values[cut_a][differ]]
    return tuple(np.concatenate(x) for x in (here_l, there_l, there_v))


def absorb_islands(regions: np.ndarray, labels: np.ndarray, min_pixels: int) -> np.ndarray:
    """Each part of ``labels`` (0 = none) smaller than ``min_pixels`` takes the region of
    ``regions`` that borders it most among its larger neighbours' pixels; parts with no
    region around keep theirs."""
    sizes = np.bincount(labels.ravel())
    small = sizes < min_pixels
    small[0] = False
    if not small.any():
        return regions
    part_a, part_b, region_b = neighbour_pairs(labels, regions)
    keep = small[part_a] & ~small[part_b] & (region_b != NONE)
    part_a, region_b = part_a[keep], region_b[keep]
    if part_a.size == 0:
        return regions
    span = int(region_b.max()) + 2
    codes, votes = np.unique(part_a.astype(np.int64) * span + region_b + 1, return_counts=True)
    order = np.lexsort((-votes, codes // span))  # per part, the most votes first
    parts = codes[order] // span
    firsts = np.r_[True, parts[1:] != parts[:-1]]
    winner = np.full(len(sizes), NONE, dtype=np.int64)
    winner[parts[firsts]] = codes[order][firsts] % span - 1
    taken = winner[labels]
    return np.where(taken != NONE, taken, regions).astype(regions.dtype)


def divide(
    regions: np.ndarray, inside: np.ndarray, min_pixels: int = 0, first: int | None = None
) -> np.ndarray:
    """Each connected part of ``inside`` becomes a new region, numbered from ``first``
    (default: after those in use); parts under ``min_pixels`` join the region that borders
    them most."""
    labels, count = label_components(inside)
    if count == 0:
        return regions
    out = regions.copy()
    start = max(int(regions.max()), NONE) + 1 if first is None else first
    out[inside] = start - 1 + labels[inside]
    if min_pixels > 1:
        out = absorb_islands(out, labels, min_pixels)
    return out


def relabel(values: np.ndarray, mapping: dict[int, int]) -> np.ndarray:
    """``values`` with each region number r replaced by ``mapping[r]`` (numbers it does
    not list become NONE); NONE and INHERIT stay as they are."""
    top = max([int(values.max()) if values.size else 0, *mapping])
    table = np.full(top + 3, NONE, dtype=values.dtype)  # indexed by number + 2
    table[INHERIT + 2], table[NONE + 2] = INHERIT, NONE
    for old, new in mapping.items():
        table[old + 2] = new
    return table[values + 2]


def renumber(regions: np.ndarray) -> np.ndarray:
    """Regions numbered 0, 1, ... with no number skipped, in their present order."""
    used = np.unique(regions[regions != NONE]).tolist()
    return relabel(regions, {old: new for new, old in enumerate(used)})


def grow(regions: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
    """Every pixel without a region (and ``allowed``) next to one (up, down, left, right:
    the first found) takes that region: one pixel of growth, closing one-pixel seams."""
    out = regions.copy()
    empty = regions == NONE
    if allowed is not None:
        empty &= allowed
    padded = np.pad(regions, 1, constant_values=NONE)
    height, width = regions.shape
    for dy, dx in NEIGHBOURS_4:
        near = padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width]
        take = empty & (near != NONE)
        out[take] = near[take]
        empty &= ~take
    return out


def near_to_far(regions: np.ndarray, depth: np.ndarray, valid: np.ndarray) -> dict[int, int]:
    """Old number -> new number of each region present, by median depth, nearest first."""
    used = np.unique(regions[regions != NONE])
    medians = []
    for r in used:
        values = depth[(regions == r) & valid]
        medians.append(float(np.median(values)) if values.size else np.inf)
    order = used[np.argsort(medians, kind="stable")].tolist()
    return {old: new for new, old in enumerate(order)}


def order_near_to_far(regions: np.ndarray, depth: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Regions renumbered by their median depth, nearest first."""
    return relabel(regions, near_to_far(regions, depth, valid))


def from_splits(split: np.ndarray, split_regions: list[int]) -> np.ndarray:
    """The region map the splits' ``region`` flags give (``split``: index per pixel, -1 on
    background)."""
    table = np.array([*split_regions, NONE], dtype=np.int16)
    return table[np.where(split < 0, len(split_regions), split)]


def compose(flagged: np.ndarray, edits: np.ndarray | None) -> np.ndarray:
    """Region edits over the flags' map: an edited pixel's region (or NONE) wins."""
    if edits is None:
        return flagged
    return np.where(edits == INHERIT, flagged, edits).astype(np.int16)


def split_pixel_counts(values: np.ndarray, bounds: tuple[float, ...]) -> list[int]:
    """Valid depths per split (``values``: the valid depths; clamped as mapping does)."""
    index = split_index(values.astype(np.float64), np.asarray(bounds[1:-1], dtype=np.float64))
    return np.bincount(index, minlength=len(bounds) - 1).tolist()


SMALL_SPLIT_SHARE = 0.001  # "Regions from splits": under 0.1% of the pixels, no region


def small_splits(pixels: list[int], min_share: float = SMALL_SPLIT_SHARE) -> list[int]:
    """Splits holding pixels, but fewer than ``min_share`` of all of them."""
    total = sum(pixels)
    return [i for i, count in enumerate(pixels) if 0 < count < min_share * total]


def splits_as_regions(
    splits: SplitSet, pixels: list[int], min_share: float = SMALL_SPLIT_SHARE
) -> SplitSet:
    """Every split holding at least ``min_share`` of the pixels gets its own region,
    numbered near to far; empty and smaller splits get none (the seed's ruins example, in
    one step, without a region for a sliver of edge pixels)."""
    small = set(small_splits(pixels, min_share))
    number = 0
    for index, count in enumerate(pixels):
        if count and index not in small:
            splits = splits.set_flag(index, "region", str(number))
            number += 1
        else:
            splits = splits.clear_flag(index, "region")
    return splits


def select_connected(
    levels: np.ndarray, valid: np.ndarray, x: int, y: int, tolerance: int = 0
) -> np.ndarray:
    """The pixels connected (8 ways) to (x, y) whose level lies within ``tolerance`` of
    its level: the magic wand on the quantised depth map. Empty on background."""
    if not _seeded(valid, x, y):
        return np.zeros(levels.shape, dtype=bool)
    seed = int(levels[y, x])
    return _component(valid & (np.abs(levels.astype(np.int32) - seed) <= tolerance), x, y)


def select_region(regions: np.ndarray, valid: np.ndarray, x: int, y: int) -> np.ndarray:
    """Every pixel of the region holding (x, y) (``regions``: (H, W) region numbers, -1
    none): an object of the ID canvas, or a split's region, in one click wherever its
    pieces lie; the pixels without a region when (x, y) has none. Empty on background."""
    if not _seeded(valid, x, y):
        return np.zeros(valid.shape, dtype=bool)
    return valid & (regions == regions[y, x])


def select_surface(
    normals: np.ndarray, valid: np.ndarray, x: int, y: int, degrees: float = 10.0
) -> np.ndarray:
    """The pixels connected (8 ways) to (x, y) whose surface normal lies within ``degrees``
    of its normal: the wand on the Normal canvas, a floor or a wall in one click however
    its depth runs. Empty on background or where the normal is zero."""
    if not _seeded(valid, x, y):
        return np.zeros(valid.shape, dtype=bool)
    seed = normals[y, x].astype(np.float32)
    length = float(np.linalg.norm(seed))
    if not length > 0:
        return np.zeros(valid.shape, dtype=bool)
    unit = normals.astype(np.float32, copy=False)
    dots = unit @ (seed / length)
    lengths = np.sqrt(np.einsum("ijk,ijk->ij", unit, unit))
    # cos(angle) >= cos(degrees), without dividing by a zero length
    near = valid & (dots >= np.cos(np.radians(degrees)) * lengths) & (lengths > 0)
    return _component(near, x, y)


def _seeded(valid: np.ndarray, x: int, y: int) -> bool:
    if not (0 <= y < valid.shape[0] and 0 <= x < valid.shape[1]):
        raise ValueError(f"pixel {x}:{y} is outside the {valid.shape[1]}x{valid.shape[0]} image")
    return bool(valid[y, x])


def _component(near: np.ndarray, x: int, y: int) -> np.ndarray:
    labels, _ = label_components(near)
    return labels == labels[y, x]


def combine(selection: np.ndarray | None, picked: np.ndarray, mode: str) -> np.ndarray:
    """A new selection: ``picked`` alone, added to the old one, or taken from it."""
    if mode == "replace" or selection is None:
        return picked if mode != "subtract" else np.zeros_like(picked)
    if mode == "add":
        return selection | picked
    if mode == "subtract":
        return selection & ~picked
    raise ValueError(f"selection mode {mode!r} must be replace, add or subtract")
