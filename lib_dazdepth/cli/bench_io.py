"""The reading and writing half of ``bench``: whole command-line runs in fresh processes
against the floor, the reader's peak memory, PNG writing and the sample generator.

Every figure has its baseline measured in the same run:

- the whole run against a process that only reads the EXR and writes a PNG (the floor,
  decoding with the same OpenEXR thread count as Daz Depth's reader);
- peak memory of reading a depth EXR with 8 more float channels against the plain one,
  of reading depth from part 1 of a multipart EXR whose part 0 holds 8 float channels
  against the plain one, and of reading the Normal canvas as one interleaved array
  against decoding every channel and stacking them (the reader before);
- PNG writing (the Up filter and zlib) against Pillow's, in time and in file size;
- the streamed sample generator: its time and peak memory at the size.

Processes report their own peak memory (VmHWM) and CPU time; nothing here asserts a time.
"""

from __future__ import annotations

import io
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import OpenEXR
from PIL import Image

from ..engine.normals import encode_normals
from ..engine.outputs import PNG_LEVEL
from ..engine.png import write_png
from ..engine.sample import SamplePaths
from .bench_startup import PACKAGE, environment

try:
    import resource  # POSIX: the child processes' CPU time
except ImportError:  # Windows: CPU times are reported as 0
    resource = None

# Run in a fresh process; report its own peak memory on stderr's last line (VmHWM: the
# rusage figure would include the benchmark's own memory, inherited across exec).
MEASURED = """
import os, runpy, sys
sys.argv = {argv!r}
try:
    {body}
except SystemExit:
    pass
try:  # Linux; elsewhere no peak is reported (0)
    peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
except OSError:
    peak = "0"
sys.stderr.write("\\n" + peak + "\\n")
"""
RUN_CLI = "runpy.run_module('lib_dazdepth', run_name='__main__')"
# The floor decodes with as many OpenEXR threads as our reader (exr_pixels.use_cores;
# OpenEXR before 3.5 has no thread pool setting, and decodes as the reader does there).
FLOOR = """import numpy as np, OpenEXR
    from PIL import Image
    getattr(OpenEXR, "set_global_thread_count", lambda n: n)(min(os.cpu_count() or 1, 8))
    y = OpenEXR.File(sys.argv[1], separate_channels=True).parts[0].channels["Y"].pixels
    grey = (y > 0).astype(np.uint8)
    Image.fromarray(grey).save(sys.argv[2], compress_level={level})""".replace("\n    ", "; ")
READ_DEPTH = "from lib_dazdepth.engine.exr import read_depth; read_depth(sys.argv[1])"
READ_NORMALS = """from pathlib import Path
    from lib_dazdepth.engine.canvases import read_normals
    read_normals(Path(sys.argv[1]))""".replace("\n    ", "; ")
STACKED_NORMALS = """import numpy as np, OpenEXR
    channels = OpenEXR.File(sys.argv[1], separate_channels=True).parts[0].channels
    np.stack([channels[c].pixels for c in "RGB"], axis=-1)""".replace("\n    ", "; ")
SAMPLE = (
    "from lib_dazdepth.engine.sample import write_sample as w; w(sys.argv[1], int(sys.argv[2]))"
)


def run_once(argv: list[str], body: str) -> tuple[float, float, float]:
    """Wall time and CPU time (user + system) of one fresh Python process running
    ``body``, and its peak memory in MB."""
    script = MEASURED.format(argv=argv, body=body)
    env = environment(PACKAGE.parent)  # the folder holding lib_dazdepth
    before = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, env=env
    )
    wall = time.perf_counter() - start
    return wall, children_cpu() - before, int(done.stderr.split()[-1]) / 1024


OWN_IMPORTS = """import time, numpy, OpenEXR, PIL.Image
start = time.process_time()
import lib_dazdepth.cli.main
print(time.process_time() - start)"""


def own_imports(repeat: int) -> float:
    """Least CPU time, over ``repeat`` fresh processes, of importing the command line once
    numpy, OpenEXR and Pillow are in: Daz Depth's own share of a run's start-up."""
    env = environment(PACKAGE.parent)
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", OWN_IMPORTS],
                check=True,
                env=env,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(repeat)
    ]
    return min(runs)


def process(argv: list[str], body: str, repeat: int) -> tuple[float, float, float]:
    """Best wall time and CPU time of ``repeat`` fresh Python processes running ``body``
    (the least disturbed run: the machine is shared), and the peak memory in MB."""
    return interleaved([(argv, body)], repeat)[0]


def interleaved(
    jobs: list[tuple[list[str], str]], repeat: int, rounds: list[list[float]] | None = None
) -> list[tuple[float, float, float]]:
    """``process`` for several jobs, taking turns: each round runs every job once, so a
    change in the machine's load falls on all of them alike. ``rounds`` receives each
    round's CPU times, one per job."""
    runs: list[list[tuple[float, float, float]]] = [[] for _ in jobs]
    for _ in range(repeat):
        for found, (argv, body) in zip(runs, jobs):
            found.append(run_once(argv, body))
        if rounds is not None:
            rounds.append([found[-1][1] for found in runs])
    return [
        (min(r[0] for r in found), min(r[1] for r in found), max(r[2] for r in found))
        for found in runs
    ]


def best_cpu(repeat: int, action: Callable[[], object]) -> float:
    """The least CPU time (user + system, every thread) of ``repeat`` runs of ``action``."""
    return best_of(repeat, action, time.process_time)


def children_cpu() -> float:
    """User + system seconds of the finished child processes (0 where unknown)."""
    if resource is None:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ratio(a: float, b: float) -> str:
    return f"{a / b:9.2f}x" if b else "      n/a"


def best_of(
    repeat: int, action: Callable[[], object], clock: Callable[[], float] = time.perf_counter
) -> float:
    """The least time by ``clock`` (wall time by default) of ``repeat`` runs of ``action``."""
    times = []
    for _ in range(repeat):
        start = clock()
        action()
        times.append(clock() - start)
    return min(times)


def row(label: str, text: str) -> str:
    return f"  {label:<44}{text}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def whole_runs(exr: Path, normal: Path, out: Path, repeat: int) -> None:
    """The whole run against the floor and bare start-up, taking turns (``interleaved``)."""
    floor = FLOOR.format(level=PNG_LEVEL)
    jobs = [
        (["x", str(exr), "--out", str(out)], RUN_CLI),
        (["x", str(exr), str(out / "floor.png")], floor),
        (["x"], "import numpy, OpenEXR, PIL.Image"),
    ]
    rounds: list[list[float]] = []
    found = interleaved(jobs, repeat, rounds)
    (wall, cpu, peak), (f_wall, f_cpu, f_peak), (i_wall, i_cpu, _) = found
    print(row("whole CLI run, fresh process", f"{ms(wall)}   cpu {ms(cpu)}   peak {peak:.0f} MB"))
    print(
        row(
            "  floor: a process that reads + writes",
            f"{ms(f_wall)}   cpu {ms(f_cpu)}   peak {f_peak:.0f} MB",
        )
    )
    print(row("  whole run / floor", f"{ratio(wall, f_wall)}      cpu {ratio(cpu, f_cpu)}"))
    if all(cpus[1] for cpus in rounds):  # CPU times are 0 where unknown (Windows)
        ratios = [cpus[0] / cpus[1] for cpus in rounds]
        print(row("  ... cpu, median of the rounds' ratios", f"{statistics.median(ratios):9.2f}x"))
    print(row("  of which Python + numpy/OpenEXR/Pillow", f"{ms(i_wall)}   cpu {ms(i_cpu)}"))
    imports = own_imports(repeat)
    print(row("  of which Daz Depth's own imports", f"{'':12}   cpu {ms(imports)}"))
    n_wall, _, n_peak = process(["x", str(normal), "--out", str(out)], RUN_CLI, repeat)
    print(row("whole CLI run, Normal canvas", f"{ms(n_wall)}   peak {n_peak:.0f} MB"))


def reader_memory(exr: Path, normal: Path, folder: Path, size: int) -> None:
    """Peak memory of reading: extra channels are not decoded; normals are interleaved."""
    extra = folder / f"extra-channels-{size}.exr"
    if not extra.exists():
        zeros = np.zeros((size, size), np.float32)
        channels = {f"extra{k}": zeros for k in range(8)}
        channels["Y"] = OpenEXR.File(str(exr), separate_channels=True).channels()["Y"].pixels
        header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
        OpenEXR.File(header, channels).write(str(extra))
    parts = folder / f"later-part-{size}.exr"
    if not parts.exists():
        zeros = np.zeros((size, size), np.float32)
        depth = OpenEXR.File(str(exr), separate_channels=True).channels()["Y"].pixels
        header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
        others = OpenEXR.Part(dict(header), {f"extra{k}": zeros for k in range(8)}, "extra")
        OpenEXR.File([others, OpenEXR.Part(dict(header), {"Y": depth}, "depth")]).write(str(parts))
    _, _, plain = process(["x", str(exr)], READ_DEPTH, 1)
    _, _, more = process(["x", str(extra)], READ_DEPTH, 1)
    _, _, later = process(["x", str(parts)], READ_DEPTH, 1)
    print(
        row(
            "read depth, 8 more float channels: peak",
            f"{more:6.0f} MB  vs {plain:.0f} MB plain: {ratio(more, plain).strip()}",
        )
    )
    print(
        row(
            "read depth from part 1, 8 floats in part 0",
            f"{later:6.0f} MB  vs {plain:.0f} MB plain: {later / plain:.2f}x",
        )
    )
    _, _, ours = process(["x", str(normal)], READ_NORMALS, 1)
    _, _, stacked = process(["x", str(normal)], STACKED_NORMALS, 1)
    print(
        row(
            "read normals, one interleaved array: peak",
            f"{ours:6.0f} MB  vs {stacked:.0f} MB decoding all and stacking",
        )
    )


def png_writing(grey: np.ndarray, normals: np.ndarray, repeat: int) -> None:
    for name, image in (("depth", grey), ("normal", encode_normals(normals))):
        ours, theirs = io.BytesIO(), io.BytesIO()
        write_png(ours, image, level=PNG_LEVEL)
        Image.fromarray(image).save(theirs, format="PNG", compress_level=PNG_LEVEL)
        mine = best_of(repeat, lambda im=image: write_png(io.BytesIO(), im, level=PNG_LEVEL))
        pillow = best_of(
            repeat,
            lambda im=image: Image.fromarray(im).save(
                io.BytesIO(), format="PNG", compress_level=PNG_LEVEL
            ),
        )
        size = len(ours.getvalue()) / len(theirs.getvalue())
        print(
            row(
                f"write the {name} PNG (Up filter + zlib)",
                f"{ms(mine)}  {pillow / mine:7.1f}x faster than Pillow ({pillow * 1000:.0f} ms);"
                f" {size:.2f}x its size",
            )
        )


def sample_generator(folder: Path, size: int) -> None:
    target = folder / f"sample-bench-{size}"
    wall, cpu, peak = process(["x", str(target), str(size)], SAMPLE, 1)
    shutil.rmtree(target, ignore_errors=True)
    print(
        row("sample generator, streamed", f"{wall:9.1f} s    cpu {cpu:.1f} s   peak {peak:.0f} MB")
    )


def bench_io(paths: SamplePaths, grey: np.ndarray, folder: Path, size: int, repeat: int) -> None:
    """The reading and writing figures for one size of the sample scene."""
    from ..engine.canvases import read_normals

    out = folder / f"out{size}"
    out.mkdir(exist_ok=True)
    whole_runs(paths.depth_exr, paths.normal_exr, out, repeat)
    reader_memory(paths.depth_exr, paths.normal_exr, folder, size)
    png_writing(grey, read_normals(paths.normal_exr), repeat)
    sample_generator(folder, size)
