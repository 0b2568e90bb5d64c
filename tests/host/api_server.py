"""The API routes alone, for a real uvicorn in the limits tests (settings from the
environment). ``DAZ_API_HOLD``: while that file exists, the model list (read inside a
request's heavy part) waits, so a test can hold a request in progress."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fastapi import FastAPI

from lib_dazdepth.host.api import router

MODELS = ["control_v11f1p_sd15_depth [cfd03158]", "control_v11p_sd15_normalbae [316696f1]"]


def models() -> list[str]:
    hold = os.environ.get("DAZ_API_HOLD")
    deadline = time.monotonic() + 30
    while hold and Path(hold).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return MODELS


app = FastAPI()
app.include_router(
    router(
        auth=os.environ.get("DAZ_API_AUTH") or None,
        max_bytes=int(os.environ.get("DAZ_API_MAX_BYTES", 1024 * 1024)),
        models=models,
        max_pixels=int(os.environ.get("DAZ_API_MAX_PIXELS", 1024 * 1024)),
        heavy=int(os.environ.get("DAZ_API_HEAVY", 1)),
    )
)
