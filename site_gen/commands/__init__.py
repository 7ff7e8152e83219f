"""The `site-gen` subcommands: one module each, all with the same `register(subparsers)` interface."""
from __future__ import annotations

import sys
from pathlib import Path

from ..model.library import find_root

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def repository_root(args) -> Path:
    return Path(args.root).resolve() if args.root else find_root(Path.cwd())


def fail_usage(command: str, message: str) -> int:
    print(f"site-gen {command}: {message}", file=sys.stderr)
    return EXIT_USAGE
