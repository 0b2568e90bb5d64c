"""Windows paths, as Daz Studio on Windows writes them: drive letters, backslashes, spaces,
upper-case names and a ``_canvases`` folder beside the render. ``PureWindowsPath`` gives
Windows' parsing on any machine (README, Windows and macOS)."""

from __future__ import annotations

from pathlib import PureWindowsPath

from lib_dazdepth.engine.batch import BatchJob, Frame, canvas_role, frame_key, frame_outputs
from lib_dazdepth.engine.canvases import CanvasSet, recognise, role_of
from lib_dazdepth.engine.maps import MapOptions
from lib_dazdepth.engine.outputs import output_path
from lib_dazdepth.engine.splits import SplitSet

RENDERS = PureWindowsPath(r"C:\Users\Ann\Documents\DAZ 3D\Studio\Render Library")
CANVASES = RENDERS / "Ruin scene_canvases"


def test_the_parts_of_a_windows_path_are_what_windows_says() -> None:
    depth = PureWindowsPath(
        r"C:\Users\Ann\Documents\DAZ 3D\Studio\Render Library"
        r"\Ruin scene_canvases\Ruin scene-Canvas2-Depth.exr"
    )
    assert depth == CANVASES / "Ruin scene-Canvas2-Depth.exr"
    assert depth.drive == "C:" and depth.name == "Ruin scene-Canvas2-Depth.exr"
    assert depth.parent.name == "Ruin scene_canvases"


def test_roles_are_recognised_in_a_canvases_folder_beside_the_render() -> None:
    files = [
        CANVASES / "Ruin scene-Canvas1-Beauty.exr",
        CANVASES / "Ruin scene-Canvas2-Depth.exr",
        CANVASES / "Ruin scene-Canvas3-Normal.exr",
        RENDERS / "Ruin scene.png",
    ]
    assert [role_of(p) for p in files] == ["beauty", "depth", "normal", "beauty"]
    # The first Beauty by name wins: the canvas, not the render.
    assert recognise(files) == CanvasSet(files[1], files[2], files[0])
    assert recognise([files[1], files[3]]) == CanvasSet(files[1], None, files[3])


def test_upper_case_names_and_other_drives() -> None:
    depth = PureWindowsPath(r"D:\RENDERS\SCENE_CANVASES\SCENE-CANVAS2-DEPTH.EXR")
    normal = PureWindowsPath(r"\\nas\share\scene_canvases\scene-Canvas3-Normal.exr")
    render = PureWindowsPath(r"D:\RENDERS\SCENE.JPG")
    assert recognise([render, normal, depth]) == CanvasSet(depth, normal, render)
    assert role_of(PureWindowsPath(r"D:\RENDERS\SCENE_CANVASES\SCENE-CANVAS2-DEPTH.PNG")) is None


def test_a_lone_unnamed_exr_is_the_depth() -> None:
    lone = PureWindowsPath(r"E:\exports\untitled.exr")
    assert recognise([lone]) == CanvasSet(depth=lone)


def test_outputs_are_named_beside_the_canvas_or_in_an_output_folder() -> None:
    stem = (CANVASES / "Ruin scene-Canvas2-Depth.exr").with_suffix("")
    beside = output_path(stem, "depth")
    assert beside == CANVASES / "Ruin scene-Canvas2-Depth.depth.png"
    assert str(beside) == (
        r"C:\Users\Ann\Documents\DAZ 3D\Studio\Render Library"
        r"\Ruin scene_canvases\Ruin scene-Canvas2-Depth.depth.png"
    )
    elsewhere = output_path(stem, "mask", r"D:\maps\ruin")
    assert str(elsewhere) == r"D:\maps\ruin\Ruin scene-Canvas2-Depth.mask.png"
    assert isinstance(elsewhere, PureWindowsPath)


def test_animation_frames_pair_and_name_their_outputs() -> None:
    folder = PureWindowsPath(r"C:\Renders\anim_canvases")
    depth = folder / "anim-Canvas2-Depth.0007.exr"
    normal = folder / "ANIM-CANVAS3-NORMAL.0007.EXR"
    assert (canvas_role(depth), canvas_role(normal)) == ("depth", "normal")
    assert frame_key(depth) == "anim.0007"
    assert frame_key(normal).lower() == "anim.0007"
    job = BatchJob(
        SplitSet.from_bounds([1.0, 2.0], [256]),
        PureWindowsPath(r"D:\out"),
        MapOptions(regions=True),
    )
    named = frame_outputs(Frame("anim.0007", depth, normal), job)
    assert [str(p) for p in named] == [
        r"D:\out\anim-Canvas2-Depth.0007.depth.png",
        r"D:\out\anim-Canvas2-Depth.0007.regions.png",
        r"D:\out\ANIM-CANVAS3-NORMAL.0007.normal.png",
    ]
