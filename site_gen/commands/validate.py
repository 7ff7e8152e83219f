"""site-gen validate [PATHS]: schema, images, authors and profiles, every problem at once."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..model.collection import load_collections
from ..model.library import CASE_FILE, load_library
from ..progress import Progress
from . import EXIT_OK, EXIT_PROBLEMS, fail_usage, repository_root


def register(commands) -> None:
    parser = commands.add_parser("validate", help=f"check {CASE_FILE} files, images and user profiles")
    parser.add_argument("paths", nargs="*", help="case folders or files (default: every case)")
    parser.set_defaults(run=run)


def case_folders(paths: list[str], root: Path) -> list[Path] | None:
    """Case folders named by PATHS (a case folder, its case.yml or any file in it); None = all."""
    if not paths:
        return None
    folders = []
    cases_dir = (root / "cases").resolve()
    for raw in paths:
        path = Path(os.path.abspath(raw))  # lexical: a linked case folder keeps its own name
        if path in (cases_dir, root):
            return None
        try:
            if not path.exists() and not path.is_symlink():
                raise FileNotFoundError(raw)
        except OSError:
            raise FileNotFoundError(raw[:200]) from None
        for candidate in (path, *path.parents):
            if candidate.parent == cases_dir:
                folders.append(candidate)
                break
    return folders


def run(args) -> int:
    root = repository_root(args)
    try:
        only = case_folders(args.paths, root)
    except FileNotFoundError as missing:
        return fail_usage("validate", f"no such file or folder: {missing}")
    with Progress("Checking cases", unit="case") as progress:
        library = load_library(root, only=only, progress=progress.advance)
        problems = list(library.problems)
        named_collections = any(Path(os.path.abspath(p)).is_relative_to(root / "collections") for p in args.paths)
        if only is None or named_collections:  # collections name cases: check them against the whole library
            if only is not None:
                library = load_library(root)
            problems += load_collections(root, {c.slug for c in library.cases}, set(library.users))[1]
    problems = sorted(problems)
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem{'s' if len(problems) != 1 else ''} found in {progress.took}.",
              file=sys.stderr)
        return EXIT_PROBLEMS
    without_id = [c for c in library.cases if c.case_id is None]
    if without_id:
        from ..model.case_ids import next_case_id
        number = next_case_id(root)
        for case in without_id:
            print(f"cases/{case.slug}/{CASE_FILE}: note: this case has no number yet; add a line "
                  f"'id: {number}' so that its web address stays the same if the folder is renamed "
                  "(until then it is published under a provisional address)", file=sys.stderr)
            number += 1
    checked = len(only) if only is not None else len(library.cases)
    print(f"All good: {checked} case{'s' if checked != 1 else ''} and {len(library.users)} "
          f"contributor profile{'s' if len(library.users) != 1 else ''} checked in {progress.took}.",
          file=sys.stderr)
    return EXIT_OK
