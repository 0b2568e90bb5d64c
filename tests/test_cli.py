"""The command line: reference flags, outputs, and one clear error for every bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import OpenEXR
import pytest
from exrdata import write_depth, write_exr
from PIL import Image
from readings import assert_reads_as

from lib_dazdepth.cli.main import main
from lib_dazdepth.engine.normals import decode_normals
from lib_dazdepth.engine.presets import dumps, load_preset
from lib_dazdepth.engine.splits import SplitSet

ROOT = Path(__file__).resolve().parent.parent
RAMP = np.linspace(100, 200, 64, dtype=np.float32).reshape(8, 8)


def cli(*args, cwd: Path | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib_dazdepth", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def template_line(stdout: str) -> str:
    (line,) = [x for x in stdout.splitlines() if x.startswith("** Regional Prompter template: ")]
    return line.removeprefix("** Regional Prompter template: ")


def png(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def test_plain_run_maps_the_whole_range_into_256_levels(tmp_path: Path) -> None:
    exr = write_depth(tmp_path / "a-Canvas2-Depth.exr", RAMP)
    result = cli(exr)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "mapping status was: Success\n",
        "",
    )
    grey = png(tmp_path / "a-Canvas2-Depth.depth.png")
    expected = 255 - np.floor((RAMP.astype(np.float64) - 100) / 100.01 * 256).astype(int)
    np.testing.assert_array_equal(grey, expected)


def test_regions_mask_noise_bits_and_out_folder(tmp_path: Path) -> None:
    exr = write_depth(tmp_path / "a.exr", RAMP)
    preset = tmp_path / "p.json"
    splits = SplitSet.from_bounds([100, 150, 200.01], [200, 0]).set_flag(0, "region", "1")
    preset.write_text(dumps(splits))
    out = tmp_path / "out"
    result = cli(exr, "--preset", preset, "--regions", "--mask", "--bits", "16", "--out", out, "-v")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.depth.png", "a.mask.png", "a.regions.png"]
    depth16 = png(out / "a.depth.png").astype(np.uint16)
    near = RAMP < 150
    assert depth16.dtype == np.uint16 and (depth16[~near] == 0).all() and (depth16[near] > 0).all()
    regions = png(out / "a.regions.png")
    # region 1 is the only region: the first colour (a gap would shift every prompt)
    assert {tuple(c) for c in regions[near]} == {(0x80, 0x40, 0x40)}
    assert (regions[~near] == 0).all()  # no region there: grey depth, which is black
    assert "** region 1: colour #804040, BREAK section 1: (region 1)" in result.stdout
    template = template_line(result.stdout)
    assert template == "(base prompt) BREAK (region 1)"
    assert_reads_as(regions, template, np.where(near, "(region 1)", "(base prompt)"))
    mask = png(out / "a.mask.png")
    np.testing.assert_array_equal(mask, np.where(near, 255, 0))
    assert load_preset(out / "a.depth.png").bounds == splits.bounds
    assert "** wrote" in result.stdout


def test_a_depth_png_we_wrote_is_a_preset_that_maps_the_same(tmp_path: Path) -> None:
    exr = write_depth(tmp_path / "a.exr", RAMP)
    preset = tmp_path / "p.json"
    preset.write_text(dumps(SplitSet.from_bounds([100, 150, 200.01], [200, 56])))
    assert cli(exr, "--preset", preset, "--out", tmp_path / "first").returncode == 0
    first = tmp_path / "first" / "a.depth.png"
    result = cli(exr, "--preset", first, "--out", tmp_path / "again")
    assert (result.returncode, result.stderr) == (0, "")
    np.testing.assert_array_equal(png(tmp_path / "again" / "a.depth.png"), png(first))


def test_noise_fills_black_with_reproducible_random_grey(tmp_path: Path) -> None:
    exr = write_depth(tmp_path / "a.exr", RAMP)
    preset = tmp_path / "p.json"
    preset.write_text(dumps(SplitSet.from_bounds([100, 150, 200.01], [200, 0])))
    cli(exr, "--preset", preset, "--noise", "--seed", "3")
    first = png(tmp_path / "a.depth.png")
    cli(exr, "--preset", preset, "--noise", "--seed", "3")
    np.testing.assert_array_equal(first, png(tmp_path / "a.depth.png"))
    assert len(np.unique(first[RAMP >= 150])) > 10


def test_compress_map_and_inverse_curve_flags(tmp_path: Path) -> None:
    depth = np.array([[10, 200, 250, 350]], dtype=np.float32)
    exr = write_depth(tmp_path / "c.exr", depth)
    cli(exr, "--compress_map")
    assert png(tmp_path / "c.depth.png").tolist() == [[255, 170, 85, 0]]
    cli(exr, "--curve", "inverse")
    # t = (1/10 - 1/200) / (1/10 - 1/350.01): level floor(t * 256)
    assert png(tmp_path / "c.depth.png").tolist() == [[255, 5, 3, 0]]


def test_background_is_reported_and_drawn_black(tmp_path: Path) -> None:
    depth = RAMP.copy()
    depth[0, :2] = 3.4028235e38
    depth[1, 0] = np.nan
    exr = write_depth(tmp_path / "a.exr", depth)
    result = cli(exr)
    assert result.stdout.splitlines() == [
        "** 3 background pixels (4.69%): 2 beyond the threshold (no hit), 1 not finite;"
        " drawn black",
        "mapping status was: Success",
    ]
    grey = png(tmp_path / "a.depth.png")
    assert grey[0, 0] == grey[0, 1] == grey[1, 0] == 0 and grey[0, 2] == 255


def test_normal_canvas_becomes_a_normalbae_png(tmp_path: Path) -> None:
    normals = np.zeros((2, 3, 3), np.float32)
    normals[0, 0] = (0, 0, 1)
    normals[0, 1] = (1, 0, 0)
    normals[0, 2] = (-1, 0, 0)
    normals[1, 0] = (0, 1, 0)
    normals[1, 1] = (0, -0.6, 0.8)
    exr = write_exr(
        tmp_path / "s-Canvas3-Normal.exr",
        {"R": normals[..., 0], "G": normals[..., 1], "B": normals[..., 2]},
    )
    result = cli(exr)
    assert result.returncode == 0, result.stderr
    rgb = png(tmp_path / "s-Canvas3-Normal.normal.png")
    assert rgb.tolist() == [
        [[128, 128, 255], [0, 128, 128], [255, 128, 128]],
        [[128, 255, 128], [128, 51, 230], [128, 128, 255]],
    ]
    np.testing.assert_allclose(decode_normals(rgb)[0, 0], (0, 0, 1), atol=0.01)
    cli(exr, "--normal-convention", "legacy", "--flip-x")
    assert png(tmp_path / "s-Canvas3-Normal.normal.png")[0, 1].tolist() == [128, 128, 255]


def test_a_beauty_canvas_is_skipped_with_a_note(tmp_path: Path) -> None:
    exr = write_exr(tmp_path / "s-Canvas1-Beauty.exr", {"R": RAMP, "G": RAMP, "B": RAMP})
    result = cli(exr)
    assert result.stdout == "** skipping s-Canvas1-Beauty.exr: a Beauty canvas has nothing to map\n"


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def truncated(path: Path) -> Path:
    write_depth(path, RAMP)
    path.write_bytes(path.read_bytes()[:-40])
    return path


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda d: d / "missing.exr", "not found"),
        (lambda d: written(d / "empty.exr", b""), "empty"),
        (lambda d: written(d / "text.exr", b"hello"), "not an openexr file"),
        (lambda d: truncated(d / "cut.exr"), "truncated or corrupt"),
        (
            lambda d: write_exr(d / "rgb.exr", {"R": RAMP, "G": RAMP * 2, "B": RAMP}),
            "no depth channel",
        ),
        (
            lambda d: write_depth(d / "bg.exr", np.full((4, 4), np.inf, np.float32)),
            "every pixel is background",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path: Path, make, problem) -> None:
    path = make(tmp_path)
    before = set(tmp_path.iterdir())
    result = cli(path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: ")
    assert problem in lines[0].lower()
    assert set(tmp_path.iterdir()) == before


def test_too_large_an_image_is_refused_before_decoding(tmp_path: Path) -> None:
    exr = write_depth(tmp_path / "big.exr", RAMP)
    result = cli(exr, "--max-pixels", "10")
    assert result.returncode == 2 and "big.exr" in result.stderr
    assert not (tmp_path / "big.depth.png").exists()
    result = cli(exr, "--max-pixels", "0")
    assert result.returncode == 2 and "--max-pixels: '0' must be at least 1" in result.stderr


def test_unwritable_output_folder_is_one_line(tmp_path: Path) -> None:
    exr = write_depth(tmp_path / "a.exr", RAMP)
    (tmp_path / "file").write_text("")
    result = cli(exr, "--out", tmp_path / "file" / "sub")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'file' / 'sub'}: cannot create the output folder (Not a directory)"
    ]


def test_over_allocated_preset_fails_with_the_reference_message(tmp_path: Path) -> None:
    exr = write_depth(tmp_path / "a.exr", RAMP)
    preset = tmp_path / "p.json"
    preset.write_text(dumps(SplitSet.from_bounds([100, 150, 200.01], [200, 100])))
    result = cli(exr, "--preset", preset)
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "mapping status was: Failure to map: 300 levels allocated.",
        "as the mapping process was unsuccessful, no files will be written",
        "(did you allocate too many levels?)",
    ]


def test_several_files_one_bad_the_others_still_done(tmp_path: Path) -> None:
    good = write_depth(tmp_path / "good.exr", RAMP)
    bad = tmp_path / "bad.exr"
    bad.write_text("nope")
    result = cli(bad, good)
    assert result.returncode == 2 and (tmp_path / "good.depth.png").exists()
    assert result.stderr.count("\n") == 1


def test_a_users_file_in_the_way_is_kept_and_a_sibling_written(tmp_path: Path) -> None:
    exr = write_depth(tmp_path / "a.exr", RAMP)
    Image.new("L", (2, 2), 7).save(tmp_path / "a.depth.png")
    result = cli(exr)
    assert "a.depth.png exists and is not ours; wrote a.1.depth.png instead" in result.stdout
    assert png(tmp_path / "a.depth.png").tolist() == [[7, 7], [7, 7]]
    assert (tmp_path / "a.1.depth.png").exists()


def test_bad_arguments_are_refused_by_the_parser(tmp_path: Path) -> None:
    result = cli("--depth_cutoff", "soon", "x.exr")
    assert result.returncode == 2 and "neither 'histo' nor a depth" in result.stderr


def test_interactive_cutoff_adds_a_named_split_and_end_of_input_exits(tmp_path: Path) -> None:
    exr = write_depth(tmp_path / "a.exr", RAMP)
    result = cli("--interactive", "--depth_cutoff", "150", exr, stdin="show_splits\n")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "001: LABEL = Cutoff",
        "Welcome to the interactive shell. Type help or ? to list commands.",
        "> show_splits",
        "** 000: 100.0 to 150.0 - 256 levels assigned (label: Default)",
        "** 001: 150.0 to 200.01 - 0 levels assigned (label: Cutoff)",
        "> ",
    ]


def test_main_in_process_for_the_sample_command(tmp_path: Path) -> None:
    assert main(["sample", str(tmp_path / "s"), "--size", "32"]) == 0
    canvases = tmp_path / "s" / "sample_scene_canvases"
    assert sorted(p.name for p in canvases.iterdir()) == [
        "sample_scene-Canvas1-Beauty.exr",
        "sample_scene-Canvas2-Depth.exr",
        "sample_scene-Canvas3-Normal.exr",
    ]
    assert (tmp_path / "s" / "sample_scene.png").exists()
    header = OpenEXR.File(str(canvases / "sample_scene-Canvas2-Depth.exr")).header()
    assert [c.name for c in header["channels"]] == ["Y"]


def test_repair_edges_flag_gives_silhouettes_back(tmp_path: Path) -> None:
    depth = np.full((6, 6), 3.4028235e38, dtype=np.float32)
    depth[1:4, 1:4] = 200
    depth[2, 4] = np.float32(0.8 * 200 + 0.2 * 3.4028235e38)
    exr = write_depth(tmp_path / "e.exr", depth)
    result = cli(exr, "--repair-edges")
    assert result.stdout.splitlines()[0] == (
        "** 26 background pixels (72.22%): 27 beyond the threshold (no hit)"
        " (1 edge pixels repaired); drawn black"
    )
    grey = png(tmp_path / "e.depth.png")
    assert grey[2, 4] == grey[2, 3] == 255


def two_patches() -> np.ndarray:
    """A near patch (100-110 cm) and a far wall (300-310 cm) with no-hit between."""
    depth = np.full((40, 40), np.inf, dtype=np.float32)
    depth[5:15, 5:15] = np.linspace(100, 110, 100, dtype=np.float32).reshape(10, 10)
    depth[20:40, :] = np.linspace(300, 310, 800, dtype=np.float32).reshape(20, 40)
    return depth


def test_auto_splits_the_clusters_and_keeps_black_for_no_hit(tmp_path: Path) -> None:
    from lib_dazdepth.engine.autosplit import auto_splits

    depth = two_patches()
    exr = write_depth(tmp_path / "a-Canvas2-Depth.exr", depth)
    result = cli(exr, "--auto")
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "mapping status was: Success"
    out = tmp_path / "a-Canvas2-Depth.depth.png"
    expected = auto_splits(depth[np.isfinite(depth)])
    assert load_preset(out) == expected.record_offsets()
    grey = png(out)
    near, far = grey[5:15, 5:15], grey[20:40, :]
    assert near.max() == 255 and np.unique(near).size == 100  # every pixel its own grey
    assert far.min() >= 1 and np.unique(far).size <= 4  # the backstop: a few levels
    assert np.all(grey[np.isinf(depth)] == 0)


def test_auto_and_preset_together_are_refused(tmp_path: Path) -> None:
    exr = write_depth(tmp_path / "a.exr", RAMP)
    preset = tmp_path / "p.json"
    preset.write_text(dumps(SplitSet.default(100, 200)))
    result = cli(exr, "--auto", "--preset", preset)
    assert result.returncode == 2 and "--auto and --preset" in result.stderr
    assert not (tmp_path / "a.depth.png").exists()
