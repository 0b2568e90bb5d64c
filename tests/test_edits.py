"""Region edits saved with the preset (a sidecar PNG) reload exactly, in the tab and on the
command line; a wrong sidecar is one clear error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from exrdata import write_depth
from PIL import Image
from test_cli import cli

from lib_dazdepth.editing.edits import PresetEdits, edits_output, load_edits_for, read_edits
from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.outputs import write_outputs
from lib_dazdepth.engine.palette import region_colours
from lib_dazdepth.engine.regions import INHERIT, NONE
from lib_dazdepth.ui import controller
from lib_dazdepth.ui.controller import TabConfig


def two_figures() -> np.ndarray:
    depth = np.full((6, 8), 500.0, dtype=np.float32)  # a wall
    depth[1:3, 1:3] = 100.0  # two figures at one depth, apart
    depth[1:4, 5:7] = 101.0
    return depth


def divided_session(tmp_path: Path):
    exr = write_depth(tmp_path / "scene-Canvas2-Depth.exr", two_figures())
    state = controller.load_files([exr], None, TabConfig(tmp_path / "out")).workspace
    state.apply([{"op": "add", "depth": 300}, {"op": "regions_from_splits"}])
    state.apply([{"op": "divide", "split": 0, "min_pixels": 2}])
    return exr, state


def test_saved_edits_reload_exactly_in_the_tab(tmp_path: Path) -> None:
    exr, state = divided_session(tmp_path)
    paths, _ = controller.save_preset_only(state, TabConfig(tmp_path / "out"))
    preset, sidecar = map(Path, paths)
    assert sidecar.name == "scene-Canvas2-Depth.edits.png"
    assert json.loads(preset.read_text())["region_edits"] == sidecar.name
    fresh = controller.load_files([exr], None, TabConfig(tmp_path / "out")).workspace
    fresh, view = controller.load_preset_file([str(preset), str(sidecar)], fresh)
    assert "with its region edits" in json.loads(view)["message"]["text"]
    np.testing.assert_array_equal(fresh.region_edits, state.region_edits)
    assert fresh.splits == state.splits
    np.testing.assert_array_equal(fresh.layer("regions"), state.layer("regions"))


def test_a_preset_dropped_without_its_edits_loads_its_splits_and_says_what_is_missing(
    tmp_path: Path,
) -> None:
    exr, state = divided_session(tmp_path)
    paths, _ = controller.save_preset_only(state, TabConfig(tmp_path / "out"))
    preset, sidecar = map(Path, paths)
    alone = tmp_path / "elsewhere" / preset.name  # the edits PNG is not beside it either
    alone.parent.mkdir()
    alone.write_bytes(preset.read_bytes())
    fresh = controller.load_files([exr], None, TabConfig(tmp_path / "out")).workspace
    fresh, view = controller.load_preset_file([str(alone)], fresh)
    assert json.loads(view)["message"] == {
        "kind": "warning",
        "text": f"Loaded 2 splits from {preset.name}; its edits were not found"
        f" ({sidecar.name}): drop them together with the preset to have the painted"
        " regions and depths too",
    }
    assert fresh.splits == state.splits and fresh.region_edits is None


def test_saved_maps_carry_the_edits_and_the_command_line_applies_them(tmp_path: Path) -> None:
    exr, state = divided_session(tmp_path)
    paths, _ = controller.save_all(state, TabConfig(tmp_path / "out"))
    saved = {Path(p).name: Path(p) for p in paths}
    with Image.open(saved["scene-Canvas2-Depth.regions.png"]) as image:
        tab_regions = np.asarray(image)
    palette = region_colours(3)
    assert tuple(tab_regions[0, 0]) == palette[0]  # the wall
    assert tuple(tab_regions[1, 1]) == palette[1] and tuple(tab_regions[1, 5]) == palette[2]
    out = tmp_path / "cli"
    preset = saved["scene-Canvas2-Depth.json"]
    result = cli(exr, "--preset", preset, "--regions", "--out", out)
    assert result.returncode == 0, result.stderr
    with Image.open(out / "scene-Canvas2-Depth.regions.png") as image:
        np.testing.assert_array_equal(np.asarray(image), tab_regions)


def test_edits_round_trip_every_value(tmp_path: Path) -> None:
    edits = np.array([[INHERIT, NONE, 0], [1, 254, 7]], dtype=np.int16)
    preset = tmp_path / "p.json"
    write_outputs([edits_output(preset, edits)])
    np.testing.assert_array_equal(read_edits(tmp_path / "p.edits.png", (2, 3)), edits)


def test_wrong_or_missing_sidecars_are_one_clear_error(tmp_path: Path) -> None:
    preset = tmp_path / "p.json"
    preset.write_text(json.dumps({"region_edits": "p.edits.png"}))
    with pytest.raises(InputError, match=r"p\.edits\.png.*missing"):
        load_edits_for(preset, (2, 3))
    write_outputs([edits_output(preset, np.zeros((4, 4), dtype=np.int16))])
    with pytest.raises(InputError, match="4x4 but the depth canvas is 3x2"):
        load_edits_for(preset, (2, 3))
    Image.new("RGB", (3, 2)).save(tmp_path / "p.edits.png")
    with pytest.raises(InputError, match="16-bit grey PNG, not RGB"):
        load_edits_for(preset, (2, 3))
    assert load_edits_for(tmp_path / "none.json", (2, 3)) == PresetEdits()  # names none
