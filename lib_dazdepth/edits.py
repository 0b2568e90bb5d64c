"""Region edits kept with a preset: a 16-bit PNG beside the JSON, ``NAME.edits.png``.

Each pixel stores its region number + 2 (0: keeps its split's region, 1: no region,
2: region 0, ...), so the file reloads exactly. The preset names it under
``"region_edits"``; it must match the depth canvas's size.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from .errors import InputError
from .outputs import Output
from .regions import INHERIT

EDITS_KEY = "region_edits"
OFFSET = -INHERIT  # stored value = region + OFFSET


def sidecar_name(preset: Path) -> str:
    return f"{preset.stem}.edits.png"


def edits_output(preset: Path, edits: np.ndarray) -> Output:
    """The sidecar for ``preset`` (the JSON's path) holding ``edits``."""
    stored = (edits.astype(np.int32) + OFFSET).astype(np.uint16)
    return Output(preset.with_name(sidecar_name(preset)), stored)


def named_sidecar(preset: Path) -> str | None:
    """The sidecar a JSON preset names, if any (a depth PNG names none)."""
    try:
        with preset.open("rb") as handle:
            if handle.read(8).startswith(b"\x89PNG"):
                return None
        document = json.loads(preset.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # load_preset reports what is wrong with the preset itself
    name = document.get(EDITS_KEY) if isinstance(document, dict) else None
    return name if isinstance(name, str) and name else None


def read_edits(path: Path, shape: tuple[int, int]) -> np.ndarray:
    """The region edits in ``path``; one InputError naming the file when it is not ours
    or not the canvas's size."""
    try:
        with Image.open(path) as image:
            image.load()
            mode, size = image.mode, image.size
            data = np.asarray(image)
    except FileNotFoundError:
        raise InputError(path, "the region edits file named by the preset is missing") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise InputError(path, f"unreadable region edits ({error})") from None
    if mode not in ("I;16", "I;16B", "I") or data.ndim != 2:
        raise InputError(path, f"region edits must be a 16-bit grey PNG, not {mode}")
    if data.shape != tuple(shape):
        raise InputError(
            path,
            f"region edits are {size[0]}x{size[1]} but the depth canvas is {shape[1]}x{shape[0]}",
        )
    return (data.astype(np.int32) - OFFSET).astype(np.int16)


def load_edits_for(
    preset: Path, shape: tuple[int, int], found: list[Path] = ()
) -> np.ndarray | None:
    """The region edits a preset names: from ``found`` (uploaded files) by name, else
    beside the preset. None when it names none."""
    name = named_sidecar(preset)
    if name is None:
        return None
    for candidate in found:
        if Path(candidate).name == name:
            return read_edits(Path(candidate), shape)
    return read_edits(preset.with_name(name), shape)
