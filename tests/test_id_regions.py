"""Regions from IDs through the product: the tab, the command line and a batch, each mask
read as the Regional Prompter reads it (readings.py), on the generated scene (iddata.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
from iddata import NAMES, id_scene, write_scene
from PIL import Image
from readings import words_per_pixel

from lib_dazdepth.cli.batch import main as batch_main
from lib_dazdepth.cli.main import Converter, convert_parser
from lib_dazdepth.cli.send import render_maps
from lib_dazdepth.editing.region_edits import current_regions
from lib_dazdepth.engine.maps import REGIONS_KEY
from lib_dazdepth.engine.outputs import read_text_chunks
from lib_dazdepth.engine.presets import dumps
from lib_dazdepth.engine.splits import SplitSet
from lib_dazdepth.ui import controller
from lib_dazdepth.ui.controller import TabConfig

SCENE = id_scene()
KNOWN = SCENE.dominant  # each pixel's object where it is clear (whole, or a 2-way majority)


def png(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def check_words(mask: np.ndarray, template: str, words: dict[int, str], known=KNOWN) -> None:
    """Every pixel whose object is clear reads the words given for that object."""
    got = words_per_pixel(mask, template)
    for k, name in enumerate(NAMES):
        assert set(got[known == k]) == {words[k]}, f"{name}: {set(got[known == k])}"


def test_ids_separate_a_hand_from_the_table_it_rests_on_in_the_tab(tmp_path) -> None:
    paths = write_scene(tmp_path / "scene", SCENE)
    config = TabConfig(tmp_path / "out")
    loaded = controller.load_files([paths["depth"], paths["ids"]], None, config)
    state = loaded.workspace
    assert loaded.roles["ids"] == "ids-Canvas4-ObjectId.exr"
    assert "6 objects in ids-Canvas4-ObjectId.exr" in json.loads(loaded.view)["message"]["text"]
    hand = tuple(np.argwhere(SCENE.interior == NAMES.index("hand"))[0])
    table = tuple(np.argwhere(SCENE.interior == NAMES.index("table"))[0])
    state.apply([{"op": "auto"}, {"op": "regions_from_splits"}])
    before = current_regions(state.depth_map, state.splits, None)
    assert before[hand] == before[table]  # one depth: the splits cannot tell them apart
    state.apply([{"op": "regions_from_ids"}])
    assert state.note == (
        f"Regions from IDs: 6 objects of {paths['ids'].name} → regions 0–5; the splits' region"
        " numbers are cleared (Undo brings them back)"
    )
    after = current_regions(state.depth_map, state.splits, None, state.objects)
    assert after[hand] != after[table]
    number_of = {k: int(after[tuple(np.argwhere(k == KNOWN)[0])]) for k in range(len(NAMES))}
    ops = [{"op": "label_region", "region": number_of[k], "value": n} for k, n in enumerate(NAMES)]
    state.apply(ops)
    view = controller.build_view(state)
    files, _ = controller.save_all(state, config)
    (mask,) = [Path(p) for p in files if p.endswith(".regions.png")]
    check_words(png(mask), view["regions"]["template"], dict(enumerate(NAMES)))
    assert (
        json.loads(read_text_chunks(mask)[REGIONS_KEY])["template"] == view["regions"]["template"]
    )
    # the preset keeps the ID table and the labels: loaded again, the same mask
    (preset,) = [Path(p) for p in files if p.endswith(".json")]
    again = controller.load_files([paths["depth"], paths["ids"]], None, config).workspace
    controller.load_preset_file([preset], again)
    files2, _ = controller.save_all(again, config)
    (mask2,) = [Path(p) for p in files2 if p.endswith(".regions.png")]
    np.testing.assert_array_equal(png(mask2), png(mask))


def test_the_command_line_gives_each_object_a_region_near_to_far(tmp_path) -> None:
    paths = write_scene(tmp_path / "scene", SCENE)
    out = tmp_path / "out"
    args = convert_parser().parse_args(
        [str(paths["depth"]), "--regions", "--regions-from", str(paths["png"]), "--out", str(out)]
    )
    said = io.StringIO()
    assert Converter(args, out=said).run() == 0
    lines = said.getvalue().splitlines()
    (template,) = [x.split(": ", 1)[1] for x in lines if x.startswith("** Regional Prompter")]
    # near to far: ball 150, figure 180, table and hand 200 (by median, then first seen),
    # floor about 240, wall 500
    mask = png(out / "ids-Canvas2-Depth.regions.png")
    got = words_per_pixel(mask, template)
    order = [got[NAMES.index(n) == KNOWN][0] for n in ("ball", "figure", "floor", "wall")]
    assert order == ["(region 0)", "(region 1)", "(region 4)", "(region 5)"]
    hand_table = {got[NAMES.index(n) == KNOWN][0] for n in ("hand", "table")}
    assert hand_table == {"(region 2)", "(region 3)"}
    for k in range(len(NAMES)):
        assert len(set(got[k == KNOWN])) == 1


def test_a_batch_keeps_each_objects_region_across_frames(tmp_path) -> None:
    frames = tmp_path / "frames"
    write_scene(frames, id_scene(), "anim.0001")
    moved = id_scene(shift=6.0)
    write_scene(frames, moved, "anim.0002")
    for path in frames.glob("*.png"):
        path.unlink()  # one ID canvas per frame: the EXR
    splits = SplitSet.default(150, 500)
    preset = tmp_path / "p.json"
    preset.write_text(dumps(splits))
    out = tmp_path / "out"
    code = batch_main(
        [
            str(frames),
            "--preset",
            str(preset),
            "--regions",
            "--regions-from-ids",
            "--out",
            str(out),
            "--jobs",
            "1",
        ],
        out=io.StringIO(),
        err=io.StringIO(),
    )
    assert code == 0
    table = json.loads((out / "batch-preset.json").read_text())["id_regions"]
    assert sorted(table.values()) == list(range(6))
    words = {}
    for scene, stem in ((id_scene(), "anim.0001"), (moved, "anim.0002")):
        mask_path = out / f"{stem}-Canvas2-Depth.regions.png"
        template = json.loads(read_text_chunks(mask_path)[REGIONS_KEY])["template"]
        got = words_per_pixel(png(mask_path), template)
        words[stem] = {k: set(got[scene.dominant == k]) for k in range(len(NAMES))}
    assert words["anim.0001"] == words["anim.0002"]  # the same object, the same region
    assert all(len(w) == 1 for w in words["anim.0001"].values())


def test_send_with_a_preset_from_ids_takes_the_id_canvas_among_the_canvases(tmp_path) -> None:
    paths = write_scene(tmp_path / "scene", SCENE)
    config = TabConfig(tmp_path / "out")
    state = controller.load_files([paths["depth"], paths["ids"]], None, config).workspace
    state.apply([{"op": "regions_from_ids"}])
    files, _ = controller.save_all(state, config)
    (preset,) = [p for p in files if p.endswith(".json")]
    (mask,) = [Path(p) for p in files if p.endswith(".regions.png")]
    (paths["png"]).unlink()  # one ID canvas in the folder: the EXR the tab used
    rendered = render_maps([paths["depth"], paths["ids"]], Path(preset))
    np.testing.assert_array_equal(rendered.maps.mask, png(mask))
    args = convert_parser().parse_args([str(paths["depth"]), "--preset", preset, "--regions"])
    said = io.StringIO()
    args.out = str(tmp_path / "cli")
    assert Converter(args, out=said).run() == 0
    assert "give it with --regions-from" in said.getvalue()
