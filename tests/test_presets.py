"""Split presets: JSON round trip, the setup embedded in our depth PNGs, and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.maps import MapOptions, depth_outputs
from lib_dazdepth.engine.outputs import write_outputs
from lib_dazdepth.engine.presets import dumps, load_preset, loads
from lib_dazdepth.engine.splits import SplitSet

SETUP = (
    SplitSet.default(93.46874237060547, 281.4759216308594)
    .add(132)
    .add(153.8)
    .allocate(0, 90)
    .allocate(1, 4)
    .set_flag(0, "test", "red")
    .set_flag(1, "region", "1")
    .set_flag(1, "curve", "inverse")
    .set_flag(0, "note", "face and hands")
    .record_offsets()
    .with_compress(True)
)


def test_json_round_trip_is_exact() -> None:
    assert loads(dumps(SETUP)) == SETUP


def test_a_depth_png_we_wrote_carries_its_setup(tmp_path: Path) -> None:
    depth = from_array(
        np.linspace(94, 281, 100, dtype=np.float32).reshape(10, 10), str(tmp_path / "m.exr")
    )
    outputs = depth_outputs(depth, SETUP.with_compress(False), MapOptions(), tmp_path / "m")
    (written,) = write_outputs(outputs)
    assert load_preset(written.path) == SETUP.with_compress(False)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "not valid JSON"),
        ("[]", "not a Daz Depth split preset"),
        ('{"format": "daz-depth-splits", "version": 9, "splits": []}', "version 9"),
        ('{"format": "daz-depth-splits", "version": 1, "splits": []}', "non-empty list"),
        (
            '{"format": "daz-depth-splits", "version": 1, "splits": [{"start": "a", "end": 2}]}',
            "split 0 start must be a number",
        ),
        (
            '{"format": "daz-depth-splits", "version": 1, "splits": [{"start": 1, "end": 2,'
            ' "levels": 1.5}]}',
            "levels must be a whole number",
        ),
        (
            '{"format": "daz-depth-splits", "version": 1, "splits": [{"start": 1, "end": 2},'
            ' {"start": 3, "end": 4}]}',
            "does not start where split 0 ends",
        ),
        (
            '{"format": "daz-depth-splits", "version": 1, "splits": [{"start": 1, "end": 2,'
            ' "flags": {"test": "blurple"}}]}',
            "split 0: test colour 'blurple'",
        ),
        (
            '{"format": "daz-depth-splits", "version": 1, "splits": [{"start": 1, "end": 2,'
            ' "levels": 300}]}',
            "300 levels",
        ),
    ],
)
def test_bad_presets_are_one_clear_error_naming_the_file(tmp_path: Path, text, problem) -> None:
    path = tmp_path / "p.json"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_preset(path)
    assert str(caught.value).startswith(f"{path}: ") and problem in str(caught.value)


def test_a_png_without_a_setup_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    from PIL import Image

    png = tmp_path / "plain.png"
    Image.new("L", (2, 2)).save(png)
    with pytest.raises(InputError, match="carries no Daz Depth split setup"):
        load_preset(png)
    with pytest.raises(InputError, match="cannot read"):
        load_preset(tmp_path / "missing.json")
    with pytest.raises(InputError, match="folder"):
        load_preset(tmp_path)


def test_document_is_readable_json_with_the_format_marker() -> None:
    document = json.loads(dumps(SETUP))
    assert document["format"] == "daz-depth-splits" and document["version"] == 1
    assert document["splits"][0]["flags"]["test"] == "red"
