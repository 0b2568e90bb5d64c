"""Outputs: atomic, all or nothing, and never over an input or a file we did not write."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lib_dazdepth.engine.errors import OutputError
from lib_dazdepth.engine.outputs import (
    Output,
    is_ours,
    output_path,
    read_text_chunks,
    write_outputs,
)

GREY = np.arange(12, dtype=np.uint8).reshape(3, 4)


def test_names_sit_beside_the_input_or_in_the_out_folder(tmp_path: Path) -> None:
    assert (
        output_path(tmp_path / "a-Canvas2-Depth", "depth") == tmp_path / "a-Canvas2-Depth.depth.png"
    )
    assert output_path("x/a", "mask", tmp_path) == tmp_path / "a.mask.png"


def test_png_round_trips_pixel_for_pixel_with_our_marker_and_text(tmp_path: Path) -> None:
    (written,) = write_outputs([Output(tmp_path / "a.depth.png", GREY, {"dazdepth": "{}"})])
    assert written.path == tmp_path / "a.depth.png" and not written.renamed
    with Image.open(written.path) as image:
        assert image.mode == "L"
        np.testing.assert_array_equal(np.asarray(image), GREY)
    chunks = read_text_chunks(written.path)
    assert chunks["Software"].startswith("Daz Depth") and chunks["dazdepth"] == "{}"
    assert is_ours(written.path)


def test_sixteen_bit_png_round_trips(tmp_path: Path) -> None:
    data = (np.arange(12, dtype=np.uint16) * 5000).reshape(3, 4)
    (written,) = write_outputs([Output(tmp_path / "a.depth.png", data)])
    with Image.open(written.path) as image:
        np.testing.assert_array_equal(np.asarray(image).astype(np.uint16), data)


def test_our_own_earlier_output_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "a.depth.png"
    write_outputs([Output(target, GREY)])
    (again,) = write_outputs([Output(target, GREY * 2)])
    assert again.path == target
    np.testing.assert_array_equal(np.asarray(Image.open(target)), GREY * 2)


def test_a_file_we_did_not_write_is_kept_and_a_numbered_sibling_written(tmp_path: Path) -> None:
    theirs = tmp_path / "a.depth.png"
    Image.fromarray(GREY).save(theirs)  # the user's own PNG: no Daz Depth marker
    before = theirs.read_bytes()
    (written,) = write_outputs([Output(theirs, GREY)])
    assert written.path == tmp_path / "a.1.depth.png" and written.renamed
    assert "a.depth.png exists and is not ours; wrote a.1.depth.png instead" in written.note()
    assert theirs.read_bytes() == before


def test_an_input_is_never_overwritten_even_if_we_wrote_it(tmp_path: Path) -> None:
    target = tmp_path / "a.depth.png"
    write_outputs([Output(target, GREY)])
    before = target.read_bytes()
    (written,) = write_outputs([Output(target, GREY * 3)], protected=[target])
    assert written.path.name == "a.1.depth.png" and target.read_bytes() == before


def test_two_outputs_of_one_step_never_share_a_name(tmp_path: Path) -> None:
    first, second = write_outputs(
        [Output(tmp_path / "a.png", GREY), Output(tmp_path / "a.png", GREY)]
    )
    assert first.path != second.path


def test_output_folder_that_is_a_file_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot create the output folder"):
        write_outputs([Output(blocker / "sub" / "a.png", GREY)])


def test_a_failure_midway_leaves_nothing_written(tmp_path: Path) -> None:
    bad = np.zeros((2, 2, 3), dtype=np.uint16)  # 16-bit colour cannot be a PNG here
    with pytest.raises(ValueError):
        write_outputs([Output(tmp_path / "a.png", GREY), Output(tmp_path / "b.png", bad)])
    assert list(tmp_path.iterdir()) == []


def test_new_files_get_the_permissions_the_umask_allows(tmp_path: Path) -> None:
    import os

    old = os.umask(0o027)
    try:
        from lib_dazdepth.engine.outputs import file_mode

        file_mode.cache_clear()
        (written,) = write_outputs([Output(tmp_path / "a.png", GREY)])
    finally:
        os.umask(old)
        file_mode.cache_clear()
    assert written.path.stat().st_mode & 0o777 == 0o640
