"""What Windows does differently, tested where it can be on Linux: a replaced output held
open by another program, the spawn start method, POSIX-only calls (README, Windows and
macOS)."""

from __future__ import annotations

import errno
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from children import START_METHOD, child_env
from exrdata import write_depth

from lib_dazdepth.engine import outputs
from lib_dazdepth.main import main

RAMP = np.linspace(100, 200, 64, dtype=np.float32).reshape(8, 8)


def held_open_on_windows(monkeypatch) -> list[str]:
    """os.replace as Windows answers it when the target is open in another program."""
    replace, refused = os.replace, []

    def windows_replace(source, target):
        if Path(target).exists():
            refused.append(str(target))
            raise PermissionError(errno.EACCES, "Access is denied", str(source), 5, str(target))
        replace(source, target)

    monkeypatch.setattr(outputs.os, "replace", windows_replace)
    return refused


def test_an_output_open_in_another_program_is_kept_and_named_in_one_line(
    tmp_path: Path, monkeypatch, capfd
) -> None:
    depth = write_depth(tmp_path / "a-Canvas2-Depth.exr", RAMP)
    assert main([str(depth)]) == 0
    written = tmp_path / "a-Canvas2-Depth.depth.png"
    before = written.read_bytes()
    capfd.readouterr()
    refused = held_open_on_windows(monkeypatch)

    assert main([str(depth), "--curve", "inverse"]) == 2  # would write other greys

    err = capfd.readouterr().err
    assert refused == [str(written)]
    assert err == (
        f"error: {written}: cannot replace it (Access is denied): is it open in another"
        " program? The old file is unchanged; close it and run again\n"
    )
    assert written.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([depth.name, written.name])


def test_nothing_of_a_step_is_replaced_when_its_first_output_is_held(
    tmp_path: Path, monkeypatch
) -> None:
    depth = write_depth(tmp_path / "a-Canvas2-Depth.exr", RAMP)
    assert main([str(depth), "--mask"]) == 0
    names = ["a-Canvas2-Depth.depth.png", "a-Canvas2-Depth.mask.png"]
    before = {name: (tmp_path / name).read_bytes() for name in names}
    held_open_on_windows(monkeypatch)
    assert main([str(depth), "--mask", "--curve", "inverse"]) == 2
    assert {name: (tmp_path / name).read_bytes() for name in names} == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(not START_METHOD, reason="the spawn run only (tests/run.sh)")
def test_the_spawn_run_uses_spawn_here_and_in_every_child() -> None:
    assert multiprocessing.get_start_method() == START_METHOD
    child = subprocess.run(
        [sys.executable, "-c", "import multiprocessing as m; print(m.get_start_method())"],
        capture_output=True,
        text=True,
        env=child_env(),
        check=True,
    )
    assert child.stdout.strip() == START_METHOD


def test_batch_workers_start_without_posix_signals(tmp_path: Path, monkeypatch) -> None:
    """Windows has SIGINT and SIGTERM but no SIGHUP, SIGKILL handlers or fork: a worker
    only ignores SIGINT (it is never sent a signal)."""
    from lib_dazdepth.cli import batch

    installed = {}
    monkeypatch.setattr(
        batch.signal, "signal", lambda sig, handler: installed.update({sig: handler})
    )
    batch._worker_start()
    assert installed == {batch.signal.SIGINT: batch.signal.SIG_IGN}


def test_batch_workers_start_and_run_without_signal_masks(monkeypatch) -> None:
    """Windows' signal module has no pthread_sigmask: the pool starts and maps without it."""
    from lib_dazdepth.cli import batch

    monkeypatch.delattr(batch.signal, "pthread_sigmask")
    assert sorted(batch.stream(abs, [-3, -1, -2], jobs=2)) == [1, 2, 3]


def test_inputs_are_read_and_outputs_replaced_without_posix_only_os_calls(
    tmp_path: Path, monkeypatch
) -> None:
    """Windows' os has no O_NONBLOCK (and set_blocking, for pipes only, from 3.12): an input
    is still read, and an output of ours is still recognised and replaced in place."""
    depth = write_depth(tmp_path / "a-Canvas2-Depth.exr", RAMP)
    assert main([str(depth)]) == 0
    written = tmp_path / "a-Canvas2-Depth.depth.png"
    before = written.read_bytes()
    monkeypatch.delattr(os, "O_NONBLOCK")
    monkeypatch.delattr(os, "set_blocking")
    assert main([str(depth), "--curve", "inverse"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([depth.name, written.name])
    assert written.read_bytes() != before
