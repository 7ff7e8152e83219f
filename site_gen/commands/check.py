"""site-gen check [CASES]: schema, patient information and completeness in one run, before pushing."""
from __future__ import annotations

import sys

from . import EXIT_OK, EXIT_PROBLEMS, fail_usage, repository_root


def register(commands) -> None:
    parser = commands.add_parser("check", help="before pushing: schema, patient information and a completeness "
                                 "score with what is missing")
    parser.add_argument("paths", nargs="*", help="case folders (default: every case)")
    parser.add_argument("--min-score", type=int, default=0, metavar="N",
                        help="also fail when a case's completeness is below N (0-100)")
    parser.add_argument("--no-ocr", action="store_true", help="skip reading text burned into images (faster)")
    parser.add_argument("--no-cache", action="store_true", help="check every file again (no cached result is "
                        "read or written)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..contribute.completeness import score
    from ..model.library import CASE_FILE, load_library
    from ..model.yamlsource import load_yaml
    from ..phi.report import finding_lines
    from ..phi.scanner import scan
    from ..progress import Progress, duration
    from .validate import case_folders

    root = repository_root(args)
    try:
        only = case_folders(args.paths, root)
    except FileNotFoundError as missing:
        return fail_usage("check", f"no such file or folder: {missing}")
    folders = only if only is not None else sorted(
        p for p in (root / "cases").iterdir() if p.is_dir() and not p.name.startswith(".")) if (root / "cases").is_dir() else []
    if not folders:
        return fail_usage("check", "no case to check (give a case folder under cases/)")
    from ..cache import cache_dir as trusted_cache
    with Progress("Checking the case files", unit="case") as progress:
        library = load_library(root, only=folders, progress=progress.advance)
    cache_dir = None if args.no_cache else trusted_cache(root)
    with Progress("Looking for patient information") as scanning:
        phi = scan(folders, root, cache_dir=cache_dir, ocr=not args.no_ocr, progress=scanning.advance)
    took = (f"{len(folders)} case{'s' if len(folders) != 1 else ''} checked in "
            f"{duration(progress.seconds + scanning.seconds)}")
    failed = False
    low = []
    for folder in folders:
        rel = folder.relative_to(root).as_posix()
        problems = sorted(p for p in library.problems if p.path == rel or p.path.startswith(rel + "/"))
        findings = [f for f in phi.findings if f.path == rel or f.path.startswith(rel + "/")]
        doc = load_yaml(folder / CASE_FILE, f"{rel}/{CASE_FILE}")
        result = score(doc.data)
        print(f"== {rel}")
        if problems:
            print(f"  case file and images: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
            for problem in problems:
                print(f"    {problem}")
        else:
            print("  case file and images: OK")
        if findings:
            print(f"  patient information: {len(findings)} possible identifier{'s' if len(findings) != 1 else ''}")
            for line in finding_lines(findings, phi.masked_names):  # masked names, frames grouped
                print(f"    {line}")
        else:
            print("  patient information: none found")
        print(f"  completeness: {result.score}/100")
        for item in result.missing:
            print(f"    + add {item.hint} (+{item.points - item.earned})")
        failed |= bool(problems or findings)
        if result.score < args.min_score:
            low.append(rel)
    user_problems = [p for p in library.problems if p.path.startswith("users/")]
    for problem in user_problems:
        print(problem)
    if failed or user_problems:
        print(f"\n{took}. Fix the problems above before committing: the commit hook and the pull-request "
              "checks refuse them. See CONTRIBUTING.md ('When the guard blocks a commit').", file=sys.stderr)
    if low:
        print(f"Completeness below {args.min_score}: {', '.join(low)}.", file=sys.stderr)
    if failed or user_problems or low:
        return EXIT_PROBLEMS
    print(f"\nReady to commit: {took}.", file=sys.stderr)
    return EXIT_OK
