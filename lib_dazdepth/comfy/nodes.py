"""Daz Depth's ComfyUI nodes, in ComfyUI's V3 schema (``comfy_api.latest``, ComfyUI 0.3.48
and newer). Each ``execute`` is one call into ``run``; this module only declares inputs
and outputs, and is imported by ComfyUI alone (through the repository root's
``__init__.py``).
"""

from __future__ import annotations

import folder_paths  # ComfyUI's own module: where its input folder is
from comfy_api.latest import ComfyExtension, io
from comfy_execution.graph_utils import ExecutionBlocker

from ..engine.normals import CONVENTIONS
from . import run
from .canvases import CanvasChoice, existing_file, fingerprint, folder_files
from .maps import CURVES, REGION_CHOICES, SPLIT_CHOICES, preset_files

CATEGORY = "Daz Depth"
CANVASES = io.Custom("DAZ_CANVASES")  # one render's loaded canvases (canvases.Canvases)
DEPTH = io.Custom("DAZ_DEPTH")  # a mapped depth canvas (maps.DepthMaps)
INPUT_NOTE = "Relative to ComfyUI's input folder."
NO_BEAUTY = (
    "Load Daz canvases: no beauty render found (NAME.png beside the _canvases folder, or"
    " NAME-Beauty.exr); name one in beauty_file"
)


def input_dir() -> str:
    return folder_paths.get_input_directory()


def changed(paths) -> str:
    """ComfyUI runs a node again when this differs from last time: the files' state, or
    the problem finding them (which the run then reports)."""
    try:
        return fingerprint(paths())
    except Exception as error:  # reported by execute, as one line
        return f"error: {error}"


def background_inputs() -> list:
    return [
        io.Float.Input(
            "background_threshold",
            default=1e9,
            min=1e-6,
            max=3.4e38,
            tooltip="Depths (cm) above this are no hit (drawn black).",
        ),
    ]


class LoadCanvases(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="DazDepthLoadCanvases",
            display_name="Load Daz canvases",
            category=CATEGORY,
            description="A Daz Studio / Iray render's Depth, Normal and Beauty canvases"
            " (EXR) and an ID canvas, found by name in a folder, or named one by one.",
            inputs=[
                io.String.Input(
                    "folder",
                    default="daz_depth_sample",
                    tooltip="A folder with the canvases (subfolders too). " + INPUT_NOTE,
                ),
                io.String.Input("depth_file", default="", optional=True, tooltip=INPUT_NOTE),
                io.String.Input("normal_file", default="", optional=True, tooltip=INPUT_NOTE),
                io.String.Input("beauty_file", default="", optional=True, tooltip=INPUT_NOTE),
                io.String.Input(
                    "ids_file",
                    default="",
                    optional=True,
                    tooltip="An ID canvas (Object Id, Material Id, index, Cryptomatte; EXR or"
                    " PNG), for Daz region masks from it. " + INPUT_NOTE,
                ),
                *background_inputs(),
                io.Float.Input(
                    "edge_tolerance",
                    default=0.1,
                    min=-1.0,
                    max=10.0,
                    step=0.01,
                    tooltip="Edge pixels this far beyond the scene (a share of its depth) are"
                    " no-hit mixes; negative keeps them all.",
                ),
                io.Boolean.Input(
                    "repair_edges",
                    default=False,
                    tooltip="Give silhouette pixels mostly covered by an object that"
                    " object's depth.",
                ),
            ],
            outputs=[
                CANVASES.Output("canvases"),
                io.Image.Output(
                    "beauty",
                    tooltip="The render (PNG/JPG beside the _canvases folder, or the Beauty"
                    " canvas in sRGB); nodes using it stop with a message when there is none.",
                ),
            ],
        )

    @classmethod
    def fingerprint_inputs(
        cls, folder="", depth_file="", normal_file="", beauty_file="", ids_file="", **_
    ):
        choice = CanvasChoice(folder, depth_file, normal_file, beauty_file, ids_file)
        return changed(lambda: choice.files(input_dir()))

    @classmethod
    def execute(
        cls,
        folder,
        background_threshold,
        edge_tolerance,
        repair_edges,
        depth_file="",
        normal_file="",
        beauty_file="",
        ids_file="",
    ) -> io.NodeOutput:
        canvases, beauty = run.load(
            input_dir(),
            folder,
            depth_file,
            normal_file,
            beauty_file,
            ids_file,
            background_threshold,
            edge_tolerance,
            repair_edges,
        )
        if beauty is None:
            beauty = ExecutionBlocker(NO_BEAUTY)  # only the nodes using it stop, saying so
        return io.NodeOutput(canvases, beauty)


class DepthMap(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="DazDepthMap",
            display_name="Daz depth map",
            category=CATEGORY,
            description="The depth canvas in 256 grey levels for a ControlNet depth model"
            " (near is white), split by depth: automatic splits, a preset, or the"
            " reference's one split.",
            inputs=[
                CANVASES.Input("canvases"),
                io.Combo.Input("splits", options=list(SPLIT_CHOICES), default="automatic"),
                io.String.Input(
                    "preset",
                    default="",
                    tooltip="For splits=preset: a JSON preset or a depth PNG saved by Daz"
                    " Depth (its edits PNGs beside it). " + INPUT_NOTE,
                ),
                io.Float.Input(
                    "cutoff",
                    default=0.0,
                    min=0.0,
                    max=1e9,
                    step=1.0,
                    tooltip="Clamp every depth beyond this (cm); 0 for none.",
                ),
                io.Combo.Input(
                    "curve",
                    options=list(CURVES),
                    default="linear",
                    tooltip="Linear in depth, or inverse depth as MiDaS (more levels near)."
                    " A preset brings its own.",
                ),
                io.Boolean.Input(
                    "compress",
                    default=False,
                    tooltip="Spread levels by the rank of each distinct depth. A preset"
                    " brings its own.",
                ),
            ],
            outputs=[
                DEPTH.Output("depth_map", tooltip="For Daz region masks."),
                io.Image.Output("depth"),
                io.Image.Output("test", tooltip="Splits flagged 'test' in their colour."),
                io.Mask.Output("mask", tooltip="1 except on the farthest level (no hit)."),
            ],
        )

    @classmethod
    def fingerprint_inputs(cls, splits="automatic", preset="", **_):
        # ComfyUI passes the widgets' values only (not the linked canvases)
        if splits != "preset":
            return ""
        return changed(lambda: preset_files(input_dir(), preset))

    @classmethod
    def execute(cls, canvases, splits, cutoff, curve, compress, preset="") -> io.NodeOutput:
        return io.NodeOutput(
            *run.depth(canvases, input_dir(), splits, preset, cutoff, curve, compress)
        )


class NormalMap(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="DazDepthNormalMap",
            display_name="Daz normal map",
            category=CATEGORY,
            description="The Normal canvas as a ControlNet normal map: normalbae"
            " (control_v11p_sd15_normalbae) or legacy (control_sd15_normal).",
            inputs=[
                CANVASES.Input("canvases"),
                io.Combo.Input("convention", options=list(CONVENTIONS), default="normalbae"),
                io.Boolean.Input("flip_x", default=False),
                io.Boolean.Input("flip_y", default=False),
                io.Boolean.Input("flip_z", default=False),
                io.Boolean.Input(
                    "depth_no_hit",
                    default=False,
                    tooltip="Also give pixels with no depth hit the flat background colour.",
                ),
            ],
            outputs=[io.Image.Output("normal")],
        )

    @classmethod
    def execute(cls, canvases, convention, flip_x, flip_y, flip_z, depth_no_hit):
        return io.NodeOutput(run.normal(canvases, convention, flip_x, flip_y, flip_z, depth_no_hit))


class RegionMasks(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="DazDepthRegionMasks",
            display_name="Daz region masks",
            category=CATEGORY,
            description="Regions from the splits' region flags and the preset's region"
            " edits, one per split, or one per object of the ID canvas: the Regional"
            " Prompter mask, one MASK per region (for Conditioning (Set Mask)) and their"
            " labels.",
            inputs=[
                DEPTH.Input("depth_map"),
                # not "regions": ComfyUI 0.3.x refuses an input named as an output
                io.Combo.Input(
                    "regions_from",
                    options=list(REGION_CHOICES),
                    default="preset",
                    tooltip="The preset's region flags and edits; one region per split"
                    " holding pixels, near to far; or one per object of the loaded ID canvas"
                    " (the preset's ID table first, the rest near to far).",
                ),
            ],
            outputs=[
                io.Image.Output("regions", tooltip="Regional Prompter colours."),
                io.Mask.Output("masks", tooltip="One mask per region, in region order."),
                io.String.Output("labels", is_output_list=True),
            ],
        )

    @classmethod
    def execute(cls, depth_map, regions_from) -> io.NodeOutput:
        return io.NodeOutput(*run.regions(depth_map, regions_from))


class Frames(io.ComfyNode):
    @classmethod
    def define_schema(cls) -> io.Schema:
        return io.Schema(
            node_id="DazDepthFrames",
            display_name="Daz depth frames",
            category=CATEGORY,
            description="An animation's Depth (and Normal) canvases mapped with one split"
            " setup into IMAGE batches, in frame order.",
            inputs=[
                io.String.Input("folder", default="", tooltip=INPUT_NOTE),
                io.String.Input(
                    "preset",
                    default="",
                    tooltip="A preset in absolute depths; empty: one split over all frames'"
                    " range. " + INPUT_NOTE,
                ),
                *background_inputs(),
            ],
            outputs=[
                io.Image.Output("depth"),
                io.Image.Output("normal", tooltip="Flat where frames have no Normal canvas."),
                io.String.Output("frames", is_output_list=True),
            ],
        )

    @classmethod
    def fingerprint_inputs(cls, folder="", preset="", **_):
        def files():
            found = folder_files(input_dir(), folder)
            if preset.strip():
                found.append(existing_file(input_dir(), preset, "preset"))
            return found

        return changed(files)

    @classmethod
    def execute(cls, folder, preset, background_threshold) -> io.NodeOutput:
        return io.NodeOutput(*run.frames(input_dir(), folder, preset, background_threshold))


NODES = [LoadCanvases, DepthMap, NormalMap, RegionMasks, Frames]


class DazDepthExtension(ComfyExtension):
    async def get_node_list(self) -> list[type[io.ComfyNode]]:
        return list(NODES)


async def comfy_entrypoint() -> DazDepthExtension:
    return DazDepthExtension()
