"""A stand-in webui page for the send tests: ControlNet units, the Regional Prompter and
the prompt, under the ids facts.md documents, beside the Daz Depth tab.

gradio 3 gets A1111's layout (units as tabs, ``#<tab>_controlnet_ControlNet-N_input_image``,
the RP mask box labelled "Upload mask here cus gradio" in ``#RP_mode<t2i|i2i>``); gradio 4
gets Forge's (units as accordions in ``#<tab>_controlnet_accordions``, ``#polymask<t2i>``).
Each target records what arrives in a textbox ``#fake_<what>``: the image size or "on";
``#fake_probe_<tab>`` writes every unit option and Regional Prompter switch the server
holds into ``#fake_<tab>_settings`` (JSON). Option ids follow sd-webui-controlnet's
``<tab>_controlnet_ControlNet-N_controlnet_<name>`` and the Regional Prompter's
``RP_<name><t2i|i2i>``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import gradio as gr  # noqa: E402

from lib_dazdepth.ui.blocks import build_tab  # noqa: E402
from lib_dazdepth.ui.controller import TabConfig  # noqa: E402
from lib_dazdepth.ui.launcher import head_assets, inject_head  # noqa: E402

FORGE = int(gr.__version__.split(".")[0]) >= 4
SHORT = {"txt2img": "t2i", "img2img": "i2i"}


def size_of(image) -> str:
    return "" if image is None else f"{image.shape[1]}x{image.shape[0]}"


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


def unit(tab: str, n: int, image_id: str | None) -> list:
    """One unit's controls under sd-webui-controlnet's ids; returns those the probe reads.
    Every option starts away from what Daz Depth sets, so each check of it can fail."""
    ids = f"{tab}_controlnet_ControlNet-{n}_controlnet"
    if tab == "img2img":
        gr.Checkbox(
            label="Upload independent control image",
            elem_id=f"img2img_controlnet_ControlNet-{n}_same_img2img_checkbox",
        )
    image = gr.Image(type="numpy", label=f"unit {n} image", elem_id=image_id)
    enable = gr.Checkbox(label="Enable", elem_id=f"{ids}_enable_checkbox")
    module = gr.Dropdown(
        MODULES, value=MODULES[1], label="Preprocessor", elem_id=f"{ids}_preprocessor_dropdown"
    )
    model = gr.Dropdown(MODELS, value="None", label="Model", elem_id=f"{ids}_model_dropdown")
    weight = gr.Slider(
        0, 2, value=1, step=0.05, label="Control Weight", elem_id=f"{ids}_control_weight_slider"
    )
    end = gr.Slider(
        0, 1, value=1, label="Ending Control Step", elem_id=f"{ids}_ending_control_step_slider"
    )
    mode = gr.Radio(
        MODES, value=MODES[2], label="Control Mode", elem_id=f"{ids}_control_mode_radio"
    )
    got, on = recorded(f"{tab}_unit{n}"), recorded(f"{tab}_enabled{n}")
    image.change(size_of, image, got)
    enable.change(lambda value: "on" if value else "", enable, on)
    return [enable, module, model, weight, end, mode]


def controlnet(tab: str) -> list:
    controls = []
    if FORGE:
        with gr.Column(elem_id=f"{tab}_controlnet_accordions"):
            for n in range(3):
                with gr.Accordion(f"ControlNet Unit {n}", open=True):
                    controls += unit(tab, n, None)
    else:
        with gr.Tabs(elem_id=f"{tab}_controlnet_tabs"):
            for n in range(3):
                with gr.Tab(f"ControlNet Unit {n}"):
                    controls += unit(tab, n, f"{tab}_controlnet_ControlNet-{n}_input_image")
    return controls


def regional_prompter(tab: str) -> list:
    """Its switches under the Regional Prompter's ids, the modes as tabs; the mask input
    in the Mask tab."""
    short = SHORT[tab]
    active = gr.Checkbox(label="Active", elem_id=f"RP_active{short}")
    ratio = gr.Textbox(label="Base Ratio", value="0.5", elem_id=f"RP_base_ratio{short}")
    use_base = gr.Checkbox(label="Use base prompt", elem_id=f"RP_usebase{short}")
    selected = gr.Textbox(value="Matrix", visible=False)
    with gr.Tabs(elem_id=f"RP_mode{short}"):
        for name in ("Matrix", "Mask", "Prompt"):
            with gr.Tab(name) as item:
                if name == "Mask":
                    label = "mask" if FORGE else "Upload mask here cus gradio"
                    mask = gr.Image(
                        type="numpy", label=label, elem_id=f"polymask{short}" if FORGE else None
                    )
            item.select(lambda name=name: name, None, selected)
    mask.change(size_of, mask, recorded(f"{tab}_rp_mask"))
    return [active, selected, ratio, use_base]


def probe(tab: str, controls: list) -> None:
    """A button that writes what the server holds for every control, as JSON."""
    names = [
        f"{key}{n}"
        for n in range(3)
        for key in ("enabled", "module", "model", "weight", "end", "mode")
    ]
    names += ["rp_active", "rp_mode", "rp_base_ratio", "rp_use_base"]
    button = gr.Button("probe", elem_id=f"fake_probe_{tab}")
    button.click(
        lambda *values: json.dumps(dict(zip(names, values))), controls, recorded(f"{tab}_settings")
    )


def page(outputs: Path) -> gr.Blocks:
    tab = build_tab(TabConfig(outputs=outputs))
    with gr.Blocks(analytics_enabled=False) as demo, gr.Tabs():
        for name in ("txt2img", "img2img"):
            with gr.Tab(name, elem_id=f"tab_{name}"):
                gr.Textbox(label="Prompt", elem_id=f"{name}_prompt", lines=3)
                controls = controlnet(name)
                controls += regional_prompter(name)
                probe(name, controls)
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
