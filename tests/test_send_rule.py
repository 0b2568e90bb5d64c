"""One rule for every send path (README, Send): the tab's send buttons, ``send`` and the
HTTP API (tests/host/test_webui_host.py) give each map's unit the same options and the
generation the same size. The page's side: tests/browser/test_send_to_webui.py."""

from __future__ import annotations

import json

import numpy as np
from exrdata import write_depth
from hypothesis import given
from hypothesis import strategies as st
from test_send import webui  # noqa: F401 (the stand-in webui fixture)

from lib_dazdepth.cli.main import main
from lib_dazdepth.engine.payload import default_units, generation_size
from lib_dazdepth.ui import controller
from lib_dazdepth.ui.controller import TabConfig

# The rule for the default settings' depth unit, under ControlNet's API names.
DEPTH_UNIT = {
    "weight": 0.3,
    "resize_mode": "Crop and Resize",
    "guidance_start": 0.0,
    "guidance_end": 0.5,
    "control_mode": "Balanced",
    "pixel_perfect": True,
}


def test_the_generation_size_takes_the_maps_aspect_with_the_long_side_at_most_1024() -> None:
    assert generation_size(1200, 1200) == (1024, 1024)  # the sample at its full size
    assert generation_size(1280, 720) == (1024, 576)
    assert generation_size(600, 900) == (600, 896)  # never scaled up; steps of 8
    assert generation_size(6000, 400) == (1024, 72)
    assert generation_size(30, 2) == (32, 8)


def test_a_size_asked_for_is_kept_and_the_other_side_follows_the_maps_aspect() -> None:
    assert generation_size(1200, 1200, 768, 512) == (768, 512)
    assert generation_size(1200, 1200, want_width=768) == (768, 768)
    assert generation_size(1280, 720, want_height=512) == (912, 512)  # 910.2 in steps of 8


@given(st.integers(1, 8192), st.integers(1, 8192))
def test_the_generation_size_is_in_steps_of_8_within_the_limit_and_keeps_the_aspect(w, h):
    width, height = generation_size(w, h)
    assert width % 8 == 0 and height % 8 == 0 and min(width, height) >= 8
    assert max(width, height) <= max(1024, 8) and max(width, height) <= max(w, h) + 4 + 8
    assert abs(width * h - height * w) <= 8 * (w + h)  # each side within 8 of the aspect


def test_the_tab_and_the_send_command_give_the_same_units_and_size(webui, tmp_path, capsys):  # noqa: F811
    handler, url = webui
    depth = np.linspace(100, 200, 64 * 2048, dtype=np.float32).reshape(64, 2048)
    exr = write_depth(tmp_path / "wide-Canvas2-Depth.exr", depth)

    state = controller.load_files([exr], None, TabConfig(tmp_path / "out")).workspace
    text, _ = controller.send_order(state, "txt2img", ["depth"], default_units(), False)
    order = json.loads(text)
    (item,) = order["items"]
    assert {key: item[key] for key in DEPTH_UNIT} == DEPTH_UNIT
    assert (item["module"], item["model"]) == ("none", "depth")  # the page matches the model
    assert order["size"] == {"width": 1024, "height": 32}

    assert main(["send", str(exr), "--webui", url, "--dry-run"]) == 0
    payload = json.loads(capsys.readouterr().out)
    (unit,) = payload["alwayson_scripts"]["ControlNet"]["args"]
    assert {key: unit[key] for key in DEPTH_UNIT} == DEPTH_UNIT
    assert unit["module"] == ("None" if handler.host == "forge" else "none")
    assert unit["model"] == "control_v11f1p_sd15_depth [cfd03158]"
    assert (payload["width"], payload["height"]) == (1024, 32)
