"""Split setups as JSON presets, and embedded in the depth PNGs we write.

This is the one validation layer every front-end uses (command line, shell, tab, HTTP API,
batch): a preset is at most ``MAX_PRESET_BYTES``, read only from a regular file, parsed
with bounded numbers (no 5000-digit integers, no NaN or Infinity), and every field is
checked before a split is built: finite boundaries within float32, levels 0 to 256, at
most ``MAX_SPLITS`` splits, region numbers within the palette, flag text of bounded
length, an inverse curve only on splits starting above depth 0. Any problem is one
:class:`InputError` naming the file and the field.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from PIL import Image

from .errors import InputError
from .files import open_image, open_regular, read_capped
from .outputs import SETUP_KEY
from .splits import MAX_FLAGS, MAX_LEVELS, MAX_SPLITS, Split, SplitError, SplitSet, check_flag

FORMAT = "daz-depth-splits"
VERSION = 1
MAX_PRESET_BYTES = 1024 * 1024  # a 1024-split preset with labels is under 200 KB
MAX_DIGITS = 40  # digits of an integer in a preset (float32 depths need far fewer)
FLOAT32_MAX = 3.4028234663852886e38


def to_document(splits: SplitSet, source: dict[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "compress": splits.compress,
        "curve": splits.curve,
        "splits": [
            {"start": s.start, "end": s.end, "levels": s.levels, "flags": dict(s.flags)}
            for s in splits.splits
        ],
    }
    if splits.region_labels:
        document["region_labels"] = {str(n): text for n, text in splits.region_labels}
    if splits.id_regions:
        document["id_regions"] = dict(splits.id_regions)
    if splits.other_labels:  # the other source's labels (IDs or splits), put aside
        document["other_region_labels"] = {str(n): text for n, text in splits.other_labels}
    if source:
        document["source"] = source
    return document


def dumps(splits: SplitSet, source: dict[str, Any] | None = None) -> str:
    return json.dumps(to_document(splits, source))


class _Refused(ValueError):
    """A number the bounded JSON parser will not build."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"a number of {len(text)} digits")
    return int(text)


def _float(text: str) -> float:
    if len(text) > 4 * MAX_DIGITS:
        raise _Refused(f"a number of {len(text)} characters")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"{text[:20]} is not a finite number")
    return value


def _constant(text: str):
    raise _Refused(f"{text} is not a finite number")


def parse_json(text: str | bytes, where: str | Path, what: str = "a usable preset") -> Any:
    """JSON with bounded numbers; one InputError naming ``where`` for anything else (a
    number refused: "not ``what``")."""
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except _Refused as error:
        raise InputError(where, f"not {what} ({error})") from None
    except RecursionError:
        raise InputError(where, "not valid JSON (nested too deeply)") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(where, f"not valid JSON ({str(error)[:120]})") from None


def from_document(document: Any, where: str) -> SplitSet:
    """Validate and build; any problem is one InputError naming ``where`` and the field."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(where, f'not a Daz Depth split preset (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        version = _shown(document.get("version"))
        raise InputError(where, f"preset version {version} is not supported")
    entries = document.get("splits")
    if not isinstance(entries, list) or not entries:
        raise InputError(where, '"splits" must be a non-empty list')
    if len(entries) > MAX_SPLITS:
        raise InputError(where, f'"splits" holds {len(entries)} splits; at most {MAX_SPLITS}')
    compress = _typed(document.get("compress", False), bool, "compress", where)
    curve = _typed(document.get("curve", "linear"), str, "curve", where)
    if curve not in ("linear", "inverse"):
        raise InputError(where, f'"curve" {_shown(curve)} must be linear or inverse')
    splits = [_split(entry, i, where) for i, entry in enumerate(entries)]
    try:
        built = SplitSet(
            tuple(splits),
            compress=compress,
            curve=curve,
            region_labels=_region_labels(document.get("region_labels", {}), where),
            id_regions=_id_regions(document.get("id_regions", {}), where),
            other_labels=_region_labels(
                document.get("other_region_labels", {}), where, "other_region_labels"
            ),
        )
    except SplitError as error:
        raise InputError(where, str(error).removeprefix("Error - ")) from None
    for i, split in enumerate(built.splits):
        if built.effective_curve(i) == "inverse" and not split.start > 0:
            raise InputError(
                where, f"split {i} starts at {split.start}; the inverse curve needs depths above 0"
            )
    return built


def _split(entry: Any, i: int, where: str) -> Split:
    if not isinstance(entry, dict):
        raise InputError(where, f"split {i} must be an object")
    start = _number(entry.get("start"), f"split {i} start", where)
    end = _number(entry.get("end"), f"split {i} end", where)
    levels = entry.get("levels", 0)
    if not isinstance(levels, int) or isinstance(levels, bool):
        raise InputError(where, f"split {i} levels must be a whole number")
    if not 0 <= levels <= MAX_LEVELS:
        raise InputError(where, f"split {i} has {_shown(levels)} levels (0 to {MAX_LEVELS})")
    flags = entry.get("flags", {})
    if not isinstance(flags, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int) and not isinstance(v, bool)
        for k, v in flags.items()
    ):
        raise InputError(where, f"split {i} flags must map names to text")
    if len(flags) > MAX_FLAGS:
        raise InputError(where, f"split {i} has {len(flags)} flags; at most {MAX_FLAGS}")
    checked = []
    for key, value in flags.items():
        try:
            offset = key.lower() == "offset"
            value = str(_offset(value)) if offset else check_flag(key, str(value))
        except SplitError as error:
            raise InputError(where, f"split {i}: {str(error).removeprefix('Error - ')}") from None
        checked.append((key.lower(), value))
    return Split(start, end, levels, tuple(checked))


def _offset(value: Any) -> int:
    """The recorded offset (informative only): a whole number of levels."""
    try:
        offset = int(value)
    except ValueError:
        raise SplitError("Error - offset must be a whole number") from None
    if not 0 <= offset <= MAX_SPLITS * MAX_LEVELS:
        raise SplitError(f"Error - offset {_shown(offset)} is out of range")
    return offset


def _region_number(value: Any, name: str, where: str) -> int:
    try:
        number = int(value) if isinstance(value, str | int) and not isinstance(value, bool) else -1
    except ValueError:
        number = -1
    if number < 0:
        raise InputError(where, f"{name}: region {value!r} must be a whole number from 0")
    return number


def _region_labels(
    entries: Any, where: str, key: str = "region_labels"
) -> tuple[tuple[int, str], ...]:
    """``{"3": "hand"}``: a label per region number."""
    if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
        raise InputError(where, f'"{key}" must map region numbers to text')
    labels = {_region_number(k, key, where): v for k, v in entries.items()}
    return tuple(sorted(labels.items()))


def _id_regions(entries: Any, where: str) -> tuple[tuple[str, int], ...]:
    """``{"<object key>": 3}``: the region of each ID canvas object."""
    if not isinstance(entries, dict):
        raise InputError(where, '"id_regions" must map object keys to region numbers')
    table = {str(k): _region_number(v, f"id_regions[{k!r}]", where) for k, v in entries.items()}
    return tuple(sorted(table.items()))


def _number(value: Any, name: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(where, f"{name} must be a number")
    if isinstance(value, int) and abs(value) > FLOAT32_MAX:
        raise InputError(where, f"{name} is beyond any depth")
    number = float(value)
    if not math.isfinite(number) or abs(number) > FLOAT32_MAX:
        raise InputError(where, f"{name} must be a finite depth")
    return number


def _typed(value: Any, kind: type, name: str, where: str):
    if not isinstance(value, kind):
        raise InputError(where, f'"{name}" must be {kind.__name__}')
    return value


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def loads(text: str | bytes, where: str = "<preset>") -> SplitSet:
    return from_document(parse_json(text, where), where)


def read_document(path: str | Path) -> dict[str, Any] | None:
    """The parsed JSON of a preset file (size-capped, regular files only); None for a PNG."""
    data = read_capped(path, MAX_PRESET_BYTES, "preset")
    if data.startswith(b"\x89PNG"):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not a JSON preset or a Daz Depth PNG") from None
    document = parse_json(text, path)
    return document if isinstance(document, dict) else {}


def load_preset(path: str | Path) -> SplitSet:
    """A JSON preset, or the setup embedded in a depth PNG written by Daz Depth."""
    path = Path(path)
    document = read_document(path)
    if document is not None:
        return from_document(document, str(path))
    text = _png_setup(path)
    if text is None:
        raise InputError(path, "this PNG carries no Daz Depth split setup")
    if len(text) > MAX_PRESET_BYTES:
        raise InputError(path, f"split setup over {MAX_PRESET_BYTES} bytes")
    return loads(text, str(path))


def _png_setup(path: Path) -> str | None:
    """The setup text chunk, read from the header only (pixels are never decoded)."""
    fd = open_regular(path, "preset")
    try:
        with open(fd, "rb") as handle, open_image(handle, ("PNG",)) as image:
            value = image.info.get(SETUP_KEY)
    except Image.DecompressionBombError:
        raise InputError(path, "PNG header claims an image too large to be ours") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise InputError(path, f"unreadable PNG ({str(error)[:120]})") from None
    return value if isinstance(value, str) else None
