"""batch and send read the depth canvas as the conversion does: ``--depth-is``, ``--fov``,
``--depth-unit`` (one definition, cli/arguments.py). Canvases in metres, in 1/m and as
distance from the camera give, through every command, the PNG the same scene in planar cm
gives. Generated EXRs; PNGs read back and compared pixel for pixel."""

from __future__ import annotations

import base64
import io
import json
import os
import pickle
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from children import ROOT, child_env
from exrdata import write_depth
from PIL import Image
from test_cli_inputs import png, run
from test_conventions import FOV, rays, scene
from test_send import FakeWebui

from lib_dazdepth.cli import batch as batch_cli
from lib_dazdepth.cli import send as send_cli
from lib_dazdepth.cli.main import convert_parser, main
from lib_dazdepth.engine.batch import BatchJob
from lib_dazdepth.engine.canvases import Reading
from lib_dazdepth.engine.presets import dumps
from lib_dazdepth.engine.splits import SplitSet

# Planar depth in cm, each a power of two in metres (exact in float32 as 1/z and times 100).
PLANAR_CM = np.array([[50, 100, 200, 0], [400, 100, 0, 50], [200, 400, 50, 100]], np.float32)
SPLITS = SplitSet.from_bounds([25, 150, 600], [200, 55])  # depths clear of level edges
# Their greys: level floor((d - 25) / 125 * 200) below 150, 200 + floor((d - 150) / 450 * 55)
# above, grey 255 - level; no hit black.
GREYS = {0: 0, 50: 215, 100: 135, 200: 49, 400: 25}


def metres(cm: np.ndarray) -> np.ndarray:
    return (cm / 100).astype(np.float32)


def inverse_metres(cm: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.where(cm > 0, 100 / cm, 0).astype(np.float32)  # 0: no hit


# (options, the canvas as stored from planar cm, the same scene in planar cm for reference)
FORMS = {
    "metres": (["--depth-unit", "m"], metres),
    "inverse in 1/m": (["--depth-is", "inverse", "--depth-unit", "m"], inverse_metres),
}


def distance(cm: np.ndarray) -> np.ndarray:
    """``test_conventions.scene``'s shape: distance along each pixel's ray, FOV degrees."""
    a, b = rays()
    return (cm * np.sqrt(a * a + b * b + 1.0)).astype(np.float32)


def frame(index: int) -> np.ndarray:
    """Frame ``index`` of a little animation: the planar scene shifted one column a frame."""
    return np.roll(np.tile(PLANAR_CM, (2, 2)), index, axis=1)


def write_frames(folder: Path, form, count: int = 3) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, count + 1):
        write_depth(folder / f"anim-Canvas2-Depth.{i:04d}.exr", form(frame(i)))


def reference(tmp_path: Path, depth_cm: np.ndarray, name: str = "ref") -> np.ndarray:
    """The plain conversion's depth PNG of planar cm ``depth_cm`` with SPLITS."""
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    path = write_depth(folder / "ref.exr", depth_cm)
    status, _, err = run(path, "--preset", preset(tmp_path), "--out", folder)
    assert (status, err) == (0, "")
    return png(folder / "ref.depth.png")


def preset(folder: Path) -> Path:
    path = folder / "preset.json"
    path.write_text(dumps(SPLITS))
    return path


def batch(*args, env: dict[str, str] | None = None, status: int = 0) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "lib_dazdepth", "batch", *map(str, args)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=180, env=env or child_env()
    )
    assert done.returncode == status, done.stderr
    return done


def spawn_env() -> dict[str, str]:
    """child_env with the spawn start method (tests/start_method), whatever this run's."""
    env = child_env(start_method=False, DAZDEPTH_TEST_START_METHOD="spawn")
    env["PYTHONPATH"] += os.pathsep + str(ROOT / "tests" / "start_method")
    return env


def test_the_three_commands_share_one_definition_of_the_reading_options() -> None:
    def reading_actions(parser) -> dict:
        return {
            a.dest: (a.option_strings, a.choices, a.default, a.type, a.help)
            for a in parser._actions
            if a.dest in ("depth_is", "depth_unit", "fov")
        }

    convert = reading_actions(convert_parser())
    assert set(convert) == {"depth_is", "depth_unit", "fov"}
    assert reading_actions(batch_cli.parser()) == convert
    assert reading_actions(send_cli.parser()) == convert


def test_batch_takes_the_background_threshold_and_jobs_as_the_conversion_does(
    tmp_path: Path, capsys
) -> None:
    def threshold(parser) -> tuple:
        [action] = [a for a in parser._actions if a.dest == "background_threshold"]
        return action.option_strings, action.default, action.type, action.help, action.metavar

    assert threshold(batch_cli.parser()) == threshold(convert_parser())
    for wrong, named in (
        (["--background-threshold", "0"], "argument --background-threshold: '0' must be above 0"),
        (["--jobs", "0"], "argument --jobs: '0' must be at least 1"),
    ):
        with pytest.raises(SystemExit) as stopped:
            batch_cli.main([str(tmp_path), "--union", "--out", str(tmp_path / "o"), *wrong])
        assert stopped.value.code == 2
        assert capsys.readouterr().err.splitlines()[-1] == f"daz-depth batch: error: {named}"


@pytest.mark.parametrize("form", list(FORMS))
def test_batch_reads_each_form_as_the_conversion_reads_planar_cm(tmp_path: Path, form) -> None:
    options, stored = FORMS[form]
    write_frames(tmp_path / "in", stored)
    out = tmp_path / "out"
    batch(tmp_path / "in", "--preset", preset(tmp_path), "--out", out, "--jobs", "2", *options)
    for i in (1, 2, 3):
        expected = reference(tmp_path, frame(i), f"ref{i}")
        got = png(out / f"anim-Canvas2-Depth.{i:04d}.depth.png")
        np.testing.assert_array_equal(got, expected)
        assert {d: set(got[frame(i) == d].tolist()) for d in GREYS} == {
            d: {grey} for d, grey in GREYS.items()
        }


def test_spawned_batch_workers_get_the_reading(tmp_path: Path) -> None:
    """Under spawn (Windows, macOS) the workers import afresh: the reading reaches them
    pickled with each frame, as does the union pass's."""
    write_frames(tmp_path / "in", metres, count=4)
    out = tmp_path / "out"
    args = [tmp_path / "in", "--union", "--out", out, "--jobs", "2", "--depth-unit", "m"]
    done = batch(*args, env=spawn_env())
    assert "** preset over all frames: 50.0 to 400.0" in done.stdout  # cm, from the workers
    assert "4 done, 0 skipped" in done.stdout
    for i in (1, 4):
        depth = frame(i)
        grey = png(out / f"anim-Canvas2-Depth.{i:04d}.depth.png")
        # the union's default splits: 256 levels over 50..400 cm, 255 at 50 cm, 0 no hit
        assert grey[depth == 50].min() == 255 and grey[depth == 0].max() == 0
        assert grey[depth == 400].max() == 0 < grey[depth == 200].min()
    job = BatchJob(SPLITS, out, reading=Reading(convention="inverse", fov=40.0, unit="m"))
    assert pickle.loads(pickle.dumps(job)) == job


def test_a_rerun_with_another_reading_redoes_the_frames(tmp_path: Path) -> None:
    write_frames(tmp_path / "in", metres, count=2)
    args = [tmp_path / "in", "--preset", preset(tmp_path), "--out", tmp_path / "out"]
    assert "2 done, 0 skipped" in batch(*args, "--depth-unit", "m").stdout
    assert "0 done, 2 skipped" in batch(*args, "--depth-unit", "m").stdout
    assert "2 done, 0 skipped" in batch(*args, "--depth-unit", "mm").stdout
    default = BatchJob(SPLITS, tmp_path)
    assert (
        default.settings_digest() == BatchJob(SPLITS, tmp_path, reading=Reading()).settings_digest()
    )
    in_metres = BatchJob(SPLITS, tmp_path, reading=Reading(unit="m"))
    assert in_metres.settings_digest() != default.settings_digest()


def test_batch_distance_frames_with_fov_and_without(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in (1, 2):
        write_depth(folder / f"s-Canvas2-Depth.{i:04d}.exr", distance(scene()))
    args = [folder, "--preset", preset(tmp_path), "--out", tmp_path / "out", "--jobs", "2"]
    batch(*args, "--depth-is", "distance", "--fov", str(FOV))
    expected = reference(tmp_path, scene().astype(np.float32))
    for i in (1, 2):
        np.testing.assert_array_equal(
            png(tmp_path / "out" / f"s-Canvas2-Depth.{i:04d}.depth.png"), expected
        )
    done = batch(*args, "--force", "--depth-is", "distance", status=2)
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert all("give the camera's horizontal field of view (--fov DEGREES)" in e for e in errors)


@pytest.fixture
def webui():
    handler = type("Handler", (FakeWebui,), {"host": "a1111", "received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def sent_depth(capsys) -> np.ndarray:
    """The depth map of the payload ``send --dry-run`` printed, as grey levels."""
    payload = json.loads(capsys.readouterr().out)
    image = payload["alwayson_scripts"]["ControlNet"]["args"][0]["image"]
    with Image.open(io.BytesIO(base64.b64decode(image))) as picture:
        return np.asarray(picture)[..., 0]


@pytest.mark.parametrize("form", [*FORMS, "distance"])
def test_send_reads_each_form_as_the_conversion_reads_planar_cm(
    tmp_path: Path, webui: str, capsys, form
) -> None:
    if form == "distance":
        planar, options = scene().astype(np.float32), ["--depth-is", "distance", "--fov", str(FOV)]
        path = write_depth(tmp_path / "s-Canvas2-Depth.exr", distance(scene()))
    else:
        planar, (options, stored) = frame(0), FORMS[form]
        path = write_depth(tmp_path / "s-Canvas2-Depth.exr", stored(planar))
    expected = reference(tmp_path, planar)
    args = ["send", path, "--webui", webui, "--preset", preset(tmp_path), "--dry-run", *options]
    assert main([str(a) for a in args]) == 0
    np.testing.assert_array_equal(sent_depth(capsys), expected)
    assert main([str(a) for a in args[: -len(options)]]) == 0  # read as Daz's planar cm
    assert not np.array_equal(sent_depth(capsys), expected)
