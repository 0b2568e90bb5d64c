"""The "Daz Depth" tab as one gradio Blocks (ids and protocol: docs/ui-protocol.md)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import gradio as gr

from ..editing.workspace import Workspace
from ..engine.canvases import BY_NAME, LAYERED_ROLES, ROLES
from ..engine.payload import UnitSettings, default_units
from . import batching, controller, drops, reclaim, scenes
from .compat import drop_box, file_list, js, on_close, update
from .controller import NONE, TabConfig
from .pages import RELEASED, Pages, released_view
from .reclaim import HOLD, TAKE
from .sharing import ReadOnce

ROLE_LABELS = {"ids": "ID file (Object Id, Material Id, Alpha: regions per object)"}
RENDER = "(view) => { if (window.dazdepthRender) { window.dazdepthRender(view); } return []; }"
MOUNT = '<div id="dazdepth_mount"></div>'
DELIVER = (
    "(order) => { if (order && window.dazdepthSend) { window.dazdepthSend(order); } return []; }"
)


def build_tab(
    config: TabConfig,
    initial: Callable[[], list[Path]] | None = None,
    note: Callable[[], str] | None = None,
    units: Callable[[], dict[str, UnitSettings]] = default_units,
    sending: bool = True,
) -> gr.Blocks:
    """The tab. ``initial`` gives files to open when a page loads (the standalone sample);
    ``note`` a line about the host (what the webui has for the maps to go to); ``sending``
    the row that sends the maps to ControlNet and the Regional Prompter on the same page
    (not in the standalone tab, which has no webui around it)."""
    stops: dict[str | None, threading.Event] = {}  # a running batch's stop flag, by page
    pages = Pages()  # each tab's workspace; gr.State holds the tab's key (pages.py)
    shared = ReadOnce()  # the files ``initial`` gives, read once for every page

    def current(page: str | None) -> tuple[Workspace | None, str | None]:
        """The page's workspace, and the line saying so when it was let go."""
        workspace = pages.get(page)
        return workspace, RELEASED if workspace is None and pages.released(page) else None

    with gr.Blocks(analytics_enabled=False, title="Daz Depth") as blocks:
        state = gr.State(None)
        # The browser tab's key, to and from the page's sessionStorage (reclaim.TAKE, HOLD)
        tab_key = gr.Textbox(
            elem_id="dazdepth_tab_key", elem_classes=["dazdepth-hidden"], show_label=False
        )
        if note is not None:
            gr.Markdown(note(), elem_id="dazdepth_note")
        # Folded from the start when a scene opens with the page (the standalone sample): the
        # file boxes do not show for the seconds it takes to load.
        folded = ["dazdepth-folded"] if initial else []
        with gr.Row(elem_id="dazdepth_inputs", elem_classes=folded):
            files = file_list(
                label="Canvases: the Depth EXR (needed), the Normal EXR, the render",
                elem_id="dazdepth_files",
            )
            with gr.Column():
                roles, layers = [], []
                for role in ROLES:
                    with gr.Row():
                        roles.append(
                            gr.Dropdown(
                                choices=[NONE],
                                value=NONE,
                                label=ROLE_LABELS.get(role, f"{role.title()} file"),
                                elem_id=f"dazdepth_role_{role}",
                                interactive=True,
                            )
                        )
                        layers.append(
                            gr.Dropdown(
                                choices=[BY_NAME],
                                value=BY_NAME,
                                label=f"{role.title()} layer",
                                elem_id=f"dazdepth_layer_{role}",
                                interactive=True,
                                visible=role in LAYERED_ROLES,
                            )
                        )
                with gr.Row():
                    depth_is = gr.Dropdown(
                        choices=list(controller.DEPTH_IS),
                        value=next(iter(controller.DEPTH_IS)),
                        label=f"The depth canvas holds ({controller.DEPTH_IS_RULE})",
                        elem_id="dazdepth_depth_is",
                        interactive=True,
                    )
                    fov = gr.Number(
                        value=0,
                        label="Horizontal field of view, ° (for distance without a camera)",
                        elem_id="dazdepth_fov",
                    )
                    depth_unit = gr.Dropdown(
                        choices=list(controller.DEPTH_UNIT),
                        value=next(iter(controller.DEPTH_UNIT)),
                        label="Its numbers are in",
                        elem_id="dazdepth_depth_unit",
                        interactive=True,
                    )
                repair = gr.Checkbox(
                    label="Clean silhouette edges against empty background (no backdrop in scene)",
                    value=False,
                    elem_id="dazdepth_repair_edges",
                )
                preset = file_list(
                    label="Preset: a .json saved here (with its edits PNGs), or a depth PNG",
                    elem_id="dazdepth_preset_file",
                    file_types=[".json", ".png"],
                )
        # Drops anywhere on the tab and chosen folders arrive here (javascript/dazdepth_files.js);
        # emptied after each, so its file input is always there.
        drop = drop_box("dazdepth_drop")
        gr.HTML(MOUNT, elem_id="dazdepth_widget")
        command = gr.Textbox(
            elem_id="dazdepth_command", elem_classes=["dazdepth-hidden"], show_label=False, lines=1
        )
        view = gr.Textbox(
            elem_id="dazdepth_view", elem_classes=["dazdepth-hidden"], show_label=False, lines=1
        )
        with gr.Row():
            save = gr.Button("Save maps", variant="primary", elem_id="dazdepth_save")
            save_preset = gr.Button("Save preset", elem_id="dazdepth_save_preset")
        if sending:
            send_row(state, units, current)
        status = gr.HTML("", elem_id="dazdepth_status")
        downloads = gr.File(
            label="Saved files",
            file_count="multiple",
            interactive=False,
            elem_id="dazdepth_downloads",
        )
        with gr.Accordion("Batch: every frame of an animation with these splits", open=False):
            batch_inputs = gr.Textbox(
                label="Frames: a folder or glob pattern on this computer",
                placeholder="/renders/anim_canvases",
                elem_id="dazdepth_batch_inputs",
            )
            with gr.Row():
                batch_run = gr.Button("Run batch", elem_id="dazdepth_batch_run")
                batch_cancel = gr.Button("Cancel", elem_id="dazdepth_batch_cancel")
            batch_status = gr.HTML("", elem_id="dazdepth_batch_status")

        def loaded_outputs(page, result, request, files, settings, picked=(BY_NAME,) * 4):
            """``settings``: edge repair, then the depth reading's three boxes."""
            form = reclaim.form_of(result, files, picked, *settings)
            key, view = scenes.keep_loaded(pages, page, result, session(request), form)
            return [key, view, *[update(**box) for box in reclaim.dropdowns(form)]]

        def on_files(new_files, page, repair_edges, holds, degrees, unit, request: gr.Request):
            reading = controller.reading_of([], holds, degrees, unit)
            result = controller.load_files(
                new_files, pages.get(page), config, None, repair_edges, reading
            )
            settings = repair_edges, holds, degrees, unit
            return loaded_outputs(page, result, request, new_files, settings)

        # gradio puts the request in by its position, so it goes before *values
        def on_roles(request: gr.Request, current_files, *values):
            n = len(ROLES)
            chosen = dict(zip(ROLES, values[:n]))
            picked, (page, repair_edges, *reading_values) = values[n : 2 * n], values[2 * n :]
            reading = controller.reading_of(list(picked), *reading_values)
            result = controller.load_files(
                current_files, pages.get(page), config, chosen, repair_edges, reading
            )
            settings = repair_edges, *reading_values
            return loaded_outputs(page, result, request, current_files, settings, picked)

        def on_start(asked, page, request: gr.Request):
            """The page loads (or reloads) and asks for its tab's work by its key."""
            unchanged = [update() for _ in range(reclaim.BOXES)]
            as_is = [update(), update()]  # the download list and the save status line
            if pages.get(page) is not None:  # leave alone anything dropped before this ran
                return [page, page, update(), *unchanged, *as_is]
            claim = pages.claim(asked, session(request))
            if claim.workspace is not None:
                view, boxes = reclaim.restored(claim)
                view = scenes.with_history(view, pages.other(claim.key))
                changes = [update() if box is None else update(**box) for box in boxes]
                saves = [update(**box) for box in reclaim.saved_boxes(claim)]
                return [claim.key, claim.key, view, *changes, *saves]
            paths = initial() if initial else []
            if not paths:
                return [claim.key, claim.key, reclaim.empty_view(claim), *unchanged, *as_is]
            result, shown_files = drops.load_dropped(paths, None, config, read=shared)
            settings = False, next(iter(controller.DEPTH_IS)), 0, next(iter(controller.DEPTH_UNIT))
            key, view, *boxes = loaded_outputs(claim.key, result, request, shown_files, settings)
            if reclaim.note_text(claim):
                note = json.loads(view)["message"]
                text = f"{reclaim.note_text(claim)} {note['text']}"
                view = drops.with_note(view, note["kind"], text)
            return [key, key, view, *boxes, shown_files, *unchanged[-4:], *as_is]

        def on_drop(dropped, page, repair_edges, holds, degrees, unit, request: gr.Request):
            reading = controller.reading_of([], holds, degrees, unit)
            result, shown_files = drops.load_dropped(
                dropped, pages.get(page), config, repair_edges, reading
            )
            settings = repair_edges, holds, degrees, unit
            outputs = loaded_outputs(page, result, request, shown_files, settings)
            return [*outputs, shown_files or None, None]

        def on_command(text, page):
            """A command; an Undo or Redo across a replaced scene also restores the boxes
            (files, role lists, depth reading) that went with the scene (scenes.py)."""
            unchanged = [update() for _ in range(reclaim.BOXES)]
            _, gone = current(page)
            if gone:
                return [page, released_view(), *unchanged]
            view, moved = scenes.command(text, pages, page)
            if moved is None:
                return [page, view, *unchanged]
            boxes = [*reclaim.form_boxes(moved.form)[:-1], None]  # edge repair: below
            return [page, view, *[update() if b is None else update(**b) for b in boxes]]

        def on_preset(file, page):
            _, gone = current(page)
            if gone:
                return page, released_view()
            return page, scenes.preset(file, pages, page)

        def saver(save: Callable):
            def on_save(page):
                workspace, gone = current(page)
                paths, text = save(workspace, config)
                # every file the page saved stays listed, and comes back after a reload
                every = list(dict.fromkeys([*pages.saved(page), *paths]))
                pages.note_saved(page, every, text)
                return every or None, gone or text

            return on_save

        def on_batch(inputs, page, progress=gr.Progress()):  # noqa: B008 (gradio's way)
            flag = threading.Event()
            stops[page] = flag

            def report(done: int, total: int, key: str) -> None:
                progress(done / max(total, 1), desc=f"frame {key}" if key else "done")

            try:
                workspace, gone = current(page)
                return gone or batching.run_batch(inputs or "", workspace, config, report, flag)
            finally:
                stops.pop(page, None)

        def on_page_closed(request: gr.Request):
            pages.close_session(session(request))

        def on_cancel(page):
            flag = stops.get(page)
            if flag is not None:
                flag.set()

        loaded = [state, view, *roles, *layers]
        render = {"fn": None, "inputs": [view], "outputs": None, **js(RENDER)}
        reading = [depth_is, fov, depth_unit]
        files.upload(on_files, [files, state, repair, *reading], loaded).then(**render)
        again = [files, *roles, *layers, state, repair, *reading]
        for dropdown in [*roles, *layers, depth_is, depth_unit]:
            dropdown.select(on_roles, again, loaded).then(**render)
        repair.change(on_roles, again, loaded).then(**render)
        fov.submit(on_roles, again, loaded).then(**render)
        restore = [files, depth_is, fov, depth_unit, repair]
        # (edge repair is never set by a command: its change would reload the canvases)
        scene_boxes = [*roles, *layers, *restore]
        command.change(on_command, [command, state], [state, view, *scene_boxes]).then(**render)
        preset.upload(on_preset, [preset, state], [state, view]).then(**render)
        drop.upload(on_drop, [drop, state, repair, *reading], [*loaded, files, drop]).then(**render)
        save.click(saver(controller.save_all), [state], [downloads, status])
        save_preset.click(saver(controller.save_preset_only), [state], [downloads, status])
        hold = {"fn": None, "inputs": [view, tab_key], "outputs": None, **js(HOLD)}
        started = [state, tab_key, *loaded[1:], *restore, downloads, status]
        blocks.load(on_start, [tab_key, state], started, **js(TAKE)).then(**hold)
        on_close(blocks, on_page_closed)
        batch_run.click(on_batch, [batch_inputs, state], [batch_status])
        # Not queued, so it runs while the batch does; the batch stops at the next frame.
        batch_cancel.click(on_cancel, [state], None, queue=False)
    return blocks


def session(request: gr.Request | None) -> str | None:
    """gradio 4's session hash (one per page load); gradio 3's requests have none."""
    return getattr(request, "session_hash", None) if request is not None else None


def send_row(
    state: gr.State,
    units: Callable[[], dict[str, UnitSettings]],
    current: Callable[[str | None], tuple[Workspace | None, str | None]],
) -> None:
    """txt2img or img2img, a button per map, all maps, the Regional Prompter; the page's
    script (javascript/dazdepth_send.js) carries out the order each click writes."""
    with gr.Row():
        target = gr.Radio(
            ["txt2img", "img2img"],
            value="txt2img",
            show_label=False,
            elem_id="dazdepth_send_target",
        )
        send_buttons = {
            role: gr.Button(f"Send {role}", elem_id=f"dazdepth_send_{role}")
            for role in controller.SEND_ROLES
        }
        send_all = gr.Button("Send all to ControlNet", elem_id="dazdepth_send_all")
        send_regions = gr.Button("Fill the Regional Prompter", elem_id="dazdepth_send_regions")
    send_order = gr.Textbox(
        elem_id="dazdepth_send_order",
        elem_classes=["dazdepth-hidden"],
        show_label=False,
        lines=1,
    )
    send_status = gr.HTML("", elem_id="dazdepth_send_status")

    def sender(chosen: list[str], regions: bool):
        def send(page, where):
            workspace, gone = current(page)
            if gone:
                return "", gone
            return controller.send_order(workspace, where, chosen, units(), regions)

        return send

    deliver = {"fn": None, "inputs": [send_order], "outputs": None, **js(DELIVER)}
    for role, button in send_buttons.items():
        button.click(sender([role], False), [state, target], [send_order, send_status]).then(
            **deliver
        )
    send_all.click(
        sender(list(controller.SEND_ROLES), False), [state, target], [send_order, send_status]
    ).then(**deliver)
    send_regions.click(sender([], True), [state, target], [send_order, send_status]).then(**deliver)
