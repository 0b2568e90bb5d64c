"""The tab's controller without a browser: loading canvases and presets, saving, batches."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from exrdata import write_depth, write_exr
from PIL import Image
from test_conventions import FOV, distance_canvas, scene
from test_exr_files import DEPTH, blender
from test_workspace import RAMP, workspace

from lib_dazdepth.engine.canvases import Reading
from lib_dazdepth.engine.mapping import MappingPlan, map_depth
from lib_dazdepth.engine.presets import load_preset, to_document
from lib_dazdepth.engine.splits import SplitSet
from lib_dazdepth.ui import batching, controller
from lib_dazdepth.ui.controller import TabConfig


def write_set(folder: Path) -> list[Path]:
    depth = write_depth(folder / "s-Canvas2-Depth.exr", RAMP)
    normals = np.zeros((48, 64, 3), np.float32)
    normals[..., 2] = 1
    normal = write_exr(
        folder / "s-Canvas3-Normal.exr",
        {"R": normals[..., 0], "G": normals[..., 1], "B": normals[..., 2]},
    )
    beauty = folder / "s.png"
    Image.new("RGB", (64, 48), (200, 100, 50)).save(beauty)
    return [depth, normal, beauty]


def test_loading_a_canvas_set_and_a_bad_file_keeps_the_work(tmp_path: Path) -> None:
    config = TabConfig(outputs=tmp_path / "out")
    loaded = controller.load_files(write_set(tmp_path), None, config)
    assert loaded.roles == {
        "depth": "s-Canvas2-Depth.exr",
        "normal": "s-Canvas3-Normal.exr",
        "beauty": "s.png",
        "ids": "(none)",
    }
    assert json.loads(loaded.view)["layers"] == [
        "depth",
        "test",
        "regions",
        "reading",
        "normal",
        "beauty",
    ]
    assert json.loads(loaded.view)["message"] == {
        "kind": "info",
        "text": "Loaded s-Canvas2-Depth.exr: depth from Y (float), planar depth,"
        " normals from R,G,B",
    }
    assert loaded.layers == {
        "depth": ["(by name)", "Y"],
        "normal": ["(by name)", "R,G,B"],
        "beauty": ["(by name)"],  # a picture has no layers
        "ids": ["(by name)"],
    }
    bad = tmp_path / "x-Canvas2-Depth.exr"
    bad.write_text("not an exr")
    again = controller.load_files([bad], loaded.workspace, config)
    assert again.workspace is loaded.workspace
    note = json.loads(again.view)["message"]
    assert note["kind"] == "error" and "not an OpenEXR file; kept the previous work" in note["text"]


def test_a_wrong_sized_normal_is_reported_and_left_out(tmp_path: Path) -> None:
    depth = write_depth(tmp_path / "s-Canvas2-Depth.exr", RAMP)
    normal = write_exr(
        tmp_path / "s-Canvas3-Normal.exr", {c: np.zeros((5, 5), np.float32) for c in "RGB"}
    )
    loaded = controller.load_files([depth, normal], None, TabConfig(tmp_path))
    view = json.loads(loaded.view)
    assert view["message"]["text"] == (
        "Loaded s-Canvas2-Depth.exr: depth from Y (float), planar depth; s-Canvas3-Normal.exr:"
        " display window (0,0)-(4,4) (5x5) is not the depth's (0,0)-(63,47) (64x48); not used"
    )
    assert "normal" not in view["layers"]


def test_role_overrides_pick_another_file(tmp_path: Path) -> None:
    paths = write_set(tmp_path)
    other = write_depth(tmp_path / "other.exr", RAMP[::-1].copy())
    loaded = controller.load_files(
        [*paths, other],
        None,
        TabConfig(tmp_path),
        {"depth": "other.exr", "normal": "(none)", "beauty": "s.png"},
    )
    assert loaded.workspace.depth_map.path.endswith("other.exr")
    assert loaded.workspace.normal is None


def test_bad_commands_come_back_as_messages_in_the_view() -> None:
    ws = workspace()
    for text in ("", "{", '{"ops": 3}', '{"seq": 1}'):
        state, view = controller.run_command(text, ws)
        assert state is ws and json.loads(view)["message"]["kind"] == "error"
    state, view = controller.run_command('{"seq": 4, "ops": [{"op": "remove", "split": 0}]}', ws)
    assert json.loads(view)["message"]["text"].startswith("Error - you cannot remove")
    assert json.loads(view)["seq"] == 4


def test_saving_writes_every_map_at_full_size_and_never_replaces(tmp_path: Path) -> None:
    config = TabConfig(outputs=tmp_path / "out")
    ws = controller.load_files(write_set(tmp_path), None, config).workspace
    ws.apply(
        [
            {"op": "add", "depth": 150},
            {"op": "allocate", "split": 0, "levels": 200},
            {"op": "allocate", "split": 1, "levels": 56},
            {"op": "flag", "split": 0, "key": "region", "value": "0"},
            {"op": "flag", "split": 1, "key": "test", "value": "blue"},
        ]
    )
    paths, text = controller.save_all(ws, config)
    names = sorted(Path(p).name for p in paths)
    assert names == [
        "s-Canvas2-Depth.depth.png",
        "s-Canvas2-Depth.json",
        "s-Canvas2-Depth.mask.png",
        "s-Canvas2-Depth.normal.png",
        "s-Canvas2-Depth.regions.png",
        "s-Canvas2-Depth.test.png",
    ]
    assert text.startswith("Saved 6 files to ")
    depth = np.asarray(Image.open(next(p for p in paths if p.endswith(".depth.png"))))
    expected = map_depth(ws.depth_map.depth, ws.depth_map.valid, MappingPlan.from_splits(ws.splits))
    np.testing.assert_array_equal(depth, expected.grey8())
    before = {p: Path(p).read_bytes() for p in paths}
    ws.apply([{"op": "allocate", "split": 1, "levels": 50}])  # a change: a new name
    again, _ = controller.save_all(ws, config)
    assert sorted(Path(p).name for p in again)[0] == "s-Canvas2-Depth.1.depth.png"
    assert load_preset(next(p for p in again if p.endswith(".json"))).bounds == ws.splits.bounds
    assert {p: Path(p).read_bytes() for p in paths} == before  # the first save stays


def test_over_allocation_blocks_saving_with_the_reference_status(tmp_path: Path) -> None:
    ws = workspace()
    ws.apply([{"op": "add", "depth": 150}, {"op": "allocate", "split": 1, "levels": 138}])
    assert controller.save_all(ws, TabConfig(tmp_path)) == (
        [],
        "Not saved: Failure to map: 266 levels allocated.",
    )
    view = json.loads(controller.dumps(controller.build_view(ws)))
    assert view["message"]["kind"] == "error" and view["status"].startswith("Failure")


def test_preset_upload_replaces_the_splits_undoably(tmp_path: Path) -> None:
    ws = workspace()
    preset = tmp_path / "p.json"
    preset.write_text(
        controller.dumps(to_document(SplitSet.from_bounds([100, 130, 200.01], [128, 128])))
    )
    state, view = controller.load_preset_file([str(preset)], ws)
    assert state.splits.bounds == (100, 130, 200.01)
    assert json.loads(view)["message"]["text"] == "Loaded 2 splits from p.json"
    state.apply([{"op": "undo"}])
    assert len(state.splits) == 1


def test_batch_from_the_tab_uses_the_current_splits_resumes_and_cancels(tmp_path: Path) -> None:
    import threading

    from test_batch import write_sequence

    write_sequence(tmp_path / "anim_canvases", 3, normals=False)
    config = TabConfig(outputs=tmp_path / "out")
    ws = workspace()
    ws.apply(
        [
            {"op": "add", "depth": 150},
            {"op": "allocate", "split": 0, "levels": 200},
            {"op": "allocate", "split": 1, "levels": 56},
        ]
    )
    seen = []
    summary = batching.run_batch(
        str(tmp_path / "anim_canvases"), ws, config, lambda *a: seen.append(a), threading.Event()
    )
    folder = tmp_path / "out" / "batch" / "anim_canvases"
    assert summary == f"3 frames: 3 done, 0 skipped (done before), 0 failed; in {folder}"
    assert [a[:2] for a in seen] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert len(list(folder.glob("*.depth.png"))) == 3
    assert load_preset(next(folder.glob("*.depth.png"))).bounds == ws.splits.bounds
    again = batching.run_batch(
        str(tmp_path / "anim_canvases"), ws, config, lambda *a: None, threading.Event()
    )
    assert again.startswith("3 frames: 0 done, 3 skipped")
    stop = threading.Event()
    cancelled = batching.run_batch(
        str(tmp_path / "anim_canvases" / "*.exr"),
        ws,
        TabConfig(tmp_path / "other"),
        lambda *a: stop.set(),
        stop,
    )
    assert cancelled.startswith("Cancelled after 1 of 3 frames; run again to go on")


@pytest.mark.parametrize(
    ("inputs", "loaded", "expected"),
    [
        ("", True, "Not run: no Depth canvases there"),
        ("/nowhere/at/all", True, "Not run: /nowhere/at/all: file not found"),
        ("x", False, "Load a depth canvas and set the splits first"),
    ],
)
def test_batch_from_the_tab_explains_what_is_missing(tmp_path, inputs, loaded, expected) -> None:
    import threading

    ws = workspace() if loaded else None
    text = batching.run_batch(inputs, ws, TabConfig(tmp_path), lambda *a: None, threading.Event())
    assert text.startswith(expected)


def test_loading_with_edge_repair_gives_silhouette_pixels_back(tmp_path: Path) -> None:
    from lib_dazdepth.engine.sample import write_sample

    paths = write_sample(tmp_path / "scene", size=120)
    files = [paths.depth_exr]
    plain = controller.load_files(files, None, TabConfig(tmp_path)).workspace
    fixed = controller.load_files(files, None, TabConfig(tmp_path), None, True).workspace
    repaired = fixed.depth_map.background.repaired
    assert repaired > 0
    assert fixed.depth_map.background.total == plain.depth_map.background.total - repaired


def test_a_layer_per_canvas_and_what_the_depth_holds(tmp_path: Path) -> None:
    """A Blender-like file as every canvas: the status line names what was read; a layer
    picked in the list, inverse depth and a distance canvas with a field of view."""
    blender(tmp_path / "b.exr")
    files = [tmp_path / "b.exr"]
    config = TabConfig(tmp_path / "out")
    roles = {"depth": "b.exr", "normal": "b.exr", "beauty": "b.exr"}
    loaded = controller.load_files(files, None, config, roles)
    assert loaded.layers["depth"][:3] == [
        "(by name)",
        "ViewLayer.Depth.Z",
        "ViewLayer.Denoising Depth.Z",
    ]
    assert json.loads(loaded.view)["message"]["text"] == (
        "Loaded b.exr: depth from ViewLayer.Depth.Z (float), planar depth, normals from"
        " ViewLayer.Normal (X,Y,Z), beauty from ViewLayer.Combined (R,G,B); b.exr:"
        " ViewLayer.Depth.Z is Blender's Depth pass, all of it within 1 m if read as cm:"
        " likely metres, so choose the depth unit m"  # its depths: 3 to 10
    )
    reading = Reading({"normal": "ViewLayer.Denoising Normal (X,Y,Z)"}, "inverse")
    picked = controller.load_files(files, None, config, roles, reading=reading)
    assert picked.workspace.normal.min() >= 0.8
    np.testing.assert_allclose(picked.workspace.depth_map.depth, 1 / DEPTH, rtol=1e-6)
    text = json.loads(picked.view)["message"]["text"]
    assert "inverse depth (1/z)" in text and "ViewLayer.Denoising Normal (X,Y,Z)" in text
    stereo = write_exr(tmp_path / "s-Depth.exr", {"left.Z": DEPTH, "right.Z": DEPTH})
    note = json.loads(controller.load_files([stereo], None, config).view)["message"]
    assert note["text"].endswith(
        "s-Depth.exr: used left.Z, but right.Z could be meant too (choose in the layer list)"
    )


def test_a_distance_canvas_in_the_tab(tmp_path: Path) -> None:
    path = distance_canvas(tmp_path / "s-Canvas4-Distance.exr")
    config = TabConfig(tmp_path / "out")
    refused = json.loads(controller.load_files([path], None, config).view)["message"]
    assert refused["kind"] == "error" and "(--fov DEGREES)" in refused["text"]
    loaded = controller.load_files([path], None, config, reading=Reading(fov=FOV))
    np.testing.assert_allclose(loaded.workspace.depth_map.depth, scene(), rtol=2e-7)
