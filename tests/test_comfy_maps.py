"""The ComfyUI nodes' maps (numpy, before torch) equal the command line's PNGs exactly, on
the sample canvases and on presets with edits; bad inputs give one line naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from comfydata import SAMPLE_FOLDER, cli_pngs, png, region_masks_of, sample_input
from exrdata import write_depth
from iddata import NAMES, id_scene, write_scene

from lib_dazdepth.cli.main import main
from lib_dazdepth.comfy.canvases import CanvasChoice, load_canvases
from lib_dazdepth.comfy.maps import (
    DepthSettings,
    make_depth,
    make_normal,
    make_regions,
    preset_files,
)
from lib_dazdepth.editing.edits import EDITS_KEY, edits_output
from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.normals import NormalSettings
from lib_dazdepth.engine.outputs import write_outputs
from lib_dazdepth.engine.palette import region_colours
from lib_dazdepth.engine.presets import dumps, to_document
from lib_dazdepth.engine.regions import INHERIT
from lib_dazdepth.engine.splits import SplitSet

RAMP = np.linspace(100, 200, 64, dtype=np.float32).reshape(8, 8)
SCENE_INTERIOR = id_scene().interior  # each pixel's object where it covers it whole


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("comfy")
    input_dir, paths = sample_input(tmp)
    canvases = load_canvases(input_dir, CanvasChoice(SAMPLE_FOLDER))
    return tmp, input_dir, paths, canvases


def test_the_folder_daz_depth_sample_writes_loads_by_role(sample) -> None:
    _, _, paths, canvases = sample
    assert canvases.paths.depth == paths.depth_exr
    assert canvases.paths.normal == paths.normal_exr
    assert canvases.paths.beauty in (paths.beauty_exr, paths.beauty_png)
    assert canvases.normals.shape == (96, 96, 3) and canvases.beauty.shape == (96, 96, 3)


def test_auto_depth_mask_regions_and_normal_equal_the_command_line(sample) -> None:
    tmp, input_dir, paths, canvases = sample
    flags = ("--auto", "--regions", "--mask", "--split-regions")
    cli = cli_pngs(tmp / "auto", paths.depth_exr, paths.normal_exr, *flags)
    maps = make_depth(canvases, DepthSettings("automatic"), input_dir)
    np.testing.assert_array_equal(maps.grey(), cli["depth"])
    np.testing.assert_array_equal(maps.mask(), cli["mask"])
    regions = make_regions(maps, "one per split")
    np.testing.assert_array_equal(regions.image, cli["regions"])
    count = len(regions.labels)
    assert count >= 3 and regions.masks.shape == (count, 96, 96)
    expected = region_masks_of(cli["regions"], region_colours(count))
    np.testing.assert_array_equal(regions.masks, expected)
    assert all(mask.any() for mask in regions.masks)  # one region per split holding pixels
    np.testing.assert_array_equal(make_normal(canvases), cli["normal"])


def test_one_split_with_cutoff_curve_and_compression_equals_the_command_line(sample) -> None:
    tmp, input_dir, paths, canvases = sample
    args = ("--depth_cutoff", "400", "--curve", "inverse", "--compress_map", "--mask")
    cli = cli_pngs(tmp / "plain", paths.depth_exr, *args)
    settings = DepthSettings("one split", cutoff=400.0, curve="inverse", compress=True)
    maps = make_depth(canvases, settings, input_dir)
    np.testing.assert_array_equal(maps.grey(), cli["depth"])
    np.testing.assert_array_equal(maps.mask(), cli["mask"])
    assert maps.depth_map.max == pytest.approx(400.0)


def test_a_preset_with_region_edits_and_test_colours_equals_the_command_line(sample) -> None:
    tmp, input_dir, paths, canvases = sample
    depth = canvases.depth
    middle = (depth.min + depth.max) / 2
    splits = SplitSet.from_bounds([depth.min, middle, depth.max + 1], [150, 100])
    splits = splits.set_flag(0, "region", "0").set_flag(1, "test", "red")
    edits = np.full(depth.shape, INHERIT, dtype=np.int16)
    edits[:10, :10] = 1  # a region only an edit gives
    preset = input_dir / "presets" / "p.json"
    preset.parent.mkdir()
    preset.write_text(json.dumps(to_document(splits) | {EDITS_KEY: "p.edits.png"}))
    write_outputs([edits_output(preset, edits)])
    cli = cli_pngs(tmp / "preset", paths.depth_exr, "--preset", preset, "--regions")
    maps = make_depth(canvases, DepthSettings("preset", "presets/p.json"), input_dir)
    np.testing.assert_array_equal(maps.grey(), cli["depth"])
    np.testing.assert_array_equal(make_regions(maps).image, cli["regions"])
    regions = make_regions(maps, "preset")
    assert regions.labels == ["(region 0)", "(region 1)"]
    assert regions.masks[1].sum() == 100 and not regions.masks[0][:10, :10].any()
    test = maps.test()
    far = depth.valid & (depth.depth >= middle) & ~np.isin(np.arange(96), range(10))[None, :]
    assert {tuple(c) for c in test[far]} == {(255, 0, 0)}
    assert preset_files(input_dir, "presets/p.json") == [preset, preset.with_name("p.edits.png")]


def test_a_depth_png_written_by_daz_depth_is_a_preset(sample) -> None:
    tmp, input_dir, paths, canvases = sample
    first = cli_pngs(tmp / "first", paths.depth_exr, "--auto")
    saved = input_dir / "saved.depth.png"
    saved.write_bytes((tmp / "first" / "sample_scene-Canvas2-Depth.depth.png").read_bytes())
    again = cli_pngs(tmp / "again", paths.depth_exr, "--preset", saved)
    maps = make_depth(canvases, DepthSettings("preset", "saved.depth.png"), input_dir)
    np.testing.assert_array_equal(maps.grey(), again["depth"])
    np.testing.assert_array_equal(maps.grey(), first["depth"])


def test_split_regions_gives_each_split_with_pixels_a_region_near_to_far(tmp_path) -> None:
    exr = write_depth(tmp_path / "a.exr", RAMP)
    preset = tmp_path / "p.json"
    splits = SplitSet.from_bounds([100, 130, 160, 170, 200.01], [50, 50, 0, 50])
    preset.write_text(dumps(splits))
    status = main([str(exr), "--preset", str(preset), "--regions", "--split-regions"])
    assert status == 0
    regions = png(tmp_path / "a.regions.png")
    colours = region_colours(4)
    expected = np.select(
        [RAMP < 130, RAMP < 160, RAMP < 170], [0, 1, 2], 3
    )  # every split here holds pixels
    for number, colour in enumerate(colours):
        assert ((regions == colour).all(axis=2) == (expected == number)).all()


def test_region_masks_need_a_region(sample) -> None:
    _, input_dir, _, canvases = sample
    maps = make_depth(canvases, DepthSettings("automatic"), input_dir)
    with pytest.raises(InputError, match=r"^regions_from: no pixel has a region"):
        make_regions(maps, "preset")


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        (CanvasChoice("../elsewhere"), "folder '../elsewhere': must name a file or folder inside"),
        (CanvasChoice("/etc"), "folder '/etc': must name a file or folder inside"),
        (CanvasChoice("missing"), "folder 'missing': no such folder in ComfyUI's input folder"),
        (CanvasChoice(depth="nope.exr"), "depth_file 'nope.exr': no such file in"),
        (CanvasChoice("empty"), "folder 'empty': no Depth canvas found"),
        (CanvasChoice(), "depth_file: no Depth canvas found"),
        (CanvasChoice("two"), "folder 'two': holds 2 Depth canvases (a-Depth.exr, b-Depth.exr)"),
    ],
)
def test_bad_choices_say_which_field_and_what_is_wrong(tmp_path, choice, message) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "two").mkdir()
    for name in ("a", "b"):
        write_depth(tmp_path / "two" / f"{name}-Depth.exr", RAMP)
    with pytest.raises(InputError) as caught:
        load_canvases(tmp_path, choice)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_a_normal_canvas_of_another_size_is_refused(tmp_path) -> None:
    from exrdata import write_exr

    write_depth(tmp_path / "s-Depth.exr", RAMP)
    write_exr(tmp_path / "s-Normal.exr", {"RGB": np.zeros((4, 4, 3), dtype=np.float32)})
    with pytest.raises(InputError, match=r"s-Normal\.exr: is 4x4 but the depth canvas is 8x8"):
        load_canvases(tmp_path, CanvasChoice("."))


def test_depth_settings_and_missing_normals_are_one_line_errors(sample, tmp_path) -> None:
    _, input_dir, _, canvases = sample
    for settings, message in [
        (DepthSettings("preset"), "preset: name a preset file"),
        (DepthSettings("sometimes"), "splits: 'sometimes' is not one of automatic, preset"),
        (DepthSettings(curve="cubic"), "curve: 'cubic' is not one of linear, inverse"),
        (DepthSettings(cutoff=-1.0), "cutoff: -1.0 must be a depth in cm, or 0 for none"),
        (DepthSettings("preset", "missing.json"), "preset 'missing.json': no such file"),
    ]:
        with pytest.raises(InputError) as caught:
            make_depth(canvases, settings, input_dir)
        assert str(caught.value).startswith(message)
    write_depth(tmp_path / "lone-Depth.exr", RAMP)
    alone = load_canvases(tmp_path, CanvasChoice(depth="lone-Depth.exr"))
    with pytest.raises(InputError, match="no Normal canvas was found beside the depth canvas"):
        make_normal(alone)
    with pytest.raises(InputError, match=r"^normal settings: convention"):
        make_normal(sample[3], NormalSettings("upside-down"))


def test_an_over_allocated_preset_gives_the_reference_status_line(sample) -> None:
    _, input_dir, _, canvases = sample
    depth = canvases.depth
    splits = SplitSet.from_bounds([depth.min, depth.max, depth.max + 1], [200, 100])
    (input_dir / "over.json").write_text(dumps(splits))
    with pytest.raises(InputError) as caught:
        make_depth(canvases, DepthSettings("preset", "over.json"), input_dir)
    assert str(caught.value).endswith(
        "over.json: mapping status was: Failure to map: 300 levels allocated."
    )


def test_files_named_one_by_one_override_the_folder(sample) -> None:
    _, input_dir, _, _ = sample
    normal = f"{SAMPLE_FOLDER}/sample_scene_canvases/sample_scene-Canvas3-Normal.exr"
    chosen = load_canvases(
        input_dir, CanvasChoice(depth=normal.replace("3-Normal", "2-Depth"), normal=normal)
    )
    assert chosen.paths.normal == Path(input_dir, normal) and chosen.beauty is None


def test_regions_from_an_id_canvas_equal_the_command_lines_regions_from(tmp_path) -> None:
    """The ID scene's hand rests on the table at its depth: splits cannot part them, the
    Object Id canvas does, as ``--regions --regions-from`` does."""
    input_dir = tmp_path / "input"
    paths = write_scene(input_dir / "scene", id_scene())
    canvases = load_canvases(input_dir, CanvasChoice("scene"))
    assert canvases.paths.ids == paths["ids"]  # found by name, the EXR before the PNG
    assert len(canvases.objects.keys) == len(NAMES)
    for ids, choice in (
        (paths["ids"], CanvasChoice("scene")),
        (paths["png"], CanvasChoice("scene", ids="scene/ids-Canvas5-ID.png")),
    ):
        flags = ("--auto", "--regions", "--regions-from", ids)
        cli = cli_pngs(tmp_path / ids.suffix[1:], paths["depth"], *flags)
        canvases = load_canvases(input_dir, choice)
        maps = make_depth(canvases, DepthSettings("automatic"), input_dir)
        regions = make_regions(maps, "ID canvas")
        np.testing.assert_array_equal(regions.image, cli["regions"])
        assert regions.labels == [f"(region {k})" for k in range(len(NAMES))]
        expected = region_masks_of(cli["regions"], region_colours(len(NAMES)))
        np.testing.assert_array_equal(regions.masks, expected)
        hand, table = (NAMES.index(n) == SCENE_INTERIOR for n in ("hand", "table"))
        assert regions.masks[:, hand].all(axis=1).sum() == 1
        assert (regions.masks[:, hand].all(axis=1) != regions.masks[:, table].all(axis=1)).any()


def test_regions_from_ids_need_an_id_canvas(sample) -> None:
    _, input_dir, _, canvases = sample
    maps = make_depth(canvases, DepthSettings("automatic"), input_dir)
    with pytest.raises(InputError) as caught:
        make_regions(maps, "ID canvas")
    assert str(caught.value).startswith("regions_from: 'ID canvas' needs an ID canvas")
