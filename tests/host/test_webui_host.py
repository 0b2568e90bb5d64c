"""The extension loaded as the webui loads it: tab, settings, API routes, missing parts."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from exrdata import write_depth
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from test_send_rule import DEPTH_UNIT

from lib_dazdepth.engine.presets import to_document
from lib_dazdepth.engine.sample import write_sample
from lib_dazdepth.engine.splits import SplitSet

ROOT = Path(__file__).resolve().parents[2]
SPLITS = SplitSet.from_bounds([170, 226, 560, 610], [200, 40, 16]).set_flag(0, "region", "0")
MODELS = ["control_v11f1p_sd15_depth [cfd03158]"]


def test_the_tab_is_registered_with_its_ids_and_a_note_on_integrations(host) -> None:
    (make_tabs,) = host.callbacks.ui_tabs
    ((blocks, title, tab_id),) = make_tabs()
    assert (title, tab_id) == ("Daz Depth", "daz_depth")
    ids = {getattr(block, "elem_id", None) for block in blocks.blocks.values()}
    assert {
        "dazdepth_files",
        "dazdepth_command",
        "dazdepth_view",
        "dazdepth_widget",
        "dazdepth_save",
        "dazdepth_note",
        "dazdepth_send_all",
        "dazdepth_send_regions",
    } <= ids
    note = next(b for b in blocks.blocks.values() if getattr(b, "elem_id", "") == "dazdepth_note")
    found = "found (forge)" if host.kind == "forge" else "not found"
    assert f"ControlNet: {found}" in note.value


def test_the_standalone_tab_has_no_send_row(tmp_path) -> None:
    from lib_dazdepth.ui.blocks import build_tab
    from lib_dazdepth.ui.controller import TabConfig

    def ids(blocks) -> set:
        return {getattr(block, "elem_id", None) or "" for block in blocks.blocks.values()}

    alone = ids(build_tab(TabConfig(outputs=tmp_path), sending=False))
    assert "dazdepth_save" in alone and not {i for i in alone if i.startswith("dazdepth_send")}
    assert "dazdepth_send_all" in ids(build_tab(TabConfig(outputs=tmp_path)))


def test_settings_hold_the_seed_workflows_starting_point(host) -> None:
    (add_settings,) = host.callbacks.ui_settings
    add_settings()
    opts = host.shared.opts
    assert (opts.dazdepth_depth_unit, opts.dazdepth_normal_unit, opts.dazdepth_beauty_unit) == (
        0,
        1,
        2,
    )
    assert (opts.dazdepth_depth_model, opts.dazdepth_normal_model, opts.dazdepth_beauty_model) == (
        "depth",
        "normalbae",
        "openpose",
    )
    assert opts.dazdepth_beauty_module == "dw_openpose_full"
    assert (
        opts.dazdepth_depth_weight,
        opts.dazdepth_depth_guidance_end,
        opts.dazdepth_depth_control_mode,
    ) == (0.3, 0.5, "Balanced")
    sections = {info.section for info in opts.data_labels.values()}
    assert sections == {("daz_depth", "Daz Depth")}


def api(host, auth: str | None = None) -> TestClient:
    host.shared.cmd_opts.api_auth = auth
    host.callbacks.ui_settings[0]()
    app = FastAPI()
    (started,) = host.callbacks.app_started
    started(None, app)  # demo is None under --nowebui
    return TestClient(app)


@pytest.fixture(scope="module")
def canvases(tmp_path_factory) -> dict[str, str]:
    paths = write_sample(tmp_path_factory.mktemp("scene"), size=64)
    return {
        name: base64.b64encode(getattr(paths, name).read_bytes()).decode()
        for name in ("depth_exr", "normal_exr", "beauty_png")
    }


def test_api_version_and_analysis(host, canvases) -> None:
    client = api(host)
    assert client.get("/dazdepth/v1/version").json()["host"] == host.kind
    answer = client.post("/dazdepth/v1/analyse", json={"depth_exr": canvases["depth_exr"]})
    assert answer.status_code == 200
    data = answer.json()
    assert (data["width"], data["height"]) == (64, 64) and data["min"] < data["max"]
    assert len(data["histogram"]["counts"]) == 20 and data["background"]["count"] > 0


def test_api_render_equals_the_command_lines_maps(host, canvases, tmp_path) -> None:
    client = api(host)
    body = {
        "depth_exr": canvases["depth_exr"],
        "normal_exr": canvases["normal_exr"],
        "preset": to_document(SPLITS),
        "maps": ["depth", "regions", "mask", "normal"],
    }
    answer = client.post("/dazdepth/v1/render", json=body)
    assert answer.status_code == 200, answer.text
    images = {
        k: np.asarray(Image.open(io.BytesIO(base64.b64decode(v))))
        for k, v in answer.json()["images"].items()
    }
    exr = tmp_path / "scene-Canvas2-Depth.exr"
    exr.write_bytes(base64.b64decode(canvases["depth_exr"]))
    preset = tmp_path / "p.json"
    preset.write_text(__import__("json").dumps(to_document(SPLITS)))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "lib_dazdepth",
            str(exr),
            "--preset",
            str(preset),
            "--regions",
            "--mask",
        ],
        check=True,
        capture_output=True,
        env={"PYTHONPATH": str(ROOT)},
    )
    for kind in ("depth", "regions", "mask"):
        cli = np.asarray(Image.open(tmp_path / f"scene-Canvas2-Depth.{kind}.png"))
        np.testing.assert_array_equal(images[kind], cli)
    assert images["normal"].shape == (64, 64, 3)


def test_api_builds_a_ready_txt2img_payload(host, canvases) -> None:
    client = api(host)
    body = {
        "depth_exr": canvases["depth_exr"],
        "normal_exr": canvases["normal_exr"],
        "beauty_png": canvases["beauty_png"],
        "preset": to_document(SPLITS),
        "prompt": "masterpiece",
    }
    if host.kind == "a1111":  # no ControlNet module in this host: the caller names models
        body["models"] = [
            "control_v11f1p_sd15_depth [cfd03158]",
            "control_v11p_sd15_normalbae [316696f1]",
            "control_v11p_sd15_openpose [cab727d4]",
        ]
    answer = client.post("/dazdepth/v1/txt2img-payload", json=body)
    assert answer.status_code == 200, answer.text
    payload = answer.json()
    units = payload["alwayson_scripts"]["ControlNet"]["args"]
    none = "None" if host.kind == "forge" else "none"
    assert [u["module"] for u in units] == [none, none, "dw_openpose_full"]
    assert units[0]["model"] == "control_v11f1p_sd15_depth [cfd03158]"
    assert all(u["enabled"] and u["weight"] == 0.3 and u["guidance_end"] == 0.5 for u in units)
    assert len(payload["alwayson_scripts"]["Regional Prompter"]["args"]) == 20
    assert payload["prompt"].startswith("masterpiece\nBREAK\n")


def test_api_payload_follows_the_send_rule(host, tmp_path) -> None:
    """The same units and size as the tab's send and ``send`` (test_send_rule.py)."""
    depth = np.linspace(100, 200, 64 * 2048, dtype=np.float32).reshape(64, 2048)
    exr = write_depth(tmp_path / "wide-Canvas2-Depth.exr", depth)
    body = {"depth_exr": base64.b64encode(exr.read_bytes()).decode(), "models": MODELS}
    client = api(host)
    sizes = []
    for asked in ({}, {"height": 64}):
        answer = client.post("/dazdepth/v1/txt2img-payload", json=body | asked)
        assert answer.status_code == 200, answer.text
        payload = answer.json()
        (unit,) = payload["alwayson_scripts"]["ControlNet"]["args"]
        assert {key: unit[key] for key in DEPTH_UNIT} == DEPTH_UNIT
        sizes.append((payload["width"], payload["height"]))
    assert sizes == [(1024, 32), (2048, 64)]  # a side asked for: the other follows the aspect


@pytest.mark.parametrize(
    ("body", "code", "detail"),
    [
        ({"depth_exr": "@@@"}, 422, "depth_exr: not valid base64"),
        (
            {"depth_exr": base64.b64encode(b"not an exr").decode()},
            422,
            "depth_exr: not an OpenEXR file",
        ),
    ],
)
def test_api_refuses_bad_input_naming_the_field(host, body, code, detail) -> None:
    answer = api(host).post("/dazdepth/v1/analyse", json=body)
    assert answer.status_code == code and answer.json()["detail"] == detail


def test_api_limits_request_size_and_honours_api_auth(host, canvases) -> None:
    client = api(host, auth="artist:secret")
    assert client.get("/dazdepth/v1/version").status_code == 401
    assert client.get("/dazdepth/v1/version", auth=("artist", "wrong")).status_code == 401
    assert client.get("/dazdepth/v1/version", auth=("artist", "secret")).status_code == 200
    huge = {"depth_exr": "A" * (600 * 1024 * 1024 // 1000)}
    answer = client.post(
        "/dazdepth/v1/analyse",
        json=huge,
        auth=("artist", "secret"),
        headers={"Content-Length": str(600 * 1024 * 1024)},
    )
    assert answer.status_code == 413


def test_without_openexr_the_tab_says_why_and_nothing_breaks(tmp_path) -> None:
    from webui_stub import Host

    made = Host(tmp_path / "webui", forge=False)
    program = f"""
import sys
sys.modules["OpenEXR"] = None  # as if it were not installed
sys.path[:0] = [{str(made.folder)!r}, {str(ROOT)!r}]
from webui_stub import Host
host = Host.__new__(Host)
host.load_extension()
import modules.script_callbacks as callbacks
assert callbacks.ui_settings == [] and callbacks.app_started == []
((blocks, title, tab_id),) = callbacks.ui_tabs[0]()
text = [b.value for b in blocks.blocks.values() if getattr(b, "elem_id", "") ==
        "dazdepth_unavailable"][0]
print(title, tab_id, text)
"""
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=Path(__file__).parent
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Daz Depth daz_depth **Daz Depth could not start:** OpenEXR")
