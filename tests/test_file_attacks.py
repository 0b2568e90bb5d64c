"""FIFOs, devices and symlinks where files belong, and names two inputs share: every
command answers in one line without hanging, and nothing is written over or lost."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from attacks import one_error_line, run_cli
from exrdata import write_depth, write_exr
from PIL import Image

from lib_dazdepth.engine.presets import dumps
from lib_dazdepth.engine.splits import SplitSet

DEPTH = np.linspace(100, 500, 16 * 16, dtype=np.float32).reshape(16, 16)


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def scene(folder: Path, name: str = "scene-Depth.exr", depth=DEPTH) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_depth(folder / name, depth)


def grey(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


# --- B: hangs and unbounded reads ----------------------------------------------------


def test_a_fifo_given_as_the_input_is_refused(tmp_path: Path) -> None:
    pipe = fifo(tmp_path / "scene-Depth.exr")
    one_error_line(run_cli(pipe), f"{pipe}: is a FIFO (named pipe), not a regular EXR file")


@pytest.mark.parametrize("device", ["fifo", "/dev/zero"])
def test_a_preset_that_is_a_fifo_or_a_device_is_refused(tmp_path: Path, device: str) -> None:
    exr = scene(tmp_path)
    preset = fifo(tmp_path / "p.json") if device == "fifo" else Path(device)
    kind = "a FIFO (named pipe)" if device == "fifo" else "a character device"
    ran = run_cli(exr, "--preset", preset)
    one_error_line(ran, f"{preset}: is {kind}, not a regular preset")
    assert ran.peak_mb < 150


def test_a_huge_regular_preset_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    exr = scene(tmp_path)
    preset = tmp_path / "big.json"
    with preset.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # 2 GB, sparse
    ran = run_cli(exr, "--preset", preset)
    one_error_line(ran, f"{preset}: too large for a preset (over 1048576 bytes)")
    assert ran.peak_mb < 150


def test_a_fifo_at_an_output_name_is_left_alone(tmp_path: Path) -> None:
    exr = scene(tmp_path)
    pipe = fifo(tmp_path / "scene-Depth.depth.png")
    ran = run_cli(exr)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [
        "mapping status was: Success",
        "** scene-Depth.depth.png is not a regular file; wrote scene-Depth.1.depth.png instead",
    ]
    assert pipe.is_fifo() and grey(tmp_path / "scene-Depth.1.depth.png").shape == (16, 16)


def test_an_explicit_batch_frame_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    scene(tmp_path / "in", "anim-Canvas2-Depth.0001.exr")
    pipe = fifo(tmp_path / "in" / "anim-Canvas2-Depth.0002.exr")
    preset = tmp_path / "p.json"
    preset.write_text(dumps(SplitSet.default(100, 500)))
    ran = run_cli("batch", tmp_path / "in" / "anim-Canvas2-Depth.0001.exr", pipe, "--preset",
                  preset, "--out", tmp_path / "out")  # fmt: skip
    one_error_line(ran, f"{pipe}: is a FIFO (named pipe), not a regular file")
    folder = run_cli("batch", tmp_path / "in", "--preset", preset, "--out", tmp_path / "out")
    assert folder.returncode == 0 and "1 frames: 1 done" in folder.stdout  # FIFO skipped


def test_the_shell_refuses_a_fifo_preset_and_goes_on(tmp_path: Path) -> None:
    exr = scene(tmp_path)
    pipe = fifo(tmp_path / "p.json")
    ran = run_cli(exr, "--interactive", stdin=f"load {pipe}\ntotals\nquit\n")
    assert f"{pipe}: is a FIFO (named pipe), not a regular preset" in ran.stdout
    assert "256 levels allocated." in ran.stdout and ran.returncode == 0


# --- F: silent loss ------------------------------------------------------------------


def test_two_inputs_with_one_stem_in_two_folders_both_keep_their_map(tmp_path: Path) -> None:
    first = scene(tmp_path / "d1", "a.exr", DEPTH)
    second = scene(tmp_path / "d2", "a.exr", DEPTH[::-1].copy())
    ran = run_cli(first, second, "--out", tmp_path / "o")
    assert ran.returncode == 0, ran.stderr
    assert "** a.depth.png was written for another input in this run; wrote a.1.depth.png" in (
        ran.stdout
    )
    np.testing.assert_array_equal(
        grey(tmp_path / "o" / "a.1.depth.png"), grey(tmp_path / "o" / "a.depth.png")[::-1]
    )


def test_a_exr_and_a_EXR_beside_each_other_both_keep_their_map(tmp_path: Path) -> None:
    lower = scene(tmp_path, "a.exr", DEPTH)
    upper = scene(tmp_path, "a.EXR", DEPTH.T.copy())
    ran = run_cli(lower, upper, "--regions")
    assert ran.returncode == 0, ran.stderr
    assert grey(tmp_path / "a.depth.png").tolist() == grey(tmp_path / "a.1.depth.png").T.tolist()
    assert (tmp_path / "a.1.regions.png").exists()
    again = run_cli(lower, upper, "--regions")  # a rerun writes the same two names again
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "a.1.depth.png",
        "a.1.regions.png",
        "a.depth.png",
        "a.regions.png",
    ]
    assert again.returncode == 0


@pytest.mark.parametrize("dangling", [True, False])
def test_a_symlink_at_an_output_name_is_never_followed_or_replaced(tmp_path, dangling) -> None:
    exr = scene(tmp_path)
    target = tmp_path / "elsewhere.png"
    if not dangling:
        target.write_bytes(b"someone's file")
    link = tmp_path / "scene-Depth.depth.png"
    link.symlink_to(target)
    ran = run_cli(exr)
    assert ran.returncode == 0, ran.stderr
    assert "scene-Depth.depth.png is a symbolic link (never followed or replaced)" in ran.stdout
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.exists() != dangling and (dangling or target.read_bytes() == b"someone's file")
    assert grey(tmp_path / "scene-Depth.1.depth.png").shape == (16, 16)


def test_shell_save_never_puts_json_over_our_png(tmp_path: Path) -> None:
    exr = scene(tmp_path)
    assert run_cli(exr).returncode == 0
    victim = tmp_path / "scene-Depth.depth.png"
    before = victim.read_bytes()
    ran = run_cli(exr, "--interactive", stdin=f"save {victim}\nsave {tmp_path}/p.json\nquit\n")
    assert "Error - SAVE {file.json}: a preset is saved under a .json name" in ran.stdout
    assert victim.read_bytes() == before
    assert json.loads((tmp_path / "p.json").read_text())["format"] == "daz-depth-splits"


def test_batch_frames_of_one_name_in_two_folders_are_two_frames(tmp_path: Path) -> None:
    for shot, depth in (("shot1", DEPTH), ("shot2", DEPTH[::-1].copy())):
        scene(tmp_path / "in" / shot, "anim-Canvas2-Depth.0001.exr", depth)
    preset = tmp_path / "p.json"
    preset.write_text(dumps(SplitSet.default(100, 500)))
    ran = run_cli("batch", tmp_path / "in", "--preset", preset, "--out", tmp_path / "out")
    assert ran.stdout.splitlines()[-1].startswith("batch: 2 frames: 2 done"), ran.stdout
    one = grey(tmp_path / "out" / "shot1" / "anim-Canvas2-Depth.0001.depth.png")
    two = grey(tmp_path / "out" / "shot2" / "anim-Canvas2-Depth.0001.depth.png")
    np.testing.assert_array_equal(one, two[::-1])
    frames = json.loads((tmp_path / "out" / ".dazdepth-batch.json").read_text())["frames"]
    assert sorted(frames) == ["shot1/anim.0001", "shot2/anim.0001"]


def test_batch_refuses_two_depth_canvases_for_one_frame(tmp_path: Path) -> None:
    scene(tmp_path / "in", "a-Canvas2-Depth.0001.exr")
    shutil.copy(
        tmp_path / "in" / "a-Canvas2-Depth.0001.exr", tmp_path / "in" / "a-Canvas2-Depth.0001.EXR"
    )
    preset = tmp_path / "p.json"
    preset.write_text(dumps(SplitSet.default(100, 500)))
    ran = run_cli("batch", tmp_path / "in", "--preset", preset, "--out", tmp_path / "out")
    one_error_line(ran, "are both the depth canvas of one frame")


# --- C: memory -----------------------------------------------------------------------


def test_zero_channels_beside_the_depth_cost_no_memory(tmp_path: Path) -> None:
    """The issue's 8192x8192 file with 8 float channels, scaled to 2048x2048: 7 zero
    channels beside ``Y`` should cost what the depth alone costs (16 MB each if decoded)."""
    side = 2048
    depth = np.full((side, side), 100, np.float32)
    zeros = np.zeros((side, side), np.float32)
    alone = write_exr(tmp_path / "alone-Depth.exr", {"Y": depth})
    crowded = write_exr(
        tmp_path / "crowded-Depth.exr", {"Y": depth, **{f"c{i}": zeros for i in range(7)}}
    )
    assert crowded.stat().st_size < 1024 * 1024
    base = run_cli(alone, "--out", tmp_path / "o")
    more = run_cli(crowded, "--out", tmp_path / "o")
    assert base.returncode == more.returncode == 0
    assert more.peak_mb < base.peak_mb + 32, (base.peak_mb, more.peak_mb)
