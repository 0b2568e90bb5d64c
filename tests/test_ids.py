"""Regions from the renderer's own ID canvases, on a generated scene: six objects with
filtered edges, a hand on a table at the table's depth (iddata.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from exrdata import write_exr
from iddata import COLOURS, NAMES, id_scene, write_scene
from PIL import Image

from lib_dazdepth.engine.canvases import recognise
from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.ids import (
    id_layer,
    is_id_canvas,
    objects_from_alphas,
    objects_from_values,
    read_ids,
)
from lib_dazdepth.engine.regions import INHERIT

SCENE = id_scene()


def key(name: str) -> str:
    return ",".join(format(float(np.float32(c)), ".9g") for c in COLOURS[name])


def named(objects) -> np.ndarray:
    """Each pixel's object as its index in NAMES (-1: none)."""
    index = np.array(
        [*(NAMES.index(next(n for n in NAMES if key(n) == k)) for k in objects.keys), -1]
    )
    return index[objects.labels]


def check_objects(objects) -> None:
    found = named(objects)
    interior, dominant = SCENE.interior, SCENE.dominant
    np.testing.assert_array_equal(found[interior >= 0], interior[interior >= 0])
    np.testing.assert_array_equal(found[dominant >= 0], dominant[dominant >= 0])
    sky = SCENE.coverage[..., -1] == 1
    assert (found[sky] == -1).all()


@pytest.mark.parametrize(
    ("name", "is_id"),
    [
        ("scene-Canvas4-ObjectId.exr", True),
        ("scene-Canvas5-Object.exr", True),
        ("scene-Canvas6-MaterialId.exr", True),
        ("scene-Canvas6-Material.png", True),
        ("scene-Canvas7-Alpha.exr", True),
        ("scene-ID.png", True),
        ("shot_IndexOB.exr", True),
        ("scene-Canvas2-Depth.exr", False),
        ("scene-video.exr", False),
    ],
)
def test_id_canvases_are_recognised_by_name(name, is_id) -> None:
    assert is_id_canvas(Path(name)) is is_id
    assert (recognise([Path(name)]).ids is not None) is is_id


def test_each_flat_colour_is_an_object_and_filtered_edges_go_to_the_dominant_one() -> None:
    objects = objects_from_values(SCENE.ids)
    assert sorted(objects.keys) == sorted(key(n) for n in NAMES)
    edges = (SCENE.coverage[..., :-1].max(axis=-1) < 1) & (SCENE.dominant >= 0)
    assert edges.sum() > 150  # the scene does have filtered edges
    check_objects(objects)


def test_an_eight_bit_id_png_gives_the_same_objects(tmp_path) -> None:
    paths = write_scene(tmp_path, SCENE)
    objects = read_ids([paths["png"]])
    assert len(objects.keys) == len(NAMES)
    exr_objects = read_ids([paths["ids"]])
    np.testing.assert_array_equal(objects.labels >= 0, exr_objects.labels >= 0)
    assert objects.keys[0] == "51,76,230"  # 8-bit colours keep their 0..255 values


def test_alpha_canvases_give_one_object_each(tmp_path) -> None:
    alphas = [SCENE.coverage[..., k].astype(np.float32) for k in range(len(NAMES))]
    keys = [f"alpha:{n}" for n in NAMES]
    objects = objects_from_alphas(alphas, keys)
    found = objects.labels
    dominant = SCENE.dominant
    np.testing.assert_array_equal(found[dominant >= 0], dominant[dominant >= 0])
    paths = [
        write_exr(tmp_path / f"s-Canvas{k + 4}-Alpha.exr", {"A": np.ascontiguousarray(a)})
        for k, a in enumerate(alphas)
    ]
    canvases = recognise(paths)
    read = read_ids(canvases.id_paths())
    assert read.keys == tuple(f"alpha:Canvas{k + 4}-Alpha" for k in range(len(NAMES)))
    np.testing.assert_array_equal(read.labels, found)


def test_an_object_index_or_cryptomatte_channel_is_read_as_ids(tmp_path) -> None:
    index = np.where(SCENE.dominant >= 0, SCENE.dominant + 1, 0).astype(np.float32)
    crypto = write_exr(
        tmp_path / "shot-CryptoObject.exr",
        {"R": index * 0, "CryptoObject00.R": index, "CryptoObject00.G": index * 0},
    )
    objects = read_ids([crypto])
    assert objects.keys == tuple(str(k) for k in range(1, len(NAMES) + 1))
    found = objects.labels
    assert (found[SCENE.dominant >= 0] == SCENE.dominant[SCENE.dominant >= 0]).all()
    view = write_exr(tmp_path / "shot-IndexOB.exr", {"ViewLayer.IndexOB.X": index})
    np.testing.assert_array_equal(read_ids([view]).labels, found)


def test_the_id_table_gives_each_object_its_region_and_the_rest_inherit() -> None:
    objects = objects_from_values(SCENE.ids)
    layer = id_layer(objects, {key("hand"): 4, key("table"): 9})
    found = named(objects)
    assert (layer[found == NAMES.index("hand")] == 4).all()
    assert (layer[found == NAMES.index("table")] == 9).all()
    assert (
        layer[(found != NAMES.index("hand")) & (found != NAMES.index("table"))] == INHERIT
    ).all()


def test_unreadable_or_mismatched_id_canvases_are_one_clear_error(tmp_path) -> None:
    bad = tmp_path / "x-ObjectId.png"
    bad.write_text("not a picture")
    with pytest.raises(InputError, match=r"x-ObjectId\.png: not a readable image"):
        read_ids([bad])
    small = tmp_path / "a-Canvas4-Alpha.png"
    Image.new("L", (4, 4)).save(small)
    big = tmp_path / "a-Canvas5-Alpha.png"
    Image.new("L", (5, 4)).save(big)
    with pytest.raises(InputError, match=r"a-Canvas5-Alpha\.png: is not the size of a-Canvas4"):
        read_ids([small, big])
