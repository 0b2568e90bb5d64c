"""Argument types and options shared by the command lines (convert, batch, send)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..engine.conventions import AUTO, CM, CONVENTIONS, UNITS

# A canvas set's reading is made only by batch and send: a plain conversion loads no canvases.
if TYPE_CHECKING:
    from ..engine.canvases import Reading


def positive_whole(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be above 0")
    return value


def add_reading_arguments(parser: argparse.ArgumentParser) -> None:
    """``--depth-is``, ``--depth-unit`` and ``--fov``: what the depth canvas's numbers mean
    (engine/conventions.py), the same on every command that reads canvases."""
    add = parser.add_argument
    add(
        "--depth-is",
        choices=(AUTO, *CONVENTIONS),
        default=AUTO,
        help="what the depth canvas holds: planar depth, inverse depth 1/z (0 = no hit) or"
        " distance from the camera (auto: distance for *-Distance.exr, else depth)",
    )
    add(
        "--depth-unit",
        choices=tuple(UNITS),
        default=CM,
        help="what the depth canvas's numbers are in: cm (Daz), mm, m (Blender, Nuke), in,"
        " ft, made cm on reading, so DEPTH values and presets are in cm; none: numbers"
        " without a unit (a 0..1 map), kept as stored",
    )
    add(
        "--fov",
        type=positive,
        metavar="DEGREES",
        help="horizontal field of view, to make distance planar when the EXR has no camera",
    )


def add_background_argument(parser: argparse.ArgumentParser) -> None:
    """``--background-threshold``: the depth above which a pixel is no hit (background.py)."""
    parser.add_argument(
        "--background-threshold",
        type=positive,
        default=1e9,
        metavar="DEPTH",
        help="depths above this are no hit, in the canvas's own unit (--depth-unit): a"
        " renderer's no-hit value (default 1e9; Blender's and Nuke's 1e10 in any unit)",
    )


def reading_of(args: argparse.Namespace) -> Reading:
    """The depth reading ``add_reading_arguments``' options give (every layer by name)."""
    from ..engine.canvases import Reading

    return Reading(convention=args.depth_is, fov=args.fov, unit=args.depth_unit)
