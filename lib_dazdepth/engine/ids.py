"""Regions from the renderer's own ID canvases: which object each pixel shows.

Iray renders an Object Id canvas (a flat colour per object, the same in every frame of an
animation) and a Material Id canvas (one colour per material; 0 is the background); Daz
users also render an Alpha canvas per figure; Blender writes an object index pass
(``IndexOB``) and Cryptomatte, whose rank-0 channel holds each pixel's dominant object
(facts.md section 2). IDs decide *who*; the depth splits still decide the grey levels.

Filtered edge pixels are mixes of the objects they cover. A value that fills a pixel's
whole 3x3 neighbourhood somewhere is an object's ID; any other value is a mix and goes to
the dominant neighbour: the adjacent object whose ID lies nearest the mixed value (for a
mix of two, the one covering most of the pixel). Zero (black, index 0) is no object.
Several Alpha canvases give one object each; a pixel goes to the one covering most of it,
or to none when the uncovered rest is larger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from .depthmap import DepthMap
from .errors import InputError
from .exr import DEFAULT_MAX_PIXELS, list_channels, read_depth, read_rgb
from .frame_names import unnumbered_stem
from .regions import INHERIT

ID_WORDS = (
    "objectid|object|objectindex|materialid|material|id|ids|index|indexob|indexma"
    "|cryptomatte|cryptoobject|cryptomaterial|cryptoasset"
)
ID_NAME = re.compile(rf"(^|[-_ ])({ID_WORDS}|alpha)$", re.IGNORECASE)
ALPHA_NAME = re.compile(r"(^|[-_ ])alpha$", re.IGNORECASE)
ALPHA_CANVAS = re.compile(r"canvas\d+[-_ ]alpha", re.IGNORECASE)
NEIGHBOURS_8 = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]


def is_id_canvas(path: Path) -> bool:
    """Whether the name announces an ID canvas: ``-ObjectId``, ``-Material``, ``-ID``,
    ``-Alpha``, ``-IndexOB``, ``-CryptoObject`` ... (EXR or a picture)."""
    return bool(ID_NAME.search(unnumbered_stem(path)))


def is_alpha_canvas(path: Path) -> bool:
    return bool(ALPHA_NAME.search(unnumbered_stem(path)))


@dataclass(frozen=True)
class IdObjects:
    """The objects of an ID canvas (or of a set of Alpha canvases)."""

    labels: np.ndarray  # (H, W) int32: object 0..K-1 per pixel, -1 where none
    keys: tuple[str, ...]  # per object, its ID as text: the same in every frame
    source: str  # the file name(s), for messages

    @property
    def shape(self) -> tuple[int, int]:
        return self.labels.shape  # type: ignore[return-value]

    def pixels(self) -> list[int]:
        return np.bincount(self.labels[self.labels >= 0], minlength=len(self.keys)).tolist()


def _key(value: np.ndarray) -> str:
    return ",".join(format(float(x), ".9g") for x in value)  # float32 round-trips in 9


def _unique_rows(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of an (N, C) float32 array by their exact bits, and the inverse.

    An ID canvas is mostly long runs of one value: only the first row of each run is
    sorted, so the cost is one pass plus a sort of the runs (edges), not of every pixel."""
    bits = np.ascontiguousarray(flat).view(np.uint32)
    starts = np.flatnonzero(np.r_[True, (bits[1:] != bits[:-1]).any(axis=1)])
    runs = bits[starts]
    code = np.zeros(len(runs), dtype=np.int64)
    for channel in range(bits.shape[1]):  # fold channel by channel: exact, no hashing
        _, code = np.unique((code << 32) | runs[:, channel], return_inverse=True)
        code = code.ravel().astype(np.int64)
    _, first = np.unique(code, return_index=True)
    lengths = np.diff(np.r_[starts, len(flat)])
    return flat[starts[first]], np.repeat(code, lengths)


def _interior(inverse: np.ndarray) -> np.ndarray:
    """Pixels whose 8 neighbours (inside the image) all have their value."""
    padded = np.pad(inverse, 1, mode="edge")
    height, width = inverse.shape
    same = np.ones(inverse.shape, dtype=bool)
    for dy, dx in NEIGHBOURS_8:
        same &= padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width] == inverse
    return same


def _fill_mixed(labels: np.ndarray, values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Each pixel labelled -1 takes the neighbouring label whose ID (``ids[label]``) lies
    nearest its value, ring by ring from the labelled pixels."""
    todo = labels < 0
    while todo.any():
        ys, xs = np.nonzero(todo)
        padded = np.pad(labels, 1, constant_values=-1)
        own = values[ys, xs].astype(np.float64)
        best = np.full(ys.size, np.inf)
        choice = np.full(ys.size, -1, dtype=labels.dtype)
        for dy, dx in NEIGHBOURS_8:
            near = padded[ys + 1 + dy, xs + 1 + dx]
            ok = near >= 0
            distance = ((own - ids[np.maximum(near, 0)]) ** 2).sum(axis=-1)
            better = ok & (distance < best)
            best[better], choice[better] = distance[better], near[better]
        taken = choice >= 0
        if not taken.any():
            break
        labels[ys[taken], xs[taken]] = choice[taken]
        todo[ys[taken], xs[taken]] = False
    return labels


def objects_from_values(values: np.ndarray, source: str = "") -> IdObjects:
    """Objects of an ID canvas: ``values`` (H, W) or (H, W, C) float (colours, indices or
    Cryptomatte IDs); zero (all channels) and NaN are no object."""
    values = np.asarray(values, dtype=np.float32)
    if values.ndim == 2:
        values = values[..., None]
    height, width, channels = values.shape
    values = np.where(np.isnan(values), np.float32(0), values) + np.float32(0)  # -0.0 -> 0.0
    codes, inverse = _unique_rows(values.reshape(-1, channels))
    inverse = inverse.reshape(height, width)
    flat_codes = np.flatnonzero(np.bincount(inverse[_interior(inverse)], minlength=len(codes)))
    background = ~codes.any(axis=1)
    objects = flat_codes[~background[flat_codes]]
    count = len(objects)
    label_of = np.full(len(codes), -1, dtype=np.int32)
    label_of[objects] = np.arange(count)
    label_of[background] = count  # no object: a class of its own while edges are shared out
    ids = np.concatenate([codes[objects], np.zeros((1, channels), np.float32)]).astype(np.float64)
    labels = _fill_mixed(label_of[inverse], values, ids)
    labels[(labels == count) | (labels < 0)] = -1
    return IdObjects(labels, tuple(_key(codes[o]) for o in objects), source)


def objects_from_alphas(alphas: list[np.ndarray], keys: list[str], source: str = "") -> IdObjects:
    """One object per Alpha canvas ((H, W) coverage 0..1): each pixel goes to the one that
    covers most of it, or to none when the uncovered rest is larger."""
    stack = np.clip(np.nan_to_num(np.stack(alphas).astype(np.float32)), 0, 1)
    rest = np.clip(1 - stack.sum(axis=0), 0, None)
    winner = np.argmax(np.concatenate([stack, rest[None]]), axis=0).astype(np.int32)
    winner[winner == len(alphas)] = -1
    return IdObjects(winner, tuple(keys), source)


def alpha_key(path: Path) -> str:
    """An Alpha canvas's object key, the same in every frame: ``alpha:Canvas4-Alpha``."""
    found = ALPHA_CANVAS.search(path.name)
    return "alpha:" + (found.group(0) if found else path.stem)


def _exr_values(path: Path, alpha: bool, max_pixels: int) -> np.ndarray:
    names = [name for _, _, channels in list_channels(path) for name in channels]
    wanted = [
        lambda n: "crypto" in n.lower() and n.endswith("00.R"),  # rank 0: the dominant ID
        lambda n: n.split(".")[-1] in ("IndexOB", "IndexMA") or ".Index" in n,
        lambda n: alpha and (n == "A" or n.endswith(".A")),
    ]
    for rule in wanted:
        found = next((n for n in names if rule(n)), None)
        if found:
            return read_depth(path, channel=found, max_pixels=max_pixels).values
    if alpha:
        return read_depth(path, max_pixels=max_pixels).values
    try:
        return read_rgb(path, max_pixels=max_pixels).values
    except InputError:
        return read_depth(path, max_pixels=max_pixels).values


def _picture_values(path: Path, alpha: bool, max_pixels: int) -> np.ndarray:
    try:
        with Image.open(path) as image:
            if image.width * image.height > max_pixels:
                raise InputError(path, f"{image.width}x{image.height} is over the size limit")
            if alpha:
                band = image.getchannel("A") if "A" in image.getbands() else image.convert("L")
                return np.asarray(band, dtype=np.float32) / 255.0
            return np.asarray(image.convert("RGB"), dtype=np.float32)
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise InputError(path, f"not a readable image ({error})") from None


def read_values(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """An ID canvas's values: (H, W[, C]) float32; coverage 0..1 for an Alpha canvas."""
    alpha = is_alpha_canvas(path)
    if path.suffix.lower() == ".exr":
        return _exr_values(path, alpha, max_pixels)
    return _picture_values(path, alpha, max_pixels)


def read_ids(paths: list[Path], max_pixels: int = DEFAULT_MAX_PIXELS) -> IdObjects:
    """The objects of one ID canvas, or of several Alpha canvases (one object each).
    Raises InputError naming the file when one cannot be read or sizes differ."""
    if not paths:
        raise ValueError("no ID canvas given")
    names = ", ".join(p.name for p in paths)
    if len(paths) == 1 and not is_alpha_canvas(paths[0]):
        return objects_from_values(read_values(paths[0], max_pixels), names)
    alphas = []
    for path in paths:
        values = read_values(path, max_pixels)
        if values.ndim != 2:
            raise InputError(path, "several ID canvases must each be an Alpha canvas")
        if alphas and values.shape != alphas[0].shape:
            raise InputError(path, f"is not the size of {paths[0].name}")
        alphas.append(values)
    return objects_from_alphas(alphas, [alpha_key(p) for p in paths], names)


def check_size(objects: IdObjects, depth_map: DepthMap) -> None:
    if objects.shape != depth_map.shape:
        height, width = objects.shape
        raise InputError(
            objects.source,
            f"is {width}x{height}, the depth is {depth_map.width}x{depth_map.height}",
        )


def number_objects(
    objects: IdObjects, depth_map: DepthMap, known: dict[str, int] | None = None
) -> dict[str, int]:
    """Each object's region: the number ``known`` gives its key; the others (holding
    pixels), near to far by median depth, numbered after the highest in use."""
    table = dict(known or {})
    fresh = [
        k for k, count in enumerate(objects.pixels()) if count and objects.keys[k] not in table
    ]
    labels = objects.labels
    medians = []
    for k in fresh:
        depths = depth_map.depth[(labels == k) & depth_map.valid]
        medians.append(float(np.median(depths)) if depths.size else np.inf)
    start = max(table.values(), default=-1) + 1
    for offset, i in enumerate(np.argsort(medians, kind="stable")):
        table[objects.keys[fresh[i]]] = start + offset
    return table


def id_layer(objects: IdObjects, table: dict[str, int]) -> np.ndarray:
    """Region number per pixel from the objects (int16; INHERIT where no object or an
    object the table does not list)."""
    lut = np.array([table.get(k, INHERIT) for k in objects.keys] + [INHERIT], dtype=np.int16)
    return lut[np.where(objects.labels >= 0, objects.labels, len(objects.keys))]
