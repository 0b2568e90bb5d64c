"""Edits kept with a preset: 16-bit PNGs beside the JSON, which names them.

- ``NAME.edits.png`` (key ``"region_edits"``): each pixel stores its region number + 2
  (0: keeps its split's region, 1: no region, 2: region 0, ...).
- ``NAME.depth-edits.png`` (key ``"depth_edits"``): each pixel stores 0 (keeps the
  canvas's depth) or k, the k-th depth of the list in its ``depths`` text chunk (JSON;
  null: hidden as no hit). Depths are float32 values written as exact decimals.

Both reload exactly and must match the depth canvas's size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ..engine.errors import InputError
from ..engine.files import is_plain_file_name, open_image, open_regular
from ..engine.outputs import Output
from ..engine.presets import read_document
from ..engine.regions import INHERIT
from ..engine.splits import MAX_REGION
from .overpaint import NO_HIT, UNEDITED

EDITS_KEY = "region_edits"
DEPTH_EDITS_KEY = "depth_edits"
DEPTHS_CHUNK = "depths"
OFFSET = -INHERIT  # stored value = region + OFFSET
MAX_PAINTED_DEPTHS = 2**16 - 1


@dataclass(frozen=True)
class PresetEdits:
    regions: np.ndarray | None = None  # int16 (regions.py)
    depth: np.ndarray | None = None  # float32 (overpaint.py)

    @property
    def any(self) -> bool:
        return self.regions is not None or self.depth is not None


EDITS_SUFFIX, DEPTH_EDITS_SUFFIX = ".edits.png", ".depth-edits.png"


def sidecar_name(preset: Path) -> str:
    return preset.stem + EDITS_SUFFIX


def depth_sidecar_name(preset: Path) -> str:
    return preset.stem + DEPTH_EDITS_SUFFIX


def is_sidecar(path: Path) -> bool:
    """Whether ``path`` is named as an edits file (not a preset itself)."""
    return path.name.endswith((EDITS_SUFFIX, DEPTH_EDITS_SUFFIX))


def edits_output(preset: Path, edits: np.ndarray) -> Output:
    """The sidecar for ``preset`` (the JSON's path) holding ``edits``."""
    stored = (edits.astype(np.int32) + OFFSET).astype(np.uint16)
    return Output(preset.with_name(sidecar_name(preset)), stored)


def depth_edits_output(preset: Path, edits: np.ndarray) -> Output:
    """The depth edits sidecar for ``preset`` holding ``edits`` (overpaint.py)."""
    painted = ~np.isnan(edits)
    depths, number = np.unique(edits[painted], return_inverse=True)
    if depths.size > MAX_PAINTED_DEPTHS:
        raise ValueError(f"more than {MAX_PAINTED_DEPTHS} different painted depths")
    stored = np.zeros(edits.shape, dtype=np.uint16)
    stored[painted] = number.reshape(-1) + 1
    listed = [float(d) if np.isfinite(d) else None for d in depths]
    text = {DEPTHS_CHUNK: json.dumps(listed)}
    return Output(preset.with_name(depth_sidecar_name(preset)), stored, text=text)


def named_sidecars(preset: Path) -> dict[str, str]:
    """The sidecars a JSON preset names, by key (a depth PNG names none). A name must be
    a file beside the preset: one InputError naming the preset and the key otherwise."""
    try:
        document = read_document(preset) or {}
    except InputError:
        return {}  # load_preset reports what is wrong with the preset itself
    names = {}
    for key in (EDITS_KEY, DEPTH_EDITS_KEY):
        name = document.get(key)
        if name is None or name == "":
            continue
        if not isinstance(name, str) or not is_plain_file_name(name):
            shown = repr(name) if len(repr(name)) <= 40 else repr(name)[:37] + "..."
            raise InputError(preset, f'"{key}" {shown} must name a file beside the preset')
        names[key] = name
    return names


def _read_16bit(path: Path, shape: tuple[int, int], what: str) -> tuple[np.ndarray, dict]:
    """The pixels, once the header says they are 16-bit grey of the canvas's size: a
    header claiming another size is refused before anything is decoded."""
    try:
        fd = open_regular(path, f"{what} file")
    except InputError as error:
        if "No such file" in error.problem:
            raise InputError(path, f"the {what} file named by the preset is missing") from None
        raise
    canvas = f"{shape[1]}x{shape[0]}"
    try:
        with open(fd, "rb") as handle, open_image(handle, ("PNG",)) as image:
            mode, size = image.mode, image.size
            if mode not in ("I;16", "I;16B", "I"):
                raise InputError(path, f"{what} must be a 16-bit grey PNG, not {mode}")
            if (size[1], size[0]) != tuple(shape):
                problem = f"{what} are {size[0]}x{size[1]} but the depth canvas is {canvas}"
                raise InputError(path, problem)
            image.load()
            info = dict(image.info)
            data = np.asarray(image)
    except Image.DecompressionBombError:
        problem = f"{what}: the PNG header claims a huge image; the depth canvas is {canvas}"
        raise InputError(path, problem) from None
    except (OSError, ValueError, SyntaxError) as error:
        raise InputError(path, f"unreadable {what} ({str(error)[:120]})") from None
    if data.ndim != 2:
        raise InputError(path, f"{what} must be a 16-bit grey PNG, not {mode}")
    return data, info


def read_edits(path: Path, shape: tuple[int, int]) -> np.ndarray:
    """The region edits in ``path``; one InputError naming the file when it is not ours
    or not the canvas's size."""
    data, _ = _read_16bit(path, shape, "region edits")
    if data.size and int(data.max()) > MAX_REGION + OFFSET:
        problem = f"region edits use region {int(data.max()) - OFFSET}; at most {MAX_REGION}"
        raise InputError(path, problem)
    return (data.astype(np.int32) - OFFSET).astype(np.int16)


def read_depth_edits(path: Path, shape: tuple[int, int]) -> np.ndarray:
    """The depth edits in ``path`` (float32, NaN: unedited, +inf: hidden)."""
    data, info = _read_16bit(path, shape, "depth edits")
    try:
        listed = json.loads(info[DEPTHS_CHUNK])
        if not isinstance(listed, list):
            raise TypeError
        depths = [NO_HIT if d is None else _finite(d) for d in listed]
    except (KeyError, TypeError, ValueError):
        raise InputError(path, "depth edits without a valid list of depths") from None
    if int(data.max()) > len(depths):
        raise InputError(path, f"depth edits use depth {int(data.max())} of {len(depths)}")
    table = np.array([UNEDITED, *depths], dtype=np.float32)
    return table[data]


def _finite(value) -> np.float32:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError
    if not abs(value) <= np.finfo(np.float32).max:
        raise ValueError
    return np.float32(value)


def load_edits_for(
    preset: Path,
    shape: tuple[int, int],
    found: list[Path] = (),
    missing: list[str] | None = None,
) -> PresetEdits:
    """The edits a preset names: each from ``found`` (uploaded files) by name, else
    beside the preset. A named file that is not there raises InputError, unless a
    ``missing`` list is given: then its name goes there and that edit is left out (the tab
    loads the splits of a preset dropped without its edits PNGs, and says so)."""
    names = named_sidecars(preset)
    by_name = {Path(candidate).name: Path(candidate) for candidate in found}

    def read(key: str, reader):
        name = names.get(key)
        if name is None:
            return None
        path = by_name.get(name, preset.with_name(name))
        if missing is not None and not path.is_file():
            missing.append(name)
            return None
        return reader(path, shape)

    return PresetEdits(read(EDITS_KEY, read_edits), read(DEPTH_EDITS_KEY, read_depth_edits))
