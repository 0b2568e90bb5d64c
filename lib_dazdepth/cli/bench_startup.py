"""Start-up figures for ``daz-depth bench``: what Python, the libraries and the package's
own imports cost a fresh process, and what compiling the package costs where bytecode
cannot be written (a read-only checkout; an installed wheel is compiled by pip)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # lib_dazdepth/
LIBRARIES = "import numpy, OpenEXR, PIL.Image, PIL.PngImagePlugin"
CONVERT = "import lib_dazdepth.main"  # all that converting a file imports (options: lazily)
COUNT = (
    "import sys, lib_dazdepth.main; print(sum(m.startswith('lib_dazdepth.') for m in sys.modules))"
)


def fresh_seconds(code: str, env: dict[str, str], repeat: int) -> float:
    """Best wall time of a fresh ``python -c code`` (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        times.append(time.perf_counter() - start)
    return min(times)


def environment(path: Path, write_bytecode: bool = True) -> dict[str, str]:
    env = {"PYTHONPATH": str(path), "PATH": os.environ.get("PATH", os.defpath)}
    if "SYSTEMROOT" in os.environ:  # Windows: Python needs it to start
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def bench_startup(repeat: int) -> None:
    repeat = max(repeat, 5)
    print(f"\n== start-up, fresh processes (best of {repeat})")
    cached = environment(PACKAGE.parent)
    subprocess.run([sys.executable, "-c", CONVERT], check=True, env=cached)  # bytecode written
    bare = fresh_seconds("pass", cached, repeat)
    libraries = fresh_seconds(LIBRARIES, cached, repeat)
    convert = fresh_seconds(CONVERT, cached, repeat)
    count = subprocess.run(
        [sys.executable, "-c", COUNT], check=True, env=cached, capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="dazdepth-startup-") as folder:
        # A copy without __pycache__, run where no bytecode may be written: each run compiles.
        shutil.copytree(
            PACKAGE, Path(folder) / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__")
        )
        uncompiled = fresh_seconds(CONVERT, environment(Path(folder), False), repeat)
    row = "  {:<52}{:7.1f} ms{}"
    print(row.format("Python alone", bare * 1000, ""))
    print(row.format("+ numpy, OpenEXR, Pillow", libraries * 1000, ""))
    own = f"   (+{(convert - libraries) * 1000:.1f} ms: the package's own imports)"
    print(row.format(f"+ what converting a file imports ({count} modules)", convert * 1000, own))
    compiling = f"   (+{(uncompiled - convert) * 1000:.1f} ms: {count} modules compiled each run)"
    print(row.format("  same where bytecode cannot be written", uncompiled * 1000, compiling))
