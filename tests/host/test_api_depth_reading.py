"""The HTTP API says what the depth canvas holds, as the command line does: ``depth_is``
(auto, depth, inverse, distance), ``fov`` (degrees) and ``depth_unit`` (cm, mm, m, in, ft,
none); a bad value is a 422 naming the field. Generated EXRs, PNGs read back exactly."""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path

import numpy as np
import pytest
from exrdata import write_depth
from PIL import Image
from test_webui_host import api

NUKE = np.array([[0.5, 0.25, 0.0, 0.3125, 0.125]], dtype=np.float32)  # 1/z in 1/m; 0: no hit


def b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def depth_png(answer) -> np.ndarray:
    assert answer.status_code == 200, answer.text
    data = base64.b64decode(answer.json()["images"]["depth"])
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image)


def test_inverse_depth_in_metres_renders_near_white(host, tmp_path) -> None:
    """200, 400, no hit, 320 and 800 cm over the split [200, 800.01): grey 255 - level,
    level = floor((d - 200) / 600.01 * 256)."""
    body = {"depth_exr": b64(write_depth(tmp_path / "n.exr", NUKE)), "maps": ["depth"]}
    client = api(host)
    wanted = {**body, "depth_is": "inverse", "depth_unit": "m"}
    np.testing.assert_array_equal(
        depth_png(client.post("/dazdepth/v1/render", json=wanted)), [[255, 170, 0, 204, 0]]
    )
    as_stored = depth_png(client.post("/dazdepth/v1/render", json=body))
    assert as_stored[0, 0] < 10 and as_stored[0, 4] == 255  # near came out dark: the trap
    analysed = client.post("/dazdepth/v1/analyse", json=wanted).json()
    assert (analysed["min"], analysed["max"], analysed["unit"]) == (200.0, 800.0, "cm")
    assert analysed["background"]["count"] == 1


def test_a_map_without_a_unit_says_so(host, tmp_path) -> None:
    mist = write_depth(tmp_path / "m.exr", [[0.0, 0.25, 0.5, 1.0]])
    body = {"depth_exr": b64(mist), "depth_unit": "none"}
    analysed = api(host).post("/dazdepth/v1/analyse", json=body).json()
    assert (analysed["min"], analysed["max"], analysed["unit"]) == (0.0, 1.0, "")
    rendered = api(host).post("/dazdepth/v1/render", json=body)
    np.testing.assert_array_equal(depth_png(rendered), [[255, 192, 129, 2]])


def test_distance_needs_a_field_of_view_named_fov(host, tmp_path) -> None:
    width, fov = 4, 60.0
    tangent = math.tan(math.radians(fov) / 2)
    a = ((np.arange(width) + 0.5) / width - 0.5) * 2 * tangent  # each pixel's ray (a, b, 1)
    b = a[:, None]  # square pixels, a square image
    distance = 300.0 * np.sqrt(a * a + b * b + 1.0)  # a wall at 300
    body = {"depth_exr": b64(write_depth(tmp_path / "d.exr", distance)), "depth_is": "distance"}
    client = api(host)
    refused = client.post("/dazdepth/v1/analyse", json=body)
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "fov: depth_exr holds distance from the camera and has no usable camera matrices: give the"
        " camera's horizontal field of view in degrees"
    )
    analysed = client.post("/dazdepth/v1/analyse", json={**body, "fov": fov}).json()
    assert analysed["min"] == pytest.approx(300, rel=1e-6)
    assert analysed["max"] == pytest.approx(300, rel=1e-6)
    auto = client.post("/dazdepth/v1/analyse", json={**body, "depth_is": "auto"}).json()
    assert auto["max"] > 330  # auto has no file name to go by: planar depth as stored


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"depth_is": "metres"}, "depth_is: must be one of auto, depth, inverse, distance"),
        ({"depth_is": ["inverse"]}, "depth_is: must be one of auto, depth, inverse, distance"),
        ({"depth_unit": "yd"}, "depth_unit: must be one of cm, mm, m, in, ft, none"),
        ({"depth_unit": None}, "depth_unit: must be one of cm, mm, m, in, ft, none"),
        ({"fov": 0}, "fov: must be a horizontal field of view in degrees, above 0 and below 180"),
        ({"fov": 180}, "fov: must be a horizontal field of view in degrees"),
        ({"fov": "40"}, "fov: must be a horizontal field of view in degrees"),
        ({"fov": True}, "fov: must be a horizontal field of view in degrees"),
    ],
)
def test_bad_reading_fields_are_a_422_naming_them(host, tmp_path, fields, detail) -> None:
    body = {"depth_exr": b64(write_depth(tmp_path / "d.exr", NUKE)), **fields}
    for route in ("analyse", "render", "txt2img-payload"):
        answer = api(host).post(f"/dazdepth/v1/{route}", json=body)
        assert answer.status_code == 422 and answer.json()["detail"].startswith(detail)


@pytest.mark.parametrize("number", ["NaN", "-Infinity", "1e999"])
def test_a_field_of_view_json_cannot_hold_is_a_422_about_the_body(host, tmp_path, number):
    """Python's JSON reads NaN, Infinity and 1e999; the body refuses them before any field
    is read, and said so as if the body were a preset ('not a usable preset')."""
    depth = b64(write_depth(tmp_path / "d.exr", NUKE))
    body = f'{{"depth_exr": "{depth}", "depth_is": "distance", "fov": {number}}}'
    answer = api(host).post(
        "/dazdepth/v1/analyse", content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == f"body: not usable JSON ({number} is not a finite number)"
