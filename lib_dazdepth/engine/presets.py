"""Split setups as JSON presets, and embedded in the depth PNGs we write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import InputError
from .outputs import SETUP_KEY, read_text_chunks
from .splits import Split, SplitError, SplitSet, check_flag

FORMAT = "daz-depth-splits"
VERSION = 1


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
    if source:
        document["source"] = source
    return document


def dumps(splits: SplitSet, source: dict[str, Any] | None = None) -> str:
    return json.dumps(to_document(splits, source))


def from_document(document: Any, where: str) -> SplitSet:
    """Validate and build; any problem is one InputError naming ``where``."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(where, f'not a Daz Depth split preset (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise InputError(where, f"preset version {document.get('version')!r} is not supported")
    entries = document.get("splits")
    if not isinstance(entries, list) or not entries:
        raise InputError(where, '"splits" must be a non-empty list')
    splits = []
    for i, entry in enumerate(entries):
        splits.append(_split(entry, i, where))
    try:
        return SplitSet(
            tuple(splits),
            compress=_typed(document.get("compress", False), bool, "compress", where),
            curve=_typed(document.get("curve", "linear"), str, "curve", where),
            region_labels=_region_labels(document.get("region_labels", {}), where),
            id_regions=_id_regions(document.get("id_regions", {}), where),
        )
    except SplitError as error:
        raise InputError(where, str(error).removeprefix("Error - ")) from None


def _split(entry: Any, i: int, where: str) -> Split:
    if not isinstance(entry, dict):
        raise InputError(where, f"split {i} must be an object")
    start = _number(entry.get("start"), f"split {i} start", where)
    end = _number(entry.get("end"), f"split {i} end", where)
    levels = entry.get("levels", 0)
    if not isinstance(levels, int) or isinstance(levels, bool):
        raise InputError(where, f"split {i} levels must be a whole number")
    flags = entry.get("flags", {})
    if not isinstance(flags, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int) for k, v in flags.items()
    ):
        raise InputError(where, f"split {i} flags must map names to text")
    checked = []
    for key, value in flags.items():
        try:
            value = str(value) if key.lower() == "offset" else check_flag(key, str(value))
        except SplitError as error:
            raise InputError(where, f"split {i}: {str(error).removeprefix('Error - ')}") from None
        checked.append((key.lower(), value))
    return Split(start, end, levels, tuple(checked))


def _region_number(value: Any, name: str, where: str) -> int:
    try:
        number = int(value) if isinstance(value, str | int) and not isinstance(value, bool) else -1
    except ValueError:
        number = -1
    if number < 0:
        raise InputError(where, f"{name}: region {value!r} must be a whole number from 0")
    return number


def _region_labels(entries: Any, where: str) -> tuple[tuple[int, str], ...]:
    """``{"3": "hand"}``: a label per region number."""
    if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
        raise InputError(where, '"region_labels" must map region numbers to text')
    labels = {_region_number(k, "region_labels", where): v for k, v in entries.items()}
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
    return float(value)


def _typed(value: Any, kind: type, name: str, where: str):
    if not isinstance(value, kind):
        raise InputError(where, f'"{name}" must be {kind.__name__}')
    return value


def loads(text: str, where: str = "<preset>") -> SplitSet:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise InputError(where, f"not valid JSON ({error})") from None
    return from_document(document, where)


def load_preset(path: str | Path) -> SplitSet:
    """A JSON preset, or the setup embedded in a depth PNG written by Daz Depth."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a preset") from None
    except OSError as error:
        raise InputError(path, f"cannot read ({error.strerror})") from None
    if head.startswith(b"\x89PNG"):
        try:
            text = read_text_chunks(path).get(SETUP_KEY)
        except (OSError, ValueError, SyntaxError) as error:
            raise InputError(path, f"unreadable PNG ({error})") from None
        if text is None:
            raise InputError(path, "this PNG carries no Daz Depth split setup")
        return loads(text, str(path))
    try:
        return loads(path.read_text(encoding="utf-8"), str(path))
    except UnicodeDecodeError:
        raise InputError(path, "not a JSON preset or a Daz Depth PNG") from None
