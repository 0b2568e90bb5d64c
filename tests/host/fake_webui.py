"""A stand-in webui page for the send tests: ControlNet units, the Regional Prompter and
the prompt, under the ids facts.md documents, beside the Daz Depth tab.

Both ControlNets put their units in a closed accordion ``#controlnet``, and the Regional
Prompter its switches in a closed accordion, as their sources do. gradio 3 gets A1111's
layout (units as tabs in ``#<tab>_controlnet_tabs``, each unit's image a sketch Image that
draws the picture on canvases sized when it loads, so a picture loaded while its accordion
or tab is hidden is not shown once opened; the RP mask box labelled "Upload mask here cus
gradio", whose upload the RP's server answers by drawing the mask into the sketch box
``#polymask<t2i|i2i>`` beside it); gradio 4 gets Forge's (units as accordions in
``#<tab>_controlnet_accordions``, the ending step a range slider, the RP mask box
``#polymask<t2i|i2i>`` as the RP builds it with its "Disable ImageEditor" setting: a
plain Image; its default ImageEditor draws with WebGL, which takes minutes to show in a
headless browser rendering in software on a busy machine, and is left to
test_send_in_webui.py). Ids are those of
sd-webui-controlnet 1.1.455, Forge's built-in ControlNet and the Regional Prompter as
their sources build them: ``<tab>_controlnet_ControlNet-N_input_image``,
``<tab>_controlnet_ControlNet-N_controlnet_<name>``, ``RP_<name><t2i|i2i>``. Each target
records what arrives in a textbox ``#fake_<what>``: the image size or "on" (and the region
mask itself, as base64 PNG, in ``#fake_<tab>_rp_mask_png``);
``#fake_probe_<tab>`` writes every unit option and Regional Prompter switch the server
holds into ``#fake_<tab>_settings`` (JSON).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import gradio as gr  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from lib_dazdepth.ui.blocks import build_tab  # noqa: E402
from lib_dazdepth.ui.controller import TabConfig  # noqa: E402
from lib_dazdepth.ui.launcher import head_assets, inject_head  # noqa: E402

FORGE = int(gr.__version__.split(".")[0]) >= 4
SHORT = {"txt2img": "t2i", "img2img": "i2i"}


def size_of(image) -> str:
    """``WxH`` of an image value: an array, a data URL (gradio 3's value as the page sends
    it), or a gradio 3 sketch's dict of them (``image``)."""
    if isinstance(image, dict):
        image = image["image"]
    if isinstance(image, str):
        with Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[-1]))) as decoded:
            return f"{decoded.width}x{decoded.height}"
    return "" if image is None else f"{image.shape[1]}x{image.shape[0]}"


# What the page sends, unprocessed, on gradio 3: its sketch Image cannot process a value
# without a mask (before its canvas has drawn) nor a picture the server set, which the
# recorders read (the hosts read them only on Generate, after the canvas has drawn).
RAW = {} if FORGE else {"preprocess": False}


def png_of(image) -> str:
    """The image as it arrived, RGB, as base64 PNG (the region mask, read back by the test)."""
    if image is None:
        return ""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image)[..., :3].astype(np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def recorded(name: str) -> gr.Textbox:
    return gr.Textbox(label=f"received {name}", elem_id=f"fake_{name}")


MODELS = [
    "None",
    "control_v11f1p_sd15_depth [cfd03158]",
    "control_v11p_sd15_normalbae [316696f1]",
    "control_v11p_sd15_openpose [cab727d4]",
]
NONE = "None" if FORGE else "none"
MODULES = [NONE, "depth_midas", "normal_bae", "openpose_full", "dw_openpose_full"]
MODES = ["Balanced", "My prompt is more important", "ControlNet is more important"]


RESIZE_MODES = ["Just Resize", "Crop and Resize", "Resize and Fill"]


def control_steps(ids: str) -> dict:
    """A1111: two sliders; Forge: one range slider (start, end) under another id, which the
    probe splits."""
    if FORGE:
        from gradio_rangeslider import RangeSlider

        steps = RangeSlider(
            0, 1, value=(0.1, 1), label="Timestep Range", elem_id=f"{ids}_control_step_slider"
        )
        return {"end": steps}
    return {
        "start": gr.Slider(
            0,
            1,
            value=0.1,
            label="Starting Control Step",
            elem_id=f"{ids}_start_control_step_slider",
        ),
        "end": gr.Slider(
            0, 1, value=1, label="Ending Control Step", elem_id=f"{ids}_ending_control_step_slider"
        ),
    }


def show_panel(on: bool) -> tuple:
    """The answer to ticking "Upload independent control image": no image, the panel shown.
    It comes late, as from a busy server, so an image put in before it would be lost."""
    time.sleep(0.5)
    return None, gr.update(visible=on)


def unit(tab: str, n: int) -> list:
    """One unit's controls under sd-webui-controlnet's ids; returns those the probe reads.
    Every option starts away from what Daz Depth sets, so each check of it can fail. In
    img2img the image panel shows once "Upload independent control image" is ticked, and
    ticking it clears the image on the server's answer, as both ControlNets do."""
    ids = f"{tab}_controlnet_ControlNet-{n}_controlnet"
    independent = None
    if tab == "img2img":
        independent = gr.Checkbox(
            label="Upload independent control image", elem_id=f"{ids}_same_img2img_checkbox"
        )
    with gr.Group(visible=independent is None) as panel:
        image = gr.Image(
            type="numpy",
            label=f"unit {n} image",
            elem_id=f"{tab}_controlnet_ControlNet-{n}_input_image",
            **({} if FORGE else {"source": "upload", "tool": "sketch"}),
        )
    if independent is not None:
        independent.change(show_panel, independent, [image, panel])
    enable = gr.Checkbox(label="Enable", elem_id=f"{ids}_enable_checkbox")
    perfect = gr.Checkbox(label="Pixel Perfect", elem_id=f"{ids}_pixel_perfect_checkbox")
    module = gr.Dropdown(
        MODULES, value=MODULES[1], label="Preprocessor", elem_id=f"{ids}_preprocessor_dropdown"
    )
    model = gr.Dropdown(MODELS, value="None", label="Model", elem_id=f"{ids}_model_dropdown")
    weight = gr.Slider(
        0, 2, value=1, step=0.05, label="Control Weight", elem_id=f"{ids}_control_weight_slider"
    )
    steps = control_steps(ids)
    mode = gr.Radio(
        MODES, value=MODES[2], label="Control Mode", elem_id=f"{ids}_control_mode_radio"
    )
    resize = gr.Radio(
        RESIZE_MODES, value=RESIZE_MODES[0], label="Resize Mode", elem_id=f"{ids}_resize_mode_radio"
    )
    got, on = recorded(f"{tab}_unit{n}"), recorded(f"{tab}_enabled{n}")
    (image.change if FORGE else image.edit)(size_of, image, got, **RAW)
    enable.change(lambda value: "on" if value else "", enable, on)
    controls = {"image": image, "enabled": enable, "module": module, "model": model}
    controls |= {"weight": weight, **steps, "mode": mode, "resize": resize, "perfect": perfect}
    if independent is not None:
        controls["independent"] = independent
    return {f"{key}{n}": control for key, control in controls.items()}


def controlnet(tab: str) -> dict:
    """The units inside the closed accordion ``#controlnet`` (an id both txt2img and
    img2img use, as both ControlNets do)."""
    controls = {}
    with (
        gr.Group(elem_id=f"{tab}_controlnet"),
        gr.Accordion("ControlNet", open=False, elem_id="controlnet"),
    ):
        if FORGE:
            with gr.Column(elem_id=f"{tab}_controlnet_accordions"):
                for n in range(3):
                    with gr.Accordion(f"ControlNet Unit {n}", open=True):
                        controls |= unit(tab, n)
        else:
            with gr.Tabs(elem_id=f"{tab}_controlnet_tabs"):
                for n in range(3):
                    with gr.Tab(f"ControlNet Unit {n}", elem_classes=["cnet-unit-tab"]):
                        controls |= unit(tab, n)
    return controls


def regional_prompter(tab: str) -> dict:
    """The Regional Prompter's layout: its Active switch is the hidden checkbox of an
    accordion labelled "Regional Prompter" (``input-accordion-m-N``, no fixed id), the modes
    are tabs in ``RP_mode<t2i|i2i>``. The Mask tab holds the sketch box ``polymask<sfx>``
    (gradio 3: an Image labelled "Do not upload here until bugfix", beside the box "Upload
    mask here cus gradio", which is the one to drop a mask on: the RP's server answers the
    upload by putting the mask into the sketch box and the "Mask" box, and clearing the
    upload box; gradio 4: an Image, see the module's docstring)."""
    short = SHORT[tab]
    accordion_id = f"input-accordion-m-{2244100 + list(SHORT).index(tab)}"
    active = gr.Checkbox(value=False, visible=False, elem_id=f"{accordion_id}-checkbox")
    with gr.Accordion(
        "Regional Prompter", open=False, elem_id=accordion_id, elem_classes=["input-accordion-m"]
    ):
        ratio = gr.Textbox(label="Base Ratio", value="0.5", elem_id=f"RP_base_ratio{short}")
        use_base = gr.Checkbox(label="Use base prompt", elem_id=f"RP_usebase{short}")
        selected = gr.Textbox(value="Matrix", visible=False)
        with gr.Tabs(elem_id=f"RP_mode{short}"):
            for name in ("Matrix", "Mask", "Prompt"):
                with gr.Tab(name, elem_id=f"RP_{name}") as item:
                    if name == "Mask":
                        polymask, upload, shown = mask_inputs(short)
                item.select(lambda name=name: name, None, selected)
    mask_got = [recorded(f"{tab}_rp_mask"), recorded(f"{tab}_rp_mask_png")]
    if upload is not None:
        outputs = [polymask, upload, shown, *mask_got]
        upload.upload(
            lambda image: (image, None, image, size_of(image), png_of(image)), upload, outputs
        )
        polymask.edit(size_of, polymask, recorded(f"{tab}_rp_sketch"), **RAW)
    else:
        polymask.change(lambda value: (size_of(value), png_of(value)), polymask, mask_got)
    return {
        "rp_active": active,
        "rp_mode": selected,
        "rp_base_ratio": ratio,
        "rp_use_base": use_base,
    }


def mask_inputs(short: str):
    if FORGE:
        return gr.Image(label="Image", elem_id=f"polymask{short}", type="numpy"), None, None
    sketch = gr.Image(
        label="Do not upload here until bugfix",
        elem_id=f"polymask{short}",
        source="upload",
        tool="sketch",
        type="numpy",
    )
    shown = gr.Image(label="Mask", type="numpy")
    upload = gr.Image(label="Upload mask here cus gradio", source="upload", type="numpy")
    return sketch, upload, shown


def probe(tab: str, controls: dict) -> None:
    """A button that writes what the server holds for every control, as JSON, by name."""
    names = list(controls)

    def held(*values) -> str:
        settings = dict(zip(names, values))
        for n in range(3):
            settings[f"image{n}"] = size_of(settings[f"image{n}"])
            if FORGE:  # the range slider's (start, end)
                settings[f"start{n}"], settings[f"end{n}"] = settings[f"end{n}"]
        return json.dumps(settings)

    button = gr.Button("probe", elem_id=f"fake_probe_{tab}")
    button.click(held, list(controls.values()), recorded(f"{tab}_settings"), **RAW)


def page(outputs: Path) -> gr.Blocks:
    tab = build_tab(TabConfig(outputs=outputs))
    with gr.Blocks(analytics_enabled=False) as demo, gr.Tabs():
        for name in ("txt2img", "img2img"):
            with gr.Tab(name, elem_id=f"tab_{name}"):
                gr.Textbox(label="Prompt", elem_id=f"{name}_prompt", lines=3)
                size = {
                    side: gr.Slider(
                        64, 2048, value=512, step=8, label=side, elem_id=f"{name}_{side}"
                    )
                    for side in ("width", "height")
                }
                probe(name, controlnet(name) | regional_prompter(name) | size)
        with gr.Tab("Daz Depth", elem_id="tab_daz_depth"):
            tab.render()
    return demo


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--outputs", required=True)
    args = parser.parse_args()
    inject_head(head_assets())
    page(Path(args.outputs)).queue().launch(
        server_name="127.0.0.1", server_port=args.port, allowed_paths=[args.outputs], quiet=True
    )
