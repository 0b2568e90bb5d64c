"""A stand-in webui page for the send tests: ControlNet units, the Regional Prompter and
the prompt, under the ids facts.md documents, beside the Daz Depth tab.

gradio 3 gets A1111's layout (units as tabs, ``#<tab>_controlnet_ControlNet-N_input_image``,
the RP mask box labelled "Upload mask here cus gradio" in ``#RP_mode<t2i|i2i>``); gradio 4
gets Forge's (units as accordions in ``#<tab>_controlnet_accordions``, ``#polymask<t2i>``).
Each target records what arrives in a textbox ``#fake_<what>``: the image size or "on".
"""

from __future__ import annotations

import argparse
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


def unit(tab: str, n: int, image_id: str | None) -> None:
    if tab == "img2img":
        gr.Checkbox(
            label="Upload independent control image",
            elem_id=f"img2img_controlnet_ControlNet-{n}_same_img2img_checkbox",
        )
    image = gr.Image(type="numpy", label=f"unit {n} image", elem_id=image_id)
    enable = gr.Checkbox(
        label="Enable", elem_id=f"{tab}_controlnet_ControlNet-{n}_controlnet_enable_checkbox"
    )
    got, on = recorded(f"{tab}_unit{n}"), recorded(f"{tab}_enabled{n}")
    image.change(size_of, image, got)
    enable.change(lambda value: "on" if value else "", enable, on)


def controlnet(tab: str) -> None:
    if FORGE:
        with gr.Column(elem_id=f"{tab}_controlnet_accordions"):
            for n in range(3):
                with gr.Accordion(f"ControlNet Unit {n}", open=True):
                    unit(tab, n, None)
    else:
        with gr.Tabs(elem_id=f"{tab}_controlnet_tabs"):
            for n in range(3):
                with gr.Tab(f"ControlNet Unit {n}"):
                    unit(tab, n, f"{tab}_controlnet_ControlNet-{n}_input_image")


def regional_prompter(tab: str) -> None:
    short = SHORT[tab]
    if FORGE:
        mask = gr.Image(type="numpy", label="mask", elem_id=f"polymask{short}")
    else:
        with gr.Group(elem_id=f"RP_mode{short}"):
            mask = gr.Image(type="numpy", label="Upload mask here cus gradio")
    mask.change(size_of, mask, recorded(f"{tab}_rp_mask"))


def page(outputs: Path) -> gr.Blocks:
    tab = build_tab(TabConfig(outputs=outputs))
    with gr.Blocks(analytics_enabled=False) as demo, gr.Tabs():
        for name in ("txt2img", "img2img"):
            with gr.Tab(name, elem_id=f"tab_{name}"):
                gr.Textbox(label="Prompt", elem_id=f"{name}_prompt", lines=3)
                controlnet(name)
                regional_prompter(name)
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
