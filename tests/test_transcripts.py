"""The seed workflow's sessions, replayed line by line through the real command line."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from exrdata import seed_scenes
from PIL import Image
from readings import assert_reads_as

from lib_dazdepth.engine.depthmap import load_depth_map
from lib_dazdepth.engine.maps import REGIONS_KEY
from lib_dazdepth.engine.outputs import read_text_chunks

ROOT = Path(__file__).resolve().parent.parent
TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.txt"))


def runs(transcript: Path) -> list[tuple[list[str], list[str]]]:
    """(command-line arguments, expected output lines) for each ``$`` line."""
    result: list[tuple[list[str], list[str]]] = []
    for line in transcript.read_text().splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("$ "):
            words = shlex.split(line[2:])
            assert words[:2] == ["python", "format_depthmap.py"]
            result.append((words[2:], []))
        else:
            result[-1][1].append(line)
    return result


def run_cli(args: list[str], folder: Path, commands: list[str] = ()) -> subprocess.CompletedProcess:
    """The command line in ``folder``, with ``commands`` typed into it."""
    return subprocess.run(
        [sys.executable, "-m", "lib_dazdepth", *map(str, args)],
        input="".join(f"{c}\n" for c in commands),
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def commands_of(expected: list[str]) -> list[str]:
    return [line[2:] for line in expected if line.startswith("> ")]


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=lambda p: p.stem)
def test_seed_session_replays_line_by_line(transcript: Path, tmp_path: Path) -> None:
    seed_scenes(tmp_path)
    for args, expected in runs(transcript):
        commands = commands_of(expected)
        completed = run_cli(args, tmp_path, commands)
        assert completed.stderr == ""
        assert completed.returncode == 0
        wanted = expected + (["> "] if commands or "--interactive" in args else [])
        assert completed.stdout.splitlines() == wanted


def test_histogram_advice_still_writes_the_full_range_map(tmp_path: Path) -> None:
    paths = seed_scenes(tmp_path)
    exr = paths["simple_example-Canvas2-Depth.exr"]
    assert run_cli(["--depth_cutoff", "histo", exr], tmp_path).returncode == 0
    grey = np.asarray(Image.open(tmp_path / "simple_example-Canvas2-Depth.depth.png"))
    assert grey.dtype == np.uint8 and grey.shape == (100, 100)
    assert grey[0, 0] == 255 and grey[-1, -1] == 0  # nearest white, farthest black


def test_cutoff_gives_the_subject_the_whole_grey_range(tmp_path: Path) -> None:
    paths = seed_scenes(tmp_path)
    exr = paths["simple_example-Canvas2-Depth.exr"]
    assert run_cli(["--depth_cutoff", "220.42", exr], tmp_path).returncode == 0
    grey = np.asarray(Image.open(tmp_path / "simple_example-Canvas2-Depth.depth.png")).ravel()
    subject = grey[: int(0.2297 * grey.size)]  # the 22.97 % of pixels nearer than 220.42
    assert len(np.unique(subject)) > 200
    assert (grey[-int(0.7635 * grey.size) :] == 0).all()  # the backstop is black


def test_session_outputs_are_written_beside_the_input(tmp_path: Path) -> None:
    seed_scenes(tmp_path)
    for transcript in TRANSCRIPTS:
        for args, expected in runs(transcript):
            assert run_cli(args, tmp_path, commands_of(expected)).returncode == 0
    names = {p.name for p in tmp_path.glob("*.png")}
    assert {
        "mirrors-Canvas2-Depth.test.png",
        "mirrors-Canvas2-Depth.depth.png",
        "ruin_scene-Canvas2-Depth.test.png",
        "ruin_scene-Canvas2-Depth.depth.png",
        "ruin_scene-Canvas2-Depth.regions.png",
        "simple_example-Canvas2-Depth.depth.png",
    } == names
    written = tmp_path / "ruin_scene-Canvas2-Depth.regions.png"
    regions = np.asarray(Image.open(written))
    colours = {tuple(c) for c in regions.reshape(-1, 3)}
    assert colours == {(0x80, 0x40, 0x40), (0x40, 0x80, 0x80), (0x60, 0x80, 0x40)}
    # read with its own template as the Regional Prompter reads it: each split's pixels get
    # its region's section (000 "Default" is region 0, 001 region 1, 002 region 2)
    template = json.loads(read_text_chunks(written)[REGIONS_KEY])["template"]
    depth = load_depth_map(tmp_path / "ruin_scene-Canvas2-Depth.exr").depth
    words = np.select([depth < 450.0, depth < 2321.72], ["Default", "(region 1)"], "(region 2)")
    assert_reads_as(regions, template, words)
