"""What an artist trying the tab for the first time is told: a Blender Depth pass that is
likely in metres while the tab reads cm, and a Normal canvas or a render dropped without its
Depth canvas. Real EXR files; the tab's own drop path (drops.load_dropped)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_exr import write

from lib_dazdepth.engine.canvases import Reading
from lib_dazdepth.engine.depthmap import load_depth_map
from lib_dazdepth.ui import drops
from lib_dazdepth.ui.controller import TabConfig

# A figure 2.5 m away before a wall at 5 m, and a window with no hit (Blender's 1e10).
METRES = np.array([[2.5, 2.5, 5.0], [5.0, 5.0, 1e10]], np.float32)
METRES_NOTE = (
    "ViewLayer.Depth.Z is Blender's Depth pass, all of it within 1 m if read as cm:"
    " likely metres, so choose the depth unit m"
)


def blender(path: Path, depth: np.ndarray) -> Path:
    axes = zip("XYZ", (0.0, 0.0, 1.0))
    normal = {f"ViewLayer.Normal.{c}": np.full(depth.shape, v, np.float32) for c, v in axes}
    return write(path, {"ViewLayer.Depth.Z": depth, **normal})


def dropped(paths: list[Path], tmp_path: Path, unit: str = "cm") -> dict:
    reading = Reading(unit=unit)
    loaded, _ = drops.load_dropped(paths, None, TabConfig(tmp_path / "out"), False, reading)
    return json.loads(loaded.view)["message"]


def test_a_blender_depth_within_a_metre_read_as_cm_says_to_choose_metres(tmp_path) -> None:
    path = blender(tmp_path / "scene.exr", METRES)
    note = dropped([path], tmp_path)
    assert note["kind"] == "warning"
    assert note["text"].endswith(f"; scene.exr: {METRES_NOTE}")
    assert load_depth_map(path).source.notes() == [METRES_NOTE]


@pytest.mark.parametrize(
    ("depth", "unit"),
    [(METRES, "m"), (METRES * 100, "cm")],  # the unit chosen; a Blender scene in cm
)
def test_no_metres_note_once_chosen_or_when_the_depths_are_not_tiny(tmp_path, depth, unit):
    path = blender(tmp_path / "scene.exr", depth)
    assert "likely metres" not in dropped([path], tmp_path, unit=unit)["text"]
    assert load_depth_map(path, unit=unit).source.notes() == []


def test_a_daz_depth_canvas_gets_no_metres_note(tmp_path) -> None:
    path = write(tmp_path / "scene-Canvas2-Depth.exr", {"Y": METRES})  # tiny, but Daz's Y
    assert load_depth_map(path).source.notes() == []


def test_a_normal_canvas_dropped_alone_says_it_needs_its_depth_and_keeps_the_scene(tmp_path):
    depth = write(tmp_path / "scene-Canvas2-Depth.exr", {"Y": METRES * 100})
    normal = write(
        tmp_path / "scene-Canvas3-Normal.exr", {"RGB": np.zeros((*METRES.shape, 3), np.float32)}
    )
    loaded, _ = drops.load_dropped([depth], None, TabConfig(tmp_path / "out"))
    again, shown = drops.load_dropped([normal], loaded.workspace, TabConfig(tmp_path / "out"))
    assert again.workspace is loaded.workspace
    assert shown == [str(depth)]
    assert json.loads(again.view)["message"] == {
        "kind": "error",
        "text": "No Depth canvas among scene-Canvas3-Normal.exr: a scene starts from its"
        " …-Depth.exr, so scene-Canvas3-Normal.exr (a Normal canvas) cannot be used alone;"
        " drop it with the Depth canvas (or the whole _canvases folder); the scene loaded"
        " stays",
    }


def test_a_render_and_a_normal_canvas_without_depth_on_an_empty_tab(tmp_path) -> None:
    render = tmp_path / "scene.png"
    render.write_bytes(b"")  # named for the role: the drop is refused before reading it
    normal = tmp_path / "scene-Canvas3-Normal.exr"
    normal.write_bytes(b"")
    assert dropped([render, normal], tmp_path)["text"] == (
        "No Depth canvas among scene.png, scene-Canvas3-Normal.exr: a scene starts from its"
        " …-Depth.exr, so scene-Canvas3-Normal.exr (a Normal canvas) and scene.png (a render)"
        " cannot be used alone; drop them with the Depth canvas (or the whole _canvases folder)"
    )


def test_a_drop_of_no_canvas_at_all_still_lists_what_to_drop(tmp_path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a canvas")
    assert dropped([notes], tmp_path)["text"].startswith(
        "Nothing to load among notes.txt: drop the Depth canvas (…-Depth.exr)"
    )
