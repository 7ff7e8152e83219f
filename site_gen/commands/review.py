"""site-gen review BASE..HEAD: the editor's report for a range of commits, with a contact sheet."""
from __future__ import annotations

import sys
from pathlib import Path

from . import EXIT_OK, EXIT_PROBLEMS, fail_usage, repository_root


def register(commands) -> None:
    parser = commands.add_parser("review", help="editor's report for a range of commits (e.g. origin/main..HEAD): "
                                 "cases, checks, patient information, completeness, contact sheet")
    parser.add_argument("range", help="BASE..HEAD, e.g. origin/main..HEAD (compared from their merge base)")
    parser.add_argument("--output", "-o", help="write the Markdown report to this file (default: the screen)")
    parser.add_argument("--contact-sheet", default="contact-sheet.png", metavar="PNG",
                        help="where to write the contact sheet (default: contact-sheet.png); 'none' to skip")
    parser.add_argument("--sheet-link", help="link to show for the contact sheet in the report (CI artifact)")
    parser.add_argument("--max-images", type=int, default=None, help="at most this many tiles (sampled evenly)")
    parser.add_argument("--no-ocr", action="store_true", help="skip OCR (faster; no text boxes)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..contribute.review import ReviewProblem, default_cache, parse_range, render_markdown, review_range

    root = repository_root(args)
    base, head = parse_range(args.range)
    sheet = None if args.contact_sheet.lower() == "none" else Path(args.contact_sheet).resolve()
    try:
        review = review_range(root, base, head, sheet_path=sheet, ocr=not args.no_ocr,
                              cache_dir=default_cache(root), limit=args.max_images)
    except ReviewProblem as problem:
        return fail_usage("review", str(problem))
    report = render_markdown(review, sheet_link=args.sheet_link)
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")
        print(f"Wrote {args.output}.", file=sys.stderr)
    else:
        print(report)
    if review.sheet is not None and review.sheet.path is not None:
        print(f"Contact sheet: {review.sheet.path} ({review.sheet.images} image(s)).", file=sys.stderr)
    return EXIT_PROBLEMS if review.failed else EXIT_OK
