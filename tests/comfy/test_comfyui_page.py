"""ComfyUI's own page, given ``COMFYUI_URL`` (Playwright from PyPI driving Debian's
/usr/bin/chromium, as the tab's browser tests): the sample workflow run from the page shows
its maps (the README picture, ``tests/artifacts/comfyui.png``), a problem is one line in
ComfyUI's error dialog, and the UI-format example is refused only for the model files."""

from __future__ import annotations

import json
import os
import time

import pytest
from PIL import Image
from server_calls import EXAMPLES, ROOT, URL, WORKFLOW, needs_comfyui, post_prompt

pytestmark = needs_comfyui

CHROMIUM = os.environ.get("DAZDEPTH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORT = {"width": 1800, "height": 1100}
# Where the graph is drawn: clear of the side bar, tabs, run bar, zoom buttons and minimap.
FREE = (80, 130, 1760, 820)  # left, top, right, bottom (CSS pixels)
TITLE = 30  # a node's title bar, above its pos
GAP = 40
README_PICTURE_BYTES = 300_000
PICTURE_SIZES = {"SaveImage": (270, 300)}  # room for the preview
WIDE = {"9": (560, 300)}  # the masks batch: one preview per region
MIN_WIDTH = 250  # room for titles


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    opened.goto(URL + "/")
    opened.wait_for_function("() => window.app && window.app.graph", timeout=120_000)
    close_dialogs(opened)  # the templates ComfyUI offers on a first visit
    yield opened
    context.close()


def close_dialogs(page, settle: float = 1.5) -> None:
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        if page.locator("[role=dialog]").count():
            page.keyboard.press("Escape")
        time.sleep(0.1)


def load_api_workflow(page, workflow: dict, name: str) -> None:
    page.evaluate(
        "async ([w, name]) => { await window.app.loadApiJson(w, name); }", [workflow, name]
    )


def queue(page) -> None:
    page.evaluate("async () => { await window.app.queuePrompt(0, 1); }")


def columns(workflow: dict) -> dict[str, int]:
    """Each node's column: the longest chain of links leading to it."""
    found: dict[str, int] = {}

    def column(node: str) -> int:
        if node not in found:
            inputs = workflow[node]["inputs"].values()
            sources = [value[0] for value in inputs if isinstance(value, list)]
            found[node] = max((column(source) + 1 for source in sources), default=0)
        return found[node]

    for node in workflow:
        column(node)
    return found


def sources_y(spec: dict, placed: dict) -> list[float]:
    return [placed[value[0]][1] for value in spec["inputs"].values() if isinstance(value, list)]


def lay_out(page, workflow: dict) -> tuple[float, float, float, float]:
    """Nodes in columns by their links (in a column, those fed from higher up first), then
    the view zoomed to fit FREE; the graph's bounds on the page (x, y, width, height)."""
    sizes = page.evaluate(
        "() => Object.fromEntries(window.app.graph._nodes.map(n => [n.id, [...n.size]]))"
    )
    placed, x = {}, 0.0
    by_column = columns(workflow)
    for column in range(max(by_column.values()) + 1):
        nodes = [n for n in workflow if by_column[n] == column]
        nodes.sort(key=lambda n: min(sources_y(workflow[n], placed), default=0.0))
        y, width = 0.0, 0.0
        for node in nodes:
            size = WIDE.get(node) or PICTURE_SIZES.get(workflow[node]["class_type"])
            w, h = size or sizes[node]
            w = max(w, MIN_WIDTH)
            placed[node] = [x, y + TITLE, w, h]
            y += TITLE + h + GAP
            width = max(width, w)
        x += width + GAP
    graph_w = x - GAP
    graph_h = max(top + height for _, top, _, height in placed.values())
    left, top, right, bottom = FREE
    scale = min((right - left) / graph_w, (bottom - top) / graph_h, 1.0)
    page.evaluate(
        """([placed, scale, left, top]) => {
            for (const [id, [x, y, w, h]] of Object.entries(placed)) {
                const node = window.app.graph.getNodeById(Number(id));
                node.pos = [x, y];
                node.size = [w, h];
            }
            const ds = window.app.canvas.ds;
            ds.scale = scale;
            ds.offset = [left / scale, top / scale];
            window.app.canvas.setDirty(true, true);
        }""",
        [placed, scale, left, top],
    )
    return left, top, graph_w * scale, graph_h * scale


def test_the_sample_workflow_run_from_comfyuis_page(page, uploaded) -> None:
    workflow = json.loads(WORKFLOW.read_text())
    load_api_workflow(page, workflow, "daz_depth_sample_api")
    queue(page)
    saves = [node for node, spec in workflow.items() if spec["class_type"] == "SaveImage"]
    page.wait_for_function(
        """(ids) => ids.every(id => {
            const images = window.app.graph.getNodeById(Number(id)).imgs;
            return images && images.length && images.every(i => i.complete && i.naturalWidth);
        })""",
        arg=saves,
        timeout=300_000,
    )
    counts = page.evaluate(
        "(ids) => ids.map(id => window.app.graph.getNodeById(Number(id)).imgs.length)", saves
    )
    assert counts[saves.index("9")] >= 3 and all(count >= 1 for count in counts)
    x, y, width, height = lay_out(page, workflow)
    time.sleep(0.5)  # one frame drawn
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "comfyui-page.png"
    margin, badge = 12, 16  # the pack's name shows above each of its nodes
    clip = {
        "x": x - margin,
        "y": y - margin - badge,
        "width": width + 2 * margin,
        "height": height + 2 * margin + badge,
    }
    page.screenshot(path=str(shot), clip=clip)
    picture = ARTIFACTS / "comfyui.png"  # 256 colours: the README's docs/comfyui.png
    with Image.open(shot) as taken:
        taken.convert("RGB").quantize(256).save(picture, optimize=True)
    assert picture.stat().st_size < README_PICTURE_BYTES


def test_a_problem_is_one_line_in_comfyuis_error_dialog(page, uploaded) -> None:
    workflow = json.loads(WORKFLOW.read_text())
    workflow["1"]["inputs"]["folder"] = "no_such_folder"
    load_api_workflow(page, workflow, "missing folder")
    queue(page)
    line = "folder 'no_such_folder': no such folder in ComfyUI's input folder"
    dialog = page.locator("[role=dialog]", has_text="no_such_folder").last
    dialog.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "comfyui-error.png"))
    lines = [text.strip() for text in dialog.inner_text().splitlines() if text.strip()]
    assert line in lines
    assert [text for text in lines if "no_such_folder" in text] == [line]
    assert not any("Traceback" in text or 'File "' in text for text in lines), lines


def test_the_ui_format_example_is_refused_only_for_missing_model_files(page) -> None:
    graph = json.loads((EXAMPLES / "daz_depth_controlnet.json").read_text())
    page.evaluate("async (g) => { await window.app.loadGraphData(g); }", graph)
    prompt = page.evaluate("async () => (await window.app.graphToPrompt()).output")
    assert {
        "DazDepthLoadCanvases",
        "DazDepthMap",
        "DazDepthNormalMap",
        "DazDepthRegionMasks",
        "ControlNetApplyAdvanced",
        "ConditioningSetMask",
        "KSampler",
    } <= {node["class_type"] for node in prompt.values()}
    models = {"ckpt_name", "control_net_name"}
    loaders = {node for node, spec in prompt.items() if models & set(spec["inputs"])}
    for node in loaders:  # files no ComfyUI has, so that nothing runs
        for name in models & set(prompt[node]["inputs"]):
            prompt[node]["inputs"][name] = "daz-depth-test-no-such-model.safetensors"
    status, answer = post_prompt(prompt)
    assert status == 400, answer
    errors = answer["node_errors"]
    assert set(errors) == loaders and len(loaders) == 3, errors
    for node in loaders:
        assert [e["type"] for e in errors[node]["errors"]] == ["value_not_in_list"], errors
