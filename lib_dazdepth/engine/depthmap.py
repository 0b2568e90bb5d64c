"""A loaded depth canvas: the values, which pixels are background, and the data range."""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .background import BackgroundReport, BackgroundSettings, classify
from .conventions import (
    AUTO,
    CM,
    DESCRIPTIONS,
    NO_UNIT,
    UNITS,
    Camera,
    convention_for,
    shown_unit,
    to_centimetres,
    to_planar,
    unit_words,
)
from .edges import repair_edges
from .errors import InputError, printable
from .exr import DEFAULT_MAX_PIXELS, ExrImage, Window, guess_note, read_depth, window_note
from .mapping import outside

# Blender's Depth pass in a multilayer EXR (facts.md section 2): ``<ViewLayer>.Depth.Z``, in
# metres unless the scene's unit scale says otherwise. Nuke's lower-case ``depth.Z`` is 1/z.
BLENDER_DEPTH = re.compile(r"\.Depth\.Z\b")
METRE = 100.0  # cm: a Blender Depth pass read as cm with nothing farther is likely metres


@dataclass(frozen=True)
class DepthSource:
    """Where a depth map's numbers came from, for messages and for lining canvases up."""

    label: str  # the channel, as messages name it: "Y", "ViewLayer.Depth.Z (part 1)"
    pixel_type: str  # "half" | "float" | "uint"
    convention: str  # "depth" | "inverse" | "distance" (conventions.py)
    display: Window
    data: Window
    camera: str = ""  # for distance: "the header's camera", "a 40° horizontal field of view"
    also: tuple[str, ...] = ()  # other channels the names allow as surely: a guess was made
    others: tuple[str, ...] = ()  # every other channel the names allow
    uncovered: int = 0  # pixels of the display window without data
    unit: str = CM  # what the file's numbers were in (conventions.UNITS); now cm, or none
    metres_likely: bool = False  # a Blender Depth pass read as cm, all of it within 1 m

    def notes(self, hint: str = "with --channel") -> list[str]:
        """Warnings, one line each: a guessed channel (``hint``: how to choose another),
        a data window that is not the display window, a Blender Depth pass likely in metres."""
        found = [guess_note(self.label, self.also, hint)] if self.also else []
        if self.data != self.display:
            found.append(window_note(self.data, self.display, self.uncovered))
        if self.metres_likely:
            found.append(metres_note(self.label))
        return found

    def describe(self) -> str:
        """``depth from ViewLayer.Depth.Z (float), planar depth``."""
        how = DESCRIPTIONS[self.convention]
        if self.camera:
            how += f" made planar with {self.camera}"
        label = printable(self.label)
        return f"depth from {label} ({self.pixel_type}), {how}{unit_words(self.unit)}"


def metres_note(label: str) -> str:
    """A Blender Depth pass read in cm (as every depth is unless told) whose depths all lie
    within a metre: Blender writes metres, and an artist who has not chosen a unit sees
    2.5 "cm" for a figure 2.5 m away."""
    return (
        f"{printable(label)} is Blender's Depth pass, all of it within 1 m if read as cm:"
        " likely metres, so choose the depth unit m"
    )


@dataclass(frozen=True)
class DepthMap:
    path: str
    depth: np.ndarray  # (H, W) float32
    valid: np.ndarray  # (H, W) bool: False on background
    background: BackgroundReport
    channel: str = "Y"
    min: float = np.nan  # nearest valid depth, as the Python float of the stored float32
    max: float = np.nan  # farthest valid depth
    source: DepthSource | None = None  # None for an array not read from an EXR

    @property
    def shape(self) -> tuple[int, int]:
        return self.depth.shape  # type: ignore[return-value]

    @property
    def width(self) -> int:
        return self.depth.shape[1]

    @property
    def height(self) -> int:
        return self.depth.shape[0]

    def outside(self, bounds: tuple[float, ...]) -> tuple[int, int]:
        """Valid pixels nearer than the first boundary and at or past the last; the known
        range answers without a pass over the image when none can be."""
        if self.min >= bounds[0] and self.max < bounds[-1]:
            return 0, 0
        return outside(self.depth, self.valid, bounds)

    @property
    def unit(self) -> str:
        """The unit of ``depth`` as readouts name it: ``cm``, or ``""`` for depth read
        without a unit (conventions.shown_unit)."""
        return shown_unit(self.source.unit) if self.source is not None else CM

    @property
    def range(self) -> tuple[float, float]:
        return self.min, self.max

    @property
    def stem(self) -> str:
        """The name outputs are built from: the file name without its extension."""
        return Path(self.path).stem

    def valid_values(self) -> np.ndarray:
        return self.depth[self.valid]

    def with_cutoff(self, cutoff: float) -> DepthMap:
        """Every depth beyond ``cutoff`` becomes ``cutoff`` (the reference's --depth_cutoff)."""
        clipped = np.minimum(
            self.depth, np.float32(cutoff), where=self.valid, out=self.depth.copy()
        )
        return dataclasses.replace(
            self,
            depth=clipped,
            min=min(self.min, float(np.float32(cutoff))),
            max=min(self.max, float(np.float32(cutoff))),
        )


def from_array(
    depth: np.ndarray,
    path: str = "<array>",
    settings: BackgroundSettings | None = None,
    channel: str = "Y",
    source: DepthSource | None = None,
    no_data: int = 0,
) -> DepthMap:
    """``no_data``: how many of the NaN pixels lie outside the file's data window."""
    depth = np.ascontiguousarray(depth, dtype=np.float32)
    if depth.ndim != 2 or depth.size == 0:
        raise InputError(path, "depth must be a non-empty 2-D image")
    found = classify(depth, settings)
    valid, report = found.valid, found.report
    if no_data:
        report = dataclasses.replace(
            report, non_finite=report.non_finite - no_data, no_data=no_data
        )
    if settings is not None and settings.repair_edges and report.total:
        depth, valid, count = repair_edges(depth, valid)
        report = dataclasses.replace(report, repaired=count)
    if found.nearest > found.farthest:
        problem = f"every pixel is background ({report.describe()}); nothing to map"
        raise InputError(path, problem)
    return DepthMap(path, depth, valid, report, channel, found.nearest, found.farthest, source)


class NoCamera(InputError):
    """A distance canvas whose header has no camera, read without a field of view."""


def camera_for(image: ExrImage, fov: float | None) -> tuple[Camera, str]:
    """The camera for turning distance into depth: the header's, else the given field of
    view; NoCamera (an InputError) when there is neither."""
    if image.to_ndc is not None:
        return Camera(to_ndc=image.to_ndc), "the header's camera"
    if fov is None:
        raise NoCamera(
            image.path,
            "holds distance from the camera, not planar depth: give the camera's horizontal"
            " field of view (--fov DEGREES), the file has no usable camera matrices",
        )
    if not 0 < fov < 180:
        raise InputError(image.path, f"field of view {fov:g}° is not between 0 and 180")
    camera = Camera(fov=float(fov), pixel_aspect=image.pixel_aspect)
    return camera, camera.describe()


def load_depth_map(
    path: str | Path,
    *,
    channel: str | None = None,
    part: int | str | None = None,
    settings: BackgroundSettings | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    convention: str = AUTO,
    fov: float | None = None,
    unit: str = CM,
) -> DepthMap:
    """Read a depth canvas (``exr.read_depth``) as planar depth in cm: ``convention`` says
    what its numbers are (``conventions.py``; ``auto`` goes by the name: ``*-Distance.exr``
    is distance), ``fov`` the horizontal field of view in degrees when a distance canvas's
    header has no camera, ``unit`` what they are measured in (``conventions.UNITS``: cm,
    mm, m, in, ft, or none: kept as stored, and 0 is a depth, not no hit, unless the
    canvas holds inverse depth). Raises InputError.

    No hit is decided in the file's own unit: ``settings.threshold`` is compared with the
    planar depth before it is made cm (as the threshold times the unit's length in cm,
    with the cm values), so a renderer's no-hit value is caught whatever the unit:
    Blender's and Nuke's 1e10 is 1e9 cm when the file is in mm, and is above the default
    threshold (1e9) as stored. Everything else read from the map (range, splits, cut-off)
    is in cm."""
    if unit not in UNITS:
        raise InputError(path, f"depth unit {unit!r}: one of {', '.join(UNITS)}")
    image = read_depth(path, channel=channel, part=part, max_pixels=max_pixels)
    try:
        kind = convention_for(path, convention)
    except ValueError as error:
        raise InputError(path, str(error)) from None
    camera, how = camera_for(image, fov) if kind == "distance" else (None, "")
    to_planar(image.values, kind, camera, image.display)
    to_centimetres(image.values, unit)
    settings = settings or BackgroundSettings()
    if UNITS[unit] != 1.0:  # the threshold is in the file's unit, as its no-hit value is
        threshold = min(settings.threshold * UNITS[unit], sys.float_info.max)
        settings = dataclasses.replace(settings, threshold=threshold)
    if unit == NO_UNIT and kind != "inverse":  # 0 in a 0..1 map is the nearest depth
        settings = dataclasses.replace(settings, zero_is_depth=True)
    source = DepthSource(
        image.label or image.channel,
        image.pixel_type,
        kind,
        image.display,
        image.data,
        how,
        image.also,
        image.others,
        image.uncovered(),
        unit,
    )
    found = from_array(image.values, str(path), settings, image.channel, source, image.uncovered())
    if unit == CM and BLENDER_DEPTH.search(source.label) and found.max < METRE:
        source = dataclasses.replace(source, metres_likely=True)
        found = dataclasses.replace(found, source=source)
    return found
