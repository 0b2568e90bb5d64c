"""Region labels belong to the source of regions they were typed for: region 0 from the
splits and region 0 from the IDs are other pixels, so switching "Regions from splits" /
"Regions from IDs" shows that source's labels and switching back restores them; undo and
presets keep both."""

from __future__ import annotations

import numpy as np

from lib_dazdepth.editing.workspace import Workspace
from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.ids import IdObjects
from lib_dazdepth.engine.presets import from_document, to_document

WALL, ONE, TWO = 500.0, 100.0, 101.0


def knights() -> Workspace:
    """A wall and two figures at one depth: the splits give both figures one region, the
    Object Id canvas one each."""
    depth = np.full((6, 8), WALL, dtype=np.float32)
    labels = np.zeros((6, 8), dtype=np.int32)  # object 0: the wall
    depth[1:3, 1:3], labels[1:3, 1:3] = ONE, 1
    depth[1:4, 5:7], labels[1:4, 5:7] = TWO, 2
    objects = IdObjects(labels, ("0.2,0.3,0.9", "0.9,0.1,0.4", "0.3,0.9,0.6"), "k-ObjectId.exr")
    ws = Workspace(from_array(depth, "k-Canvas2-Depth.exr"), objects=objects)
    ws.apply([{"op": "add", "depth": 300}])
    return ws


def words(ws: Workspace) -> list[tuple[int, int, str]]:
    """(region, its pixels, its BREAK section's words) as the saved mask has them."""
    plan, why = ws.region_plan()
    assert plan is not None, why
    return [(e.number, e.pixels, e.words) for e in plan.entries]


def label(**by_number: str) -> list[dict]:
    return [{"op": "label_region", "region": int(n[1:]), "value": v} for n, v in by_number.items()]


SPLIT_WORDS = [(0, 10, "two knights"), (1, 38, "a castle wall")]
ID_WORDS = [(0, 4, "red knight"), (1, 6, "blue knight"), (2, 38, "stone")]


def test_each_source_keeps_its_own_labels_across_switches_and_undo() -> None:
    ws = knights()
    ws.apply([{"op": "regions_from_splits"}])
    ws.apply(label(r0="two knights", r1="a castle wall"))
    assert words(ws) == SPLIT_WORDS
    ws.apply([{"op": "regions_from_ids"}])
    # region 0 is now the red knight alone: the splits' "two knights" is not its label
    assert [(n, p) for n, p, _ in words(ws)] == [(0, 4), (1, 6), (2, 38)]
    assert [w for _, _, w in words(ws)] == ["(region 0)", "(region 1)", "(region 2)"]
    assert ws.splits.region_labels == ()
    ws.apply(label(r0="red knight", r1="blue knight", r2="stone"))
    assert words(ws) == ID_WORDS
    ws.apply([{"op": "regions_from_splits"}])
    assert words(ws) == SPLIT_WORDS
    ws.apply([{"op": "regions_from_ids"}])
    assert words(ws) == ID_WORDS
    ws.apply([{"op": "regions_from_ids"}])  # the same source again: the labels stay
    assert words(ws) == ID_WORDS
    ws.apply([{"op": "undo"}])
    assert words(ws) == SPLIT_WORDS
    ws.apply([{"op": "undo"}])
    assert words(ws) == ID_WORDS
    ws.apply([{"op": "undo"}])  # before the IDs' labels were typed
    assert [w for _, _, w in words(ws)] == ["(region 0)", "(region 1)", "(region 2)"]
    ws.apply([{"op": "redo"}, {"op": "redo"}])
    assert words(ws) == SPLIT_WORDS


def test_a_label_changed_in_one_source_leaves_the_other_alone() -> None:
    ws = knights()
    ws.apply([{"op": "regions_from_splits"}, *label(r0="two knights", r1="a castle wall")])
    ws.apply([{"op": "regions_from_ids"}, *label(r0="red knight", r1="blue knight")])
    ws.apply([{"op": "regions_from_splits"}, *label(r0="the knights")])
    ws.apply([{"op": "regions_from_ids"}])
    assert [w for _, _, w in words(ws)] == ["red knight", "blue knight", "(region 2)"]
    ws.apply([{"op": "regions_from_splits"}])
    assert [w for _, _, w in words(ws)] == ["the knights", "a castle wall"]


def test_order_regions_renumbers_only_the_shown_sources_labels() -> None:
    ws = knights()
    ws.apply([{"op": "regions_from_splits"}, *label(r0="two knights", r1="a castle wall")])
    ws.apply([{"op": "regions_from_ids"}, *label(r0="red knight")])
    ws.apply([{"op": "flag", "split": 0, "key": "region", "value": "4"}])  # not an ID's
    assert ws.splits.other_labels == ((0, "two knights"), (1, "a castle wall"))
    ws.apply([{"op": "order_regions"}])
    assert ws.splits.other_labels == ((0, "two knights"), (1, "a castle wall"))


def test_a_preset_keeps_the_labels_put_aside() -> None:
    ws = knights()
    ws.apply([{"op": "regions_from_splits"}, *label(r0="two knights", r1="a castle wall")])
    ws.apply([{"op": "regions_from_ids"}, *label(r0="red knight")])
    document = to_document(ws.splits)
    assert document["region_labels"] == {"0": "red knight"}
    assert document["other_region_labels"] == {"0": "two knights", "1": "a castle wall"}
    again = knights()
    again.load_splits(from_document(document, "k.json"))
    assert [w for _, _, w in words(again)] == ["red knight", "(region 1)", "(region 2)"]
    again.apply([{"op": "regions_from_splits"}])
    assert words(again) == SPLIT_WORDS
