"""site-gen codeowners [--check]: write .github/CODEOWNERS from the editors in users/."""
from __future__ import annotations

import sys

from . import EXIT_OK, EXIT_PROBLEMS, repository_root


def register(commands) -> None:
    parser = commands.add_parser("codeowners", help="(editors) write .github/CODEOWNERS from the editors "
                                 "in users/ (run it after changing an editor)")
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..model.library import load_library
    from ..people import codeowners
    root = repository_root(args)
    library = load_library(root, only=[])  # editors only: cases never change it
    try:
        text = codeowners.generate(library)
    except codeowners.NoEditors as problem:
        print(f"site-gen codeowners: {problem}", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.check:
        if codeowners.is_current(root, text):
            print(f"{codeowners.CODEOWNERS.as_posix()} is up to date.", file=sys.stderr)
            return EXIT_OK
        print(f"{codeowners.CODEOWNERS.as_posix()} is out of date: run 'site-gen codeowners' and commit it.",
              file=sys.stderr)
        return EXIT_PROBLEMS
    path = codeowners.write(root, text)
    count = len(codeowners.editors(library))
    print(f"Wrote {path.relative_to(root).as_posix()} ({count} editor{'s' if count != 1 else ''}).", file=sys.stderr)
    return EXIT_OK
