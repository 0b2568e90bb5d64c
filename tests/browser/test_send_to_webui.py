"""The send buttons on a stand-in webui page (tests/host/fake_webui.py): each map arrives
in its ControlNet unit, the unit is enabled, the Regional Prompter gets the mask and the
prompt gets the BREAK template; and each picture is on screen when the artist looks at
its box (A1111's ControlNet and Regional Prompter sit in closed accordions)."""

from __future__ import annotations

import base64
import json
import os
import sys

import gradio
import numpy as np
import pytest
from browsing import ROOT, SAMPLE_SIZE, Tab, served
from exrdata import write_depth
from pictures import PICTURE_JS, wait_picture
from PIL import Image
from readings import assert_reads_as
from test_tab import loaded

from lib_dazdepth.engine.depthmap import load_depth_map

FORGE = int(gradio.__version__.split(".")[0]) >= 4
SAMPLE = (SAMPLE_SIZE, SAMPLE_SIZE)  # the sample's maps
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DAZDEPTH_URL")), reason="needs the stand-in page's recording textboxes"
)


@pytest.fixture(scope="module")
def fake_webui(tmp_path_factory):
    script = ROOT / "tests" / "host" / "fake_webui.py"
    command = [sys.executable, str(script), "--outputs", str(tmp_path_factory.mktemp("out"))]
    with served(command, {**os.environ, "PYTHONPATH": str(ROOT)}) as url:
        yield url


@pytest.fixture
def page_tab(browser, fake_webui):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    tab = Tab(page, fake_webui)
    page.locator("button", has_text="Daz Depth").first.click()
    page.locator("#dazdepth_send_all").wait_for(state="visible")
    yield tab
    assert tab.errors == []
    context.close()


def received(tab: Tab, name: str) -> str:
    return tab.page.locator(f"#fake_{name} textarea").input_value()


def wait_received(tab: Tab, name: str, value: str, timeout: float = 60000) -> None:
    tab.wait_js(
        "([name, value]) => { const t = document.querySelector(`#fake_${name} textarea`);"
        " return t && t.value === value; }",
        timeout,
        arg=[name, value],
    )


def sent_status(tab: Tab) -> str:
    """The send status line once the page has carried the order out."""
    tab.wait_js(
        "() => document.querySelector('#dazdepth_send_status').textContent.includes('→')", 60000
    )
    return tab.page.locator("#dazdepth_send_status").first.inner_text()


def probed(tab: Tab, where: str) -> dict:
    """What the stand-in page's server holds for every unit option and RP switch."""
    box = tab.page.locator(f"#fake_{where}_settings textarea")
    before = box.input_value()
    tab.page.evaluate(f"() => document.querySelector('#fake_probe_{where}').click()")
    tab.wait_js(
        "([where, before]) => {"
        " const t = document.querySelector(`#fake_${where}_settings textarea`);"
        " return t && t.value && t.value !== before; }",
        30000,
        arg=[where, before],
    )
    return json.loads(box.input_value())


@pytest.mark.parametrize("where", ["txt2img", "img2img"])
def test_send_all_puts_each_map_in_its_unit_and_enables_it(page_tab, sample_set, where):
    loaded(page_tab, sample_set)
    page_tab.page.locator(f"#dazdepth_send_target input[value={where}]").check()
    page_tab.page.click("#dazdepth_send_all")
    for n in range(3):  # depth -> 0, normal -> 1, beauty -> 2 (the default settings)
        wait_received(page_tab, f"{where}_unit{n}", "600x600")
        wait_received(page_tab, f"{where}_enabled{n}", "on")
    status = sent_status(page_tab)
    assert "depth → unit 0 (control_v11f1p_sd15_depth [cfd03158])" in status
    assert "beauty → unit 2" in status and "not set" not in status, status
    assert "did not show" not in status, status
    settings = probed(page_tab, where)
    assert (settings["width"], settings["height"]) == (600, 600)  # the send rule: the maps'
    none = "None" if FORGE else "none"
    expected = {  # the seed's starting point (facts.md 6; the tab's default settings)
        0: (none, "control_v11f1p_sd15_depth [cfd03158]"),
        1: (none, "control_v11p_sd15_normalbae [316696f1]"),
        2: ("dw_openpose_full", "control_v11p_sd15_openpose [cab727d4]"),
    }
    for n, (module, model) in expected.items():
        got = [settings[f"{key}{n}"] for key in ("image", "enabled", "module", "model")]
        assert got == ["600x600", True, module, model], (n, settings)  # img2img: not cleared
        options = [settings[f"{key}{n}"] for key in ("weight", "start", "end", "mode")]
        assert options == [0.3, 0, 0.5, "Balanced"], (n, settings)
        assert [settings[f"resize{n}"], settings[f"perfect{n}"]] == ["Crop and Resize", True]
        if where == "img2img":  # the unit's own image, not img2img's
            assert settings[f"independent{n}"] is True
    for n in range(3):  # the artist opens each unit: its picture is there
        shown = wait_picture(page_tab, f"#{where}_controlnet_ControlNet-{n}_input_image", SAMPLE)
        assert min(shown["rendered"]) > 0, shown


def test_one_maps_button_sets_only_its_unit(page_tab, sample_set):
    loaded(page_tab, sample_set)
    page_tab.page.click("#dazdepth_send_normal")
    wait_received(page_tab, "txt2img_unit1", "600x600")
    assert "normal → unit 1 (control_v11p_sd15_normalbae [316696f1])" in sent_status(page_tab)
    settings = probed(page_tab, "txt2img")
    assert [settings["enabled1"], settings["weight1"], settings["end1"]] == [True, 0.3, 0.5]
    assert [settings["resize1"], settings["perfect1"]] == ["Crop and Resize", True]
    for n in (0, 2):  # untouched: the stand-in's starting values
        got = [settings[f"{key}{n}"] for key in ("image", "enabled", "module", "model", "weight")]
        assert got == ["", False, "depth_midas", "None", 1], (n, settings)
        assert settings[f"perfect{n}"] is False, (n, settings)


def test_the_generation_size_follows_the_send_rule(page_tab, tmp_path):
    """The maps' aspect, the long side at most 1024 (payload.generation_size), as the API
    and ``send`` give it (tests/test_send_rule.py)."""
    wide = np.linspace(100, 200, 1280 * 720, dtype=np.float32).reshape(720, 1280)
    view = page_tab.upload(write_depth(tmp_path / "wide-Canvas2-Depth.exr", wide))
    assert view["loaded"], view["message"]
    page_tab.page.click("#dazdepth_send_depth")
    wait_received(page_tab, "txt2img_unit0", "1280x720")
    assert "size 1024×576" in sent_status(page_tab)
    settings = probed(page_tab, "txt2img")
    assert (settings["width"], settings["height"]) == (1024, 576)


def test_fill_the_regional_prompter_sends_the_mask_and_the_prompt(page_tab, sample_set):
    loaded(page_tab, sample_set)
    page_tab.send(  # numbered from 1, with a gap: the mask's colours follow the one list
        [
            {"op": "add", "depth": 226},
            {"op": "flag", "split": 0, "key": "label", "value": "a wizard"},
            {"op": "flag", "split": 0, "key": "region", "value": "3"},
            {"op": "flag", "split": 1, "key": "region", "value": "1"},
        ]
    )
    page_tab.page.click("#dazdepth_send_regions")
    wait_received(page_tab, "txt2img_rp_mask", "600x600")
    prompt = page_tab.page.locator("#txt2img_prompt textarea")
    prompt.wait_for(state="attached")
    page_tab.page.wait_for_function(
        "() => document.querySelector('#txt2img_prompt textarea').value.includes('BREAK')"
    )
    assert prompt.input_value() == "(base prompt)\nBREAK\n(region 1)\nBREAK\na wizard"
    # the mask as the Regional Prompter box received it, read with the prompt sent
    page_tab.wait_js(
        "() => (document.querySelector('#fake_txt2img_rp_mask_png textarea') || {}).value", 30000
    )
    mask = base64.b64decode(received(page_tab, "txt2img_rp_mask_png"))
    depth = load_depth_map(sample_set["depth"])
    expected = np.where(depth.depth < 226, "a wizard", "(region 1)").astype(object)
    expected[~depth.valid] = "(base prompt)"
    assert_reads_as(mask, prompt.input_value(), expected)
    settings = probed(page_tab, "txt2img")
    rp = {k: v for k, v in settings.items() if k.startswith("rp_")}
    assert rp == {"rp_active": True, "rp_mode": "Mask", "rp_base_ratio": "0.2", "rp_use_base": True}
    if not FORGE:  # the mask went into the upload box; the RP drew it in the sketch box
        wait_received(page_tab, "txt2img_rp_sketch", "600x600")
    shown = wait_picture(page_tab, "#polymaskt2i", SAMPLE)  # on screen in the Mask tab
    assert min(shown["rendered"]) > 0, shown


def test_sending_without_regions_explains_what_to_do(page_tab, sample_set):
    loaded(page_tab, sample_set)
    page_tab.page.click("#dazdepth_send_regions")
    status = page_tab.page.locator("#dazdepth_send_status")
    status.get_by_text("No split has a region").first.wait_for(timeout=15000)


def test_a_missing_unit_or_controlnet_is_named(page_tab):
    item = {"role": "depth", "unit": 5, "name": "d.png", "png": "", "model": "depth"}
    item |= {"module": "none", "weight": 0.3, "guidance_end": 0.5, "control_mode": "Balanced"}
    said = page_tab.page.evaluate(
        "(orders) => Promise.all(orders.map((order) => window.dazdepthSend(order)))",
        [{"tab": "txt2img", "items": [item]}, {"tab": "extras", "items": [item]}],
    )
    assert said == [
        [
            "depth: no ControlNet unit 5 in txt2img: the webui shows fewer units"
            " (the unit count in Settings, ControlNet; then restart)"
        ],
        [
            "depth: ControlNet is not in extras"
            " (install sd-webui-controlnet and enable it, or use Forge)"
        ],
    ]


def test_a_picture_hidden_as_it_loads_is_put_in_again_once_shown(page_tab, tmp_path):
    """The artist closes the ControlNet accordion just as the picture goes in: it is not
    on screen, so the send opens the accordion again and puts the picture in once more (on
    gradio 3 the box would otherwise keep it undrawn)."""
    png = tmp_path / "small.png"
    Image.fromarray(np.arange(64 * 48, dtype=np.uint32).reshape(48, 64).astype(np.uint8)).save(png)
    item = {"role": "depth", "unit": 0, "name": "small.png", "model": "depth", "module": "none"}
    item |= {"weight": 0.3, "guidance_start": 0, "guidance_end": 0.5, "control_mode": "Balanced"}
    item |= {"resize_mode": "Crop and Resize", "pixel_perfect": True}
    item["png"] = base64.b64encode(png.read_bytes()).decode("ascii")
    box = "#txt2img_controlnet_ControlNet-0_input_image"
    said = page_tab.page.evaluate(
        """async ([box, order]) => {
          const header = document.querySelector('#txt2img_controlnet .label-wrap');
          window.puts = 0;  // the box's file input may be a new one after a clear
          document.addEventListener('change', (event) => {
            if (!event.target.closest(box)) return;
            if (window.puts++ === 0) header.click();  // closed as the picture goes in
          }, true);
          return window.dazdepthSend(order);
        }""",
        [box, {"tab": "txt2img", "items": [item]}],
    )
    assert said == ["depth → unit 0 (control_v11f1p_sd15_depth [cfd03158])"]
    assert page_tab.page.evaluate("() => window.puts") == 2
    shown = page_tab.page.evaluate(f"() => ({PICTURE_JS})({box!r})")  # without looking
    assert shown["natural"] == [64, 48] and min(shown["rendered"]) > 0, shown
