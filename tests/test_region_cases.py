"""Every region mask the product writes, read as the Regional Prompter reads it: each
pixel gets the section labelled with the region the artist set, in issue 11's cases
(regioncases.py), with "use base prompt" on and off. The API's are in tests/host."""

from __future__ import annotations

import base64
import io
import json
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from readings import assert_reads_as
from regioncases import BASE, CASE_IDS, CASES, expected_words
from test_send import FakeWebui

from lib_dazdepth.cli.main import Converter, convert_parser, main
from lib_dazdepth.engine.depthmap import load_depth_map
from lib_dazdepth.engine.maps import png_maps
from lib_dazdepth.engine.payload import UnitSettings, region_prompt
from lib_dazdepth.engine.presets import dumps
from lib_dazdepth.ui import controller
from lib_dazdepth.ui.controller import TabConfig

PLACEHOLDER = "(base prompt)"


@pytest.fixture
def stand_in():
    """A stand-in A1111 webui on loopback, keeping the payloads it received."""
    handler = type("Handler", (FakeWebui,), {"host": "a1111", "received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


UNITS = {role: UnitSettings(n, role) for n, role in enumerate(controller.SEND_ROLES)}


def png(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize("use_base", [True, False], ids=["base", "no-base"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_maps_to_send_read_as_the_artist_set(case, use_base, tmp_path) -> None:
    depth_map = load_depth_map(case.write(tmp_path))
    rendered = png_maps(depth_map, case.splits())
    prompt = region_prompt(rendered.plan, BASE, use_base)
    assert_reads_as(rendered.maps["regions"], prompt, expected_words(case, use_base), use_base)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_command_lines_regions_read_as_the_artist_set(case, tmp_path) -> None:
    exr = case.write(tmp_path)
    preset = tmp_path / "p.json"
    preset.write_text(dumps(case.splits()))
    out = tmp_path / "out"
    args = convert_parser().parse_args([str(exr), "--preset", str(preset), "--regions"])
    args.out, said = str(out), io.StringIO()
    assert Converter(args, out=said).run() == 0
    lines = said.getvalue().splitlines()
    (template,) = [x for x in lines if x.startswith("** Regional Prompter template: ")]
    template = template.removeprefix("** Regional Prompter template: ")
    mask = png(out / f"{case.name}-Canvas2-Depth.regions.png")
    assert_reads_as(mask, template, expected_words(case, True, PLACEHOLDER))
    for number, label in case.labels().items():
        assert any(x.startswith(f"** region {number}: ") and x.endswith(label) for x in lines)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_tabs_save_preview_and_send_read_as_the_artist_set(case, tmp_path) -> None:
    config = TabConfig(tmp_path / "out")
    state = controller.load_files([case.write(tmp_path)], None, config).workspace
    state.load_splits(case.splits())
    view = json.loads(controller.dumps(controller.build_view(state)))
    template = view["regions"]["template"]
    expected = expected_words(case, True, PLACEHOLDER)
    paths, _ = controller.save_all(state, config)
    (saved,) = [Path(p) for p in paths if p.endswith(".regions.png")]
    assert_reads_as(png(saved), template, expected)
    # the preview is the saved mask (at full size here: under 1024 px)
    np.testing.assert_array_equal(state.layer("regions"), png(saved))
    text, status = controller.send_order(state, "txt2img", [], UNITS, True)
    regions = json.loads(text)["regions"]
    assert regions["prompt"] == template and regions["use_base"] is True
    assert_reads_as(base64.b64decode(regions["mask"]), regions["prompt"], expected)
    # one mapping: region -> colour -> BREAK section -> label, in the view and the order
    rows = view["regions"]["rows"]
    assert rows == regions["mapping"]
    assert [r["region"] for r in rows] == sorted(case.labels())
    assert [r["section"] for r in rows] == list(range(1, len(rows) + 1))
    assert [r["label"] for r in rows] == [case.labels()[n] for n in sorted(case.labels())]
    assert all(line in status for line in (f"warning: {w}" for w in regions["warnings"]))


@pytest.mark.parametrize("use_base", [True, False], ids=["base", "no-base"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_send_commands_payload_reads_as_the_artist_set(
    case, use_base, stand_in, tmp_path, capsys
) -> None:
    handler, url = stand_in
    preset = tmp_path / "p.json"
    preset.write_text(dumps(case.splits()))
    args = ["send", str(case.write(tmp_path)), "--webui", url, "--preset", str(preset)]
    args += ["--prompt", BASE, "--out", str(tmp_path / "images")]
    assert main([*args, *([] if use_base else ["--no-base-prompt"])]) == 0
    (payload,) = handler.received
    rp = payload["alwayson_scripts"]["Regional Prompter"]["args"]
    assert rp[8] is use_base
    expected = expected_words(case, use_base)
    assert_reads_as(base64.b64decode(rp[16]), payload["prompt"], expected, use_base)
    warnings = capsys.readouterr().err
    if case.name == "found":
        assert "warning: region 2 (table) holds no pixel" in warnings


def test_the_found_case_warns_of_the_empty_region_before_sending(tmp_path) -> None:
    found = CASES[0]
    state = controller.load_files([found.write(tmp_path)], None, TabConfig(tmp_path)).workspace
    state.load_splits(found.splits())
    view = controller.build_view(state)
    assert view["regions"]["empty"] == [{"region": 2, "label": "table"}]
    assert view["regions"]["template"] == "(base prompt)\nBREAK\nwoman\nBREAK\nwall"
    _, status = controller.send_order(state, "txt2img", [], UNITS, True)
    assert "warning: region 2 (table) holds no pixel: it gets no colour and no BREAK section" in (
        status
    )
