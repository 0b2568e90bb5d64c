"""On PYTHONPATH for the processes the tests start in the spawn run (tests/run.sh): each
uses DAZDEPTH_TEST_START_METHOD for multiprocessing, as Windows and macOS use spawn."""

import os

if os.environ.get("DAZDEPTH_TEST_START_METHOD"):
    import multiprocessing

    multiprocessing.set_start_method(os.environ["DAZDEPTH_TEST_START_METHOD"])
