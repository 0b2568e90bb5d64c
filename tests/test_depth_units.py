"""Depth in other units: metres (Blender, Nuke), mm, inches, feet read as cm, so splits,
presets and readouts are in cm whatever the file's unit; a map without a unit (0..1) kept
as stored, 0 its nearest depth, and nothing calling its numbers cm. Generated EXRs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_cli_inputs import png, run
from test_conventions import FOV, rays, scene
from test_exr import problem, write

from lib_dazdepth.engine.background import BackgroundSettings
from lib_dazdepth.engine.conventions import to_centimetres
from lib_dazdepth.engine.depthmap import load_depth_map
from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.mapping import MappingPlan, grey8, map_depth
from lib_dazdepth.engine.presets import dumps
from lib_dazdepth.engine.splits import SplitSet
from lib_dazdepth.ui import controller
from lib_dazdepth.ui.controller import TabConfig

NAN = np.nan
# A Blender-like canvas in metres: 0 and Blender's 1e10 are no hit, as is NaN.
METRES = np.array([[1.5, 2.25, 0.0, 1e10], [3.0, 4.5, NAN, 6.125]], dtype=np.float32)


def greys(depth_map) -> np.ndarray:
    splits = SplitSet.default(depth_map.min, depth_map.max)
    plan = MappingPlan.from_splits(splits)
    return grey8(map_depth(depth_map.depth, depth_map.valid, plan).fine)


def test_metres_are_read_as_centimetres(tmp_path: Path) -> None:
    path = write(tmp_path / "blender.exr", {"ViewLayer.Depth.Z": METRES})
    depth_map = load_depth_map(path, unit="m")
    expected = np.array([[150, 225, 0, 1e12], [300, 450, NAN, 612.5]], dtype=np.float32)
    np.testing.assert_array_equal(depth_map.depth, expected)
    np.testing.assert_array_equal(depth_map.valid, [[1, 1, 0, 0], [1, 1, 0, 1]])
    assert depth_map.range == (150.0, 612.5)
    assert depth_map.unit == "cm"
    assert depth_map.background.describe() == (
        "1 beyond the threshold (no hit), 1 not finite, 1 zero or negative"
    )
    assert depth_map.source.describe() == (
        "depth from ViewLayer.Depth.Z (float), planar depth, in metres (×100 to cm)"
    )
    as_cm = load_depth_map(path)  # the default: cm, as Daz stores it
    np.testing.assert_array_equal(as_cm.depth, METRES)
    assert as_cm.source.describe() == "depth from ViewLayer.Depth.Z (float), planar depth"


@pytest.mark.parametrize(
    ("unit", "stored", "cm"),
    [
        ("mm", [1500.0, 1234.0, 2.5], [150.0, 123.4, 0.25]),
        ("m", [1.5, 0.01, 7.0], [150.0, 1.0, 700.0]),
        ("in", [100.0, 1.0, 50.0], [254.0, 2.54, 127.0]),
        ("ft", [10.0, 1.0, 0.5], [304.8, 30.48, 15.24]),
        ("cm", [150.0, 1.0, 0.25], [150.0, 1.0, 0.25]),
    ],
)
def test_each_unit_in_centimetres(tmp_path: Path, unit: str, stored: list, cm: list) -> None:
    """Each value is the float32 nearest the length in cm (checked here on these values)."""
    path = write(tmp_path / f"{unit}.exr", {"Y": np.array([stored], dtype=np.float32)})
    depth_map = load_depth_map(path, unit=unit)
    np.testing.assert_array_equal(depth_map.depth, np.array([cm], dtype=np.float32))


def test_inverse_depth_in_metres(tmp_path: Path) -> None:
    """Nuke's 1/z in 1/m: planar depth first, then cm; 0 stays no hit."""
    inverse = np.array([[0.5, 0.25, 0.0], [0.125, 2.0, 1.0]], dtype=np.float32)
    path = write(tmp_path / "nuke.exr", {"depth.Z": inverse})
    depth_map = load_depth_map(path, convention="inverse", unit="m")
    expected = np.array([[200, 400, 0], [800, 50, 100]], dtype=np.float32)
    np.testing.assert_array_equal(depth_map.depth, expected)
    assert depth_map.range == (50.0, 800.0) and depth_map.background.non_positive == 1
    assert depth_map.source.describe().endswith("inverse depth (1/z), in metres (×100 to cm)")


def test_distance_in_metres(tmp_path: Path) -> None:
    a, b = rays()
    distance = scene() / 100 * np.sqrt(a * a + b * b + 1.0)
    path = write(tmp_path / "s-Canvas4-Distance.exr", {"Y": distance.astype(np.float32)})
    depth_map = load_depth_map(path, fov=FOV, unit="m")
    np.testing.assert_allclose(depth_map.depth, scene(), rtol=3e-7)


def test_a_map_without_a_unit_keeps_its_numbers_and_zero_is_the_nearest(tmp_path: Path) -> None:
    """A 0..1 map (a mist pass: 0 before its start, 1 beyond its end): kept as stored;
    0 is its nearest depth, so it maps to white; NaN and negatives are still no hit."""
    stored = np.array([[0.0, 0.25, 0.5], [1.0, NAN, -1.0]], dtype=np.float32)
    path = write(tmp_path / "mist.exr", {"Y": stored})
    depth_map = load_depth_map(path, unit="none")
    np.testing.assert_array_equal(depth_map.depth, stored)
    np.testing.assert_array_equal(depth_map.valid, [[1, 1, 1], [1, 0, 0]])
    assert depth_map.range == (0.0, 1.0) and depth_map.unit == ""
    assert depth_map.source.describe() == (
        "depth from Y (float), planar depth, without a unit (numbers as stored)"
    )
    # [0, 1.01) over 256 levels: level floor(t * 256), grey 255 - level; no hit black
    np.testing.assert_array_equal(greys(depth_map), [[255, 192, 129], [2, 0, 0]])
    as_cm = load_depth_map(path)  # in cm, 0 is no hit as on every canvas
    assert as_cm.range == (0.25, 1.0) and not as_cm.valid[0, 0]


def test_inverse_without_a_unit_keeps_zero_as_no_hit(tmp_path: Path) -> None:
    stored = np.array([[0.0, 0.5, 1.0]], dtype=np.float32)
    path = write(tmp_path / "disparity.exr", {"Y": stored})
    depth_map = load_depth_map(path, convention="inverse", unit="none")
    np.testing.assert_array_equal(depth_map.depth, [[0.0, 2.0, 1.0]])
    np.testing.assert_array_equal(depth_map.valid, [[0, 1, 1]])


def test_an_unknown_unit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "a.exr", {"Y": METRES})
    with pytest.raises(InputError) as excinfo:
        load_depth_map(path, unit="furlong")
    assert problem(excinfo, path) == (
        f"{path}: depth unit 'furlong': one of cm, mm, m, in, ft, none"
    )
    with pytest.raises(ValueError, match="one of cm, mm, m, in, ft, none"):
        to_centimetres(np.zeros((1, 1), np.float32), "yd")


def test_command_line_in_metres_maps_as_the_same_scene_in_cm(tmp_path: Path) -> None:
    """The same scene in cm and in m gives the same map, and a preset made on one fits the
    other: depths are cm once read."""
    cm = np.array([[150, 225, 300, 0], [450, 600, 1e10, 612.5]], dtype=np.float32)
    metres = np.where(cm < 1e9, cm / 100, cm).astype(np.float32)  # no hit stays so
    np.testing.assert_array_equal(metres[cm < 1e9] * np.float32(100), cm[cm < 1e9])
    daz = write(tmp_path / "daz.exr", {"Y": cm})
    blender = write(tmp_path / "blender.exr", {"ViewLayer.Depth.Z": metres})
    assert run(daz, "--depth-cutoff", "500")[0] == 0
    status, out, err = run(blender, "--depth-unit", "m", "--depth-cutoff", "500", "-v")
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == (
        "** blender.exr: depth from ViewLayer.Depth.Z (float), planar depth, in metres (×100 to cm)"
    )
    expected = png(tmp_path / "daz.depth.png")
    np.testing.assert_array_equal(png(tmp_path / "blender.depth.png"), expected)
    assert expected[0, 0] == 255 and expected[1, 1] == expected[1, 3]  # both cut to 500 cm
    assert expected[1, 0] > expected[1, 1]  # 450 cm, nearer than the cut
    preset = tmp_path / "daz.depth.png"
    assert run(blender, "--depth-unit", "m", "--preset", preset, "--out", tmp_path / "p")[0] == 0
    np.testing.assert_array_equal(png(tmp_path / "p" / "blender.depth.png"), expected)


def test_command_line_refuses_an_unknown_unit(capsys) -> None:
    from lib_dazdepth.cli.main import main

    with pytest.raises(SystemExit) as excinfo:
        main(["a.exr", "--depth-unit", "yards"])
    assert excinfo.value.code == 2
    assert "--depth-unit: invalid choice: 'yards'" in capsys.readouterr().err


def test_the_tab_says_no_unit_for_a_map_without_one(tmp_path: Path) -> None:
    path = write(tmp_path / "mist-Depth.exr", {"Y": np.array([[0.0, 0.5, 1.0]], np.float32)})
    config = TabConfig(tmp_path / "out")
    assert next(iter(controller.DEPTH_UNIT)) == "cm (Daz)"  # the default
    names = {value: name for name, value in controller.DEPTH_UNIT.items()}
    default = json.loads(controller.load_files([path], None, config).view)
    assert default["range"] == {"min": 0.5, "max": 1.0, "unit": "cm"}
    reading = controller.reading_of([], "planar depth", 0, names["none"])
    assert reading.unit == "none"
    view = json.loads(controller.load_files([path], None, config, reading=reading).view)
    assert view["range"] == {"min": 0.0, "max": 1.0, "unit": ""}
    assert view["message"]["text"].endswith("planar depth, without a unit (numbers as stored)")
    metres = controller.reading_of([], "planar depth", 0, names["m"])
    view = json.loads(controller.load_files([path], None, config, reading=metres).view)
    assert view["range"] == {"min": 50.0, "max": 100.0, "unit": "cm"}


SENTINEL = 1e10  # Blender's and Nuke's no hit: stored as such whatever the scene's unit
# Object depths stored in each unit, and their lengths in cm (each the float32 nearest it).
OBJECTS = {
    "cm": ([150, 300, 450, 600], [150, 300, 450, 600]),
    "mm": ([1500, 3000, 4500, 6000], [150, 300, 450, 600]),
    "m": ([1.5, 3, 4.5, 6], [150, 300, 450, 600]),
    "in": ([50, 100, 150, 200], [127, 254, 381, 508]),
    "ft": ([5, 10, 16, 20], [152.4, 304.8, 487.68, 609.6]),
}
HIT = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 0, 1], [1, 0, 1, 1, 0]], dtype=bool)
WHICH = np.array([[0, 1, 0, 2, 0], [0, 3, 0, 0, 1], [2, 0, 3, 0, 0]])  # object value index


@pytest.mark.parametrize("unit", list(OBJECTS))
def test_the_no_hit_value_is_caught_in_every_unit(tmp_path: Path, unit: str) -> None:
    """The threshold (default 1e9) is in the file's unit, as the renderer's no-hit value is:
    1e10 mm is 1e9 cm, not above 1e9, yet is no hit; object depths are exact cm."""
    stored_values, cm_values = (np.array(v, np.float32) for v in OBJECTS[unit])
    stored = np.where(HIT, stored_values[WHICH], np.float32(SENTINEL)).astype(np.float32)
    path = write(tmp_path / f"{unit}.exr", {"ViewLayer.Depth.Z": stored})
    depth_map = load_depth_map(path, unit=unit)
    np.testing.assert_array_equal(depth_map.valid, HIT)
    np.testing.assert_array_equal(depth_map.depth[HIT], cm_values[WHICH][HIT])
    assert depth_map.range == (float(cm_values[0]), float(cm_values[-1]))
    assert depth_map.background.describe() == "6 beyond the threshold (no hit)"
    # The command line's map: the same greys as the scene in cm (Daz's unit), no hit black.
    daz = np.where(HIT, cm_values[WHICH], np.float32(SENTINEL)).astype(np.float32)
    write(tmp_path / "daz.exr", {"Y": daz})
    preset = tmp_path / "p.json"
    preset.write_text(dumps(SplitSet.from_bounds([100, 700], [256])))
    for name, options in (("daz", []), (unit, ["--depth-unit", unit])):
        status, out, err = run(tmp_path / f"{name}.exr", "--preset", preset, *options)
        assert (status, err) == (0, "")
        assert (
            "** 6 background pixels (40.00%): 6 beyond the threshold (no hit); drawn black" in out
        )
    grey = png(tmp_path / f"{unit}.depth.png")
    np.testing.assert_array_equal(grey, png(tmp_path / "daz.depth.png"))
    # splits [100, 700) in 256 levels: level floor((d - 100) / 600 * 256), grey 255 - level
    levels = np.floor((cm_values.astype(np.float64) - 100) / 600 * 256)
    np.testing.assert_array_equal(grey[HIT], (255 - levels)[WHICH][HIT])
    assert not grey[~HIT].any()


def test_a_threshold_given_is_in_the_files_unit(tmp_path: Path) -> None:
    """--background-threshold 5 on a canvas in metres: 5 m (500 cm) and nearer are depths."""
    stored = np.array([[1.5, 4.5, 5.0, 6.0]], dtype=np.float32)
    path = write(tmp_path / "m.exr", {"Y": stored})
    depth_map = load_depth_map(path, unit="m", settings=BackgroundSettings(5.0, None))
    np.testing.assert_array_equal(depth_map.valid, [[1, 1, 1, 0]])
    assert depth_map.range == (150.0, 500.0)
    huge = load_depth_map(path, unit="m", settings=BackgroundSettings(1e307, None))  # x100: no inf
    assert huge.valid.all()
