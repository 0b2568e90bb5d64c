"""The tab's region views, from the same full-size plan as the saved mask.

- the plan: which regions hold pixels at full size (fast across split edits, see
  ``RegionCounter``), so the preview's colours are the saved mask's colours even where
  the preview-size sample misses a small region;
- the regions layer: the preview-size region numbers painted in the plan's colours;
- the reading layer: the full-size mask and template read as the Regional Prompter reads
  them (mask_reading.py), each BREAK section's pixels tinted, with its words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.depthmap import DepthMap
from ..engine.ids import IdObjects
from ..engine.mapping import MappingError, MappingPlan, map_depth
from ..engine.mask_reading import Reading, read_mask
from ..engine.palette import hex_colour, region_colours
from ..engine.region_checks import plan_warnings
from ..engine.region_plan import RegionPlan, RegionPlanError, build_plan
from ..engine.region_sources import RegionCounter, override, region_numbers
from ..engine.render import region_output
from ..engine.splits import SplitSet

TINT = 0.6  # the reading layer: section colour over the grey depth


@dataclass
class RegionInputs:
    """What a pixel's region depends on (compared by identity: arrays are replaced,
    never changed in place)."""

    depth_map: DepthMap
    splits: SplitSet
    edits: np.ndarray | None
    objects: IdObjects | None

    def same_sources(self, other: RegionInputs | None) -> bool:
        return (
            other is not None
            and other.depth_map is self.depth_map
            and other.edits is self.edits
            and other.objects is self.objects
            and other.splits.id_regions == self.splits.id_regions
        )


@dataclass
class RegionPreview:
    _sources: RegionInputs | None = None
    _over: np.ndarray | None = None
    _counter: RegionCounter | None = None
    _small_over: np.ndarray | None = None
    _reading: tuple[RegionInputs, Reading | None] | None = None

    def _update(self, inputs: RegionInputs, sample: tuple[np.ndarray, np.ndarray]) -> None:
        if inputs.same_sources(self._sources):
            return
        self._sources = inputs
        self._over = override(inputs.splits, inputs.objects, inputs.edits)
        self._counter = RegionCounter(inputs.depth_map, self._over)
        self._small_over = None if self._over is None else self._over[np.ix_(*sample)]

    def plan(self, inputs: RegionInputs, sample) -> tuple[RegionPlan | None, str | None]:
        """The full-size plan, or None and why (over 256 regions)."""
        self._update(inputs, sample)
        try:
            return build_plan(self._counter.counts(inputs.splits), inputs.splits), None
        except RegionPlanError as error:
            return None, str(error)

    def layer(self, inputs: RegionInputs, sample, split: np.ndarray, grey: np.ndarray):
        """The regions layer at preview size (``split``, ``grey``: the preview mapping)."""
        plan, _ = self.plan(inputs, sample)
        if plan is None:
            return None
        return plan.image(grey, region_numbers(split, inputs.splits, self._small_over))

    def reading(self, inputs: RegionInputs) -> Reading | None:
        """The full-size mask and its template as the Regional Prompter reads them (None
        when the splits cannot be mapped or over 256 regions hold pixels)."""
        cached = self._reading
        if cached and cached[0].same_sources(inputs) and cached[0].splits == inputs.splits:
            return cached[1]
        try:
            plan = MappingPlan.from_splits(inputs.splits)
            dm = inputs.depth_map
            mapped = map_depth(dm.depth, dm.valid, plan, want_split=True, want_grey=True)
            output = region_output(mapped, inputs.splits, inputs.edits, inputs.objects)
            reading = read_mask(output.image, output.plan.template(), use_base=True)
        except (MappingError, RegionPlanError):
            reading = None
        self._reading = (inputs, reading)
        return reading

    def reading_layer(self, inputs: RegionInputs, sample, grey: np.ndarray):
        """Each BREAK section's pixels tinted in its colour over the preview's grey depth;
        the base section's (pixels with no region) left grey."""
        reading = self.reading(inputs)
        if reading is None:
            return None
        section = reading.section[np.ix_(*sample)]
        first = reading.first_region_section
        colours = np.array(region_colours(max(1, len(reading.sections))), dtype=np.float32)
        # one table: entries 0..255 the greys, 256 * (k + 1) + g grey g tinted with colour k
        greys = np.arange(256, dtype=np.float32)[:, None]
        tinted = [(1 - TINT) * greys + TINT * colour for colour in colours]
        table = np.rint(np.concatenate([np.repeat(greys, 3, axis=1), *tinted])).astype(np.uint8)
        which = np.where(section >= first, section.astype(np.int32) - first + 1, 0)
        return table[which * 256 + grey]


def legend(reading: Reading | None) -> list[dict]:
    """The reading layer's key: each section's colour and words."""
    if reading is None:
        return []
    first = reading.first_region_section
    colours = region_colours(max(1, len(reading.sections)))
    return [
        {
            "section": i,
            "colour": hex_colour(colours[i - first]) if i >= first else None,
            "words": words,
        }
        for i, words in enumerate(reading.sections)
    ]


def region_summary(plan: RegionPlan | None, problem: str | None, depth_map: DepthMap) -> dict:
    """The view's ``regions``: the mapping rows, the template and the warnings."""
    if plan is None:
        return {"rows": [], "empty": [], "template": "", "warnings": [problem] if problem else []}
    size = (depth_map.width, depth_map.height)
    return {
        "rows": plan.rows(),
        "empty": [{"region": n, "label": label} for n, label in plan.empty],
        "template": plan.template(),
        "warnings": plan_warnings(plan, size),
    }
