"""The `site-gen` command line."""
from __future__ import annotations

import argparse
import os
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


def cmd_check_phi(args: argparse.Namespace) -> int:
    from .phi import report as formats
    from .phi.scanner import scan

    root = Path(args.root).resolve() if args.root else find_root(Path.cwd())
    paths = [Path(p) for p in args.paths] or [root / "cases"]
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        print(f"site-gen check-phi: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    cache_dir = None if args.no_cache else Path(os.environ.get("SITE_GEN_CACHE", root / ".cache" / "site-gen"))
    result = scan(paths, root, cache_dir=cache_dir, ocr=not args.no_ocr, faces=not args.no_faces, jobs=args.jobs)
    if args.list_allowed:
        for suppression in result.allowed:
            print(suppression.describe())
        print(f"{len(result.allowed)} suppression(s); {len(result.suppressed)} applied in this scan.",
              file=sys.stderr)
        return EXIT_OK
    render = {"text": formats.as_text, "json": formats.as_json, "sarif": formats.as_sarif}[args.format]
    output = render(result)
    if args.output:
        Path(args.output).write_text(output + "\n", encoding="utf-8")
    elif output:
        print(output)
    count = len(result.findings)
    print(f"{count} possible patient identifier{'s' if count != 1 else ''} in {result.files} file"
          f"{'s' if result.files != 1 else ''} checked ({result.cached} unchanged since the last check"
          f"{f'; {len(result.suppressed)} suppressed' if result.suppressed else ''}).", file=sys.stderr)
    if count:
        print("Remove the information (or the file). If a finding is not patient information, "
              "add '# phi: allow <reason>' on that line, or ask an editor to add an entry to "
              ".phi-allow.yml for an image; editors audit them with --list-allowed.", file=sys.stderr)
    return EXIT_PROBLEMS if count else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="site-gen", description="Radiology teaching-case library tools.")
    parser.add_argument("--root", help="repository root (default: found from the current folder)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    validate = commands.add_parser("validate", help=f"check {CASE_FILE} files, images and user profiles")
    validate.add_argument("paths", nargs="*", help="case folders or files (default: every case)")
    validate.set_defaults(run=cmd_validate)

    phi = commands.add_parser("check-phi", help="look for patient identifiers in text, file names, "
                              "DICOM headers, image metadata, burned-in text and faces")
    phi.add_argument("paths", nargs="*", help="files or folders (default: cases/)")
    phi.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    phi.add_argument("--output", "-o", help="write the report to this file instead of the screen")
    phi.add_argument("--no-ocr", action="store_true", help="skip reading text burned into pixels")
    phi.add_argument("--no-faces", action="store_true", help="skip face detection in photographs")
    phi.add_argument("--no-cache", action="store_true", help="check every file again")
    phi.add_argument("--jobs", type=int, help="parallel processes for images and DICOM (default: cores)")
    phi.add_argument("--list-allowed", action="store_true", help="print every suppression for audit")
    phi.set_defaults(run=cmd_check_phi)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
