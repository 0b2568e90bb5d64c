"""The API's region masks read as the Regional Prompter reads them: /render and
/txt2img-payload in issue 11's cases, and regions from an ID canvas."""

from __future__ import annotations

import base64
import json

import pytest
from iddata import NAMES, id_scene, write_scene
from readings import assert_reads_as, words_per_pixel
from regioncases import BASE, CASE_IDS, CASES, expected_words
from test_webui_host import api

from lib_dazdepth.engine.presets import to_document

MODELS = ["control_v11f1p_sd15_depth [cfd03158]"]


def b64(path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_masks_and_prompts_read_as_the_artist_set(host, case, tmp_path) -> None:
    client = api(host)
    body = {"depth_exr": b64(case.write(tmp_path)), "preset": to_document(case.splits())}
    answer = client.post("/dazdepth/v1/render", json={**body, "maps": ["regions"]})
    assert answer.status_code == 200, answer.text
    rendered = answer.json()
    mask = base64.b64decode(rendered["images"]["regions"])
    assert_reads_as(mask, rendered["template"], expected_words(case, True, "(base prompt)"))
    assert [r["label"] for r in rendered["regions"]] == list(
        dict(sorted(case.labels().items())).values()
    )
    answer = client.post(
        "/dazdepth/v1/txt2img-payload", json={**body, "prompt": BASE, "models": MODELS}
    )
    assert answer.status_code == 200, answer.text
    payload = answer.json()
    rp = payload["alwayson_scripts"]["Regional Prompter"]["args"]
    assert rp[16] == rendered["images"]["regions"]  # the payload's mask is the rendered one
    assert_reads_as(base64.b64decode(rp[16]), payload["prompt"], expected_words(case, True))
    warnings = json.loads(answer.headers["X-DazDepth-Warnings"])
    assert any("holds no pixel" in w for w in warnings) is bool(
        case.name in ("found", "empty-split-between")
    )


def test_api_gives_each_object_of_an_id_canvas_its_region(host, tmp_path) -> None:
    scene = id_scene()
    paths = write_scene(tmp_path, scene)
    body = {
        "depth_exr": b64(paths["depth"]),
        "ids_canvas": b64(paths["png"]),
        "maps": ["regions"],
    }
    answer = api(host).post("/dazdepth/v1/render", json=body)
    assert answer.status_code == 200, answer.text
    rendered = answer.json()
    assert len(rendered["regions"]) == len(NAMES)
    got = words_per_pixel(base64.b64decode(rendered["images"]["regions"]), rendered["template"])
    words = [set(got[scene.dominant == k]) for k in range(len(NAMES))]
    assert all(len(w) == 1 for w in words) and len(set.union(*words)) == len(NAMES)
    bad = {**body, "ids_canvas": base64.b64encode(b"not an image").decode()}
    answer = api(host).post("/dazdepth/v1/render", json=bad)
    assert answer.status_code == 422 and answer.json()["detail"].startswith("ids_canvas: ")
