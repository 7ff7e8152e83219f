"""site-gen import-dicom SRC --case SLUG: de-identify a DICOM export (or photographs) into a case."""
from __future__ import annotations

import re
import sys

from . import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, fail_usage, repository_root


def register(commands) -> None:
    parser = commands.add_parser(
        "import-dicom", help="add images to a case: DICOM folder or DICOMDIR (de-identified), or PNG/JPEG "
                             "(metadata removed); the export is never changed")
    parser.add_argument("src", help="the exported folder, its DICOMDIR, or a PNG/JPEG file or folder")
    parser.add_argument("--case", required=True, help="case folder name under cases/ (must exist, or add --new-case)")
    parser.add_argument("--new-case", action="store_true",
                        help="create the case when it does not exist yet (else a mistyped name is refused)")
    parser.add_argument("--allow-several-patients", action="store_true",
                        help="accept images of more than one patient in this case (refused by default)")
    parser.add_argument("--list", action="store_true", help="only list the studies and series in the export")
    parser.add_argument("--series", help="import only these series, numbered as --list shows (e.g. 1,3)")
    parser.add_argument("--every", type=int, default=1, metavar="N",
                        help="keep every N-th slice (of a cine loop: every N-th frame)")
    parser.add_argument("--slices", metavar="FIRST-LAST",
                        help="keep only slices FIRST to LAST, counting from 1 (of a cine loop: frames)")
    parser.add_argument("--black-out-text", action="store_true",
                        help="find text burned into the images (OCR) and black it out")
    parser.add_argument("--crop", metavar="LEFT,TOP,RIGHT,BOTTOM", help="crop photographs to this box (pixels)")
    parser.add_argument("--modality", help="modality of photographs (e.g. XC, CR, US; default OT)")
    parser.add_argument("--plane", help="plane or projection to record (default: from the DICOM header)")
    parser.add_argument("--source", help="where the images come from (recorded in case.yml)")
    parser.add_argument("--licence", default="CC BY-NC-SA 4.0", help="licence of the images (default CC BY-NC-SA 4.0)")
    parser.add_argument("--findings", default="", help="findings text for the new study (else left to fill in)")
    parser.add_argument("--caption", default="", help="caption for the new series (else left to fill in)")
    parser.add_argument("--timing", help="timing of the study, e.g. 'day 0' (default: worked out from the study dates)")
    parser.add_argument("--title", default="", help="title, when the case does not exist yet")
    parser.add_argument("--author", action="append", default=[], help="author username, when the case does not exist yet")
    parser.set_defaults(run=run)


def _range(text: str | None):
    if not text:
        return None, None
    match = re.fullmatch(r"\s*(\d+)\s*(?:-|\.\.|:)\s*(\d+)\s*", text)
    if not match or int(match.group(1)) < 1 or int(match.group(2)) < int(match.group(1)):
        raise ValueError("--slices must look like 10-40 (first and last slice, counting from 1)")
    return int(match.group(1)), int(match.group(2))


def _crop(text: str | None):
    if not text:
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        raise ValueError("--crop must be four whole numbers: LEFT,TOP,RIGHT,BOTTOM in pixels")
    return tuple(int(p) for p in parts)


def _unknown_case(root, slug: str) -> int:
    """A mistyped --case must never create a case silently: suggest the close names instead."""
    import difflib

    from ..model.library import CASE_FILE
    cases = root / "cases"
    names = sorted(p.name for p in cases.iterdir() if (p / CASE_FILE).is_file()) if cases.is_dir() else []
    close = difflib.get_close_matches(slug, names, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
    print(f"site-gen import-dicom: there is no case '{slug}' (no cases/{slug}/{CASE_FILE}).{hint} "
          f"To start a new case, run site-gen new-case first, or add --new-case "
          f"(with --title and --author) to create it with this import.", file=sys.stderr)
    return EXIT_USAGE


def run(args) -> int:
    from pathlib import Path

    from ..contribute import importer, scaffold
    from ..contribute.casefile import CaseFileError, append_studies
    from ..model.library import CASE_FILE
    from ..model.schema import vocabulary
    from ..progress import Progress

    from ..phi.dicom_io import silence_pydicom

    silence_pydicom()  # pydicom's own warnings quote header values
    root = repository_root(args)
    slug_problem = scaffold.check_slug(args.case)
    if slug_problem:
        return fail_usage("import-dicom", slug_problem)
    src = Path(args.src)
    if not src.exists():
        return fail_usage("import-dicom", "the export folder or file given does not exist")
    if args.licence not in scaffold.licences():
        return fail_usage("import-dicom", f"--licence must be one of: {', '.join(scaffold.licences())}")
    if args.modality and args.modality.upper() not in vocabulary("modality"):
        return fail_usage("import-dicom", f"--modality must be one of: {', '.join(vocabulary('modality'))}")
    if args.every < 1:
        return fail_usage("import-dicom", "--every must be 1 or more")
    try:
        first, last = _range(args.slices)
        crop = _crop(args.crop)
        series = {int(p) for p in args.series.split(",") if p.strip()} if args.series else None
    except ValueError as problem:
        return fail_usage("import-dicom", str(problem) if "--" in str(problem) else "--series must be numbers like 1,3")
    options = importer.Options(
        selection=importer.Selection(every=args.every, first=first, last=last, series=series),
        black_out_text=args.black_out_text, crop=crop, modality=args.modality, plane=args.plane,
        source=args.source or importer.DEFAULT_SOURCE, licence=args.licence, findings=args.findings,
        caption=args.caption, timing=args.timing, allow_several_patients=args.allow_several_patients)
    case_folder = root / "cases" / args.case
    case_rel = f"cases/{args.case}"
    if not args.list and not (case_folder / CASE_FILE).is_file() and not args.new_case:
        return _unknown_case(root, args.case)
    try:
        if args.list:
            report = importer.ImportReport()
            studies, photos = importer.read_export(src, report)
            for line in importer.describe_export(studies, photos):
                print(line)
            return EXIT_OK
        with Progress("Importing and checking the images") as progress:
            report, entries, findings = importer.import_source(src, case_folder, options,
                                                               guard=importer.guard_folder)
    except importer.ImportProblem as problem:
        print(f"site-gen import-dicom: {problem}", file=sys.stderr)
        return EXIT_PROBLEMS
    except Exception as error:  # noqa: BLE001 - never a traceback (it could quote a header value)
        print(f"site-gen import-dicom: the import stopped on an unexpected problem ({error.__class__.__name__}); "
              "nothing was added to the case. Please report it to the editors (without the images).",
              file=sys.stderr)
        return EXIT_PROBLEMS
    if findings:
        for finding in findings:
            print(f"{case_rel}/{finding.location()}: {finding.category.value} ({finding.detector}): {finding.message}")
        from ..phi.finding import Category

        burned = any(f.box is not None and f.category is not Category.FACE for f in findings)
        print(f"\nNothing was added to {case_rel}: the de-identified images still hold possible patient "
              f"information ({len(findings)} finding{'s' if len(findings) != 1 else ''}; {progress.took}).",
              file=sys.stderr)
        if any(f.category is Category.FACE for f in findings):
            print("A face is shown: crop it out with --crop LEFT,TOP,RIGHT,BOTTOM (pixels of the upright picture; "
                  "the finding's box is where the face is), or leave that picture out. Only an editor can allow "
                  "a face.", file=sys.stderr)
        if burned and not args.black_out_text:
            print("Text is burned into the pixels: run again with --black-out-text, or leave those images out "
                  "(--series, --slices).", file=sys.stderr)
        else:
            print("Leave those images out (--series, --slices) or ask an editor.", file=sys.stderr)
        return EXIT_PROBLEMS
    case_file = case_folder / CASE_FILE
    try:
        if case_file.is_file():
            text = case_file.read_text(encoding="utf-8")
        else:
            from ..model.case_ids import next_case_id
            text = scaffold.render_case(scaffold.Essentials(slug=args.case, title=args.title,
                                                            authors=[a for a in args.author if a],
                                                            case_id=next_case_id(root)))
            report.case_file_created = True
        case_file.write_text(append_studies(text, entries), encoding="utf-8")
    except (CaseFileError, OSError) as problem:
        print(f"site-gen import-dicom: the images were written, but {case_rel}/{CASE_FILE} could not be "
              f"updated: {problem}. Add the series by hand:", file=sys.stderr)
        for entry in entries:
            for s in entry["series"]:
                print(f"  - path: {s['path']}", file=sys.stderr)
        return EXIT_PROBLEMS
    for line in importer.summary_lines(report, case_rel):
        print(line)
    print(f"{'Created' if report.case_file_created else 'Updated'} {case_rel}/{CASE_FILE}: "
          f"{sum(len(e['series']) for e in entries)} series added in {progress.took}. The patient-information "
          f"guard passed on every written file ({report.examined}).")
    todo = [w for w, missing in (("findings", not args.findings), ("captions", not args.caption)) if missing]
    if todo:
        print(f"Next: write the {' and '.join(todo)} in {case_rel}/{CASE_FILE}, then run: site-gen check {case_rel}")
    else:
        print(f"Next: site-gen check {case_rel}")
    return EXIT_OK
