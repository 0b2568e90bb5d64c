"""Command-line options the webui reads before it loads the extension's scripts."""


def preload(parser) -> None:
    parser.add_argument(
        "--dazdepth-output-dir",
        type=str,
        default=None,
        help="Daz Depth: folder for saved maps (default: the webui's outputs/daz-depth)",
    )
