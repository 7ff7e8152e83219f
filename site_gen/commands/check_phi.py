"""site-gen check-phi [PATHS]: the patient-information guard, as text, JSON or SARIF."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..shard import case_unit, parse_shard
from . import EXIT_OK, EXIT_PROBLEMS, fail_usage, repository_root


def register(commands) -> None:
    parser = commands.add_parser("check-phi", help="look for patient identifiers in text, file names, "
                                 "DICOM headers, image metadata, burned-in text and faces")
    parser.add_argument("paths", nargs="*", help="files or folders (default: cases/)")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument("--output", "-o", help="write the report to this file instead of the screen")
    parser.add_argument("--no-ocr", action="store_true", help="skip reading text burned into pixels")
    parser.add_argument("--no-faces", action="store_true", help="skip face detection in photographs")
    parser.add_argument("--no-cache", action="store_true", help="check every file again")
    parser.add_argument("--jobs", type=int, help="parallel processes for images and DICOM (default: cores)")
    parser.add_argument("--list-allowed", action="store_true", help="print every suppression for audit")
    parser.add_argument("--shard", type=parse_shard, metavar="I/N",
                        help="check only shard I of N of the files (whole case folders, chosen by a stable "
                             "hash of their path), for a scan split across parallel CI jobs")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..phi import report as formats
    from ..phi.scanner import scan

    root = repository_root(args)
    paths = [Path(p) for p in args.paths] or [root / "cases"]
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        return fail_usage("check-phi", f"no such file or folder: {', '.join(missing)}")
    if args.shard is not None:
        paths = _shard_files(paths, root, args.shard)
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
    suppressed = f"; {len(result.suppressed)} suppressed" if result.suppressed else ""
    print(f"{count} possible patient identifier{'s' if count != 1 else ''} in {result.files} file"
          f"{'s' if result.files != 1 else ''} checked ({result.cached} unchanged since the last check"
          f"{suppressed}).", file=sys.stderr)
    if count:
        print("Remove the information (or the file). If a finding is not patient information, "
              "add '# phi: allow <reason>' on that line, or ask an editor to add an entry to "
              ".phi-allow.yml for an image; editors audit them with --list-allowed.", file=sys.stderr)
    return EXIT_PROBLEMS if count else EXIT_OK


def _shard_files(paths: list[Path], root: Path, shard) -> list[Path]:
    """The files of one shard: a case folder's files all go to the same one (so its folder names
    are checked once), chosen by a stable hash of the folder's path in the repository."""
    from ..phi.scanner import iter_files

    root = root.resolve()
    chosen = []
    for path in iter_files(paths):
        absolute = path if path.is_absolute() else Path.cwd() / path
        absolute = Path(os.path.realpath(absolute.parent)) / absolute.name  # the file itself may be a link
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            rel = path.as_posix()
        if shard.holds(case_unit(rel)):
            chosen.append(path)
    return chosen
