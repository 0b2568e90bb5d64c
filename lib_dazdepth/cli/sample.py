"""``daz-depth sample DIR``: write the deterministic sample canvas set."""

from __future__ import annotations

import argparse


def main(argv: list[str]) -> int:
    from ..engine.sample import write_sample

    parser = argparse.ArgumentParser(
        prog="daz-depth sample",
        description="Write the deterministic sample canvas set.",
    )
    parser.add_argument("directory")
    parser.add_argument("--size", type=int, default=1200)
    parser.add_argument("--name", default="sample_scene")
    args = parser.parse_args(argv)
    if args.size < 16:
        parser.error("--size must be at least 16")
    paths = write_sample(args.directory, size=args.size, name=args.name)
    for path in (paths.depth_exr, paths.normal_exr, paths.beauty_exr, paths.beauty_png):
        print(f"** wrote {path}")
    return 0
