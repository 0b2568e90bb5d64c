"""The txt2img payload and the send command, against a stand-in webui on loopback."""

from __future__ import annotations

import base64
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from exrdata import write_depth
from PIL import Image
from readings import assert_reads_as
from test_overpaint import overpainted_session

from lib_dazdepth.cli.main import main
from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.maps import png_maps, rgb8_png
from lib_dazdepth.engine.payload import (
    PayloadError,
    PayloadRequest,
    UnitSettings,
    match_model,
    region_prompt,
    regional_prompter_args,
    txt2img_payload,
)
from lib_dazdepth.engine.presets import dumps
from lib_dazdepth.engine.region_plan import build_plan
from lib_dazdepth.engine.sample import write_sample
from lib_dazdepth.engine.splits import SplitSet
from lib_dazdepth.ui import controller
from lib_dazdepth.ui.controller import TabConfig

MODELS = [
    "control_v11f1p_sd15_depth [cfd03158]",
    "control_v11p_sd15_normalbae [316696f1]",
    "control_v11p_sd15_openpose [cab727d4]",
    "t2iadapter_depth_sd14v1 [4f2e6a4b]",
]
SPLITS = (
    SplitSet.from_bounds([100, 226, 560, 610], [200, 40, 16])
    .set_flag(0, "label", "a wizard")
    .set_flag(0, "region", "0")
    .set_flag(1, "label", "stone floor")
    .set_flag(1, "region", "1")
    .set_flag(2, "region", "2")
)


def test_the_tabs_send_order_holds_each_map_its_unit_settings_and_the_size(tmp_path) -> None:
    depth = np.linspace(100, 200, 6 * 4, dtype=np.float32).reshape(4, 6)
    exr = write_depth(tmp_path / "wide-Canvas2-Depth.exr", depth)
    state = controller.load_files([exr], None, TabConfig(tmp_path / "out")).workspace
    units = {role: UnitSettings(unit=n, model=role) for n, role in enumerate(controller.SEND_ROLES)}
    text, status = controller.send_order(state, "img2img", ["depth", "normal"], units, False)
    order = json.loads(text)
    assert (status, order["tab"], order["size"]) == (
        "Sending...",
        "img2img",
        {"width": 8, "height": 8},  # payload.generation_size: steps of 8 (test_send_rule.py)
    )
    assert order["note"] == ["no normal map loaded"] and order["regions"] is None
    (item,) = order["items"]
    assert {k: v for k, v in item.items() if k != "png"} == {
        "role": "depth",
        "unit": 0,
        "model": "depth",
        "module": "none",
        "weight": 0.3,
        "resize_mode": "Crop and Resize",
        "guidance_start": 0.0,
        "guidance_end": 0.5,
        "control_mode": "Balanced",
        "pixel_perfect": True,
        "name": "wide-Canvas2-Depth.depth.png",
    }
    with Image.open(io.BytesIO(base64.b64decode(item["png"]))) as image:
        assert (image.mode, image.size) == ("RGB", (6, 4))
        grey = np.asarray(image)[..., 0]
    expected = 255 - np.floor((depth.astype(np.float64) - 100) / 100.01 * 256)
    np.testing.assert_array_equal(grey, expected)
    assert controller.send_order(state, "txt2img", [], units, True) == (
        "",
        "No split has a region: set region numbers in the table first.",
    )


def test_models_match_by_name_part_or_exactly() -> None:
    assert match_model("depth", MODELS) == "control_v11f1p_sd15_depth [cfd03158]"
    assert match_model("t2iadapter_depth", MODELS) == "t2iadapter_depth_sd14v1 [4f2e6a4b]"
    assert match_model(MODELS[1], MODELS) == MODELS[1]
    assert match_model("canny", MODELS) is None


PLAN = build_plan({0: 10, 1: 10, 2: 10}, SPLITS)


def test_prompt_template_has_a_break_section_per_region_in_colour_order() -> None:
    assert region_prompt(PLAN, "masterpiece") == (
        "masterpiece\nBREAK\na wizard\nBREAK\nstone floor\nBREAK\n(region 2)"
    )
    assert region_prompt(PLAN, "masterpiece", use_base=False) == (
        "masterpiece, a wizard\nBREAK\nmasterpiece, stone floor\nBREAK\nmasterpiece, (region 2)"
    )
    plain = SplitSet.from_bounds([1, 2], [256])
    assert region_prompt(build_plan({}, plain), "plain") == "plain"


def test_regional_prompter_gets_its_twenty_values_in_order() -> None:
    args = regional_prompter_args(b"PNG")
    assert len(args) == 20
    assert (args[0], args[2], args[4], args[7], args[8], args[11]) == (
        True,
        "Mask",
        "Mask",
        "0.2",
        True,
        "Attention",
    )
    assert args[16] == base64.b64encode(b"PNG").decode()


@pytest.mark.parametrize(("host", "none"), [("a1111", "none"), ("forge", "None")])
def test_payload_units_follow_the_documented_shape(host, none) -> None:
    maps = {"depth": b"D", "normal": b"N", "beauty": b"B", "regions": b"R"}
    payload = txt2img_payload(PayloadRequest(maps, PLAN, "base", "ugly", 768, 768), MODELS, host)
    units = payload["alwayson_scripts"]["ControlNet"]["args"]
    assert units[0] == {
        "enabled": True,
        "module": none,
        "model": MODELS[0],
        "weight": 0.3,
        "image": base64.b64encode(b"D").decode(),
        "resize_mode": "Crop and Resize",
        "guidance_start": 0.0,
        "guidance_end": 0.5,
        "control_mode": "Balanced",
        "pixel_perfect": True,
    }
    assert (units[1]["model"], units[1]["module"]) == (MODELS[1], none)
    assert (units[2]["model"], units[2]["module"]) == (MODELS[2], "dw_openpose_full")
    assert "input_image" not in units[0]
    assert payload["prompt"].startswith("base\nBREAK\na wizard")
    assert payload["negative_prompt"] == "ugly" and payload["width"] == 768
    assert payload["alwayson_scripts"]["Regional Prompter"]["args"][16] == "Ug=="


def test_units_not_used_are_sent_disabled_and_a_missing_model_is_named() -> None:
    units = {"depth": UnitSettings(2, "depth")}
    payload = txt2img_payload(PayloadRequest({"depth": b"D"}, PLAN, units=units), MODELS, "a1111")
    assert payload["alwayson_scripts"]["ControlNet"]["args"][:2] == [{"enabled": False}] * 2
    with pytest.raises(PayloadError, match="no ControlNet model matching 'canny'"):
        txt2img_payload(
            PayloadRequest({"depth": b"D"}, PLAN, units={"depth": UnitSettings(0, "canny")}),
            MODELS,
            "forge",
        )


class FakeWebui(BaseHTTPRequestHandler):
    """Just the routes send uses; Forge has no /controlnet/version."""

    host = "a1111"
    received: ClassVar[list[dict]] = []

    def log_message(self, *args) -> None:
        pass

    def reply(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/controlnet/version" and self.host == "a1111":
            self.reply(200, {"version": 2})
        elif self.path == "/controlnet/model_list":
            self.reply(200, {"model_list": MODELS})
        else:
            self.reply(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append(body)
        if body.get("prompt") == "no checkpoint":  # refused as a webui without one refuses
            said = "You do not have any model! Please download at least one model."
            self.reply(500, {"error": "ValueError", "detail": "", "message": said})
            return
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), (1, 2, 3)).save(buffer, format="PNG")
        self.reply(200, {"images": [base64.b64encode(buffer.getvalue()).decode()], "info": "{}"})


@pytest.fixture(params=["a1111", "forge"])
def webui(request):
    handler = type("Handler", (FakeWebui,), {"host": request.param, "received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_send_posts_the_maps_and_saves_the_images(webui, tmp_path: Path) -> None:
    handler, url = webui
    sample = write_sample(tmp_path / "scene", size=64)
    preset = tmp_path / "p.json"
    preset.write_text(dumps(SPLITS))
    out = tmp_path / "out"
    code = main(
        [
            "send",
            str(sample.depth_exr.parent),
            str(sample.beauty_png),
            "--webui",
            url,
            "--preset",
            str(preset),
            "--prompt",
            "masterpiece",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    (payload,) = handler.received
    units = payload["alwayson_scripts"]["ControlNet"]["args"]
    none = "None" if handler.host == "forge" else "none"
    assert [u["module"] for u in units] == [none, none, "dw_openpose_full"]
    assert [u["model"] for u in units] == MODELS[:3]
    depth = np.asarray(Image.open(io.BytesIO(base64.b64decode(units[0]["image"]))))
    assert depth.shape == (64, 64, 3) and depth.dtype == np.uint8  # 8-bit RGB (facts.md 3)
    assert (depth == depth[..., :1]).all() and len(np.unique(depth)) > 10  # grey
    assert (
        payload["prompt"] == "masterpiece\nBREAK\na wizard\nBREAK\nstone floor\nBREAK\n(region 2)"
    )
    assert (payload["width"], payload["height"]) == (64, 64)
    saved = sorted(out.glob("*.png"))
    assert [p.name for p in saved] == ["sample_scene-Canvas2-Depth.txt2img.0.png"]


def test_a_refused_generation_is_one_line_with_what_the_webui_said(webui, tmp_path, capsys):
    _, url = webui
    sample = write_sample(tmp_path / "scene", size=32)
    args = ["send", str(sample.depth_exr), "--webui", url, "--prompt", "no checkpoint"]
    args += ["--out", str(tmp_path)]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        f"error: {url}/sdapi/v1/txt2img: HTTP 500 Internal Server Error:"
        " You do not have any model! Please download at least one model.\n"
    )
    assert not list(tmp_path.glob("*.png"))


def test_send_refuses_steps_or_sizes_below_one(capsys) -> None:
    for option in ("--steps", "--width", "--height"):
        with pytest.raises(SystemExit) as exit_info:
            main(["send", "x.exr", "--webui", "http://127.0.0.1:9", option, "0"])
        assert exit_info.value.code == 2
        assert f"{option}: '0' must be at least 1" in capsys.readouterr().err


def test_send_to_nothing_is_one_clear_error(tmp_path: Path, capsys) -> None:
    sample = write_sample(tmp_path / "scene", size=32)
    code = main(["send", str(sample.depth_exr), "--webui", "http://127.0.0.1:9"])
    assert code == 2
    assert "cannot connect" in capsys.readouterr().err


def test_send_applies_the_presets_region_and_depth_edits(webui, tmp_path: Path) -> None:
    handler, url = webui
    exr, state = overpainted_session(tmp_path)
    state.apply([{"op": "select_at", "x": 0, "y": 0}, {"op": "assign_selection", "region": 0}])
    paths, _ = controller.save_all(state, TabConfig(tmp_path / "out"))
    saved = {Path(p).name: Path(p) for p in paths}
    preset = str(saved["mirror-Canvas2-Depth.json"])
    images = str(tmp_path / "images")
    code = main(["send", str(exr), "--webui", url, "--preset", preset, "--out", images])
    assert code == 0
    (payload,) = handler.received
    (depth_unit,) = payload["alwayson_scripts"]["ControlNet"]["args"]
    sent_depth = Image.open(io.BytesIO(base64.b64decode(depth_unit["image"]))).convert("L")
    with Image.open(saved["mirror-Canvas2-Depth.depth.png"]) as image:
        np.testing.assert_array_equal(np.asarray(sent_depth), np.asarray(image))
    mask_b64 = payload["alwayson_scripts"]["Regional Prompter"]["args"][16]
    sent_mask = Image.open(io.BytesIO(base64.b64decode(mask_b64)))
    with Image.open(saved["mirror-Canvas2-Depth.regions.png"]) as image:
        np.testing.assert_array_equal(np.asarray(sent_mask), np.asarray(image))
    assert payload["prompt"] == "(base prompt)\nBREAK\n(region 0)"
    # the wand's region edit, read as the Regional Prompter reads the mask and prompt sent
    edits = state.region_edits
    expected = np.where(edits == 0, "(region 0)", "(base prompt)")
    assert_reads_as(np.asarray(sent_mask.convert("RGB")), payload["prompt"], expected)


def test_send_auto_splits_as_the_command_line_does(webui, tmp_path: Path, capsys) -> None:
    handler, url = webui
    sample = write_sample(tmp_path / "scene", size=48)
    out = tmp_path / "maps"
    assert main([str(sample.depth_exr), "--auto", "--out", str(out)]) == 0
    with Image.open(out / "sample_scene-Canvas2-Depth.depth.png") as image:
        cli_depth = np.asarray(image)
    args = ["send", str(sample.depth_exr), "--webui", url, "--auto", "--out", str(tmp_path)]
    assert main(args) == 0
    (payload,) = handler.received
    image = payload["alwayson_scripts"]["ControlNet"]["args"][0]["image"]
    sent = np.asarray(Image.open(io.BytesIO(base64.b64decode(image))))[..., 0]
    np.testing.assert_array_equal(sent, cli_depth)
    assert len(np.unique(sent)) > len(np.unique(np.asarray(default_depth(sample.depth_exr))))
    with pytest.raises(SystemExit):
        main(["send", str(sample.depth_exr), "--webui", url, "--auto", "--preset", "p.json"])
    assert "--auto and --preset both choose the splits" in capsys.readouterr().err


def default_depth(path: Path) -> np.ndarray:
    from lib_dazdepth.engine.depthmap import load_depth_map
    from lib_dazdepth.engine.maps import png_maps

    maps = png_maps(load_depth_map(path), SplitSet.default(*load_depth_map(path).range)).maps
    return np.asarray(Image.open(io.BytesIO(maps["depth"])))


def test_every_map_sent_to_controlnet_is_8_bit_rgb() -> None:
    """Never 16-bit: a webui image box would keep almost none of its greys."""
    depth = np.linspace(100, 600, 48, dtype=np.float32).reshape(6, 8)
    depth_map = from_array(depth)
    normals = np.zeros((6, 8, 3), np.float32)
    normals[..., 2] = 1
    beauty = np.zeros((6, 8, 3), np.uint8)
    maps = png_maps(depth_map, SPLITS, normals, beauty).maps
    assert set(maps) == {"depth", "regions", "normal", "beauty"}
    for data in maps.values():
        with Image.open(io.BytesIO(data)) as image:
            assert (image.mode, image.size) == ("RGB", (8, 6))
    with pytest.raises(ValueError, match="ControlNet gets 8-bit RGB, not uint16"):
        rgb8_png(np.zeros((6, 8, 3), np.uint16))
