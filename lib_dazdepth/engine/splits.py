"""The split model: contiguous depth ranges, each with its share of the 256 grey levels.

Semantics follow format_depthmap.py (facts.md section 1) where it is sane: a split holds
``start <= depth < end``, splits are sorted and contiguous, the first split starts as
``[min, max + 0.01)`` with 256 levels and the label ``Default``. Flags are an ordered
mapping, shown in insertion order, and ``offset`` is recorded each time a map is made,
as the reference does. Every operation returns a new ``SplitSet``; errors raise
``SplitError`` with the reference's message.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

MAX_LEVELS = 256
MAX_SPLITS = 1024  # far more than 256 levels can use; bounds a preset's cost
MAX_REGION = 255  # the Regional Prompter palette has 256 distinct colours (palette.py)
MAX_FLAG_TEXT = 256  # characters in a flag's value (a label, a colour, a note)
MAX_FLAGS = 32  # flags on one split
EPSILON = 0.01
CURVES = ("linear", "inverse", "rank")
# Flags with a meaning; any other flag is kept as free text, as in the reference.
TYPED_FLAGS = ("label", "test", "region", "curve", "offset")


class SplitError(ValueError):
    """An operation the split model refuses; the message is shown to the user as is."""


@dataclass(frozen=True)
class Split:
    start: float
    end: float
    levels: int = 0
    flags: tuple[tuple[str, str], ...] = ()

    def flag(self, key: str, default: str | None = None) -> str | None:
        key = key.lower()
        for name, value in self.flags:
            if name == key:
                return value
        return default

    def with_flag(self, key: str, value: str) -> Split:
        key = key.lower()
        flags = dict(self.flags)
        flags[key] = value
        return dataclasses.replace(self, flags=tuple(flags.items()))

    def without_flag(self, key: str) -> Split:
        key = key.lower()
        return dataclasses.replace(self, flags=tuple(kv for kv in self.flags if kv[0] != key))

    @property
    def label(self) -> str:
        return self.flag("label") or ""

    @property
    def test_colour(self) -> str | None:
        return self.flag("test")

    @property
    def region(self) -> int:
        value = self.flag("region")
        return -1 if value is None else int(value)

    @property
    def curve(self) -> str | None:
        return self.flag("curve")

    def contains(self, depth: float) -> bool:
        return self.start <= depth < self.end


def check_flag(key: str, value: str) -> str:
    """Validate a flag value; return it normalised. Raises SplitError."""
    key = key.lower()
    if not key or len(key) > 64 or not key.isprintable():
        raise SplitError("Error - a flag name is 1 to 64 printable characters")
    if len(value) > MAX_FLAG_TEXT or "\0" in value:
        raise SplitError(f"Error - {key} is longer than {MAX_FLAG_TEXT} characters")
    if key == "offset":
        raise SplitError("Error - offset is computed when a map is made; it cannot be set")
    if key == "test":
        from .palette import parse_colour  # a plain run needs no colours: imported when used

        try:
            parse_colour(value)
        except ValueError:
            raise SplitError(
                f"Error - test colour {value!r} is not a CSS colour name or #rrggbb"
            ) from None
        return value
    if key == "region":
        text = value.strip()
        region = int(text) if re.fullmatch(r"-?[0-9]{1,4}", text) else -2
        if not -1 <= region <= MAX_REGION:
            shown = value if len(value) <= 20 else value[:17] + "..."
            raise SplitError(
                f"Error - region {shown!r} must be a whole number from 0 to {MAX_REGION},"
                " -1 for none"
            )
        return str(region)
    if key == "curve":
        if value.lower() not in CURVES:
            raise SplitError(f"Error - curve {value!r} must be one of {', '.join(CURVES)}")
        return value.lower()
    return value


@dataclass(frozen=True)
class SplitSet:
    splits: tuple[Split, ...]
    compress: bool = False
    curve: str = "linear"
    # Region names: a label per region number (region_plan.py), and the region of each
    # object of an ID canvas by its key (ids.py), sorted; both kept in presets.
    region_labels: tuple[tuple[int, str], ...] = ()
    id_regions: tuple[tuple[str, int], ...] = ()
    # The region labels of the other source (IDs when the splits give the regions, or the
    # splits): each source's numbers name other pixels (editing/region_edits.py).
    other_labels: tuple[tuple[int, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.splits:
            raise SplitError("Error - a split setup needs at least one split")
        if len(self.splits) > MAX_SPLITS:
            raise SplitError(f"Error - more than {MAX_SPLITS} splits")
        for i, split in enumerate(self.splits):
            if not (math.isfinite(split.start) and math.isfinite(split.end)):
                raise SplitError(f"Error - split {i} has a non-finite boundary")
            if not split.start < split.end:
                raise SplitError(f"Error - split {i} is empty ({split.start} to {split.end})")
            if not 0 <= split.levels <= MAX_LEVELS:
                raise SplitError(f"Error - split {i} has {split.levels} levels (0 to 256)")
            if i and split.start != self.splits[i - 1].end:
                raise SplitError(f"Error - split {i} does not start where split {i - 1} ends")
        if self.curve not in ("linear", "inverse"):
            raise SplitError(f"Error - global curve {self.curve!r} must be linear or inverse")
        numbers = [n for n, _ in self.region_labels] + [n for _, n in self.id_regions]
        if any(not isinstance(n, int) or n < 0 for n in numbers):
            raise SplitError("Error - region numbers are whole numbers from 0")

    @classmethod
    def default(cls, depth_min: float, depth_max: float) -> SplitSet:
        first = Split(float(depth_min), float(depth_max) + EPSILON, MAX_LEVELS)
        return cls((first.with_flag("label", "Default"),))

    @classmethod
    def from_bounds(cls, bounds: Iterable[float], levels: Iterable[int]) -> SplitSet:
        edges = [float(b) for b in bounds]
        shares = list(levels)
        if len(edges) != len(shares) + 1:
            raise SplitError("Error - need one more boundary than splits")
        return cls(tuple(Split(a, b, n) for a, b, n in zip(edges, edges[1:], shares)))

    # --- queries -------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.splits)

    @property
    def bounds(self) -> tuple[float, ...]:
        return (*(s.start for s in self.splits), self.splits[-1].end)

    @property
    def total_levels(self) -> int:
        return sum(s.levels for s in self.splits)

    @property
    def offsets(self) -> tuple[int, ...]:
        result, running = [], 0
        for split in self.splits:
            result.append(running)
            running += split.levels
        return tuple(result)

    def effective_curve(self, index: int) -> str:
        own = self.splits[index].curve
        if own:
            return own
        return "rank" if self.compress else self.curve

    def index_for(self, depth: float) -> int | None:
        for i, split in enumerate(self.splits):
            if split.contains(depth):
                return i
        return None

    def check_index(self, index: int) -> Split:
        if not 0 <= index < len(self.splits):
            raise SplitError(
                f"Error - index {index} out of range ({len(self.splits)} registered splits)"
            )
        return self.splits[index]

    def totals_message(self) -> str:
        return f"{self.total_levels} levels allocated."

    def mapping_status(self) -> str:
        if self.total_levels > MAX_LEVELS:
            return f"Failure to map: {self.totals_message()}"
        return "Success"

    # --- operations ----------------------------------------------------------------
    def _with_splits(self, splits: Iterable[Split]) -> SplitSet:
        return dataclasses.replace(self, splits=tuple(splits))

    def add(self, depth: float) -> SplitSet:
        """Cut the split holding ``depth`` in two; the upper part is a new split, 0 levels."""
        depth = float(depth)
        if not math.isfinite(depth):
            raise SplitError(f"Error - {depth} is not a depth")
        first, last = self.splits[0].start, self.splits[-1].end
        # The reference nudges a cut outside the data back inside it.
        if depth < first:
            depth = first + EPSILON
        if depth > last - EPSILON:
            depth = last - 2 * EPSILON
        index = self.index_for(depth)
        if index is None:
            raise SplitError("Error - this point is outside the range of this depth map.")
        owner = self.splits[index]
        if depth == owner.start:
            raise SplitError(f"Error - there is already a boundary at {depth}.")
        head = dataclasses.replace(owner, end=depth)
        tail = Split(depth, owner.end)
        return self._with_splits((*self.splits[:index], head, tail, *self.splits[index + 1 :]))

    def find_boundary(self, depth: float, tolerance: float = 0.0) -> int:
        """Index into ``bounds`` of the boundary the user means; SplitError if none or many."""
        bounds = self.bounds
        exact = [i for i, b in enumerate(bounds) if b == depth]
        if exact:
            return exact[0]
        near = [i for i, b in enumerate(bounds) if abs(b - depth) <= tolerance]
        if len(near) == 1:
            return near[0]
        raise SplitError(
            f"Error - could not identify {float(depth)} as uniquely pointing to the start or end"
            " of any split."
        )

    def move(self, depth_from: float, depth_to: float, tolerance: float = 0.0) -> SplitSet:
        depth_to = float(depth_to)
        if not math.isfinite(depth_to):
            raise SplitError(f"Error - {depth_to} is not a depth")
        boundary = self.find_boundary(depth_from, tolerance)
        if boundary == 0:
            raise SplitError(
                "Error - will not move the start of the first split as this would cause the"
                " SplitManager to not cover the entire depthmap. Add a split at your"
                " proposed position instead."
            )
        if boundary == len(self.splits):
            raise SplitError(
                "Error - will not move the end of the last split as this would cause the"
                " SplitManager to not cover the entire depthmap. Add a split at your"
                " proposed position instead."
            )
        i = boundary
        before, after = self.splits[i - 1], self.splits[i]
        if depth_to <= before.start:
            raise SplitError(
                f"Error - will not move the start of split {i} past the beginning of split"
                f" {i - 1} - are you trying to delete a split?"
            )
        if depth_to >= after.end:
            raise SplitError(
                f"Error - will not move the start of split {i} past its own ending - are you"
                " trying to delete a split?"
            )
        splits = list(self.splits)
        splits[i - 1] = dataclasses.replace(before, end=depth_to)
        splits[i] = dataclasses.replace(after, start=depth_to)
        return self._with_splits(splits)

    def move_boundary(self, boundary: int, depth_to: float) -> SplitSet:
        """Move inner boundary number ``boundary`` (1..len-1), as a drag handle does."""
        if not 0 < boundary < len(self.splits):
            raise SplitError(f"Error - boundary {boundary} cannot be moved")
        return self.move(self.bounds[boundary], depth_to)

    def remove(self, index: int) -> tuple[SplitSet, str]:
        if len(self.splits) == 1:
            raise SplitError(
                "Error - you cannot remove a split from a manager with only one split."
            )
        if not 0 <= index < len(self.splits):
            raise SplitError(f"Error - index of {index} is out of range.")
        splits = list(self.splits)
        if index == 0:
            splits[1] = dataclasses.replace(splits[1], start=splits[0].start)
            del splits[0]
            message = "Success - Removed split 0 and expanded split 1 backwards."
        else:
            splits[index - 1] = dataclasses.replace(splits[index - 1], end=splits[index].end)
            del splits[index]
            message = f"Success - Removed split {index} and expanded split {index - 1} forwards."
        return self._with_splits(splits), message

    def allocate(self, index: int, levels: int) -> SplitSet:
        split = self.check_index(index)
        levels = int(levels)
        if not 0 <= levels <= MAX_LEVELS:
            raise SplitError(f"Error - levels must be a whole number from 0 to {MAX_LEVELS}")
        return self._replace_split(index, dataclasses.replace(split, levels=levels))

    def set_flag(self, index: int, key: str, value: str) -> SplitSet:
        split = self.check_index(index)
        return self._replace_split(index, split.with_flag(key, check_flag(key, value)))

    def clear_flag(self, index: int, key: str) -> SplitSet:
        split = self.check_index(index)
        return self._replace_split(index, split.without_flag(key))

    def with_compress(self, compress: bool) -> SplitSet:
        return dataclasses.replace(self, compress=compress)

    def with_curve(self, curve: str) -> SplitSet:
        return dataclasses.replace(self, curve=curve)

    def with_region_label(self, number: int, label: str) -> SplitSet:
        """Region ``number``'s label (its BREAK section's words); empty text clears it."""
        if number < 0:
            raise SplitError(f"Error - region {number} must be a whole number from 0")
        labels = dict(self.region_labels)
        labels.pop(number, None)
        if label.strip():
            labels[number] = label.strip()
        return dataclasses.replace(self, region_labels=tuple(sorted(labels.items())))

    def with_id_regions(self, table: dict[str, int]) -> SplitSet:
        """The region of each ID canvas object, by key (empty: regions not from IDs)."""
        return dataclasses.replace(self, id_regions=tuple(sorted(table.items())))

    def record_offsets(self) -> SplitSet:
        """Store each split's offset as its ``offset`` flag, as the reference does per map."""
        return self._with_splits(
            s.with_flag("offset", str(o)) for s, o in zip(self.splits, self.offsets)
        )

    def _replace_split(self, index: int, split: Split) -> SplitSet:
        splits = list(self.splits)
        splits[index] = split
        return self._with_splits(splits)


def spread(splits: SplitSet, how: str, pixels: list[float]) -> SplitSet:
    """Give the unallocated levels to the splits: equally, or by pixel share."""
    remaining = MAX_LEVELS - splits.total_levels
    if remaining <= 0:
        raise SplitError("Error - no levels left to spread")
    count = len(splits)
    if how == "equal":
        weights = [1.0] * count
    elif how == "share":
        weights = [float(p) for p in pixels]
        if sum(weights) <= 0:
            weights = [1.0] * count
    else:
        raise ValueError(f"spread {how!r}: use equal or share")
    exact = [remaining * w / sum(weights) for w in weights]
    extra = [math.floor(e) for e in exact]
    by_remainder = sorted(range(count), key=lambda i: exact[i] - extra[i], reverse=True)
    for i in by_remainder[: remaining - sum(extra)]:
        extra[i] += 1
    for i, more in enumerate(extra):
        if more:
            splits = splits.allocate(i, splits.splits[i].levels + more)
    return splits


def cut_sharing(splits: SplitSet, depth: float, sorted_depths: np.ndarray) -> SplitSet:
    """Cut the split holding ``depth`` (as ``SplitSet.add``) and share its levels between the
    two parts by their pixel counts, so the map stays the same shape instead of the new part
    going black with 0 levels. The tab's cut; the shell keeps the reference's 0 levels.

    ``sorted_depths``: the valid depths (cm), ascending, float (N,) (a sample will do).
    Each part with pixels keeps at least one level while the parent has two or more.
    """
    cut = splits.add(depth)
    head = next(i for i, (a, b) in enumerate(zip(splits.splits, cut.splits)) if a != b)
    parent, low, high = splits.splits[head], cut.splits[head], cut.splits[head + 1]
    below, middle, above = np.searchsorted(sorted_depths, (low.start, low.end, high.end))
    if head + 2 == len(cut):  # the last split holds its end
        above = np.searchsorted(sorted_depths, high.end, side="right")
    counts = (int(middle - below), int(above - middle))
    if parent.levels == 0 or sum(counts) == 0:
        return cut
    upper = round(parent.levels * counts[1] / sum(counts))
    if parent.levels >= 2 and all(counts):
        upper = min(max(upper, 1), parent.levels - 1)
    return cut.allocate(head, parent.levels - upper).allocate(head + 1, upper)
