"""The command line on other renderers' EXRs: which channel it used (-v), warnings when the
names leave a guess, --normal-channel, --depth-is, --fov, data windows, the 16-bit note."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image
from test_conventions import FOV, distance_canvas, scene
from test_exr import window, write
from test_exr_files import DEPTH, blender

from lib_dazdepth.cli.main import Converter, convert_parser


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = Converter(convert_parser().parse_args([str(a) for a in args]), out, err).run()
    return status, out.getvalue(), err.getvalue()


def png(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def test_blender_depth_says_which_channel_with_v(tmp_path: Path) -> None:
    blender(tmp_path / "b.exr")
    status, out, err = run(tmp_path / "b.exr", "-v")
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == "** b.exr: depth from ViewLayer.Depth.Z (float), planar depth"
    grey = png(tmp_path / "b.depth.png")
    assert grey[np.unravel_index(DEPTH.argmin(), DEPTH.shape)] == 255  # the nearest: white
    assert grey[np.unravel_index(DEPTH.argmax(), DEPTH.shape)] == 0
    # No guess to warn of; the warnings are Blender's metres read as cm (until the unit is
    # chosen) and its normal layer's space (test_multilayer).
    space = (
        "** warning: b.exr: the space of ViewLayer.Normal is unknown (Blender's Normal pass"
        " is world space; read as camera space)"
    )
    warnings = [line for line in run(tmp_path / "b.exr")[1].splitlines() if "warning" in line]
    assert warnings == [
        "** warning: b.exr: ViewLayer.Depth.Z is Blender's Depth pass, all of it within 1 m if"
        " read as cm: likely metres, so choose the depth unit m",
        space,
    ]
    chosen = run(tmp_path / "b.exr", "--depth-unit", "m")[1]
    assert [line for line in chosen.splitlines() if "warning" in line] == [space]


def test_a_guess_is_a_warning_without_v(tmp_path: Path) -> None:
    write(tmp_path / "s.exr", {"left.Z": DEPTH, "right.Z": DEPTH + 1})
    status, out, _ = run(tmp_path / "s.exr")
    assert status == 0
    assert out.splitlines()[0] == (
        "** warning: s.exr: used left.Z, but right.Z could be meant too (choose with --channel)"
    )
    status, out, _ = run(tmp_path / "s.exr", "--channel", "right.Z")
    assert status == 0 and "warning" not in out


def test_normal_channel_picks_the_layer(tmp_path: Path) -> None:
    channels = blender(tmp_path / "b-Normal.exr")
    status, out, _ = run(tmp_path / "b-Normal.exr", "-v")
    assert status == 0
    assert "** b-Normal.exr: normals from ViewLayer.Normal (X,Y,Z) (float)" in out
    x = channels["ViewLayer.Normal.X"]
    expected_red = np.rint((1 - x) / 2 * 255)  # normalbae: red is (1 - x) / 2
    np.testing.assert_allclose(png(tmp_path / "b-Normal.normal.png")[..., 0], expected_red, atol=1)
    status, out, _ = run(
        tmp_path / "b-Normal.exr", "--normal-channel", "ViewLayer.Denoising Normal"
    )
    assert status == 0
    red = png(tmp_path / "b-Normal.normal.png")[..., 0]
    assert red.max() < 128  # x from 0.8 to 1 (before normalising): all facing right
    status, _, err = run(tmp_path / "b-Normal.exr", "--normal-channel", "Nope")
    assert status == 2 and err.startswith(
        f"error: {tmp_path / 'b-Normal.exr'}: no layer or channels 'Nope'"
    )


def test_a_crop_gives_a_map_of_the_display_window(tmp_path: Path) -> None:
    data = np.linspace(100, 200, 40 * 48, dtype=np.float32).reshape(40, 48)
    path = write(
        tmp_path / "c.exr",
        {"Y": data},
        dataWindow=window(8, 4, 55, 43),
        displayWindow=window(0, 0, 63, 47),
    )
    status, out, _ = run(path)
    assert status == 0
    assert "** warning: c.exr: data window (8,4)-(55,43) differs from the display window" in out
    assert "1152 outside the data window" in out
    grey = png(tmp_path / "c.depth.png")
    assert grey.shape == (48, 64)
    assert grey[4, 8] == 255 and grey[43, 55] == 0 and not grey[:4].any() and not grey[:, 56:].any()


def test_depth_is_inverse(tmp_path: Path) -> None:
    inverse = (1 / scene()).astype(np.float32)
    path = write(tmp_path / "n.exr", {"depth.Z": inverse})
    assert run(path)[0] == 0
    stored = png(tmp_path / "n.depth.png")
    assert stored[15, 20] < stored[25, 2]  # read as stored, the near box is the darker
    status, out, _ = run(path, "--depth-is", "inverse", "-v")
    assert status == 0 and "depth from depth.Z (float), inverse depth (1/z)" in out
    assert png(tmp_path / "n.depth.png")[15, 20] == 255


def test_a_distance_canvas_needs_a_field_of_view(tmp_path: Path) -> None:
    path = distance_canvas(tmp_path / "s-Canvas4-Distance.exr")
    status, out, err = run(path)
    assert (status, out) == (2, "")
    assert err == (
        f"error: {path}: holds distance from the camera, not planar depth: give the camera's"
        " horizontal field of view (--fov DEGREES), the file has no usable camera matrices\n"
    )
    status, out, _ = run(path, "--fov", FOV, "-v")
    assert status == 0
    assert "distance made planar with a 50° horizontal field of view" in out
    grey = png(tmp_path / "s-Canvas4-Distance.depth.png")
    assert set(np.unique(grey)) == {0, 255}  # a flat wall and a flat box: two depths


def test_sixteen_bits_say_they_are_not_for_the_webui(tmp_path: Path) -> None:
    path = write(tmp_path / "a.exr", {"Y": DEPTH})
    status, out, _ = run(path, "--bits", "16")
    assert status == 0
    assert out.splitlines()[-1] == (
        "** note: a.depth.png is 16-bit, for tools that read 16-bit PNGs: a webui image box"
        " turns it into 8-bit RGB and keeps almost none of its greys; give ControlNet the"
        " 8-bit map"
    )
    grey16 = png(tmp_path / "a.depth.png")
    with Image.open(tmp_path / "a.depth.png") as image:  # what an image box does with it
        kept = np.unique(np.asarray(image.convert("RGB"))[..., 0])
    assert len(np.unique(grey16)) == DEPTH.size
    assert kept.tolist() == [*grey16[grey16 < 255].tolist(), 255]  # 2 of 30 greys are left
    assert len(kept) == 2
    assert "note" not in run(path)[1]


def test_batch_and_shell_say_so_too(tmp_path: Path) -> None:
    from lib_dazdepth.cli import batch
    from lib_dazdepth.cli.shell import DepthShell, Session
    from lib_dazdepth.engine.depthmap import load_depth_map
    from lib_dazdepth.engine.maps import MapOptions
    from lib_dazdepth.engine.presets import dumps
    from lib_dazdepth.engine.splits import SplitSet

    frames = tmp_path / "frames"
    frames.mkdir()
    for k in range(2):
        write(frames / f"anim-Canvas2-Depth.{k:04d}.exr", {"Y": DEPTH})
    preset = tmp_path / "p.json"
    preset.write_text(dumps(SplitSet.default(3.0, 10.0)))
    out = io.StringIO()
    args = [str(frames), "--preset", str(preset), "--out", str(tmp_path / "o"), "--bits", "16"]
    assert batch.main([*args, "--jobs", "1"], out, io.StringIO()) == 0
    assert (
        out.getvalue()
        .splitlines()[0]
        .startswith("** note: every NAME.depth.png is 16-bit, for tools that read 16-bit PNGs")
    )
    depth_map = load_depth_map(frames / "anim-Canvas2-Depth.0000.exr")
    splits = SplitSet.default(depth_map.min, depth_map.max)
    said = io.StringIO()
    session = Session(depth_map, splits, MapOptions(bits=16), tmp_path / "shell")
    DepthShell(session, stdin=io.StringIO(), stdout=said).onecmd("write")
    assert (
        said.getvalue()
        .splitlines()[-1]
        .startswith("** note: anim-Canvas2-Depth.0000.depth.png is 16-bit")
    )
