"""The interactive shell never crashes and loses nothing: bad input, quoting, undo, presets."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from lib_dazdepth.cli.shell import DepthShell, Session, typed_tolerance
from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.splits import SplitSet


def make_shell(folder: Path, stdin: str = "") -> tuple[DepthShell, io.StringIO]:
    depth = np.linspace(100, 200, 64, dtype=np.float32).reshape(8, 8)
    depth[0, 0] = np.inf
    depth_map = from_array(depth, str(folder / "scene-Canvas2-Depth.exr"))
    session = Session(depth_map, SplitSet.default(depth_map.min, depth_map.max))
    out = io.StringIO()
    return DepthShell(session, stdin=io.StringIO(stdin), stdout=out), out


def run(shell: DepthShell, out: io.StringIO, line: str) -> list[str]:
    out.seek(0)
    out.truncate()
    shell.onecmd(line)
    return out.getvalue().splitlines()


@pytest.mark.parametrize(
    ("line", "reply"),
    [
        ("allocate x 5", "Error - ALLOCATE {index} {levels}"),
        ("allocate 0", "Error - ALLOCATE {index} {levels}"),
        ("allocate 9 5", "Error - index 9 out of range (1 registered splits)"),
        ("add nan", "Error - ADD {depth}"),
        ("add", "Error - ADD {depth}"),
        ("move 1", "Error - MOVE {from} {to}"),
        ("move 100 1e999", "Error - MOVE {from} {to}"),
        ("remove 0", "Error - you cannot remove a split from a manager with only one split."),
        ("remove x", "Error - REMOVE {index}"),
        ("inspect 3", "Error - index 3 out of range (1 registered splits)"),
        ("getpixel 9 9", "Error - pixel 9:9 is outside the 8x8 image"),
        ("getpixel a", "Error - GETPIXEL {x} {y}"),
        ("flag", "Error - FLAG {index} {flag} {value} or FLAG {index} {flag} or FLAG {index}"),
        ('flag 0 label "unclosed', "Error - unbalanced quotes"),
        (
            "flag 0 test blurple",
            "Error - test colour 'blurple' is not a CSS colour name or #rrggbb",
        ),
        ("load nowhere.json", "nowhere.json: cannot read (No such file or directory)"),
        ("frobnicate", "*** Unknown syntax: frobnicate (type help for the commands)"),
    ],
)
def test_bad_input_gets_one_clear_line_and_the_session_survives(tmp_path, line, reply) -> None:
    shell, out = make_shell(tmp_path)
    before = shell.session.splits
    assert run(shell, out, line) == [reply]
    assert shell.session.splits == before


def test_an_empty_line_does_nothing(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    shell.onecmd("add 150")
    assert run(shell, out, "") == []
    assert len(shell.session.splits) == 2


def test_end_of_input_leaves_cleanly(tmp_path) -> None:
    shell, out = make_shell(tmp_path, stdin="add 150\n")
    shell.run()
    assert out.getvalue().splitlines()[-3:] == ["> add 150", "Success", "> "]


def test_values_with_spaces_quoted_or_trailing(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    assert run(shell, out, 'rename 0 "Person A"') == ["000: LABEL = Person A"]
    assert run(shell, out, "flag 0 note face and hands") == ["000: note = face and hands"]
    assert run(shell, out, "flag 0") == ["** 000: label: Person A, note: face and hands"]
    assert run(shell, out, "flag 0 missing") == ["000: missing is not set"]


def test_move_takes_a_boundary_as_displayed(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    shell.onecmd("add 132")
    assert run(shell, out, "move 132 120") == ["Success"]
    shell.session.splits = shell.session.splits.move(120, 120.00000001)
    assert run(shell, out, "move 120.0 125") == ["Success"]
    assert shell.session.splits.bounds[1] == 125.0
    assert typed_tolerance("93.47") == pytest.approx(0.005)
    assert typed_tolerance("132") == 0.5


def test_undo_steps_back_through_changes(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    original = shell.session.splits
    shell.onecmd("add 150")
    shell.onecmd("allocate 1 10")
    assert run(shell, out, "undo") == ["Undone: allocate 1 10"]
    assert run(shell, out, "undo") == ["Undone: add 150"]
    assert shell.session.splits == original
    assert run(shell, out, "undo") == ["Nothing to undo."]


def test_inspect_reports_an_empty_split_instead_of_crashing(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    shell.onecmd("add 102")  # pixels are 1.587 apart: none lies in [102.0, 102.5)
    shell.onecmd("add 102.5")
    lines = run(shell, out, "inspect 1")
    assert lines[:4] == ["Split 001:", " - start: 102.0", " - end: 102.5", " - levels: 0"]
    assert lines[-2:] == [" - point_count: 0", "Histogram: (no pixels in this split)"]


def test_inspect_lists_flags_counts_and_a_split_histogram(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    lines = run(shell, out, "inspect 0")
    assert lines[:7] == [
        "Split 000:",
        " - start: 101.5873031616211",
        " - end: 200.01",
        " - levels: 256",
        " - flag: label: Default",
        " - point_count: 63",
        " - point_max: 200.0",
    ]
    assert lines[7:9] == [" - point_min: 101.5873031616211", "Histogram:"]
    assert len(lines) == 29 and lines[9].startswith(" - ** - 00 - ")


def test_getpixel_marks_background(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    assert run(shell, out, "getpixel 0 0") == ["Value at 0:0 (offset 0): inf (background)"]
    assert run(shell, out, "getpixel 1 0") == ["Value at 1:0 (offset 1): 101.5873031616211"]


def test_totals_and_a_failed_write_write_nothing(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    shell.onecmd("add 150")
    shell.onecmd("allocate 1 100")
    assert run(shell, out, "totals") == [
        "356 levels allocated.",
        "Exceeds maximum allocable levels, 256.",
    ]
    assert run(shell, out, "write") == [
        "mapping status was: Failure to map: 356 levels allocated.",
        "as the mapping process was unsuccessful, no files will be written",
        "(did you allocate too many levels?)",
    ]
    assert list(tmp_path.iterdir()) == []


def test_save_and_load_a_preset_restores_the_splits(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shell, out = make_shell(tmp_path)
    shell.onecmd("add 150")
    shell.onecmd("allocate 0 200")
    shell.onecmd("allocate 1 56")
    saved = shell.session.splits
    assert run(shell, out, "save my preset.json") == ["Saved splits to my preset.json"]
    shell.onecmd("remove 1")
    assert run(shell, out, 'load "my preset.json"') == ["Loaded 2 splits from my preset.json"]
    assert shell.session.splits == saved


def test_write_and_test_produce_pngs_and_a_png_reloads_the_setup(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    shell.onecmd("add 150")
    shell.onecmd("allocate 0 200")
    shell.onecmd("allocate 1 56")
    shell.onecmd("flag 1 test lime")
    assert run(shell, out, "test") == ["mapping status was: Success"]
    assert run(shell, out, "write") == ["mapping status was: Success"]
    test = np.asarray(Image.open(tmp_path / "scene-Canvas2-Depth.test.png"))
    assert (test[7, 7] == (0, 255, 0)).all() and test[0, 1].tolist() == [255, 255, 255]
    expected = shell.session.splits
    shell.onecmd("remove 1")
    shell.onecmd(f"load {tmp_path / 'scene-Canvas2-Depth.depth.png'}")
    assert shell.session.splits == expected


EDITING = [
    "regions",
    "auto",
    "show_splits",
    "histogram",
    "inspect",
    "getpixel",
    "totals",
    "add",
    "split",
    "move",
    "remove",
    "merge",
    "allocate",
    "flag",
    "clearflag",
    "rename",
    "region",
    "compression",
    "curve",
    "undo",
]
FILES = ["test", "write", "save", "load", "quit", "exit"]


def test_help_lists_every_reference_command(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    text = "\n".join(run(shell, out, "help"))
    for command in EDITING + FILES:
        assert command in text


line_text = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz0123456789 .-e\"'#")), max_size=20
)
commands = st.sampled_from([*EDITING, "?", "help"])


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(commands, line_text), max_size=25))
def test_no_input_crashes_the_shell(tmp_path, lines) -> None:
    shell, out = make_shell(tmp_path)
    for command, args in lines:
        assert shell.onecmd(f"{command} {args}") is False
    text = out.getvalue()
    assert "Traceback" not in text and "Error - ValueError" not in text
    bounds = shell.session.splits.bounds
    assert all(a < b for a, b in itertools.pairwise(bounds))


def test_auto_replaces_the_splits_shows_them_and_can_be_undone(tmp_path) -> None:
    from lib_dazdepth.engine.autosplit import auto_splits

    shell, out = make_shell(tmp_path)
    original = shell.session.splits
    lines = run(shell, out, "auto")
    expected = auto_splits(shell.session.depth_map.valid_values())
    assert shell.session.splits == expected
    assert lines[0].startswith("** 000: ") and lines[-1].endswith("maximum allocable levels, 256.")
    assert run(shell, out, "auto 3") == ["Error - AUTO takes no arguments"]
    assert run(shell, out, "undo") == ["Undone: auto"]
    assert shell.session.splits == original


def test_regions_gives_each_split_with_pixels_a_region(tmp_path) -> None:
    shell, out = make_shell(tmp_path)
    shell.onecmd("add 150")
    shell.onecmd("add 150.1")  # pixels are 1.587 apart: this split is empty
    lines = run(shell, out, "regions")
    assert [s.region for s in shell.session.splits.splits] == [0, -1, 1]
    assert "region: 0" in lines[0] and "region" not in lines[1]


def test_add_outside_the_range_keeps_the_references_success_and_warns(tmp_path) -> None:
    """63 depths from 101.59 to 200 (the 100 is no hit): ``add 50`` cuts at 101.597, making
    a split 0.01 wide that keeps the 256 levels."""
    shell, out = make_shell(tmp_path)
    assert run(shell, out, "add 50") == [
        "Success",
        "** warning: 50 is outside the depth range 101.59–200.0, so the cut is at 101.597:"
        " split 0 holds 1 pixels, split 1 62",
    ]
    assert run(shell, out, "add 150") == ["Success"]
    assert run(shell, out, "add 150.5") == [
        "Success",
        "** warning: split 2 holds no pixels; the range is 101.59–200.0",
    ]
