"""The one ordered list of regions behind the mask, the preview, the template and payloads.

The artist's region numbers are names and ordering keys; they are never rewritten here.
The plan lists the regions that hold pixels, in the order of their numbers: that is the
Regional Prompter's order. The i-th region is painted in palette colour i (0..n-1, so
none is dropped and no gap shifts a prompt) and takes the i-th region BREAK section,
labelled with its region's label (facts.md section 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .errors import DazDepthError
from .palette import RGB, hex_colour, region_colours
from .splits import SplitSet

MAX_REGIONS = 256  # the palette's distinct 8-bit colours
BASE_PLACEHOLDER = "(base prompt)"


class RegionPlanError(DazDepthError, ValueError):
    """More regions hold pixels than the palette has colours."""


@dataclass(frozen=True)
class RegionEntry:
    number: int  # the artist's region number
    index: int  # place in the Regional Prompter's order = palette index of its colour
    colour: RGB
    label: str  # the words its BREAK section is prefilled with ("" when it has none)
    pixels: int  # full-size pixels painted in its colour

    @property
    def words(self) -> str:
        return self.label or f"(region {self.number})"


@dataclass(frozen=True)
class RegionPlan:
    entries: tuple[RegionEntry, ...]
    empty: tuple[tuple[int, str], ...] = ()  # (number, label) set by the artist, no pixel

    def __len__(self) -> int:
        return len(self.entries)

    def entry(self, number: int) -> RegionEntry | None:
        return next((e for e in self.entries if e.number == number), None)

    def palette_table(self, numbers: np.ndarray) -> np.ndarray:
        """Palette index per pixel of a region-number map (-1 where no region or an
        unplanned number: such pixels are painted no colour)."""
        top = max([int(numbers.max()) if numbers.size else 0, *(e.number for e in self.entries)])
        table = np.full(top + 2, -1, dtype=np.int16)  # last entry: numbers below 0
        for e in self.entries:
            table[e.number] = e.index
        return table[np.where(numbers >= 0, numbers, top + 1)]

    def image(self, grey: np.ndarray, numbers: np.ndarray) -> np.ndarray:
        """The mask: (H, W, 3) uint8, each pixel its region's colour, grey where it has
        none (``grey``: (H, W) uint8 depth; ``numbers``: (H, W) region numbers)."""
        index = self.palette_table(numbers)
        # one table for both: entries 0..255 the greys, 256 + i the i-th region's colour
        table = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
        colours = np.array([e.colour for e in self.entries], dtype=np.uint8).reshape(-1, 3)
        table = np.concatenate([table, colours])
        code = np.where(index >= 0, index.astype(np.int32) + 256, grey)
        return table[code]

    def sections(self, base: str = "", use_base: bool = True) -> list[str]:
        """The prompt's sections: the base (when used), then one per region in order.
        Without "use base", the base words open every region's section."""
        if use_base:
            return [base or BASE_PLACEHOLDER, *(e.words for e in self.entries)]
        return [f"{base}, {e.words}" if base else e.words for e in self.entries]

    def template(self, base: str = "", use_base: bool = True) -> str:
        """The prompt with one BREAK section per region; ``base`` alone when none."""
        if not self.entries:
            return base
        return "\nBREAK\n".join(self.sections(base, use_base))

    def rows(self, use_base: bool = True) -> list[dict]:
        """Region -> colour -> BREAK section -> label, for the tab and the API."""
        first = 1 if use_base else 0
        return [
            {
                "region": e.number,
                "colour": hex_colour(e.colour),
                "section": e.index + first,
                "label": e.label,
                "words": e.words,
                "pixels": e.pixels,
            }
            for e in self.entries
        ]


def region_labels(splits: SplitSet) -> dict[int, str]:
    """Each region's label: the one the artist gave the region, else its splits' labels
    (comma-joined, in split order)."""
    labels: dict[int, list[str]] = {}
    for split in splits.splits:
        if split.region >= 0 and split.label:
            labels.setdefault(split.region, []).append(split.label)
    joined = {number: ", ".join(words) for number, words in labels.items()}
    return {**joined, **dict(splits.region_labels)}


def referenced(splits: SplitSet) -> set[int]:
    """The region numbers the artist set on splits, region labels and the ID table."""
    numbers = {s.region for s in splits.splits if s.region >= 0}
    return numbers | {n for n, _ in splits.region_labels} | {n for _, n in splits.id_regions}


def build_plan(counts: Mapping[int, int], splits: SplitSet) -> RegionPlan:
    """The plan from full-size pixel counts per region number (numbers below 0 ignored).

    Raises RegionPlanError when more than MAX_REGIONS regions hold pixels."""
    holding = sorted(n for n, c in counts.items() if n >= 0 and c > 0)
    if len(holding) > MAX_REGIONS:
        raise RegionPlanError(
            f"{len(holding)} regions hold pixels; the Regional Prompter's palette has"
            f" {MAX_REGIONS} colours"
        )
    labels = region_labels(splits)
    colours = region_colours(len(holding))
    entries = tuple(
        RegionEntry(n, i, colours[i], labels.get(n, ""), int(counts[n]))
        for i, n in enumerate(holding)
    )
    empty = tuple((n, labels.get(n, "")) for n in sorted(referenced(splits) - set(holding)))
    return RegionPlan(entries, empty)
