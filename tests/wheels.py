"""Do the runtime and ``[ui]`` requirements resolve to wheels everywhere Daz Depth runs?

    python tests/wheels.py dist/daz_depth-*.whl

For each CPython 3.10-3.14 on Linux (glibc 2.28, x86_64), Windows (x64) and macOS (Apple
silicon, 11 on; Intel, 10.15 on), ``WHEEL[ui]`` is resolved with binaries only and nothing
installed: ``uv pip compile --only-binary :all: --python-version V --python-platform P``.
A requirement without a wheel for that Python and platform fails the resolution. The
runtime requirements are a subset of ``[ui]``'s, so they resolve wherever ``[ui]`` does.
Prints one line per target (the versions chosen) and exits 1 if any target fails.

Why uv's resolver and not ``pip install --dry-run --only-binary=:all: --python-version V
--platform P``: pip evaluates environment markers for the interpreter it runs in, not for
the target (under Python 3.13 it demands gradio's ``audioop-lts; python_version >= "3.13"``
for a 3.12 target; under 3.10 it would skip it for 3.14, a false pass), and where the index
cannot be cached it downloads every candidate wheel whole: 20 targets took over 8 minutes
here. uv resolves for the target's markers and tags and reads only the metadata.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
PLATFORMS = {  # name: (uv's --python-platform, MACOSX_DEPLOYMENT_TARGET)
    "linux": ("x86_64-manylinux_2_28", None),
    "windows": ("x86_64-pc-windows-msvc", None),
    "macos-arm": ("aarch64-apple-darwin", "11.0"),
    "macos-intel": ("x86_64-apple-darwin", "10.15"),
}
SHOWN = ("numpy", "pillow", "openexr", "gradio")


def uv() -> str:
    """The ``uv`` beside this interpreter (installed from PyPI into the test environment)."""
    name = "uv.exe" if os.name == "nt" else "uv"
    return str(Path(sysconfig.get_path("scripts")) / name)


def resolve(requirement: Path, python: str, name: str, scratch: Path) -> tuple[bool, str]:
    """(resolved?, the versions chosen or the resolver's error)."""
    platform, macos = PLATFORMS[name]
    out = scratch / f"{python}-{name}.txt"
    env = dict(os.environ)
    if macos:
        env["MACOSX_DEPLOYMENT_TARGET"] = macos
    command = [uv(), "pip", "compile", "--quiet", "--no-header", "--no-annotate"]
    command += ["--only-binary", ":all:", "--python-version", python]
    command += ["--python-platform", platform, str(requirement), "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        return False, " ".join(lines[:3])[:400]
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", out.read_text(), re.M))
    chosen = {key.lower(): value for key, value in pins.items()}
    return True, ", ".join(f"{shown} {chosen.get(shown, '-')}" for shown in SHOWN)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    wheel = Path(argv[0]).resolve()
    targets = [(python, name) for python in PYTHONS for name in PLATFORMS]
    with (
        tempfile.TemporaryDirectory(prefix="dazdepth-wheels-") as folder,
        ThreadPoolExecutor(max_workers=len(targets)) as pool,  # waiting on the network
    ):
        scratch = Path(folder)
        requirement = scratch / "requirement.in"
        requirement.write_text(f"daz-depth[ui] @ {wheel.as_uri()}\n")
        results = list(pool.map(lambda t: resolve(requirement, *t, scratch), targets))
    failed = 0
    for (python, name), (ok, text) in zip(targets, results):
        print(f"  CPython {python:<5} {name:<12} {'ok' if ok else 'FAILED':<7}{text}")
        failed += not ok
    print(f"wheels: {len(targets) - failed} of {len(targets)} targets resolve to wheels only")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
