"""The files of one piece of work share one name: a preset saved alone and the maps saved
after it, with no change between, go under the same number; a save repeated unchanged
writes nothing; a changed save never replaces an earlier one, nor a file of the user's."""

from __future__ import annotations

from pathlib import Path

from exrdata import write_depth
from test_workspace import RAMP

from lib_dazdepth.editing.saving import dated_folder
from lib_dazdepth.engine.outputs import is_ours
from lib_dazdepth.ui import controller
from lib_dazdepth.ui.controller import TabConfig

MAPS = ["s-Depth.regions.png", "s-Depth.mask.png", "s-Depth.depth.png"]  # as written


def session(tmp_path: Path):
    config = TabConfig(tmp_path / "out")
    depth = write_depth(tmp_path / "s-Depth.exr", RAMP)
    ws = controller.load_files([depth], None, config).workspace
    ws.apply([{"op": "add", "depth": 150}, {"op": "regions_from_splits"}])
    return ws, config, dated_folder(config.outputs)


def names(paths: list[str]) -> list[str]:
    return [Path(p).name for p in paths]


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_maps_saved_after_the_preset_take_its_name(tmp_path: Path) -> None:
    ws, config, folder = session(tmp_path)
    paths, text = controller.save_preset_only(ws, config)
    assert names(paths) == ["s-Depth.json"]
    assert text == f"Saved the preset to {folder}: s-Depth.json"
    preset = (folder / "s-Depth.json").read_bytes()
    paths, text = controller.save_all(ws, config)
    assert names(paths) == [*MAPS, "s-Depth.json"]
    assert text == (
        f"Saved 3 files to {folder}: {', '.join(MAPS)}; beside s-Depth.json, saved before"
        " from this work"
    )
    assert (folder / "s-Depth.json").read_bytes() == preset
    assert sorted(contents(folder)) == sorted([*MAPS, "s-Depth.json"])


def test_a_preset_saved_after_its_maps_is_already_there(tmp_path: Path) -> None:
    ws, config, folder = session(tmp_path)
    controller.save_all(ws, config)
    before = contents(folder)
    paths, text = controller.save_preset_only(ws, config)
    assert names(paths) == ["s-Depth.json"]
    assert text == f"Nothing new to save: s-Depth.json in {folder} already holds this work"
    paths, text = controller.save_all(ws, config)  # again, unchanged: nothing new either
    assert names(paths) == [*MAPS, "s-Depth.json"]
    assert text == (
        f"Nothing new to save: {', '.join(MAPS)}, s-Depth.json in {folder} already hold this work"
    )
    assert contents(folder) == before


def test_a_change_between_gives_the_next_number_and_keeps_the_earlier_save(tmp_path) -> None:
    ws, config, folder = session(tmp_path)
    controller.save_preset_only(ws, config)
    before = contents(folder)
    ws.apply([{"op": "label_region", "region": 0, "value": "near"}])
    paths, text = controller.save_all(ws, config)
    assert names(paths) == [name.replace("s-Depth.", "s-Depth.1.") for name in MAPS] + [
        "s-Depth.1.json"
    ]
    assert text.startswith(f"Saved 4 files to {folder}: s-Depth.1.regions.png")
    assert {n: b for n, b in contents(folder).items() if n in before} == before
    # Undone: the work of the first preset again, whose name has no maps yet.
    ws.apply([{"op": "undo"}])
    paths, _ = controller.save_all(ws, config)
    assert names(paths) == [*MAPS, "s-Depth.json"]


def test_a_file_of_the_users_there_is_never_replaced(tmp_path: Path) -> None:
    ws, config, folder = session(tmp_path)
    controller.save_preset_only(ws, config)
    mine = folder / "s-Depth.mask.png"
    mine.write_bytes(b"my own mask")
    paths, _ = controller.save_all(ws, config)
    assert names(paths)[-1] == "s-Depth.1.json"  # the whole set moves on, preset too
    assert mine.read_bytes() == b"my own mask" and not is_ours(mine)


def test_edits_files_are_one_piece_of_work_with_their_preset(tmp_path: Path) -> None:
    ws, config, folder = session(tmp_path)
    ws.apply([{"op": "select_at", "x": 0, "y": 0}, {"op": "assign_selection", "region": 5}])
    paths, _ = controller.save_preset_only(ws, config)
    assert names(paths) == ["s-Depth.json", "s-Depth.edits.png"]
    sidecar = (folder / "s-Depth.edits.png").read_bytes()
    paths, text = controller.save_all(ws, config)
    assert names(paths) == [*MAPS, "s-Depth.json", "s-Depth.edits.png"]
    assert text.endswith("beside s-Depth.json, s-Depth.edits.png, saved before from this work")
    assert (folder / "s-Depth.edits.png").read_bytes() == sidecar
    # other region edits: the edits file differs, so the next number
    ws.apply([{"op": "select_at", "x": 0, "y": 0}, {"op": "assign_selection", "region": 6}])
    paths, _ = controller.save_preset_only(ws, config)
    assert names(paths) == ["s-Depth.1.json", "s-Depth.1.edits.png"]
    assert (folder / "s-Depth.edits.png").read_bytes() == sidecar
