"""The `site-gen` command line: a parser that each module of site_gen.commands adds to."""
from __future__ import annotations

import argparse
import sys

from .commands import EXIT_USAGE, check_phi, check_pr, codeowners, takedown, users, validate
from .commands import check, import_dicom, lfs, media, new_case, preview, review

COMMANDS = (validate, check_phi, users, codeowners, check_pr, takedown, new_case, import_dicom, check, review, lfs,
            media, preview)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2 with a one-line reason
        self.print_usage(sys.stderr)
        print(f"site-gen: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="site-gen", description="Radiology teaching-case library tools.")
    parser.add_argument("--root", help="repository root (default: found from the current folder)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in COMMANDS:
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
