"""The environment of the Python processes the tests start (the command line, batches)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# "spawn" in tests/run.sh's spawn run: the tests and every process they start use it.
START_METHOD = os.environ.get("DAZDEPTH_TEST_START_METHOD")


def child_env(start_method: bool = True, **extra: str) -> dict[str, str]:
    """This checkout on PYTHONPATH, this machine's PATH (and on Windows SYSTEMROOT, without
    which Python cannot start), the run's start method unless ``start_method`` is false
    (setting it imports multiprocessing); nothing else of ours leaks in."""
    paths = [str(ROOT)]
    env = {"PATH": os.environ.get("PATH", os.defpath)}
    if "SYSTEMROOT" in os.environ:
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    if START_METHOD and start_method:
        paths.append(str(ROOT / "tests" / "start_method"))
        env["DAZDEPTH_TEST_START_METHOD"] = START_METHOD
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return {**env, **extra}
