"""One user's work in the tab: the canvases, the split setup, and the commands on it.

Pure Python (no gradio): the UI layer feeds it commands (docs/ui-protocol.md) and shows
``view()``. Live edits map a preview-sized sample of the depth through a sorted index,
so a drag recomputes only the splits it changes; saving maps the full image.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np

from ..engine.autosplit import auto_splits
from ..engine.canvases import CanvasSet
from ..engine.depthmap import DepthMap
from ..engine.errors import DazDepthError
from ..engine.ids import IdObjects
from ..engine.index import DepthIndex
from ..engine.mapping import Mapped, MappingError, MappingPlan
from ..engine.normals import NormalSettings, encode_normals
from ..engine.region_plan import RegionPlan
from ..engine.regions import combine
from ..engine.render import test_image
from ..engine.splits import CURVES, SplitError, SplitSet, cut_sharing, spread
from .commands import (
    REGION_OPS,
    clamp_boundary,
    depth_value,
    overpaint,
    region_command,
    wand,
    whole,
    zoom_range,
)
from .overpaint import apply_depth_edits
from .region_edits import current_regions, grey_levels
from .region_preview import RegionInputs, RegionPreview

PREVIEW_MAX = 1024  # long side of the live preview
HISTOGRAM_BINS = 400
UNDO_LIMIT = 200
DEPTH_STATES = 2  # this depth map and the one before, with their preview indexes (undo)


class CommandError(ValueError):
    """A command that cannot be applied; the message is shown to the user."""


def sample_rows_cols(height: int, width: int, longest: int) -> tuple[np.ndarray, np.ndarray]:
    """Nearest-neighbour sample positions (never averaging: averaged depths are false)."""
    scale = min(1.0, longest / max(height, width))
    rows = np.linspace(0, height - 1, max(1, round(height * scale))).round().astype(np.intp)
    cols = np.linspace(0, width - 1, max(1, round(width * scale))).round().astype(np.intp)
    return rows, cols


class Snapshot(NamedTuple):
    """What undo restores."""

    splits: SplitSet
    region_edits: np.ndarray | None
    depth_edits: np.ndarray | None


@dataclass
class Workspace:
    depth_map: DepthMap
    canvases: CanvasSet = field(default_factory=CanvasSet)
    normal: np.ndarray | None = None  # full-size camera-space normals
    beauty: np.ndarray | None = None  # full-size uint8 RGB
    splits: SplitSet | None = None
    selected: int = 0
    show: str = "depth"
    zoom: tuple[float, float] | None = None
    region_edits: np.ndarray | None = None  # full-size int16 (regions.py), replaced, not edited
    selection: np.ndarray | None = None  # full-size bool: the magic wand's pixels
    depth_edits: np.ndarray | None = None  # full-size float32 (overpaint.py), replaced
    objects: IdObjects | None = None  # the ID canvas's objects (ids.py), full size
    undo_stack: list[Snapshot] = field(default_factory=list)
    redo_stack: list[Snapshot] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.original = self.depth_map  # as loaded; depth_map has the depth edits in
        self.depth_map = apply_depth_edits(self.original, self.depth_edits)
        dm = self.depth_map
        if self.splits is None:
            self.splits = SplitSet.default(dm.min, dm.max)
        self.sample = sample_rows_cols(dm.height, dm.width, PREVIEW_MAX)
        self._sampled: list[tuple[np.ndarray, np.ndarray]] = []
        self.regions = RegionPreview()
        self.note = ""  # what the last command did, when it says (Order regions ...)
        self._painted: tuple[np.ndarray | None, int] = (None, 0)  # edits, pixels painted
        self._index_depth()

    def _index_depth(self) -> None:
        """Sample and index the depth for the preview, forgetting what came from the old."""
        self.small_depth = self.depth_map.depth[np.ix_(*self.sample)]
        self.small_valid = self.depth_map.valid[np.ix_(*self.sample)]
        self.index = DepthIndex.build(self.small_depth, self.small_valid)
        self._forget_mapping()
        self._depth_states = [self._depth_state()]

    def _depth_state(self) -> tuple:
        return (self.depth_edits, self.depth_map, self.small_depth, self.small_valid, self.index)

    def _full_grey(self) -> np.ndarray:
        """The full-size 8-bit map the wand looks at, kept while splits and depth stay."""
        key = (self.splits, self.depth_map)
        if self._grey is None or self._grey[0] != key[0] or self._grey[1] is not key[1]:
            self._grey = (*key, grey_levels(self.depth_map, self.splits))
        return self._grey[2]

    def _forget_mapping(self) -> None:
        self._plan: MappingPlan | None = None
        self._mapped: Mapped | None = None
        self._histogram: dict[str, Any] | None = None
        self._static_layers: dict[str, np.ndarray] = {}
        self._grey: tuple | None = None
        self._last_good: dict[str, np.ndarray] = {}

    def _set_depth_edits(self, edits: np.ndarray | None) -> None:
        """Use these depth edits. The previous edited map and its preview index are kept
        (not more: each is a full-size copy), so undoing an overpaint costs no new index."""
        if edits is self.depth_edits:
            return
        kept = [state for state in self._depth_states if state[0] is not edits]
        found = next((state for state in self._depth_states if state[0] is edits), None)
        if found is None:
            depth_map = apply_depth_edits(self.original, edits)  # may raise: nothing changed
            self.depth_edits, self.depth_map = edits, depth_map
            self._index_depth()
        else:
            _, self.depth_map, self.small_depth, self.small_valid, self.index = found
            self.depth_edits = edits
            self._forget_mapping()
        self._depth_states = [self._depth_state(), *kept][:DEPTH_STATES]

    @property
    def painted_pixels(self) -> int:
        """How many pixels the depth edits paint (counted once per edit)."""
        if self.depth_edits is None:
            return 0
        if self._painted[0] is not self.depth_edits:
            self._painted = (self.depth_edits, int(np.count_nonzero(~np.isnan(self.depth_edits))))
        return self._painted[1]

    # --- mapping ---------------------------------------------------------------------
    def mapped(self) -> Mapped | None:
        """The preview mapping of the current splits; None when they cannot be mapped."""
        try:
            plan = MappingPlan.from_splits(self.splits)
        except MappingError:
            return None
        if self._mapped is None or self._plan is None:
            self._mapped = self.index.map(plan, want_split=True)
        elif plan is not self._plan:
            self._mapped = self.index.update(self._mapped, self._plan, plan)
        self._plan = plan
        return self._mapped

    def layer(self, name: str) -> np.ndarray | None:
        """The preview image of a layer: uint8 (H, W) or (H, W, 3). The wand's selection is
        not in it: the page draws that over whatever is shown. Over 256 levels it is the
        last map that fit, until they fit again."""
        image = self._layer(name)
        if image is None:
            return self._last_good.get(name)
        self._last_good[name] = image
        return image

    def _layer(self, name: str) -> np.ndarray | None:
        if name in ("normal", "beauty"):
            return self._static_layer(name)
        mapped = self.mapped()
        if mapped is None:
            return None
        if name == "test":
            return test_image(mapped, self.splits)
        if name == "regions":
            return self.regions.layer(
                self.region_inputs(), self.sample, mapped.split, mapped.grey8()
            )
        if name == "reading":
            return self.regions.reading_layer(self.region_inputs(), self.sample, mapped.grey8())
        return mapped.grey8()

    def _regions(self) -> np.ndarray:
        """The full-size region numbers (what the region wand looks at)."""
        return current_regions(self.depth_map, self.splits, self.region_edits, self.objects)

    def region_inputs(self) -> RegionInputs:
        return RegionInputs(self.depth_map, self.splits, self.region_edits, self.objects)

    def region_plan(self) -> tuple[RegionPlan | None, str | None]:
        """The full-size plan (the saved mask's), or None and why."""
        return self.regions.plan(self.region_inputs(), self.sample)

    def sampled(self, full: np.ndarray | None) -> np.ndarray | None:
        """A full-size edit array (replaced, never changed in place) at preview size; the
        last few are kept, so renders during a drag do not sample them again."""
        if full is None:
            return None
        for source, small in self._sampled:
            if source is full:
                return small
        small = full[np.ix_(*self.sample)]
        self._sampled = [(full, small), *self._sampled[:3]]
        return small

    def layers(self) -> list[str]:
        names = ["depth", "test", "regions", "reading"]
        return names + [n for n in ("normal", "beauty") if getattr(self, n) is not None]

    def _static_layer(self, name: str) -> np.ndarray | None:
        source = getattr(self, name)
        if source is None:
            return None
        if name not in self._static_layers:
            small = source[np.ix_(*self.sample)]
            if name == "normal":
                small = encode_normals(small, NormalSettings(), ~self.small_valid)
            self._static_layers[name] = small
        return self._static_layers[name]

    # --- statistics ------------------------------------------------------------------
    @property
    def valid_pixels(self) -> int:
        return self.depth_map.depth.size - self.depth_map.background.total

    def histogram(self) -> dict[str, Any]:
        """Counts over the full image in the zoom range (or the whole range)."""
        if self._histogram is None:
            dm = self.depth_map
            lo, hi = self.zoom or (dm.min, dm.max)
            values = dm.valid_values()
            counts, _ = np.histogram(values, bins=HISTOGRAM_BINS, range=(lo, max(hi, lo + 1e-6)))
            self._histogram = {
                "lo": lo,
                "hi": hi,
                "counts": counts.tolist(),
                "total": dm.depth.size,
                "zoomed": self.zoom is not None,
            }
        return self._histogram

    @property
    def histogram_step(self) -> float:
        """One bin of the histogram as shown (cm): how close a boundary comes to another."""
        lo, hi = self.zoom or (self.depth_map.min, self.depth_map.max)
        return (hi - lo) / HISTOGRAM_BINS

    def split_rows(self) -> list[dict[str, Any]]:
        stats = self.index.split_stats(self._plan) if self.mapped() is not None else None
        counts = self.index.pixels_per_split(self.splits.bounds)  # shown even over 256 levels
        sampled = max(1, self.index.count)
        rows = []
        for i, split in enumerate(self.splits.splits):
            pixels = int(counts[i])
            rows.append(
                {
                    "start": split.start,
                    "end": split.end,
                    "levels": split.levels,
                    "offset": self.splits.offsets[i],
                    "label": split.label,
                    "test": split.test_colour,
                    "region": split.region,
                    "curve": split.curve,
                    "pixels": round(pixels * self.valid_pixels / sampled),
                    "share": round(pixels / sampled * 100, 2),
                    "greys": stats[i][1] if stats else None,
                }
            )
        return rows

    # --- commands --------------------------------------------------------------------
    def apply(self, ops: list[dict[str, Any]]) -> None:
        """Apply a command's operations; all or none. Raises CommandError."""
        before = (self.splits, self.selected, self.show, self.zoom, self.region_edits)
        selection, depth_edits = self.selection, self.depth_edits
        stacks = (list(self.undo_stack), list(self.redo_stack))
        self.note = ""
        try:
            for op in ops:
                self._apply_one(op)
        except (SplitError, KeyError, TypeError, ValueError, DazDepthError) as error:
            self.splits, self.selected, self.show, self.zoom, self.region_edits = before
            self.selection = selection
            self._set_depth_edits(depth_edits)
            self.undo_stack, self.redo_stack = stacks
            raise CommandError(_message(error)) from None
        travelled = any(op.get("op") in ("undo", "redo") for op in ops)
        changed = self.splits != before[0] or self.region_edits is not before[4]
        if (changed or self.depth_edits is not depth_edits) and not travelled:
            snapshot = Snapshot(before[0], before[4], depth_edits)
            self.undo_stack = [*self.undo_stack[-UNDO_LIMIT:], snapshot]
            self.redo_stack = []
        if self.zoom != before[3]:
            self._histogram = None
        self.selected = min(max(self.selected, 0), len(self.splits) - 1)

    def _apply_one(self, op: dict[str, Any]) -> None:
        kind = op["op"]
        s = self.splits
        if kind == "move":
            i = int(op["boundary"])
            depth = clamp_boundary(s, i, depth_value(op["depth"]), self.histogram_step)
            self.splits = s.move_boundary(i, depth)
        elif kind == "add":
            self.splits = cut_sharing(s, depth_value(op["depth"]), self.index.sorted_values)
            self.selected = s.index_for(depth_value(op["depth"])) or 0
        elif kind == "remove":
            self.splits = s.remove(int(op["split"]))[0]
        elif kind == "allocate":
            self.splits = s.allocate(int(op["split"]), whole(op["levels"], "levels"))
        elif kind == "flag":
            self._flag(int(op["split"]), str(op["key"]), op.get("value"))
        elif kind == "auto":
            values = self.depth_map.valid_values()
            self.splits = auto_splits(values, compress=s.compress, curve=s.curve)
            self.selected = 0
        elif kind in REGION_OPS:
            done = region_command(
                op, self.depth_map, s, self.region_edits, self.objects, self.selection
            )
            self.splits, self.region_edits = done.splits, done.edits
            self.note = "; ".join(n for n in (self.note, done.note) if n)
            if kind == "assign_selection":
                self.selection = None  # done with: the page shows the result, not the selection
        elif kind == "select_at":
            picked = wand(self.depth_map, self._full_grey, self.normal, op, self._regions)
            self.selection = combine(self.selection, picked, str(op.get("mode", "replace")))
        elif kind == "paint_depth":
            self._set_depth_edits(
                overpaint(self.depth_map, s, self.depth_edits, self.selection, op)
            )
            self.selection = None
        elif kind == "clear_depth_edits":
            self._set_depth_edits(None)
        elif kind == "clear_selection":
            self.selection = None
        elif kind == "spread":
            self.splits = spread(s, op["how"], self._shares())
        elif kind == "select":
            s.check_index(int(op["split"]))
            self.selected = int(op["split"])
        elif kind == "show":
            if op["layer"] not in self.layers():
                raise ValueError(f"no {op['layer']} layer")
            self.show = op["layer"]
        elif kind == "zoom":
            self.zoom = zoom_range(op.get("lo"), op.get("hi"))
        elif kind == "curve":
            self.splits = s.with_curve(str(op["value"]))
        elif kind == "compress":
            self.splits = s.with_compress(bool(op["value"]))
        elif kind in ("undo", "redo"):
            self._history(kind)
        else:
            raise ValueError(f"unknown operation {kind!r}")

    def _flag(self, index: int, key: str, value: Any) -> None:
        if key not in ("label", "test", "region", "curve"):
            raise ValueError(f"{key!r} cannot be set here")
        if value is None or value == "" or (key == "curve" and value not in CURVES):
            self.splits = self.splits.clear_flag(index, key)
        else:
            self.splits = self.splits.set_flag(index, key, str(value))

    def _history(self, kind: str) -> None:
        source, target = (
            (self.undo_stack, self.redo_stack)
            if kind == "undo"
            else (self.redo_stack, self.undo_stack)
        )
        if not source:
            raise ValueError(f"nothing to {kind}")
        target.append(Snapshot(self.splits, self.region_edits, self.depth_edits))
        self.splits, self.region_edits, depth_edits = source.pop()
        self._set_depth_edits(depth_edits)

    def _shares(self) -> list[float]:
        return [float(n) for n in self.index.pixels_per_split(self.splits.bounds)]

    def take_canvases(self, other: Workspace) -> None:
        """The normal, render and ID canvas ``other`` read beside the same depth (those it
        has), keeping this scene's splits, edits and history."""
        has = {"normal": other.normal, "beauty": other.beauty, "ids": other.objects}
        roles = {role: other.canvases.get(role) for role, value in has.items() if value is not None}
        if other.objects is not None:
            roles["alphas"] = other.canvases.alphas
        self.canvases = replace(self.canvases, **roles)
        self.normal, self.beauty = (
            _first(other.normal, self.normal),
            _first(other.beauty, self.beauty),
        )
        self.objects = _first(other.objects, self.objects)
        self._forget_mapping()

    def load_splits(
        self,
        splits: SplitSet,
        region_edits: np.ndarray | None = None,
        depth_edits: np.ndarray | None = None,
    ) -> None:
        """A preset's setup and edits (replacing the current ones; undo brings them back)."""
        before = Snapshot(self.splits, self.region_edits, self.depth_edits)
        self._set_depth_edits(depth_edits)  # may raise; nothing has changed then
        self.undo_stack.append(before)
        self.region_edits = region_edits
        self.redo_stack = []
        self.splits = splits
        self.selected = 0


def _first(new: Any, old: Any) -> Any:
    return old if new is None else new


def _message(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"Error - the command lacks {error.args[0]!r}"
    text = str(error)
    return text if text.startswith("Error") else f"Error - {text}"
