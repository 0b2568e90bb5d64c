"""The example workflow in a real ComfyUI: set ``COMFYUI_URL`` (e.g. http://127.0.0.1:8188)
to a running ComfyUI with this checkout in ``custom_nodes``. The sample canvases are
uploaded into its input folder ``daz_depth_sample``, ``examples/comfyui/
daz_depth_sample_api.json`` is posted to ``/prompt``, and the images it saved are read back
through ``/view`` and compared with ``daz-depth --auto``'s PNGs pixel for pixel."""

from __future__ import annotations

import json

import numpy as np
from comfydata import cli_pngs, png, region_masks_of
from exrdata import write_depth
from iddata import NAMES, id_scene, write_scene
from server_calls import WORKFLOW, call, needs_comfyui, run_prompt, saved_images, upload

from lib_dazdepth.cli.main import main
from lib_dazdepth.engine.palette import region_colours

NODES = {"DazDepthLoadCanvases", "DazDepthMap", "DazDepthNormalMap", "DazDepthRegionMasks"}

pytestmark = needs_comfyui


def rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[..., None], 3, axis=2)


def test_comfyui_lists_the_nodes() -> None:
    info = json.loads(call("/object_info"))
    assert NODES | {"DazDepthFrames"} <= set(info)
    assert info["DazDepthMap"]["category"] == "Daz Depth"
    assert info["DazDepthMap"]["output"] == ["DAZ_DEPTH", "IMAGE", "IMAGE", "MASK"]
    assert info["DazDepthRegionMasks"]["output_is_list"] == [False, False, True]


def test_the_sample_workflow_saves_what_daz_depth_auto_writes(uploaded) -> None:
    local, paths = uploaded
    entry = run_prompt(json.loads(WORKFLOW.read_text()))
    assert entry["status"]["status_str"] == "success", entry["status"]
    flags = ("--auto", "--regions", "--mask", "--split-regions")
    cli = cli_pngs(local.parent / "cli", paths.depth_exr, paths.normal_exr, *flags)
    (depth,) = saved_images(entry, "5")
    np.testing.assert_array_equal(depth, rgb(cli["depth"]))
    (normal,) = saved_images(entry, "6")
    np.testing.assert_array_equal(normal, cli["normal"])
    (regions,) = saved_images(entry, "7")
    np.testing.assert_array_equal(regions, cli["regions"])
    masks = saved_images(entry, "9")
    expected = region_masks_of(cli["regions"], region_colours(len(masks)))
    assert len(masks) >= 3 and all(mask.any() for mask in expected)
    for mask, region in zip(masks, expected):
        np.testing.assert_array_equal(mask, rgb(np.where(region, 255, 0).astype(np.uint8)))
    (mask,) = saved_images(entry, "11")
    np.testing.assert_array_equal(mask, rgb(cli["mask"]))


def test_a_missing_folder_is_one_line_in_comfyuis_error(uploaded) -> None:
    workflow = json.loads(WORKFLOW.read_text())
    workflow["1"]["inputs"]["folder"] = "no_such_folder"
    entry = run_prompt(workflow)
    assert entry["status"]["status_str"] == "error"
    (error,) = [m[1] for m in entry["status"]["messages"] if m[0] == "execution_error"]
    assert error["exception_type"] == "ValueError"
    assert error["exception_message"].strip() == (
        "folder 'no_such_folder': no such folder in ComfyUI's input folder"
    )


def test_without_a_render_only_the_nodes_using_beauty_stop(uploaded) -> None:
    """The blocked node's message goes to the page (an ``execution_error`` event), not to
    the history: here the history shows the rest done and the preview skipped."""
    local, paths = uploaded
    depth = paths.depth_exr.relative_to(local.parent).as_posix()
    workflow = json.loads(WORKFLOW.read_text())
    workflow["1"]["inputs"].update(folder="", depth_file=depth)
    del workflow["3"], workflow["6"]  # no Normal canvas either: leave the normal map out
    workflow["12"] = {"class_type": "PreviewImage", "inputs": {"images": ["1", 1]}}
    entry = run_prompt(workflow)
    assert entry["status"]["status_str"] == "success", entry["status"]
    assert {"5", "7", "9", "11"} <= set(entry["outputs"]) and "12" not in entry["outputs"]


def test_frames_save_what_batch_writes(tmp_path) -> None:
    folder = tmp_path / "daz_depth_frames"
    folder.mkdir()
    ramp = np.linspace(100, 200, 48 * 64, dtype=np.float32).reshape(48, 64)
    for number in range(3):
        path = write_depth(folder / f"anim-Canvas2-Depth.{number:04}.exr", ramp + 25 * number)
        upload(path, folder.name)
    assert (
        main(["batch", str(folder), "--union", "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    )
    workflow = {
        "1": {
            "class_type": "DazDepthFrames",
            "inputs": {"folder": folder.name, "preset": "", "background_threshold": 1e9},
        },
        "2": {
            "class_type": "SaveImage",
            "inputs": {"images": ["1", 0], "filename_prefix": "daz_depth/frames"},
        },
    }
    entry = run_prompt(workflow)
    assert entry["status"]["status_str"] == "success", entry["status"]
    frames = saved_images(entry, "2")
    assert len(frames) == 3
    for number, frame in enumerate(frames):
        written = png(tmp_path / "out" / f"anim-Canvas2-Depth.{number:04}.depth.png")
        np.testing.assert_array_equal(frame, rgb(written))


def test_a_preset_saved_by_daz_depth_maps_as_on_the_command_line(uploaded) -> None:
    local, paths = uploaded
    first = cli_pngs(local.parent / "first", paths.depth_exr, "--auto")
    saved = local.parent / "first" / "sample_scene-Canvas2-Depth.depth.png"
    upload(saved, "daz_depth_presets")
    again = cli_pngs(local.parent / "again", paths.depth_exr, "--preset", saved)
    workflow = json.loads(WORKFLOW.read_text())
    workflow["2"]["inputs"].update(splits="preset", preset=f"daz_depth_presets/{saved.name}")
    workflow["4"]["inputs"]["regions_from"] = "one per split"
    entry = run_prompt(workflow)
    assert entry["status"]["status_str"] == "success", entry["status"]
    (depth,) = saved_images(entry, "5")
    np.testing.assert_array_equal(depth, rgb(again["depth"]))
    np.testing.assert_array_equal(depth, rgb(first["depth"]))


def test_region_masks_from_an_id_canvas_save_what_regions_from_writes(tmp_path) -> None:
    paths = write_scene(tmp_path / "daz_depth_ids", id_scene())
    for path in paths.values():
        upload(path, "daz_depth_ids")
    flags = ("--auto", "--regions", "--regions-from", paths["ids"])
    cli = cli_pngs(tmp_path / "cli", paths["depth"], *flags)
    workflow = json.loads(WORKFLOW.read_text())
    workflow["1"]["inputs"]["folder"] = "daz_depth_ids"
    workflow["4"]["inputs"]["regions_from"] = "ID canvas"
    del workflow["3"], workflow["6"]  # no Normal canvas here
    entry = run_prompt(workflow)
    assert entry["status"]["status_str"] == "success", entry["status"]
    (regions,) = saved_images(entry, "7")
    np.testing.assert_array_equal(regions, cli["regions"])
    masks = saved_images(entry, "9")
    expected = region_masks_of(cli["regions"], region_colours(len(NAMES)))
    assert len(masks) == len(NAMES)
    for mask, region in zip(masks, expected):
        np.testing.assert_array_equal(mask, rgb(np.where(region, 255, 0).astype(np.uint8)))
