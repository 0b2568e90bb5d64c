import time

import numpy as np
import OpenEXR
import pytest
from PIL import Image

from lib_dazdepth.engine.errors import OutputError
from lib_dazdepth.engine.normals import decode_normals, encode_normals
from lib_dazdepth.engine.sample import (
    NO_HIT,
    OBJECT_NAMES,
    SceneBuffers,
    render_scene,
    write_sample,
)

SIZE = 128


@pytest.fixture(scope="module")
def scene() -> SceneBuffers:
    return render_scene(SIZE)


def edge_mask(ids: np.ndarray) -> np.ndarray:
    """Pixels whose 3x3 neighbourhood holds more than one object id."""
    h, w = ids.shape
    padded = np.pad(ids, 1, mode="edge")
    edge = np.zeros(ids.shape, dtype=bool)
    for dy in range(3):
        for dx in range(3):
            edge |= padded[dy : dy + h, dx : dx + w] != ids
    return edge


def interior(scene: SceneBuffers, object_id: int) -> np.ndarray:
    return (scene.object_id == object_id) & ~edge_mask(scene.object_id)


def angles_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    cos = np.sum(a * b, axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def test_deterministic(scene):
    again = render_scene(SIZE)
    for field in ("depth", "normal", "beauty", "object_id"):
        np.testing.assert_array_equal(getattr(scene, field), getattr(again, field))


def test_shapes_and_dtypes(scene):
    assert scene.depth.shape == (SIZE, SIZE) and scene.depth.dtype == np.float32
    assert scene.normal.shape == (SIZE, SIZE, 3) and scene.normal.dtype == np.float32
    assert scene.beauty.shape == (SIZE, SIZE, 3) and scene.beauty.dtype == np.float32
    assert scene.object_id.shape == (SIZE, SIZE) and scene.object_id.dtype == np.uint8
    assert set(np.unique(scene.object_id)) == set(OBJECT_NAMES) == {0, 1, 2, 3, 4}
    assert np.isfinite(scene.beauty).all() and (scene.beauty >= 0).all()


def test_bad_size():
    for size in (8, 15, 16.5, -1):
        with pytest.raises(ValueError, match="size"):
            render_scene(size)
    assert render_scene(16).depth.shape == (16, 16)


def test_depth_ranges(scene):
    near = interior(scene, 3) | interior(scene, 4)
    assert scene.depth[near].min() >= 165 and scene.depth[near].max() <= 230
    orb = interior(scene, 4)
    assert scene.depth[orb].max() < scene.depth[interior(scene, 3)].min() + 10  # in front
    back = interior(scene, 1)
    assert scene.depth[back].min() >= 580 and scene.depth[back].max() <= 612
    assert (scene.object_id == 1).mean() > 0.5
    floor = interior(scene, 2)
    assert scene.depth[floor].min() < 230 and scene.depth[floor].max() > 450  # spans the gap
    none = interior(scene, 0)
    assert none.sum() > 0.02 * SIZE * SIZE
    assert (scene.depth[none] == np.float32(NO_HIT)).all()
    assert (scene.normal[none] == 0).all() and (scene.beauty[none] == 0).all()
    # the no-hit patch is at the top of the picture
    rows = np.nonzero(none.any(axis=1))[0]
    assert rows.min() == 0 and rows.max() < SIZE // 4


def test_custom_no_hit():
    s = render_scene(32, no_hit=1e10)
    none = interior(s, 0)
    assert none.any() and (s.depth[none] == np.float32(1e10)).all()
    assert np.isfinite(s.depth).all() and s.depth.max() == np.float32(1e10)


def test_backstop_depth_is_planar(scene):
    """A plane in planar (not radial) depth: 1/depth is exactly affine in pixel position,
    and for a nearly frontal plane depth itself is affine to a fraction of a centimetre."""
    back = interior(scene, 1)
    rows, cols = np.nonzero(back)
    design = np.stack([np.ones(rows.size), rows, cols], axis=1).astype(np.float64)
    depth = scene.depth[back].astype(np.float64)
    for values, tolerance in ((1.0 / depth, 1e-6 / 600.0), (depth, 0.5)):
        coef, *_ = np.linalg.lstsq(design, values, rcond=None)
        assert np.abs(design @ coef - values).max() < tolerance
    # radial distance to the same points would be far from affine
    u = (cols + 0.5) / SIZE * 2 - 1
    v = 1 - (rows + 0.5) / SIZE * 2
    radial = depth * np.sqrt(1 + 0.583**2 * (u**2 + v**2))
    coef, *_ = np.linalg.lstsq(design, radial, rcond=None)
    assert np.abs(design @ coef - radial).max() > 20
    # the backstop is tilted: depth varies across it
    assert np.ptp(depth) > 10


def test_edges_are_filtered_mixes(scene):
    edge = edge_mask(scene.object_id)
    assert edge.any() and edge.mean() < 0.2
    figure_max = scene.depth[interior(scene, 3)].max()
    back_min = scene.depth[interior(scene, 1)].min()
    d = scene.depth[edge]
    between = (d > figure_max + 1) & (d < back_min - 1)
    assert between.sum() > 20
    # against the no-hit patch: huge mixes, neither no_hit nor a surface depth
    mixes = (d > 1e30) & (d < np.float32(NO_HIT))
    assert mixes.sum() > 10
    assert np.isfinite(scene.depth).all()
    # interior pixels keep single-sample depths
    assert not ((scene.depth > 1e9) & (scene.depth < np.float32(NO_HIT)) & ~edge).any()


def test_normals(scene):
    length = np.linalg.norm(scene.normal.astype(np.float64), axis=-1)
    hit = scene.object_id > 0
    np.testing.assert_allclose(length[hit], 1.0, atol=1e-5)
    nonzero = length > 0
    np.testing.assert_allclose(length[nonzero], 1.0, atol=1e-5)
    back = scene.normal[interior(scene, 1)]
    assert (back[:, 2] > 0.99).all()
    assert np.ptp(back, axis=0).max() < 1e-6  # one plane, one normal
    floor = scene.normal[interior(scene, 2)]
    np.testing.assert_allclose(floor, np.broadcast_to([0, 1, 0], floor.shape), atol=1e-6)
    # figure normals point back toward the camera ray
    rows, cols = np.nonzero(interior(scene, 3))
    u = ((cols + 0.5) / SIZE * 2 - 1) * 0.583
    v = (1 - (rows + 0.5) / SIZE * 2) * 0.583
    ray = np.stack([u, v, -np.ones_like(u)], axis=1)
    assert (np.sum(scene.normal[rows, cols] * ray, axis=1) < 1e-6).all()


def test_orb_glows(scene):
    orb = scene.beauty[interior(scene, 4)]
    others = scene.beauty[interior(scene, 1) | interior(scene, 2) | interior(scene, 3)]
    assert orb.min() > 1.0 and others.max() < orb.min()


def read_exr(path, **kwargs):
    with OpenEXR.File(str(path), **kwargs) as f:
        header = dict(f.header())
        return header, {name: c.pixels.copy() for name, c in f.channels().items()}


def test_write_sample(tmp_path):
    target = tmp_path / "renders" / "new"
    paths = write_sample(target, size=64, name="simple_example")
    assert paths.depth_exr == target / "simple_example_canvases/simple_example-Canvas2-Depth.exr"
    assert paths.beauty_exr.name == "simple_example-Canvas1-Beauty.exr"
    assert paths.normal_exr.name == "simple_example-Canvas3-Normal.exr"
    assert paths.beauty_png == target / "simple_example.png"
    scene = render_scene(64)

    header, channels = read_exr(paths.depth_exr)
    assert list(channels) == ["Y"]
    assert channels["Y"].dtype == np.float32 and channels["Y"].shape == (64, 64)
    assert header["compression"] == OpenEXR.ZIP_COMPRESSION
    np.testing.assert_array_equal(channels["Y"], scene.depth)

    _, channels = read_exr(paths.normal_exr, separate_channels=True)
    assert sorted(channels) == ["B", "G", "R"]
    assert all(c.dtype == np.float32 for c in channels.values())
    np.testing.assert_array_equal(channels["G"], scene.normal[..., 1])

    _, channels = read_exr(paths.beauty_exr, separate_channels=True)
    assert sorted(channels) == ["B", "G", "R"]
    assert channels["R"].dtype in (np.float16, np.float32)

    with Image.open(paths.beauty_png) as png:
        assert png.mode == "RGB" and png.size == (64, 64)
        rgb = np.asarray(png)
    assert rgb[interior(scene, 4)].min() == 255  # the orb is bright
    assert (rgb[interior(scene, 0)] == 0).all()

    leftovers = [p for p in target.rglob("*") if p.is_file() and p not in set(vars(paths).values())]
    assert leftovers == []


def test_write_sample_replaces_an_earlier_sample(tmp_path):
    paths = write_sample(tmp_path, size=32)
    write_sample(tmp_path, size=48)
    _, channels = read_exr(paths.depth_exr)
    assert channels["Y"].shape == (48, 48)


def test_write_sample_refuses_to_overwrite_the_users_files(tmp_path):
    paths = write_sample(tmp_path, size=32)
    paths.depth_exr.write_bytes(b"the user's own file")
    with pytest.raises(OutputError, match="exists and is not a Daz Depth sample"):
        write_sample(tmp_path, size=48)
    assert paths.depth_exr.read_bytes() == b"the user's own file"
    write_sample(tmp_path, size=48, overwrite=True)
    _, channels = read_exr(paths.depth_exr)
    assert channels["Y"].shape == (48, 48)


def test_write_sample_bad_name(tmp_path):
    with pytest.raises(ValueError, match="name"):
        write_sample(tmp_path, size=32, name="../escape")


def test_normal_png_release_criterion(tmp_path):
    """The normalbae PNG made from the written Normal canvas decodes to within
    1 degree mean angular error of the true normals over hit pixels."""
    size = 160
    paths = write_sample(tmp_path, size=size)
    truth = render_scene(size)
    _, channels = read_exr(paths.normal_exr)
    png = tmp_path / "sample.normal.png"
    Image.fromarray(encode_normals(channels["RGB"])).save(png)
    with Image.open(png) as image:
        decoded = decode_normals(np.asarray(image))
    hit = truth.object_id > 0
    err = angles_deg(decoded[hit], truth.normal[hit])
    assert err.mean() < 1.0
    assert err.max() < 1.0


@pytest.mark.slow
def test_full_size_scene():
    start = time.perf_counter()
    scene = render_scene(1200)
    elapsed = time.perf_counter() - start
    assert elapsed < 15  # about 1.5 s on two cores; generous for slow machines
    ranges = {
        name: (
            float(scene.depth[interior(scene, k)].min()),
            float(scene.depth[interior(scene, k)].max()),
        )
        for k, name in OBJECT_NAMES.items()
        if k
    }
    assert ranges["orb"][0] >= 165 and ranges["figure"][1] <= 230
    assert ranges["backstop"][0] >= 580 and ranges["backstop"][1] <= 612
    assert (scene.object_id == 1).mean() > 0.5
    assert 0.02 < (scene.object_id == 0).mean() < 0.15
    assert 0.05 < (scene.object_id == 3).mean() < 0.3
    # most pixels are rendered once; edges are a thin fraction
    assert edge_mask(scene.object_id).mean() < 0.03


def test_blocks_of_rows_are_the_whole_render_exactly(scene):
    from lib_dazdepth.engine.sample import render_rows

    for step in (1, 7, 50):
        blocks = [render_rows(SIZE, top, min(top + step, SIZE)) for top in range(0, SIZE, step)]
        for field in ("depth", "normal", "beauty", "object_id"):
            joined = np.concatenate([getattr(b, field) for b in blocks])
            np.testing.assert_array_equal(joined, getattr(scene, field))
    with pytest.raises(ValueError, match="rows"):
        render_rows(SIZE, 5, 5)


def test_streamed_and_whole_writes_are_the_same_canvases(tmp_path, monkeypatch):
    """Streamed through OutputFile a block at a time, or (a package without OutputFile)
    rendered whole and written with OpenEXR.File: the same pixels and marks."""
    from lib_dazdepth.engine import sample

    monkeypatch.setattr(sample, "BLOCK_PIXELS", 48 * 5)  # 5 rows at a time
    streamed = write_sample(tmp_path / "a", size=48)
    monkeypatch.delattr(OpenEXR, "OutputFile")
    whole = write_sample(tmp_path / "b", size=48)
    for key in ("beauty_exr", "depth_exr", "normal_exr"):
        header_a, channels_a = read_exr(getattr(streamed, key), separate_channels=True)
        header_b, channels_b = read_exr(getattr(whole, key), separate_channels=True)
        assert header_a["comments"] == header_b["comments"] == "Daz Depth sample scene"
        assert sorted(channels_a) == sorted(channels_b)
        for name in channels_a:
            assert channels_a[name].dtype == channels_b[name].dtype
            np.testing.assert_array_equal(channels_a[name], channels_b[name])
    with Image.open(streamed.beauty_png) as a, Image.open(whole.beauty_png) as b:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    write_sample(tmp_path / "a", size=48)  # the marks let a sample replace a sample
