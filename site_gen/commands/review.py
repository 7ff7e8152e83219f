"""site-gen review BASE..HEAD: the editor's report for a range of commits, with contact sheets."""
from __future__ import annotations

import sys
from pathlib import Path

from . import EXIT_OK, EXIT_PROBLEMS, fail_usage, repository_root


def register(commands) -> None:
    parser = commands.add_parser("review", help="editor's report for a range of commits (e.g. origin/main..HEAD): "
                                 "cases, checks, patient information, completeness, contact sheets, next steps")
    parser.add_argument("range", help="BASE..HEAD, e.g. origin/main..HEAD (compared from their merge base)")
    parser.add_argument("--output", "-o", help="write the Markdown report to this file (default: the screen)")
    parser.add_argument("--sheets", metavar="FOLDER",
                        help="folder for the contact sheets, one PNG per series (default: review/ in the cache "
                             "folder, $SITE_GEN_CACHE or ~/.cache/site-gen); never a folder of the repository that "
                             "Git would commit")
    parser.add_argument("--contact-sheet", metavar="PNG",
                        help="name the sheets after this file: DIR/NAME.png gives DIR/NAME-01-<series>.png, ... "
                             "('none': no sheets)")
    parser.add_argument("--no-sheets", action="store_true", help="no contact sheets (faster)")
    parser.add_argument("--sheet-link", help="link to show for the contact sheets in the report (CI artifact)")
    parser.add_argument("--max-images", type=int, default=None, metavar="N",
                        help="at most N images per series on its sheet (sampled evenly; default 12)")
    parser.add_argument("--no-ocr", action="store_true", help="skip OCR (faster; no text boxes)")
    parser.set_defaults(run=run)


def _sheet_target(args, root: Path) -> tuple[Path | None, str]:
    import tempfile

    from ..contribute.review import check_sheet_folder, default_cache
    if args.no_sheets or (args.contact_sheet or "").lower() == "none":
        return None, ""
    if args.contact_sheet:
        named = Path(args.contact_sheet)
        return named.parent.resolve(), named.stem
    if args.sheets:
        return Path(args.sheets).resolve(), "contact-sheet"
    folder = (default_cache(root) / "review").resolve()
    if check_sheet_folder(root, folder):  # a repository that does not ignore .cache/: a temporary folder
        folder = Path(tempfile.gettempdir()) / "site-gen-review" / root.name
    return folder, "contact-sheet"


def run(args) -> int:
    from ..contribute.review import (ReviewProblem, check_sheet_folder, default_cache, parse_range, render_markdown,
                                     review_range)
    from ..progress import Progress

    root = repository_root(args)
    base, head = parse_range(args.range)
    folder, prefix = _sheet_target(args, root)
    if folder is not None:
        refused = check_sheet_folder(root, folder)
        if refused:
            return fail_usage("review", refused)
        for old in folder.glob(f"{prefix}-[0-9][0-9]-*.png") if folder.is_dir() else []:
            old.unlink()  # sheets of an earlier review in the same folder
    try:
        with Progress("Reviewing") as progress:
            review = review_range(root, base, head, sheet_folder=folder, sheet_prefix=prefix, ocr=not args.no_ocr,
                                  cache_dir=default_cache(root), limit=args.max_images, progress=progress.advance)
    except ReviewProblem as problem:
        return fail_usage("review", str(problem))
    report = render_markdown(review, sheet_link=args.sheet_link)
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")
        print(f"Wrote {args.output}.", file=sys.stderr)
    else:
        print(report)
    sheets = review.sheet
    if sheets is not None and sheets.sheets:
        print(f"Contact sheets ({len(sheets.sheets)}, one per series) in {folder}:", file=sys.stderr)
        for sheet in sheets.sheets:
            print(f"  {sheet.path.name}: {sheet.series}, {sheet.images} of {sheet.total} image(s)", file=sys.stderr)
    print(f"Reviewed {len(review.cases)} case{'s' if len(review.cases) != 1 else ''} in {progress.took}.",
          file=sys.stderr)
    return EXIT_PROBLEMS if review.failed else EXIT_OK
