"""lib_dazdepth.engine.layers: which channels hold depth, normals, a beauty render, by name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib_dazdepth.engine.layers import (
    VECTORS,
    PartChannels,
    ambiguous,
    candidates,
    choices,
    chosen,
    depth_rank,
    split_name,
)

# A Blender multilayer EXR with the Denoising Data pass: its header sorts the names.
BLENDER = sorted(
    [f"ViewLayer.Combined.{c}" for c in "RGBA"]
    + ["ViewLayer.Depth.Z", "ViewLayer.Denoising Depth.Z"]
    + [f"ViewLayer.Denoising Normal.{c}" for c in "XYZ"]
    + [f"ViewLayer.Denoising Albedo.{c}" for c in "RGB"]
    + [f"ViewLayer.Normal.{c}" for c in "XYZ"]
)


def one_part(*names: str) -> list[PartChannels]:
    return [PartChannels(0, "", tuple(sorted(names)))]


def best(role: str, *names: str) -> tuple[str, ...] | None:
    found = candidates(role, one_part(*names))
    return found[0].channels if found else None


def test_split_name() -> None:
    assert split_name("ViewLayer.Depth.Z") == ("ViewLayer.Depth", "Z")
    assert split_name("Y") == ("", "Y")


def test_blender_depth_is_the_depth_pass_not_a_denoising_component() -> None:
    # The old rule ("first *.Z" in header order) took a Denoising Normal or Depth channel.
    assert next(n for n in BLENDER if n.endswith(".Z")) == "ViewLayer.Denoising Depth.Z"
    found = candidates("depth", one_part(*BLENDER))
    assert [c.name for c in found] == ["ViewLayer.Depth.Z", "ViewLayer.Denoising Depth.Z"]
    assert [c.rank for c in found] == [1, 2]
    assert ambiguous(found) == []  # the depth pass is surer: no guess


def test_blender_normals_and_beauty() -> None:
    normal = candidates("normal", one_part(*BLENDER))
    assert [c.name for c in normal] == ["ViewLayer.Normal", "ViewLayer.Denoising Normal"]
    assert normal[0].channels == tuple(f"ViewLayer.Normal.{c}" for c in "XYZ")
    beauty = candidates("beauty", one_part(*BLENDER))
    assert [c.name for c in beauty] == ["ViewLayer.Combined", "ViewLayer.Denoising Albedo"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("Y",), ("Y",)),  # Daz
        (("R", "G", "B", "A", "Z"), ("Z",)),  # RGBA + Z, as many renderers write it
        (("R", "G", "B", "A", "depth.Z"), ("depth.Z",)),  # Nuke's depth layer
        (("zdepth",), ("zdepth",)),
        (("Depth.V",), ("Depth.V",)),  # a layer named depth, its only channel
        (("left.Z", "right.Z"), ("left.Z",)),
        (("X", "Y", "Z"), None),  # a vector at the root: Y and Z are components
        (("N.X", "N.Y", "N.Z"), None),
        (("Depth.R", "Depth.G", "Depth.B"), None),  # an RGB depth: only when named
        (("R", "G", "B"), None),
        (("mask", "A"), None),
    ],
)
def test_depth_choice(names: tuple[str, ...], expected: tuple[str, ...] | None) -> None:
    assert best("depth", *names) == expected


def test_equally_sure_names_are_a_guess() -> None:
    found = candidates("depth", one_part("left.Z", "right.Z"))
    assert [c.name for c in ambiguous(found)] == ["right.Z"]
    found = candidates("depth", one_part("Z", "depth"))
    assert [c.name for c in found] == ["Z", "depth"]
    assert [c.name for c in ambiguous(found)] == ["depth"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("R", "G", "B"), "R,G,B"),  # a Daz Normal canvas
        (("R", "G", "B", "N.X", "N.Y", "N.Z"), "N"),  # the named layer beats the beauty
        (("Combined.R", "Combined.G", "Combined.B"), None),  # never a beauty as normals
        (("normals.x", "normals.y", "normals.z"), "normals"),
    ],
)
def test_normal_choice(names: tuple[str, ...], expected: str | None) -> None:
    found = candidates("normal", one_part(*names))
    assert (found[0].name if found else None) == expected


def test_beauty_choice() -> None:
    assert candidates("beauty", one_part("R", "G", "B", "N.R", "N.G", "N.B"))[0].name == "R,G,B"
    assert [c.name for c in candidates("beauty", one_part("X", "Y", "Z"))] == []
    assert [
        c.name for c in candidates("beauty", one_part("diffuse.R", "diffuse.G", "diffuse.B"))
    ] == ["diffuse"]


def test_chosen_names_a_channel_a_layer_or_three_channels() -> None:
    parts = one_part(*BLENDER)
    assert chosen("depth", parts, "ViewLayer.Denoising Normal.Z").channels == (
        "ViewLayer.Denoising Normal.Z",
    )
    assert chosen("depth", parts, "ViewLayer.Depth").channels == ("ViewLayer.Depth.Z",)
    assert chosen("depth", parts, "ViewLayer.Normal") is None  # three channels: not one
    assert chosen("normal", parts, "ViewLayer.Denoising Normal").channels == tuple(
        f"ViewLayer.Denoising Normal.{c}" for c in "XYZ"
    )
    picked = chosen(
        "normal", parts, "ViewLayer.Combined.R, ViewLayer.Combined.G,ViewLayer.Combined.B"
    )
    assert picked.name == "ViewLayer.Combined"
    assert chosen("normal", one_part("R", "G", "B"), "RGB").channels == ("R", "G", "B")
    assert chosen("normal", parts, "nothing") is None


def test_labels_name_the_part() -> None:
    parts = [PartChannels(0, "beauty", ("B", "G", "R")), PartChannels(1, "depth", ("Y",))]
    (depth,) = candidates("depth", parts)
    assert depth.label == "Y (part 1 depth)"
    (normal,) = candidates("normal", parts)
    assert normal.label == "R,G,B (part 0 beauty)"
    (layered,) = candidates("normal", one_part("N.X", "N.Y", "N.Z"))
    assert layered.label == "N (X,Y,Z)"


def test_choices_list_the_candidates_then_everything_else() -> None:
    listed = [c.name for c in choices("depth", one_part("R", "G", "B", "Z"))]
    assert listed == ["Z", "B", "G", "R"]
    listed = [c.name for c in choices("normal", one_part(*BLENDER))]
    assert listed[:2] == ["ViewLayer.Normal", "ViewLayer.Denoising Normal"]
    assert set(listed[2:]) == {"ViewLayer.Combined", "ViewLayer.Denoising Albedo"}


LAYER_NAMES = st.sampled_from(["", "ViewLayer.Depth", "Denoising Normal", "N", "left", "pass"])
COMPONENTS = st.sampled_from(
    ["Y", "Z", "depth", "A", "V", *{c for vector in VECTORS for c in vector}]
)


@given(st.lists(st.tuples(LAYER_NAMES, COMPONENTS), min_size=1, max_size=12))
def test_depth_is_never_one_component_of_a_vector(pairs: list[tuple[str, str]]) -> None:
    names = sorted({f"{layer}.{c}" if layer else c for layer, c in pairs})
    for found in candidates("depth", one_part(*names)):
        layer, component = split_name(found.channels[0])
        siblings = [split_name(n)[1] for n in names if split_name(n)[0] == layer]
        for vector in VECTORS:
            assert not (component in vector and all(c in siblings for c in vector))
        assert depth_rank(found.channels[0], siblings) == found.rank
