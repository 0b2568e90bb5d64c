"""``daz-depth`` (``python -m lib_dazdepth``): the conversion (its options: convert_options.py)
and the commands.

daz-depth [options] FILE.exr [FILE.exr ...]   convert canvases (reference flags)
daz-depth sample DIR                          write the sample canvas set
daz-depth bench                               time the engine
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..engine.background import BackgroundSettings
from ..engine.depthmap import DepthMap, load_depth_map
from ..engine.errors import DazDepthError
from ..engine.exr import list_channels, quietly
from ..engine.mapping import MappingError
from ..engine.maps import MapOptions, map_outputs, sixteen_bit_note
from ..engine.normals import NormalSettings, encode_normals
from ..engine.outputs import Output, output_path, write_outputs
from ..engine.presets import load_preset
from ..engine.splits import SplitSet
from .convert_options import convert_parser, part_value

# ID canvases and region checks are imported when a run uses them: a plain run starts faster.
if TYPE_CHECKING:
    from ..engine.ids import IdObjects
    from ..engine.render import RegionOutput

NORMAL_NAME = re.compile(r"-normal$", re.IGNORECASE)
BEAUTY_NAME = re.compile(r"-beauty$", re.IGNORECASE)


class Converter:
    def __init__(self, args: argparse.Namespace, out=None, err=None, stdin=None):
        # The streams of the moment, not of import time (a caller may have redirected them).
        self.out, self.err = out or sys.stdout, err or sys.stderr
        self.args, self.stdin = args, stdin
        self.protected = {Path(p) for p in args.exrfile}
        self.claimed: set[Path] = set()  # written in this run: never written twice
        self.options = MapOptions(args.bits, args.regions, args.mask, args.noise, args.seed)
        tolerance = None if args.edge_tolerance < 0 else args.edge_tolerance
        self.background = BackgroundSettings(
            args.background_threshold, tolerance, args.repair_edges
        )
        self.preset = load_preset(args.preset) if args.preset else None
        if args.preset:
            from ..editing.edits import named_sidecars

            named_sidecars(Path(args.preset))  # a bad edits name is refused before any work
        self.ids = [Path(p) for p in args.regions_from or []]

    def say(self, *lines: str) -> None:
        for line in lines:
            self.out.write(f"{line}\n")

    def run(self) -> int:
        status = 0
        for name in self.args.exrfile:
            try:
                status = max(status, self.convert(Path(name)))
            except DazDepthError as error:
                self.err.write(f"error: {error}\n")
                status = 2
            except MappingError as error:  # e.g. --curve inverse on depths at or below 0
                self.err.write(f"error: {name}: {error}\n")
                status = 2
        return status

    def convert(self, path: Path) -> int:
        stem = path.with_suffix("")
        if BEAUTY_NAME.search(stem.name):
            self.say(f"** skipping {path.name}: a Beauty canvas has nothing to map")
            return 0
        if NORMAL_NAME.search(stem.name):
            return self.convert_normal(path, stem)
        depth_map = quietly(
            load_depth_map,
            path,
            channel=self.args.channel,
            part=part_value(self.args.part),
            settings=self.background,
            max_pixels=self.args.max_pixels,
            convention=self.args.depth_is,
            fov=self.args.fov,
            unit=self.args.depth_unit,
        )
        source = depth_map.source
        if source is not None:
            if self.args.verbose:
                self.say(f"** {path.name}: {source.describe()}")
            self.say(*(f"** warning: {path.name}: {note}" for note in source.notes()))
        if depth_map.background.total:
            share = depth_map.background.total / depth_map.depth.size * 100
            self.say(
                f"** {depth_map.background.total} background pixels ({share:.2f}%):"
                f" {depth_map.background.describe()}; drawn black"
            )
        if self.args.interactive:
            return self.interactive(depth_map)
        cutoff = self.args.depth_cutoff
        if cutoff == "histo":
            self.say("** providing cutting histogram advice, but leaving depthmap unchanged")
            self.histogram(depth_map)
        elif cutoff is not None:
            depth_map = depth_map.with_cutoff(cutoff)
        splits = self.starting_splits(depth_map)
        status = splits.mapping_status()
        self.say(f"mapping status was: {status}")
        if status != "Success":
            self.say(
                "as the mapping process was unsuccessful, no files will be written",
                "(did you allocate too many levels?)",
            )
            return 2
        region_edits = None
        if self.preset is not None:
            # Only a preset has edits: their modules load only then (start-up, README Speed).
            from ..editing.edits import load_edits_for
            from ..editing.overpaint import apply_depth_edits

            edits = load_edits_for(Path(self.args.preset), depth_map.shape)
            depth_map, region_edits = apply_depth_edits(depth_map, edits.depth), edits.regions
            if edits.depth is not None:
                painted = int(np.count_nonzero(~np.isnan(edits.depth)))
                self.say(f"** depth edits from the preset: {painted} pixels overpainted")
            self.report_clipping(depth_map, splits)
        if self.args.split_regions:
            from ..engine.regions import split_pixel_counts, splits_as_regions

            pixels = split_pixel_counts(depth_map.valid_values(), splits.bounds)
            splits = splits_as_regions(splits, pixels)
        objects = None
        if splits.id_regions and not self.ids and self.options.regions:
            self.say("** the preset's regions come from an ID canvas: give it with --regions-from")
        if self.ids:
            from ..engine.ids import number_objects

            objects = self.objects(depth_map)

            table = number_objects(objects, depth_map, dict(splits.id_regions))
            splits = splits.with_id_regions(table)
        outputs, regions = map_outputs(
            depth_map,
            splits.record_offsets(),
            self.options,
            stem,
            self.args.out,
            region_edits,
            objects,
        )
        self.write(outputs)
        if regions is not None:
            self.report_regions(regions)
        if path.suffix.lower() == ".exr":
            self.layered_normal(path, stem)
        return 0

    def layered_normal(self, path: Path, stem: Path) -> None:
        """A multilayer EXR's layer named for normals (multilayer.sure_layer) gives
        NAME.normal.png beside the depth map. A canvas without layers (Daz's) loads nothing."""
        if not any("." in name for _, _, names in list_channels(path) for name in names):
            return
        from ..engine.multilayer import said, space_note, sure_layer

        found = sure_layer(path, "normal")
        if found is None:
            return
        if self.args.verbose:
            self.say(f"** {path.name}: {said('normal', found, path)}")
        self.say(f"** warning: {path.name}: {space_note(found.name)}")
        self.convert_normal(path, stem, ",".join(found.channels), found.part)

    def objects(self, depth_map: DepthMap) -> IdObjects:
        from ..engine.ids import check_size, read_ids

        objects = quietly(read_ids, self.ids, self.args.max_pixels)
        check_size(objects, depth_map)
        return objects

    def report_regions(self, regions: RegionOutput) -> None:
        """Region -> colour -> BREAK section -> label, the template and the warnings."""
        from ..engine.region_checks import region_warnings

        plan = regions.plan
        for row in plan.rows():
            self.say(
                f"** region {row['region']}: colour {row['colour']}, BREAK section"
                f" {row['section']}: {row['words']}"
            )
        template = plan.template()
        if len(plan):
            self.say(f"** Regional Prompter template: {' '.join(template.split())}")

        for line in region_warnings(plan, regions.image, template):
            self.say(f"** warning: {line}")

    def starting_splits(self, depth_map: DepthMap) -> SplitSet:
        if self.preset is not None:
            return self.preset
        if self.args.auto:
            from ..engine.autosplit import auto_splits

            return auto_splits(
                depth_map.valid_values(), compress=self.args.compress_map, curve=self.args.curve
            )
        splits = SplitSet.default(depth_map.min, depth_map.max).with_curve(self.args.curve)
        return splits.with_compress(self.args.compress_map)

    def histogram(self, depth_map: DepthMap) -> None:
        from ..engine.histogram import depth_histogram, reference_lines

        hist = depth_histogram(depth_map.valid_values(), background=depth_map.background.total)
        self.say(*reference_lines(hist))

    def report_clipping(self, depth_map: DepthMap, splits: SplitSet) -> None:
        first, last = splits.bounds[0], splits.bounds[-1]
        below, beyond = depth_map.outside(splits.bounds)
        if below or beyond:
            self.say(
                f"** {below} pixels nearer than {first} and {beyond} at or beyond {last} lie"
                " outside the splits; clamped to the nearest split"
            )

    def write(self, outputs: list[Output]) -> None:
        for output, written in zip(outputs, write_outputs(outputs, self.protected, self.claimed)):
            if written.renamed:
                self.say(written.note())
            if self.args.verbose:
                self.say(f"** wrote {written.path}")
            if output.image is not None and output.image.dtype == np.uint16:
                self.say(sixteen_bit_note(written.path.name))

    def interactive(self, depth_map: DepthMap) -> int:
        from .shell import DepthShell, Session

        splits = self.starting_splits(depth_map)
        session = Session(
            depth_map,
            splits,
            self.options,
            Path(self.args.out) if self.args.out else None,
            self.protected,
        )
        shell = DepthShell(session, stdin=self.stdin, stdout=self.out)
        cutoff = self.args.depth_cutoff
        if cutoff == "histo":
            shell.do_histogram("")
        elif cutoff is not None:
            session.splits = splits.add(cutoff)  # the reference's cutoff split, named
            shell.onecmd("rename 1 Cutoff")
            session.history.clear()
        shell.run()
        return 0

    def convert_normal(
        self, path: Path, stem: Path, layer: str | None = None, part: int | None = None
    ) -> int:
        """A Normal canvas, or (``layer``, ``part``) the normal layer of a depth EXR."""
        from ..engine.canvases import read_normal_image

        image = quietly(
            read_normal_image,
            path,
            max_pixels=self.args.max_pixels,
            layer=layer or self.args.normal_channel,
            part=part if layer else part_value(self.args.part),
        )
        if self.args.verbose and not layer:
            self.say(f"** {path.name}: normals from {image.label} ({image.pixel_type})")
        self.say(*(f"** warning: {path.name}: {note}" for note in image.notes()))
        settings = NormalSettings(
            self.args.normal_convention, self.args.flip_x, self.args.flip_y, self.args.flip_z
        )
        rgb = encode_normals(image.values, settings)
        self.write([Output(output_path(stem, "normal", self.args.out), rgb)])
        return 0


def main(
    argv: list[str] | None = None,
    stdin=None,
    front_ends: Mapping[str, Callable[[list[str]], int]] | None = None,
) -> int:
    """Run one command; ``front_ends`` adds commands from the layers above (the tab's ``ui``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "sample":
            from .sample import main as sample_main

            return sample_main(argv[1:])
        if argv and front_ends and argv[0] in front_ends:
            return front_ends[argv[0]](argv[1:])
        if argv and argv[0] == "batch":
            from .batch import main as batch_main

            return batch_main(argv[1:])
        if argv and argv[0] == "send":
            from .send import main as send_main

            return send_main(argv[1:])
        if argv and argv[0] == "bench":
            from .bench import main as bench_main

            return bench_main(argv[1:])
        parser = convert_parser()
        args = parser.parse_args(argv)
        if args.auto and args.preset:
            parser.error("--auto and --preset both choose the splits: give one of them")
        if args.regions_from and not args.regions:
            parser.error("--regions-from gives the regions of --regions: add --regions")
        return Converter(args, stdin=stdin).run()
    except DazDepthError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    except KeyboardInterrupt:
        # The command is ending: another Ctrl-C would only print a traceback from
        # wherever it lands while Python shuts down.
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.stderr.write("interrupted\n")
        return 130
