"""The `site-gen` command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .model.library import CASE_FILE, find_root, load_library

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2 with a one-line reason
        self.print_usage(sys.stderr)
        print(f"site-gen: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _case_folders(paths: list[str], root: Path) -> list[Path] | None:
    """Case folders named by PATHS (a case folder, its case.yml or any file in it); None = all."""
    if not paths:
        return None
    folders = []
    cases_dir = (root / "cases").resolve()
    for raw in paths:
        path = Path(raw).resolve()
        if path == cases_dir or path == root:
            return None
        if not path.exists():
            raise FileNotFoundError(raw)
        for candidate in (path, *path.parents):
            if candidate.parent == cases_dir:
                folders.append(candidate)
                break
    return folders


def cmd_validate(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else find_root(Path.cwd())
    try:
        only = _case_folders(args.paths, root)
    except FileNotFoundError as missing:
        print(f"site-gen validate: no such file or folder: {missing}", file=sys.stderr)
        return EXIT_USAGE
    library = load_library(root, only=only)
    problems = sorted(library.problems)
    for problem in problems:
        print(problem)
    checked = len(only) if only is not None else len(library.cases) + len(
        {p.path.split("/")[1] for p in problems if p.path.startswith("cases/")})
    if problems:
        print(f"\n{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"All good: {checked} case{'s' if checked != 1 else ''} and {len(library.users)} "
          f"contributor profile{'s' if len(library.users) != 1 else ''} checked.", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="site-gen", description="Radiology teaching-case library tools.")
    parser.add_argument("--root", help="repository root (default: found from the current folder)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    validate = commands.add_parser("validate", help=f"check {CASE_FILE} files, images and user profiles")
    validate.add_argument("paths", nargs="*", help="case folders or files (default: every case)")
    validate.set_defaults(run=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
