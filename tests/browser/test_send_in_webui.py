"""The send buttons in a real webui (``DAZDEPTH_URL=http://127.0.0.1:7860/``, A1111 with
sd-webui-controlnet and the Regional Prompter, or Forge), with the default send settings
(depth, normal, beauty in units 0, 1, 2). What arrived is read from the host's own
components on the page, the state a Generate click sends; and each picture must be on
screen when the artist opens its unit and the Regional Prompter's Mask tab."""

from __future__ import annotations

import os

import pytest
from browsing import Tab
from pictures import wait_picture
from test_tab import loaded

from lib_dazdepth.engine.payload import generation_size

pytestmark = pytest.mark.skipif(
    not os.environ.get("DAZDEPTH_URL"), reason="needs a running webui (DAZDEPTH_URL)"
)

# The Regional Prompter's accordion calls the webui's inputAccordionChecked, which expects
# the webui's own accordion set-up: every change of its Active box, a user's click too,
# raises this on A1111 1.10 (its bug, not ours).
HOST_ERRORS = {"accordion.onVisibleCheckboxChange is not a function"}

READ_HOST = """(where) => {
  const root = gradioApp();
  const q = (s) => root.querySelector(s);
  const checkedValue = (s) => [...root.querySelectorAll(s)].find((i) => i.checked)?.value;
  // A1111: a gradio Image shows an img; Forge: a canvas whose image is the data URL in its
  // hidden background textbox (#<uuid>.logical_image_background).
  const unitImage = (block) => {
    const canvas = block && block.querySelector('[id^=container_uuid_]');
    if (!canvas) return !!(block && block.querySelector('img[src]'));
    const uuid = canvas.id.slice('container_'.length);
    const background = q(`#${uuid}.logical_image_background textarea`);
    return !!(background && background.value.startsWith('data:image/png'));
  };
  // The mask's width as the Regional Prompter shows it: A1111 its sketch box's image (drawn
  // from the upload), Forge its ImageEditor's canvas.
  const maskWidth = (editor) => {
    const shown = editor && editor.querySelector('img[src], canvas');
    return shown ? shown.naturalWidth || shown.width : 0;
  };
  const units = [];
  for (let n = 0; n < 3; n++) {
    const id = `#${where}_controlnet_ControlNet-${n}`;
    const value = (s) => { const e = q(id + s); return e ? e.value : null; };
    units.push({
      enabled: !!q(id + '_controlnet_enable_checkbox input')?.checked,
      independent: q(id + '_controlnet_same_img2img_checkbox input')?.checked ?? null,
      image: unitImage(q(id + '_input_image')),
      module: value('_controlnet_preprocessor_dropdown input'),
      model: value('_controlnet_model_dropdown input'),
      // the range input follows the component's value, not only what was typed
      weight: Number(value('_controlnet_control_weight_slider input[type=range]')),
      start: Number(value('_controlnet_start_control_step_slider input[type=range]') ??
        value('_controlnet_control_step_slider input[data-testid=min-input]')),
      end: Number(value('_controlnet_ending_control_step_slider input[type=range]') ??
        value('_controlnet_control_step_slider input[data-testid=max-input]')),
      mode: checkedValue(id + '_controlnet_control_mode_radio input'),
      resize: checkedValue(id + '_controlnet_resize_mode_radio input'),
      perfect: !!q(id + '_controlnet_pixel_perfect_checkbox input')?.checked,
    });
  }
  const short = where === 'img2img' ? 'i2i' : 't2i';
  const modes = q(`#RP_mode${short}`);
  const accordion = modes && modes.closest('.input-accordion-m, .input-accordion');
  const active = q(`#RP_active${short} input`) ||
    (accordion && q(`#${accordion.id}-checkbox input`));
  return {
    units,
    rp: modes && {
      active: !!active?.checked,
      mode: [...modes.querySelectorAll('button.selected')].map((b) => b.textContent.trim())[0],
      base_ratio: q(`#RP_base_ratio${short} textarea, #RP_base_ratio${short} input`)?.value,
      use_base: !!q(`#RP_usebase${short} input`)?.checked,
      mask_width: maskWidth(q(`#polymask${short}`)),
    },
    prompt: q(`#${where}_prompt textarea`)?.value,
  };
}"""


@pytest.fixture
def webui_tab(browser, server_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    tab = Tab(context.new_page(), server_url)
    if not tab.page.evaluate(f"() => !!gradioApp().querySelector('{UNIT_ZERO}')"):
        pytest.skip("the webui has no ControlNet")
    yield tab
    assert [e for e in tab.errors if e not in HOST_ERRORS] == []
    context.close()


UNIT_ZERO = "#txt2img_controlnet_ControlNet-0_controlnet_enable_checkbox"


def back_to_the_tab(tab: Tab) -> None:
    tab.page.locator("#tabs > .tab-nav button", has_text="Daz Depth").first.click()


def host_state(tab: Tab, where: str, ready_js: str) -> dict:
    """The host's components once ``ready_js`` (of ``h``, the state) holds: the host
    answers some events from its server (the Regional Prompter draws the mask there)."""
    tab.wait_js(
        f"(where) => {{ const h = ({READ_HOST})(where); return {ready_js}; }}", 30000, where
    )
    return tab.page.evaluate(READ_HOST, where)


def sent(tab: Tab, button: str) -> str:
    tab.page.evaluate(
        "() => { gradioApp().querySelector('#dazdepth_send_status').textContent = ''; }"
    )
    tab.page.click(button)
    tab.wait_js(
        "() => gradioApp().querySelector('#dazdepth_send_status').textContent.includes('→')",
        60000,
    )
    return tab.page.evaluate("() => gradioApp().querySelector('#dazdepth_send_status').textContent")


@pytest.mark.parametrize("where", ["txt2img", "img2img"])
def test_send_all_and_fill_the_regional_prompter(webui_tab, sample_set, where):
    width = loaded(webui_tab, sample_set)["image"]["width"]
    webui_tab.send(
        [
            {"op": "add", "depth": 226},
            {"op": "flag", "split": 0, "key": "label", "value": "a wizard"},
            {"op": "flag", "split": 0, "key": "region", "value": "0"},
            {"op": "flag", "split": 1, "key": "region", "value": "1"},
        ]
    )
    webui_tab.page.locator(f"#dazdepth_send_target input[value={where}]").check()
    status = sent(webui_tab, "#dazdepth_send_all")
    expected = generation_size(width, width)  # the send rule, as the API and send give it
    assert "size {}×{}".format(*expected) in status
    size = webui_tab.page.evaluate(
        "(where) => ['width', 'height'].map((side) => Number(gradioApp()"
        ".querySelector(`#${where}_${side} input[type=number]`).value))",
        where,
    )
    assert tuple(size) == expected
    host = host_state(webui_tab, where, "h.units.every((u) => u.image)")
    for n, (module, part) in enumerate(
        [("none", "depth"), ("none", "normalbae"), ("dw_openpose_full", "openpose")]
    ):
        got = host["units"][n]
        assert got["enabled"] and got["image"], (n, got)
        assert got["module"].lower() == module and got["mode"] == "Balanced", (n, got)
        assert (got["weight"], got["start"], got["end"]) == (0.3, 0, 0.5), (n, got)
        assert (got["resize"], got["perfect"]) == ("Crop and Resize", True), (n, got)
        if f'a model matching "{part}"' not in status:  # none installed: the status says so
            assert part in got["model"].lower(), (n, got, status)
        if where == "img2img":
            assert got["independent"] is True, (n, got)
    assert "did not show" not in status, status
    for n in range(3):  # the artist opens each unit: its picture is on screen
        box = f"#{where}_controlnet_ControlNet-{n}_input_image"
        shown = wait_picture(webui_tab, box, (width, width))
        assert min(shown["rendered"]) > 0, (n, shown)
    if host["rp"] is None:
        return
    back_to_the_tab(webui_tab)
    sent(webui_tab, "#dazdepth_send_regions")
    host = host_state(webui_tab, where, f"h.rp.mask_width === {width}")
    expected = {
        "active": True,
        "mode": "Mask",
        "base_ratio": "0.2",
        "use_base": True,
        "mask_width": width,
    }
    assert host["rp"] == expected
    assert host["prompt"] == "(base prompt)\nBREAK\na wizard\nBREAK\n(region 1)"
    # On screen in the Mask tab: A1111's sketch box at the mask's size; Forge's ImageEditor
    # draws it on a canvas of its own size.
    forge = webui_tab.page.evaluate("() => String(window.gradio_config.version)")[0] != "3"
    short = "i2i" if where == "img2img" else "t2i"
    shown = wait_picture(webui_tab, f"#polymask{short}", None if forge else (width, width))
    assert min(shown["rendered"]) > 0, shown
