"""The conversion's command line, ``daz-depth [options] FILE.exr [FILE.exr ...]``:
format_depthmap.py's flags (``--depth_cutoff``, ``--interactive``, ...) and ours, parsed
into the namespace cli.main's Converter runs from."""

from __future__ import annotations

import argparse

from .. import __version__
from ..engine.exr import DEFAULT_MAX_PIXELS
from ..engine.normals import CONVENTIONS
from .arguments import add_background_argument, add_reading_arguments, positive_whole

COMMANDS = ("ui", "batch", "send", "sample", "bench")


def cutoff_value(text: str) -> str | float:
    if text == "histo":
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is neither 'histo' nor a depth") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite depth")
    return value


def convert_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="daz-depth",
        description="Quantise Daz Studio / Iray depth canvases (EXR) into 8-bit ControlNet"
        " depth maps, and Normal canvases into normal maps. Other commands: "
        + ", ".join(COMMANDS)
        + " (see COMMAND --help).",
    )
    add = parser.add_argument
    add("exrfile", nargs="+", help="Depth canvases (and Normal canvases: NAME-Normal.exr)")
    add(
        "--depth_cutoff",
        "--depth-cutoff",
        type=cutoff_value,
        metavar="histo|DEPTH",
        help="'histo' prints the depth histogram; a depth clamps everything beyond it",
    )
    add("--interactive", action="store_true", help="edit splits in a shell before writing")
    add("--regions", "--region", action="store_true", help="also write NAME.regions.png")
    add(
        "--regions-from",
        action="append",
        metavar="FILE",
        help="with --regions: an ID canvas (Object Id, Material Id, ...; EXR or PNG) gives"
        " each object its own region, near to far (after the preset's ID table); repeat"
        " for one Alpha canvas per object",
    )
    add(
        "--compress_map",
        "--compress-map",
        action="store_true",
        help="spread levels by the rank of each distinct depth",
    )
    add("--mask", action="store_true", help="also write NAME.mask.png (0 on the farthest level)")
    add(
        "--split-regions",
        action="store_true",
        help="give every split holding at least 0.1%% of the pixels its own region, near to far"
        " (the shell's regions)",
    )
    add("--noise", action="store_true", help="fill black pixels with random grey")
    add("--seed", type=int, help="random seed for --noise")
    add(
        "--curve",
        choices=("linear", "inverse"),
        default="linear",
        help="linear in depth, or inverse depth as MiDaS (more levels near)",
    )
    add("--preset", metavar="FILE", help="split setup: a JSON preset or a depth PNG we wrote")
    add(
        "--auto",
        action="store_true",
        help="find the scene's depth clusters and split and allocate levels automatically",
    )
    add("--bits", type=int, choices=(8, 16), default=8, help="depth PNG bit depth")
    add("--out", metavar="DIR", help="write outputs here instead of beside each input")
    add(
        "--channel",
        help="EXR channel holding depth (default: the one named for depth: Y, Z, depth, *.Depth.Z)",
    )
    add(
        "--normal-channel",
        metavar="LAYER",
        help="EXR layer holding normals, or three channels A,B,C (default: one named for normals,"
        " else R,G,B)",
    )
    add("--part", help="EXR part (index or name) holding depth")
    add_reading_arguments(parser)
    add_background_argument(parser)
    add(
        "--edge-tolerance",
        type=float,
        default=0.1,
        metavar="FRACTION",
        help="edge pixels this far beyond the scene are filtered no-hit mixes (default 0.1)",
    )
    add(
        "--repair-edges",
        action="store_true",
        help="give silhouette pixels mostly covered by an object that object's depth",
    )
    add(
        "--max-pixels", type=positive_whole, default=DEFAULT_MAX_PIXELS, help="refuse larger images"
    )
    add("--normal-convention", choices=CONVENTIONS, default="normalbae")
    for axis in "xyz":
        add(f"--flip-{axis}", action="store_true", help=f"negate the normal's {axis}")
    add("-v", "--verbose", action="store_true", help="say which files were written")
    add("--version", action="version", version=f"Daz Depth {__version__}")
    return parser


def part_value(text: str | None) -> int | str | None:
    return int(text) if text is not None and text.isdigit() else text
