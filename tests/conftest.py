import multiprocessing
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from children import START_METHOD  # noqa: E402 (needs the path above)

if START_METHOD:  # the spawn run (tests/run.sh): Windows' and macOS's way for this process too
    multiprocessing.set_start_method(START_METHOD, force=True)
