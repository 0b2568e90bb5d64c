"""Hostile presets and sidecars: one error line naming the file and field, exit status 2,
nothing written, memory bounded; the same preset refused by the shell, the tab and batch;
and hypothesis fuzzing of preset loading."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from attacks import forged_png, one_error_line, one_split, preset_text, run_cli, zero_png16
from exrdata import write_depth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib_dazdepth.cli.shell import DepthShell, Session
from lib_dazdepth.editing.workspace import Workspace
from lib_dazdepth.engine.canvases import CanvasSet
from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.mapping import MappingError, MappingPlan
from lib_dazdepth.engine.presets import MAX_PRESET_BYTES, from_document, loads
from lib_dazdepth.engine.splits import MAX_REGION, MAX_SPLITS, SplitSet
from lib_dazdepth.ui.controller import TabConfig, load_preset_file, save_all

DEPTH = np.linspace(100, 500, 32 * 32, dtype=np.float32).reshape(32, 32)
TEN_TO_400 = "1" + "0" * 400
HOSTILE = {
    "400-digit integer": (
        preset_text(one_split()).replace('"end": 1000', f'"end": {TEN_TO_400}'),
        "401 digits",
    ),
    "5000-digit integer": (
        preset_text(one_split()).replace('"end": 1000', '"end": 1' + "0" * 5000),
        "5001 digits",
    ),
    "1e400": (preset_text(one_split()).replace('"end": 1000', '"end": 1e400'), "not a finite"),
    "NaN": (preset_text(one_split()).replace('"end": 1000', '"end": NaN'), "NaN"),
    "beyond float32": (preset_text(one_split(end=1e39)), "split 0 end must be a finite depth"),
    "inverse split at 0": (
        preset_text(one_split(start=0, flags={"curve": "inverse"})),
        "split 0 starts at 0.0; the inverse curve needs depths above 0",
    ),
    "inverse setup below 0": (
        preset_text(one_split(start=-5), curve="inverse"),
        "split 0 starts at -5.0",
    ),
    "20-digit region": (
        preset_text(one_split(flags={"region": "12345678901234567890"})),
        f"from 0 to {MAX_REGION}",
    ),
    "region off the palette": (preset_text(one_split(flags={"region": 256})), "region '256'"),
    "long label": (preset_text(one_split(flags={"label": "x" * 300})), "longer than 256"),
    "300 levels": (preset_text(one_split(levels=300)), "300 levels"),
    "too many splits": (
        preset_text([{"start": i, "end": i + 1} for i in range(MAX_SPLITS + 1)]),
        f"at most {MAX_SPLITS}",
    ),
    "region edits climbing out": (
        preset_text(one_split(), region_edits="../x.edits.png"),
        "\"region_edits\" '../x.edits.png' must name a file beside the preset",
    ),
    "depth edits a folder": (
        preset_text(one_split(), depth_edits=".."),
        "\"depth_edits\" '..' must name a file beside the preset",
    ),
}


@pytest.fixture(scope="module")
def canvas(tmp_path_factory) -> Path:
    return write_depth(tmp_path_factory.mktemp("canvas") / "scene-Depth.exr", DEPTH)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_preset_is_one_line_and_exit_2_with_nothing_written(
    tmp_path: Path, canvas: Path, name: str
) -> None:
    text, problem = HOSTILE[name]
    preset = tmp_path / "p.json"
    preset.write_text(text)
    ran = run_cli(canvas, "--preset", preset, "--regions", "--out", tmp_path / "out")
    one_error_line(ran, f"{preset}: ", problem)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("name", ["5000-digit integer", "20-digit region", "inverse split at 0"])
def test_the_same_presets_end_a_batch_in_one_line(tmp_path: Path, canvas: Path, name) -> None:
    text, problem = HOSTILE[name]
    (tmp_path / "p.json").write_text(text)
    ran = run_cli("batch", canvas, "--preset", tmp_path / "p.json", "--out", tmp_path / "out")
    one_error_line(ran, problem)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_shell_and_the_tab_refuse_them_and_keep_working(tmp_path: Path, name: str) -> None:
    text, problem = HOSTILE[name]
    preset = tmp_path / "p.json"
    preset.write_text(text)
    depth_map = from_array(DEPTH, str(tmp_path / "scene-Depth.exr"))
    before = SplitSet.default(depth_map.min, depth_map.max)
    out = io.StringIO()
    shell = DepthShell(Session(depth_map, before), stdin=io.StringIO(), stdout=out)
    shell.onecmd(f"load {preset}")
    assert out.getvalue() == f"{preset}: {out.getvalue().partition(': ')[2]}"
    assert problem in out.getvalue() and out.getvalue().count("\n") == 1
    assert shell.session.splits == before
    workspace = Workspace(depth_map, CanvasSet(depth=tmp_path / "scene-Depth.exr"))
    state, view = load_preset_file([str(preset)], workspace)
    note = json.loads(view)["message"]
    assert note["kind"] == "error" and note["text"] == f"p.json: {note['text'][8:]}"
    assert problem in note["text"] and state.splits == before
    paths, status = save_all(state, TabConfig(outputs=tmp_path / "outputs"))  # still works
    assert status.startswith("Saved") and len(paths) >= 2


def test_a_forged_depth_png_preset_claiming_100000_squared(tmp_path: Path, canvas) -> None:
    png = forged_png(tmp_path / "forged.depth.png", 100_000, 100_000, {"dazdepth": "{}"})
    ran = run_cli(canvas, "--preset", png, "--out", tmp_path / "out")
    one_error_line(ran, f"{png}: ", "too large")


@pytest.mark.parametrize("key", ["region_edits", "depth_edits"])
def test_a_sidecar_claiming_100000_squared_is_refused_from_its_header(
    tmp_path: Path, canvas, key
) -> None:
    forged_png(tmp_path / "p.edits.png", 100_000, 100_000)
    (tmp_path / "p.json").write_text(preset_text(one_split(), **{key: "p.edits.png"}))
    ran = run_cli(canvas, "--preset", tmp_path / "p.json", "--regions", "--out", tmp_path / "o")
    one_error_line(ran, "p.edits.png: ", "the depth canvas is 32x32")
    assert not list((tmp_path / "o").glob("*.png"))


def test_a_280_kb_sidecar_claiming_12000_squared_is_refused_before_decoding(
    tmp_path: Path, canvas
) -> None:
    sidecar = zero_png16(tmp_path / "p.edits.png", 12_000, 12_000)
    assert sidecar.stat().st_size < 400_000
    (tmp_path / "p.json").write_text(preset_text(one_split(), region_edits="p.edits.png"))
    ran = run_cli(canvas, "--preset", tmp_path / "p.json", "--regions", "--out", tmp_path / "o")
    one_error_line(ran, "region edits are 12000x12000 but the depth canvas is 32x32")
    assert ran.peak_mb < 150, ran.peak_mb  # decoding it would take 290 MB, then 580 MB more


def test_a_preset_of_a_million_splits_is_refused_by_its_size(tmp_path: Path, canvas) -> None:
    preset = tmp_path / "huge.json"
    splits = ",".join(f'{{"start": {i}, "end": {i + 1}}}' for i in range(1_000_000))
    preset.write_text(preset_text([]).replace('"splits": []', f'"splits": [{splits}]'))
    assert preset.stat().st_size > 20 * MAX_PRESET_BYTES
    ran = run_cli(canvas, "--preset", preset, "--out", tmp_path / "out")
    one_error_line(ran, f"{preset}: too large for a preset")
    assert ran.peak_mb < 150, ran.peak_mb


def test_a_shell_survives_bad_file_names_with_usage_lines(tmp_path: Path, canvas) -> None:
    (tmp_path / "victim.png").write_bytes(b"not ours")
    lines = ['write "abc', "write .", "write a\0b", "save victim.png", "load /dev/zero", "test .."]
    ran = run_cli(
        canvas, "--interactive", "--out", tmp_path, stdin="\n".join([*lines, "quit"]) + "\n"
    )
    assert ran.returncode == 0 and "Traceback" not in ran.stderr
    replies = [line for line in ran.stdout.splitlines() if not line.startswith(">")]
    assert replies[1:7] == [
        "Error - unbalanced quotes",
        "Error - WRITE [{filename}]: '.' is not a file name",
        "Error - WRITE [{filename}]: 'a\\x00b' is not a file name",
        "Error - SAVE {file.json}: a preset is saved under a .json name",
        "/dev/zero: is a character device, not a regular preset",
        "Error - TEST [{filename}]: '..' is not a file name",
    ]
    assert (tmp_path / "victim.png").read_bytes() == b"not ours"
    assert not [line for line in ran.stdout.splitlines() if "Error: " in line or "Error'" in line]


# --- fuzzing -------------------------------------------------------------------------

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
FLAG_VALUES = st.one_of(
    st.sampled_from(["red", "#00ff00", "blurple", "inverse", "rank", "linear", "-1", "0"]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=300),
)
SPLIT = st.fixed_dictionaries(
    {
        "start": st.one_of(st.floats(-1e40, 1e40), st.integers(-(10**50), 10**50)),
        "end": st.one_of(st.floats(-1e40, 1e40), st.integers(-(10**50), 10**50)),
    },
    optional={
        "levels": st.one_of(st.integers(-5, 400), JSON_LEAVES),
        "flags": st.dictionaries(
            st.sampled_from(["label", "test", "region", "curve", "offset", "note", ""]),
            FLAG_VALUES,
            max_size=4,
        ),
    },
)


def check_loaded(text: str) -> None:
    """Either a set of splits every map can be made from, or one InputError."""
    try:
        splits = loads(text, "fuzz.json")
    except InputError as error:
        assert str(error).startswith("fuzz.json: ") and "\n" not in str(error)
        return
    assert isinstance(splits, SplitSet) and len(splits) <= MAX_SPLITS
    assert all(-1 <= s.region <= MAX_REGION and len(s.label) <= 256 for s in splits.splits)
    try:
        MappingPlan.from_splits(splits)
    except MappingError as error:
        assert str(error).startswith("Failure to map: ") and splits.total_levels > 256


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=JSON)
def test_fuzz_any_json_document_loads_or_is_one_input_error(document) -> None:
    check_loaded(json.dumps(document))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    splits=st.lists(SPLIT, min_size=0, max_size=5),
    curve=st.sampled_from(["linear", "inverse", "rank", 3]),
    compress=st.sampled_from([False, True, "yes"]),
)
def test_fuzz_preset_shaped_documents_load_or_are_one_input_error(splits, curve, compress):
    check_loaded(preset_text(splits, curve=curve, compress=compress))


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200), cut=st.integers(0, 200))
def test_fuzz_damaged_preset_text_is_one_input_error(data: bytes, cut: int) -> None:
    text = preset_text(one_split(flags={"label": "Face", "region": "0"}))
    damaged = text[:cut] + data.decode("latin-1") + text[cut:]
    check_loaded(damaged)


def test_from_document_names_the_api_field() -> None:
    with pytest.raises(InputError, match=r"^preset: split 0 has 300 levels"):
        from_document(json.loads(preset_text(one_split(levels=300))), "preset")
