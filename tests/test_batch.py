"""Batches of frames: pairing, equal greys across frames, resuming, failures, interruption."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from children import child_env
from exrdata import write_depth, write_exr
from PIL import Image

from lib_dazdepth.engine.batch import Frame, frame_key, pair_frames
from lib_dazdepth.engine.presets import dumps
from lib_dazdepth.engine.splits import SplitSet


def moving_frame(index: int, size: int = 40) -> np.ndarray:
    """A backstop at 500 and a ball (depth 100..140) moving right by 2 px per frame."""
    depth = np.full((size, size), 500.0, dtype=np.float32)
    rows, cols = np.mgrid[0:size, 0:size]
    distance = np.hypot(rows - size / 2, cols - (8 + 2 * index))
    ball = distance < 8
    depth[ball] = 100 + 5 * np.round(distance[ball])  # exact steps of 5 cm
    depth[0, :3] = np.inf  # a little no hit
    return depth


def write_sequence(folder: Path, count: int, size: int = 40, normals: bool = True) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(1, count + 1):
        paths.append(write_depth(folder / f"anim-Canvas2-Depth.{i:04d}.exr", moving_frame(i, size)))
        if normals:
            z = np.ones((size, size), np.float32)
            zero = np.zeros((size, size), np.float32)
            write_exr(folder / f"anim-Canvas3-Normal.{i:04d}.exr", {"R": zero, "G": zero, "B": z})
    return paths


def batch(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lib_dazdepth", "batch", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(),
    )


def standard_args(folder: Path, *extra: str) -> list:
    """folder/in with the SETUP preset into folder/out, then ``extra``."""
    return [folder / "in", "--preset", preset(folder, SETUP), "--out", folder / "out", *extra]


def preset(folder: Path, splits: SplitSet) -> Path:
    path = folder / "preset.json"
    path.write_text(dumps(splits))
    return path


SETUP = SplitSet.from_bounds([100, 150, 500.01], [200, 55])


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("anim-Canvas2-Depth.0007.exr", "anim.0007"),
        ("anim_0007-Canvas3-Normal.exr", "anim_0007"),
        ("frame_0007_depth.exr", "frame_0007"),
    ],
)
def test_frame_keys_drop_the_canvas_part(name, key) -> None:
    assert frame_key(Path(name)) == key


def test_depth_and_normal_canvases_pair_by_frame() -> None:
    paths = [
        Path(n)
        for n in [
            "a-Canvas2-Depth.0001.exr",
            "a-Canvas3-Normal.0001.exr",
            "a-Canvas2-Depth.0002.exr",
            "a-Canvas1-Beauty.0001.exr",
            "a.0001.png",
            "notes.txt",
        ]
    ]
    assert pair_frames(paths) == [
        Frame("a.0001", paths[0], paths[1]),
        Frame("a.0002", paths[2], None),
    ]


def test_equal_depths_give_equal_greys_in_every_frame(tmp_path: Path) -> None:
    write_sequence(tmp_path / "in", 6)
    result = batch(*standard_args(tmp_path, "--jobs", "2"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "batch: 6 frames: 6 done, 0 skipped (done before), 0 failed"
    )
    grey_of: dict[float, int] = {}
    for i in range(1, 7):
        depth = moving_frame(i)
        grey = np.asarray(Image.open(tmp_path / "out" / f"anim-Canvas2-Depth.{i:04d}.depth.png"))
        for value in np.unique(depth[np.isfinite(depth)]):
            greys = set(grey[depth == value].tolist())
            assert len(greys) == 1
            assert grey_of.setdefault(float(value), greys.pop()) == grey_of[float(value)]
        assert (tmp_path / "out" / f"anim-Canvas3-Normal.{i:04d}.normal.png").exists()
    assert grey_of[100.0] == 255 and grey_of[500.0] < grey_of[140.0] < grey_of[100.0]


def test_a_rerun_skips_finished_frames_and_force_redoes_them(tmp_path: Path) -> None:
    inputs = write_sequence(tmp_path / "in", 4)
    args = standard_args(tmp_path)
    assert batch(*args).returncode == 0
    again = batch(*args)
    assert again.stdout.splitlines()[-1] == (
        "batch: 4 frames: 0 done, 4 skipped (done before), 0 failed"
    )
    os.utime(inputs[2], ns=(time.time_ns(), time.time_ns()))  # frame 3's depth changed
    assert "1 done, 3 skipped" in batch(*args).stdout
    assert "4 done, 0 skipped" in batch(*args, "--force").stdout
    other = preset(tmp_path, SETUP.allocate(1, 50))  # a new preset redoes every frame
    assert (
        "4 done, 0 skipped"
        in batch(tmp_path / "in", "--preset", other, "--out", tmp_path / "out").stdout
    )


def test_a_corrupt_frame_is_reported_and_the_others_are_done(tmp_path: Path) -> None:
    inputs = write_sequence(tmp_path / "in", 5, normals=False)
    inputs[2].write_bytes(inputs[2].read_bytes()[:100])
    result = batch(*standard_args(tmp_path, "--jobs", "2"))
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "anim-Canvas2-Depth.0003.exr" in errors[0]
    assert "truncated or corrupt" in errors[0]
    assert "4 done, 0 skipped (done before), 1 failed" in result.stdout
    done = sorted(p.name for p in (tmp_path / "out").glob("*.depth.png"))
    assert done == [f"anim-Canvas2-Depth.{i:04d}.depth.png" for i in (1, 2, 4, 5)]


def test_union_preset_covers_every_frame_and_is_saved(tmp_path: Path) -> None:
    write_sequence(tmp_path / "in", 3, normals=False)
    result = batch(tmp_path / "in", "--union", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "out" / "batch-preset.json").read_text())
    assert document["splits"][0]["start"] == 100.0
    assert document["splits"][0]["end"] == 500.01
    assert "** preset over all frames: 100.0 to 500.01" in result.stdout


def test_pixels_outside_the_preset_are_counted_not_renormalised(tmp_path: Path) -> None:
    write_sequence(tmp_path / "in", 2, normals=False)
    narrow = SplitSet.from_bounds([120, 300], [256])
    result = batch(tmp_path / "in", "--preset", preset(tmp_path, narrow), "--out", tmp_path / "out")
    assert result.returncode == 0
    outside = sum(
        int(((d < 120) | (d >= 300))[np.isfinite(d)].sum())
        for d in (moving_frame(1), moving_frame(2))
    )
    assert f"{outside} pixels in 2 frames lie outside the preset's range" in result.stdout
    for i in (1, 2):
        d = moving_frame(i)
        count = int(((d < 120) | (d >= 300))[np.isfinite(d)].sum())
        assert f"** frame anim.{i:04d}: {count} pixels outside the preset's range" in result.stderr


def test_progress_is_shown_with_rate_and_time_left(tmp_path: Path) -> None:
    write_sequence(tmp_path / "in", 3, normals=False)
    result = batch(*standard_args(tmp_path))
    lines = [line for line in result.stderr.splitlines() if "frames/s" in line]
    assert lines and lines[-1].startswith("[####################] 3/3 frames")
    assert lines[-1].endswith("0:00 left")


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["nowhere/*.exr", "--union"], "matches no file"),
        (["--union"], "no Depth canvases"),
    ],
)
def test_bad_batches_are_one_clear_error(tmp_path: Path, args, problem) -> None:
    (tmp_path / "empty").mkdir()
    inputs = [str(tmp_path / a) if a.startswith("nowhere") else a for a in args]
    if inputs[0] == "--union":
        inputs = [str(tmp_path / "empty"), *inputs]
    result = batch(*inputs, "--out", tmp_path / "out")
    assert result.returncode == 2 and problem in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(os.name != "posix", reason="process groups and SIGINT are POSIX's")
def test_ctrl_c_stops_cleanly_and_a_rerun_finishes(tmp_path: Path) -> None:
    write_sequence(tmp_path / "in", 48, size=500, normals=False)
    args = standard_args(tmp_path, "--jobs", "2")
    process = subprocess.Popen(
        [sys.executable, "-m", "lib_dazdepth", "batch", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        start_new_session=True,
        # A shell's background job inherits SIGINT ignored, and Python then installs no
        # KeyboardInterrupt handler: give the child the default, as a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    manifest = tmp_path / "out" / ".dazdepth-batch.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not manifest.exists():
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "interrupted:" in err
    out = tmp_path / "out"
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
    finished = json.loads(manifest.read_text())["frames"]
    written = sorted(out.glob("*.depth.png"))
    assert 0 < len(finished) <= len(written) < 48
    for path in written:
        with Image.open(path) as image:
            image.load()  # complete, decodable files only
    rerun = batch(*args)
    assert rerun.returncode == 0
    assert f"{48 - len(finished)} done, {len(finished)} skipped" in rerun.stdout
