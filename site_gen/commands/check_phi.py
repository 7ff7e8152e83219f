"""site-gen check-phi [PATHS]: the patient-information guard, as text, JSON or SARIF."""
from __future__ import annotations

import sys
from pathlib import Path

from ..shard import parse_shard
from . import EXIT_OK, EXIT_PROBLEMS, fail_usage, repository_root

MAX_PATH_CHARACTERS = 4096


def register(commands) -> None:
    parser = commands.add_parser("check-phi", help="look for patient identifiers in text, file names, "
                                 "DICOM headers, image metadata, burned-in text and faces")
    parser.add_argument("paths", nargs="*", help="files or folders (default: everything the site publishes: "
                        "cases/, collections/, users/, docs/ and mkdocs.yml)")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument("--output", "-o", help="write the report to this file instead of the screen")
    parser.add_argument("--no-ocr", action="store_true", help="skip reading text burned into pixels")
    parser.add_argument("--no-faces", action="store_true", help="skip face detection in photographs")
    parser.add_argument("--no-cache", action="store_true", help="check every file again (no cached result is "
                        "read or written)")
    parser.add_argument("--jobs", type=int, help="parallel processes for images and DICOM (default: cores)")
    parser.add_argument("--time-limit", type=float, metavar="SECONDS",
                        help="refuse a file whose check takes longer (default: 120 s for text, 900 s for images)")
    parser.add_argument("--list-allowed", action="store_true", help="print every suppression for audit "
                        "(reasons masked)")
    parser.add_argument("--shard", type=parse_shard, metavar="I/N",
                        help="check only shard I of N of the files (whole case folders, chosen by a stable "
                             "hash of their path), for a scan split across parallel CI jobs")
    parser.set_defaults(run=run)


def _usable(raw: str) -> str | None:
    """Why a path given on the command line cannot be checked (None: it can)."""
    if len(raw) > MAX_PATH_CHARACTERS:
        return f"a path is too long ({len(raw):,} characters; the limit is {MAX_PATH_CHARACTERS:,})"
    try:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            return "no such file or folder"
    except (OSError, ValueError) as error:
        return f"a path cannot be used ({getattr(error, 'strerror', None) or error.__class__.__name__})"
    return None


def run(args) -> int:
    from ..cache import cache_dir as trusted_cache
    from ..fileset import published_paths
    from ..phi import report as formats
    from ..phi.scanner import scan
    from ..progress import Progress

    root = repository_root(args)
    problems = [(raw, _usable(raw)) for raw in args.paths]
    problems = [(raw, why) for raw, why in problems if why]
    if problems:
        raw, why = problems[0]
        shown = formats.printable(raw) if len(raw) <= 200 else formats.printable(raw[:60]) + "…"
        return fail_usage("check-phi", f"{why}: {shown}")
    paths = [Path(p) for p in args.paths] or published_paths(root)
    if args.shard is not None:
        paths = _shard_files(paths, root, args.shard)
    if args.time_limit is not None and args.time_limit <= 0:
        return fail_usage("check-phi", "--time-limit must be a positive number of seconds")
    cache = None if args.no_cache else trusted_cache(root)
    with Progress("Looking for patient information") as progress:
        result = scan(paths, root, cache_dir=cache, ocr=not args.no_ocr, faces=not args.no_faces, jobs=args.jobs,
                      time_limit=args.time_limit, progress=progress.advance)
    if args.list_allowed:
        for suppression in result.allowed:
            print(suppression.describe(lambda p: formats.display_path(p, result.masked_names)))
        for note in result.notes:
            print(f"note: {formats.printable(note)}", file=sys.stderr)
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
    suppressed = f"; {len(result.suppressed)} suppressed by allow comments or entries" if result.suppressed else ""
    print(f"{count} possible patient identifier{'s' if count != 1 else ''} in {result.files} file"
          f"{'s' if result.files != 1 else ''} checked ({result.cached} unchanged since the last check"
          f"{suppressed}) in {progress.took}.", file=sys.stderr)
    if count:
        print("Remove the information (or the file). If a finding is not patient information, end its line "
              "with '# phi: allow CATEGORY: reason' (e.g. '# phi: allow NAME: eponym'; in Markdown "
              "'<!-- phi: allow NAME: eponym -->'); for an image or DICOM file ask an editor for an entry "
              "in .phi-allow.yml. Editors audit them with --list-allowed.", file=sys.stderr)
    return EXIT_PROBLEMS if count else EXIT_OK


def _shard_files(paths: list[Path], root: Path, shard) -> list[Path]:
    """The files of one shard, walked by the guard's own rules: a case folder's files all go to
    the same shard (so its folder names are checked once), chosen by a stable hash of its path."""
    from ..fileset import unit_of, walk
    return [entry.path for entry in walk(paths, root) if shard.holds(unit_of(entry.rel))]
