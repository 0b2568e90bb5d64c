"""Helpers for the hardening tests: a command run as a child process with its peak memory,
and hostile files (forged PNG headers, preset documents)."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANG = 30.0  # seconds: a command still running then is taken as hung (they need about 1 s)


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float  # the child's peak resident memory
    seconds: float

    @property
    def lines(self) -> list[str]:
        return self.stderr.strip().splitlines()


# The child's own peak: VmHWM of the process after exec. (ru_maxrss from wait4 would also
# count the memory of the test process it was forked from.)
PEAK_WRAPPER = """
import atexit, os, runpy, sys
def peak():
    with open("/proc/self/status") as status:
        kb = [line.split()[1] for line in status if line.startswith("VmHWM:")][0]
    with open(os.environ["DAZ_PEAK_FILE"], "w") as out:
        out.write(kb)
atexit.register(peak)
sys.argv[0] = "lib_dazdepth"
runpy.run_module("lib_dazdepth", run_name="__main__", alter_sys=True)
"""


def run_cli(*args, cwd: Path | None = None, stdin: str | None = None, **popen) -> Ran:
    """``python -m lib_dazdepth ARGS`` in a child; fails the test if it hangs."""
    peak_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"dd-peak-{os.getpid()}-{time.time_ns()}"
    argv = [sys.executable, "-c", PEAK_WRAPPER, *map(str, args)]
    env = {**popen.pop("env", {}), "DAZ_PEAK_FILE": str(peak_file)}
    ran = run_measured(argv, cwd=cwd, stdin=stdin, env=env, **popen)
    if peak_file.exists():
        ran = dataclasses.replace(ran, peak_mb=int(peak_file.read_text()) / 1024)
        peak_file.unlink()
    return ran


def run_measured(argv: list[str], cwd=None, stdin: str | None = None, **popen) -> Ran:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **popen.pop("env", {})}
    started = time.monotonic()
    child = subprocess.Popen(
        argv,
        cwd=cwd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        **popen,
    )
    texts: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda k=k, f=f: texts.__setitem__(k, f.read()), daemon=True)
        for k, f in (("out", child.stdout), ("err", child.stderr))
    ]
    for reader in readers:
        reader.start()
    if stdin is not None:
        child.stdin.write(stdin.encode())
        child.stdin.close()
    while True:  # wait4 gives this child's own peak memory
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > HANG:
            os.kill(child.pid, signal.SIGKILL)
            os.wait4(child.pid, 0)
            raise AssertionError(f"hung: {' '.join(map(str, argv))}")
        time.sleep(0.01)
    seconds = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    out, err = (texts[k].decode(errors="replace") for k in ("out", "err"))
    return Ran(child.returncode, out, err, usage.ru_maxrss / 1024, seconds)


def one_error_line(ran: Ran, *names: str) -> str:
    """The run failed with exit status 2 and one ``error:`` line naming ``names``."""
    assert ran.returncode == 2, (ran.returncode, ran.stderr)
    assert "Traceback" not in ran.stderr, ran.stderr
    (line,) = [line for line in ran.lines if line.startswith("error:")] or [ran.stderr]
    assert len(ran.lines) == 1, ran.stderr
    for name in names:
        assert name in line, line
    return line


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def forged_png(path: Path, width: int, height: int, text: dict[str, str] | None = None) -> Path:
    """A 16-bit grey PNG whose header claims ``width`` x ``height``, holding (nearly) no
    pixel data: what a hostile sidecar or depth PNG looks like."""
    header = struct.pack(">IIBBBBB", width, height, 16, 0, 0, 0, 0)
    chunks = [_chunk(b"IHDR", header)]
    for key, value in (text or {}).items():
        chunks.append(_chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1")))
    chunks += [_chunk(b"IDAT", zlib.compress(b"\0" * 64)), _chunk(b"IEND", b"")]
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"".join(chunks))
    return path


def zero_png16(path: Path, width: int, height: int) -> Path:
    """A real 16-bit grey PNG of zeros, compressed to a few hundred KB however large."""
    row = b"\0" * (1 + 2 * width)
    packer = zlib.compressobj(9)
    parts = [packer.compress(row * 64) for _ in range(height // 64)]
    parts += [packer.compress(row * (height % 64)), packer.flush()]
    header = struct.pack(">IIBBBBB", width, height, 16, 0, 0, 0, 0)
    body = _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


def preset_text(splits: list[dict], **extra) -> str:
    return json.dumps({"format": "daz-depth-splits", "version": 1, "splits": splits, **extra})


def one_split(**fields) -> list[dict]:
    return [{"start": 1, "end": 1000, "levels": 200, **fields}]
