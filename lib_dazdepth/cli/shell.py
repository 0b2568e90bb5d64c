"""The interactive shell: format_depthmap.py's commands and messages, without its crashes.

Additions: ``save``/``load`` presets, ``undo``, ``curve``; quoted values; ``move`` takes a
boundary as displayed; an empty line does nothing; end of input leaves cleanly. When the
input is not a terminal each command is echoed after the prompt, so a piped session
reads like the transcripts in the seed workflow.
"""

from __future__ import annotations

import cmd
import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..editing.edits import named_sidecars
from ..engine.autosplit import auto_splits
from ..engine.depthmap import DepthMap
from ..engine.errors import DazDepthError
from ..engine.histogram import depth_histogram, reference_lines
from ..engine.mapping import MappingError
from ..engine.maps import MapOptions, depth_outputs, sixteen_bit_note, test_outputs
from ..engine.outputs import Output, json_bytes, write_outputs
from ..engine.presets import load_preset, to_document
from ..engine.regions import split_pixel_counts, splits_as_regions
from ..engine.splits import CURVES, MAX_LEVELS, SplitError, SplitSet


class UsageError(ValueError):
    """Wrong arguments; the message is the command's usage line."""


@dataclass
class Session:
    depth_map: DepthMap
    splits: SplitSet
    options: MapOptions = field(default_factory=MapOptions)
    out_dir: Path | None = None
    protected: set[Path] = field(default_factory=set)
    history: list[tuple[str, SplitSet]] = field(default_factory=list)


def words(args: str, usage: str, counts: tuple[int, ...], rest: bool = False) -> list[str]:
    try:
        parts = shlex.split(args)
    except ValueError:
        raise UsageError("Error - unbalanced quotes") from None
    if rest and len(parts) > max(counts):
        parts = [*parts[: max(counts) - 1], " ".join(parts[max(counts) - 1 :])]
    if len(parts) not in counts:
        raise UsageError(usage)
    return parts


def file_name(args: str, usage: str, optional: bool = False) -> str:
    """A file name typed after a command (quoted or trailing words); the usage line when
    it is missing or cannot name a file (a folder, NUL)."""
    parts = words(args, usage, (0, 1) if optional else (1,), rest=True)
    name = parts[0] if parts else ""
    if not name:
        return name
    base = os.path.basename(name)
    if "\0" in name or base in ("", ".", "..") or os.path.splitext(base)[0] == "":
        raise UsageError(f"{usage}: {name!r} is not a file name")
    return name


def whole(text: str, usage: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(usage) from None


def number(text: str, usage: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(usage) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise UsageError(usage)
    return value


def typed_tolerance(text: str) -> float:
    """Half a unit of the last digit typed: ``132`` matches 132.0, ``93.47`` 93.46874..."""
    digits = text.strip().lower().split("e")[0].partition(".")[2]
    return 0.5 * 10 ** -len(digits) if digits else 0.5


def cut_warning(depth_map: DepthMap, before: SplitSet, after: SplitSet, depth: float) -> str:
    """The reference's ``add`` trap: a depth outside the range is moved inside, making a
    split 0.01 wide, and the levels stay with it. Say so, and when a split holds nothing."""
    low, high = depth_map.min, depth_map.max
    cut = next(b for b in after.bounds if b not in before.bounds)
    index = after.bounds.index(cut) - 1
    counts = split_pixel_counts(depth_map.valid_values(), after.bounds)[index : index + 2]
    span = f"{round(low, 2)}–{round(high, 2)}"
    if not low <= depth <= high:
        return (
            f"** warning: {depth:g} is outside the depth range {span}, so the cut is at"
            f" {cut:g}: split {index} holds {counts[0]} pixels, split {index + 1} {counts[1]}"
        )
    empty = [index + k for k in (0, 1) if not counts[k]]
    return f"** warning: split {empty[0]} holds no pixels; the range is {span}" if empty else ""


class DepthShell(cmd.Cmd):
    intro = "Welcome to the interactive shell. Type help or ? to list commands."
    prompt = "> "

    def __init__(self, session: Session, stdin: TextIO | None = None, stdout: TextIO | None = None):
        super().__init__(stdin=stdin, stdout=stdout)
        self.session = session
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    # --- plumbing ------------------------------------------------------------------
    def say(self, *lines: str) -> None:
        for line in lines:
            self.stdout.write(f"{line}\n")

    @property
    def splits(self) -> SplitSet:
        return self.session.splits

    def change(self, splits: SplitSet, what: str) -> None:
        self.session.history.append((what, self.session.splits))
        self.session.splits = splits

    def run(self) -> None:
        """Read commands until ``quit`` or the end of input."""
        interactive = self.stdin.isatty() and self.stdout.isatty()
        self.say(self.intro)
        while True:
            try:
                if interactive:
                    line = input(self.prompt)
                else:
                    self.stdout.write(self.prompt)
                    self.stdout.flush()
                    line = self.stdin.readline()
                    if not line:
                        raise EOFError
                    line = line.rstrip("\r\n")
                    self.stdout.write(line + "\n")
            except EOFError:
                self.say("")
                return
            except KeyboardInterrupt:
                self.say("", "(interrupted; type quit to leave)")
                continue
            if self.onecmd(line):
                return

    def onecmd(self, line: str) -> bool:
        try:
            return bool(super().onecmd(line))
        except (UsageError, SplitError, MappingError, DazDepthError) as error:
            self.say(str(error))
        except Exception:  # the session must survive anything: show how the command goes
            self.say(self.usage_of(line))
        return False

    def usage_of(self, line: str) -> str:
        """The usage line of ``line``'s command, from its help text ("... WRITE [{name}]")."""
        name = self.parseline(line)[0] or ""
        doc = getattr(getattr(self, f"do_{name}", None), "__doc__", None) or ""
        usage = doc.rpartition(". ")[2].strip() if ". " in doc else ""
        return f"Error - {usage}" if usage else f"Error - {name or line}: cannot do that"

    def emptyline(self) -> bool:
        return False

    def default(self, line: str) -> None:
        self.say(f"*** Unknown syntax: {line} (type help for the commands)")

    # --- looking -------------------------------------------------------------------
    def do_show_splits(self, args: str) -> None:
        "Show the current splits. SHOW_SPLITS"
        for i, split in enumerate(self.splits.splits):
            line = f"** {i:03}: {split.start} to {split.end} - {split.levels} levels assigned"
            flags = ", ".join(f"{k}: {v}" for k, v in split.flags)
            self.say(f"{line} ({flags or 'No Flags'})")

    def do_histogram(self, args: str) -> None:
        "Show the histogram of the loaded depthmap. HISTOGRAM"
        dm = self.session.depth_map
        hist = depth_histogram(dm.valid_values(), background=dm.background.total)
        self.say(*reference_lines(hist))

    def do_inspect(self, args: str) -> None:
        "Get information on a particular split. INSPECT {index}"
        usage = "Error - INSPECT {index}"
        index = whole(words(args, usage, (1,))[0], usage)
        split = self.splits.check_index(index)
        values = self.session.depth_map.valid_values()
        inside = values[(values >= split.start) & (values < split.end)]
        self.say(f"Split {index:03}:", f" - start: {split.start}", f" - end: {split.end}")
        self.say(f" - levels: {split.levels}", *(f" - flag: {k}: {v}" for k, v in split.flags))
        self.say(f" - point_count: {inside.size}")
        if inside.size == 0:
            self.say("Histogram: (no pixels in this split)")
            return
        self.say(f" - point_max: {float(inside.max())}", f" - point_min: {float(inside.min())}")
        self.say("Histogram:", *(f" - {line}" for line in reference_lines(depth_histogram(inside))))

    def do_getpixel(self, args: str) -> None:
        "Get the depth of a particular x y pixel in the depthmap. GETPIXEL {x} {y}"
        usage = "Error - GETPIXEL {x} {y}"
        x, y = (whole(w, usage) for w in words(args, usage, (2,)))
        dm = self.session.depth_map
        if not (0 <= x < dm.width and 0 <= y < dm.height):
            raise UsageError(f"Error - pixel {x}:{y} is outside the {dm.width}x{dm.height} image")
        note = "" if dm.valid[y, x] else " (background)"
        offset = y * dm.width + x
        self.say(f"Value at {x}:{y} (offset {offset}): {float(dm.depth[y, x])}{note}")

    def do_totals(self, args: str) -> None:
        "Show the total number of grey levels that have been allocated. TOTALS"
        fits = self.splits.total_levels <= MAX_LEVELS
        verdict = "Does not exceed" if fits else "Exceeds"
        self.say(self.splits.totals_message(), f"{verdict} maximum allocable levels, {MAX_LEVELS}.")

    # --- editing -------------------------------------------------------------------
    def do_auto(self, args: str) -> None:
        "Find the depth clusters and split and allocate automatically. AUTO"
        words(args, "Error - AUTO takes no arguments", (0,))
        dm = self.session.depth_map
        s = self.splits
        self.change(auto_splits(dm.valid_values(), compress=s.compress, curve=s.curve), "auto")
        self.do_show_splits("")
        self.do_totals("")

    def do_add(self, args: str) -> None:
        "Add a split at a specified depth. ADD {depth}"
        usage = "Error - ADD {depth}"
        depth = number(words(args, usage, (1,))[0], usage)
        before = self.splits
        self.change(self.splits.add(depth), f"add {args}")
        self.say("Success")  # the reference's word, even for the trap below
        warning = cut_warning(self.session.depth_map, before, self.splits, depth)
        if warning:
            self.say(warning)

    def do_split(self, args: str) -> None:
        "Synonym for ADD."
        self.do_add(args)

    def do_move(self, args: str) -> None:
        "Move a boundary between splits, as displayed or typed shorter. MOVE {from} {to}"
        usage = "Error - MOVE {from} {to}"
        first, second = words(args, usage, (2,))
        depth_from, depth_to = number(first, usage), number(second, usage)
        moved = self.splits.move(depth_from, depth_to, typed_tolerance(first))
        self.change(moved, f"move {args}")
        self.say("Success")

    def do_remove(self, args: str) -> None:
        "Remove a split; its neighbour takes its range. REMOVE {index}"
        usage = "Error - REMOVE {index}"
        splits, message = self.splits.remove(whole(words(args, usage, (1,))[0], usage))
        self.change(splits, f"remove {args}")
        self.say(message)

    def do_merge(self, args: str) -> None:
        "Synonym for REMOVE."
        self.do_remove(args)

    def do_allocate(self, args: str) -> None:
        "Allocate grey levels to a split. ALLOCATE {index} {levels}"
        usage = "Error - ALLOCATE {index} {levels}"
        index, levels = (whole(w, usage) for w in words(args, usage, (2,)))
        self.change(self.splits.allocate(index, levels), f"allocate {args}")
        self.say(self.splits.totals_message())
        if self.splits.total_levels > MAX_LEVELS:
            self.say(f"Warning - over {MAX_LEVELS}: test and write will fail until you reduce it.")

    def do_flag(self, args: str) -> None:
        "Set or show a split's flags. FLAG {index} [{flag} [{value}]]"
        usage = "Error - FLAG {index} {flag} {value} or FLAG {index} {flag} or FLAG {index}"
        parts = words(args, usage, (1, 2, 3), rest=True)
        index = whole(parts[0], usage)
        split = self.splits.check_index(index)
        if len(parts) == 1:
            flags = ", ".join(f"{k}: {v}" for k, v in split.flags)
            self.say(f"** {index:03}: {flags or 'no flags'}")
            return
        if len(parts) == 3:
            self.change(self.splits.set_flag(index, parts[1], parts[2]), f"flag {args}")
        value = self.splits.splits[index].flag(parts[1])
        self.say(
            f"{index:03}: {parts[1]} = {value}"
            if value is not None
            else f"{index:03}: {parts[1]} is not set"
        )

    def do_clearflag(self, args: str) -> None:
        "Remove a flag from a split. CLEARFLAG {index} {flag}"
        usage = "Error - CLEARFLAG {index} {flag}"
        first, key = words(args, usage, (2,))
        self.change(self.splits.clear_flag(whole(first, usage), key), f"clearflag {args}")
        self.say("Success")

    def do_rename(self, args: str) -> None:
        "Name a split (its label). RENAME {index} {name}"
        first, name = words(args, "Error - RENAME {index} {name}", (2,), rest=True)
        self.do_flag(shlex.join([first, "LABEL", name]))

    def do_region(self, args: str) -> None:
        "Give a split a Regional Prompter region; -1 for none. REGION {index} {region #}"
        first, region = words(args, "Error - REGION {index} {region #}", (2,))
        self.do_flag(shlex.join([first, "REGION", region]))

    def do_regions(self, args: str) -> None:
        "Give every split holding pixels its own region, near to far. REGIONS"
        words(args, "Error - REGIONS takes no arguments", (0,))
        values = self.session.depth_map.valid_values()
        pixels = split_pixel_counts(values, self.splits.bounds)
        self.change(splits_as_regions(self.splits, pixels), "regions")
        self.do_show_splits("")

    def do_compression(self, args: str) -> None:
        "Toggle depthmap compression (levels spread by rank) on or off. COMPRESSION"
        self.change(self.splits.with_compress(not self.splits.compress), "compression")
        self.say(f"Map compression toggled, now: {self.splits.compress}.")

    def do_compress(self, args: str) -> None:
        "Synonym for COMPRESSION"
        self.do_compression(args)

    def do_curve(self, args: str) -> None:
        "Set the curve: all splits, or one. CURVE {linear|inverse} or CURVE {index} {curve}"
        usage = f"Error - CURVE {{linear|inverse}} or CURVE {{index}} {{{'|'.join(CURVES)}}}"
        parts = words(args, usage, (1, 2))
        if len(parts) == 2:
            self.do_flag(shlex.join([parts[0], "curve", parts[1]]))
            return
        if parts[0].lower() not in ("linear", "inverse"):
            raise UsageError(usage)
        self.change(self.splits.with_curve(parts[0].lower()), f"curve {args}")
        self.say(f"Curve now: {self.splits.curve}.")

    def do_undo(self, args: str) -> None:
        "Undo the last change to the splits. UNDO"
        if not self.session.history:
            self.say("Nothing to undo.")
            return
        what, previous = self.session.history.pop()
        self.session.splits = previous
        self.say(f"Undone: {what}")

    # --- files ---------------------------------------------------------------------
    def _stem(self, args: str, usage: str) -> tuple[Path, Path | None]:
        name = file_name(args, usage, optional=True)
        if name:
            return Path(os.path.splitext(name)[0]), None
        return Path(self.session.depth_map.path).with_suffix(""), self.session.out_dir

    def _write(self, outputs_for) -> None:
        status = self.splits.mapping_status()
        self.say(f"mapping status was: {status}")
        if status != "Success":
            self.say(
                "as the mapping process was unsuccessful, no files will be written",
                "(did you allocate too many levels?)",
            )
            return
        recorded = self.splits.record_offsets()
        outputs = outputs_for(recorded)
        written = write_outputs(outputs, self.session.protected)
        self.session.splits = recorded
        self.say(*(w.note() for w in written if w.renamed))
        deep = [w for o, w in zip(outputs, written) if o.image is not None and o.image.itemsize > 1]
        self.say(*(sixteen_bit_note(w.path.name) for w in deep))

    def do_test(self, args: str) -> None:
        "Write a test map: splits painted their TEST colour. TEST [{filename}]"
        stem, out_dir = self._stem(args, "Error - TEST [{filename}]")
        self._write(lambda s: test_outputs(self.session.depth_map, s, stem, out_dir))

    def do_write(self, args: str) -> None:
        "Write the depth map (and regions/mask if asked for). WRITE [{filename}]"
        stem, out_dir = self._stem(args, "Error - WRITE [{filename}]")
        opts = self.session.options
        self._write(lambda s: depth_outputs(self.session.depth_map, s, opts, stem, out_dir))

    def do_save(self, args: str) -> None:
        "Save the split setup as a JSON preset. SAVE {file.json}"
        name = file_name(args, "Error - SAVE {file.json}")
        if not name.lower().endswith(".json"):
            raise UsageError("Error - SAVE {file.json}: a preset is saved under a .json name")
        document = to_document(self.splits, {"file": Path(self.session.depth_map.path).name})
        written = write_outputs(
            [Output(Path(name), data=json_bytes(document))], self.session.protected
        )
        self.say(*(w.note() for w in written if w.renamed), f"Saved splits to {written[0].path}")

    def do_load(self, args: str) -> None:
        "Load a split setup from a JSON preset or a depth PNG we wrote. LOAD {file}"
        name = file_name(args, "Error - LOAD {file}")
        splits = load_preset(name)
        named_sidecars(Path(name))  # the same checks as everywhere, though edits stay unused
        self.change(splits, f"load {name}")
        self.say(f"Loaded {len(splits)} splits from {name}")

    def do_quit(self, args: str) -> bool:
        "Leave this file WITHOUT WRITING. QUIT"
        return True

    def do_exit(self, args: str) -> bool:
        "Synonym for QUIT"
        return True

    def do_EOF(self, args: str) -> bool:
        return True
