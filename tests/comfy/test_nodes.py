"""The nodes' work (``comfy.run``, what each node's ``execute`` calls) with CPU torch: IMAGE
and MASK tensors of ComfyUI's types whose values equal the command line's PNGs exactly,
also after ComfyUI's SaveImage conversion; errors are one-line ValueErrors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from comfydata import SAMPLE_FOLDER, SIZE, cli_pngs, png, region_masks_of, sample_input  # noqa: E402
from exrdata import write_depth  # noqa: E402
from iddata import NAMES, id_scene, write_scene  # noqa: E402

from lib_dazdepth.cli.main import main  # noqa: E402
from lib_dazdepth.comfy import run  # noqa: E402
from lib_dazdepth.engine.palette import region_colours  # noqa: E402
from lib_dazdepth.engine.presets import dumps  # noqa: E402
from lib_dazdepth.engine.splits import SplitSet  # noqa: E402


def saved(tensor) -> np.ndarray:
    """What ComfyUI's SaveImage writes for one image of a batch (nodes.py, save_images):
    ``clip(255. * image.cpu().numpy(), 0, 255).astype(uint8)``."""
    return np.clip(255.0 * tensor.cpu().numpy(), 0, 255).astype(np.uint8)


def as_image(grey_or_rgb: np.ndarray) -> np.ndarray:
    return grey_or_rgb if grey_or_rgb.ndim == 3 else np.repeat(grey_or_rgb[..., None], 3, 2)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nodes")
    input_dir, paths = sample_input(tmp)
    return tmp, input_dir, paths


def test_the_sample_workflow_equals_daz_depth_auto(sample) -> None:
    tmp, input_dir, paths = sample
    flags = ("--auto", "--regions", "--mask", "--split-regions")
    cli = cli_pngs(tmp / "auto", paths.depth_exr, paths.normal_exr, *flags)
    canvases, beauty = run.load(input_dir, SAMPLE_FOLDER)
    maps, depth, test, mask = run.depth(canvases, input_dir, "automatic")
    normal = run.normal(canvases)
    regions, masks, labels = run.regions(maps, "one per split")
    for image in (beauty, depth, test, normal, regions):
        assert image.dtype == torch.float32 and tuple(image.shape) == (1, SIZE, SIZE, 3)
        assert float(image.min()) >= 0.0 and float(image.max()) <= 1.0
    assert mask.dtype == torch.float32 and tuple(mask.shape) == (1, SIZE, SIZE)
    np.testing.assert_array_equal(saved(depth[0]), as_image(cli["depth"]))
    np.testing.assert_array_equal(saved(test[0]), as_image(cli["depth"]))  # no split flagged
    np.testing.assert_array_equal(saved(normal[0]), cli["normal"])
    np.testing.assert_array_equal(saved(regions[0]), cli["regions"])
    np.testing.assert_array_equal(saved(mask), cli["mask"][None])
    np.testing.assert_array_equal(mask.numpy(), cli["mask"][None] / 255.0)
    expected = region_masks_of(cli["regions"], region_colours(len(labels)))
    assert masks.dtype == torch.float32 and tuple(masks.shape) == (len(labels), SIZE, SIZE)
    np.testing.assert_array_equal(masks.numpy(), expected.astype(np.float32))
    assert all(isinstance(label, str) and label for label in labels)


def test_every_grey_level_survives_saveimage_exactly() -> None:
    from lib_dazdepth.comfy.tensors import image_batch

    levels = np.arange(256, dtype=np.uint8).reshape(16, 16)
    image = image_batch([levels])
    np.testing.assert_array_equal(image.numpy()[0, ..., 0], levels.astype(np.float32) / 255)
    np.testing.assert_array_equal(saved(image[0])[..., 1], levels)


def test_legacy_normals_with_flips_equal_the_command_line(sample) -> None:
    tmp, input_dir, paths = sample
    args = ("--normal-convention", "legacy", "--flip-x", "--flip-z")
    cli = cli_pngs(tmp / "legacy", paths.normal_exr, *args)
    canvases, _ = run.load(input_dir, SAMPLE_FOLDER)
    normal = run.normal(canvases, "legacy", flip_x=True, flip_z=True)
    np.testing.assert_array_equal(saved(normal[0]), cli["normal"])


def test_frames_equal_the_batch_command(tmp_path: Path) -> None:
    input_dir = tmp_path / "input"
    frames = input_dir / "anim"
    frames.mkdir(parents=True)
    ramp = np.linspace(100, 200, 64, dtype=np.float32).reshape(8, 8)
    for number in range(3):
        write_depth(frames / f"anim-Canvas2-Depth.{number:04}.exr", ramp + 10 * number)
    out = tmp_path / "out"
    assert main(["batch", str(frames), "--union", "--out", str(out), "--jobs", "1"]) == 0
    depth, normal, keys = run.frames(input_dir, "anim")
    assert keys == ["anim.0000", "anim.0001", "anim.0002"]
    assert tuple(depth.shape) == (3, 8, 8, 3) and tuple(normal.shape) == (3, 8, 8, 3)
    for index in range(3):
        written = png(out / f"anim-Canvas2-Depth.{index:04}.depth.png")
        np.testing.assert_array_equal(saved(depth[index]), as_image(written))
    assert (saved(normal) == (128, 128, 255)).all()  # no Normal canvases: flat
    preset = input_dir / "p.json"
    preset.write_text(dumps(SplitSet.from_bounds([100, 150, 230], [128, 127])))
    by_preset = tmp_path / "by-preset"
    assert (
        main(
            ["batch", str(frames), "--preset", str(preset), "--out", str(by_preset), "--jobs", "1"]
        )
        == 0
    )
    depth, _, _ = run.frames(input_dir, "anim", "p.json")
    written = png(by_preset / "anim-Canvas2-Depth.0002.depth.png")
    np.testing.assert_array_equal(saved(depth[2]), as_image(written))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d: run.load(d, "../up"), "folder '../up': must name a file or folder inside"),
        (lambda d: run.load(d, "none"), "folder 'none': no such folder in ComfyUI's input"),
        (lambda d: run.frames(d, ""), "folder: is empty"),
        (lambda d: run.load(d, "bad"), "bad-Depth.exr: "),
    ],
)
def test_problems_are_one_line_value_errors(tmp_path: Path, call, message) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "bad-Depth.exr").write_bytes(b"not an EXR at all")
    with pytest.raises(ValueError) as caught:
        call(tmp_path)
    assert type(caught.value) is ValueError  # shown by ComfyUI as "ValueError: ..."
    text = str(caught.value)
    assert message in text and "\n" not in text


def test_the_beauty_render_is_an_image_or_none(sample) -> None:
    _, input_dir, paths = sample
    render = f"{SAMPLE_FOLDER}/{paths.beauty_png.name}"
    depth = f"{SAMPLE_FOLDER}/{paths.depth_exr.parent.name}/{paths.depth_exr.name}"
    _, beauty = run.load(input_dir, "", depth_file=depth, beauty_file=render)
    np.testing.assert_array_equal(saved(beauty[0]), png(paths.beauty_png))
    _, none = run.load(input_dir, "", depth_file=depth)
    assert none is None


def test_region_masks_from_an_id_canvas_equal_regions_from(tmp_path: Path) -> None:
    input_dir = tmp_path / "input"
    paths = write_scene(input_dir / "scene", id_scene())
    flags = ("--auto", "--regions", "--regions-from", paths["ids"])
    cli = cli_pngs(tmp_path / "cli", paths["depth"], *flags)
    canvases, _ = run.load(input_dir, "scene")
    maps, _, _, _ = run.depth(canvases, input_dir, "automatic")
    regions, masks, labels = run.regions(maps, "ID canvas")
    np.testing.assert_array_equal(saved(regions[0]), cli["regions"])
    assert masks.dtype == torch.float32 and tuple(masks.shape) == (len(NAMES), 48, 64)
    expected = region_masks_of(cli["regions"], region_colours(len(NAMES)))
    np.testing.assert_array_equal(masks.numpy(), expected.astype(np.float32))
    assert len(labels) == len(NAMES)
