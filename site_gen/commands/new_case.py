"""site-gen new-case [SLUG]: create cases/<slug>/case.yml from the essentials (asked, or flags)."""
from __future__ import annotations

import sys

from . import EXIT_OK, EXIT_PROBLEMS, fail_usage, repository_root


def register(commands) -> None:
    parser = commands.add_parser("new-case", help="start a new case: cases/<name>/case.yml with the essentials")
    parser.add_argument("slug", nargs="?", help="case folder name, e.g. lung-abscess (default: from the title)")
    parser.add_argument("--title", help="the diagnosis as the case should be listed")
    parser.add_argument("--author", action="append", default=[], help="your username (users/<name>.yml); repeat for co-authors")
    parser.add_argument("--system", action="append", default=[], help="body system, e.g. chest (repeatable)")
    parser.add_argument("--tag", action="append", default=[], help="keyword (repeatable)")
    parser.add_argument("--age", help="age in years (adults rounded to 5), '90+', or e.g. '6 months'")
    parser.add_argument("--sex", help="female, male, other or 'not stated'")
    parser.add_argument("--presentation", help="one or two sentences of history")
    parser.add_argument("--diagnosis", help="final diagnosis (default: the title)")
    parser.add_argument("--certainty", help="possible, probable, almost certain, certain, not applicable")
    parser.add_argument("--licence", help="licence of the case text (default CC BY-NC-SA 4.0)")
    parser.add_argument("--interactive", action="store_true", help="ask for the essentials (default when typing in a terminal)")
    parser.add_argument("--no-input", action="store_true", help="never ask; leave what was not given blank")
    parser.set_defaults(run=run)


def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _ask(question: str, default: str = "") -> str:
    shown = f" [{default}]" if default else ""
    print(f"{question}{shown}: ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer:
        return default
    return answer.strip() or default


def _round_age(age):
    if isinstance(age, int) and age >= 18 and age % 5:
        rounded = min(5 * round(age / 5), 85) if age < 90 else age
        print(f"note: adult ages are rounded to 5 years so the patient cannot be singled out: "
              f"{age} written as {rounded}.", file=sys.stderr)
        return rounded
    if isinstance(age, int) and age > 89:
        print("note: ages above 89 are written \"90+\".", file=sys.stderr)
        return "90+"
    return age


def run(args) -> int:
    from ..contribute import scaffold

    root = repository_root(args)
    if not (root / "cases").is_dir():
        return fail_usage("new-case", f"no cases/ folder in {root}: run this inside the case library")
    interactive = args.interactive or (not args.no_input and sys.stdin.isatty())
    title = args.title or ""
    authors, systems, tags = _split(args.author), _split(args.system), _split(args.tag)
    age, sex = args.age, args.sex or ""
    presentation, diagnosis = args.presentation or "", args.diagnosis or ""
    certainty = args.certainty or scaffold.DEFAULT_CERTAINTY
    if interactive:
        print("New teaching case. Never type a name, date, record number or hospital. "
              "Press Enter to leave a field for later.", file=sys.stderr)
        title = title or _ask("Title (the diagnosis, as the case should be listed)")
        if not authors:
            authors = _split([_ask("Your username (users/<name>.yml)")])
        if not systems:
            systems = _split([_ask(f"Systems, comma-separated ({', '.join(scaffold.systems())})")])
        age = age or _ask("Patient age in years (adults rounded to 5, '90+', or e.g. '6 months')")
        sex = sex or _ask("Patient sex (female, male, other, not stated)")
        presentation = presentation or _ask("Presentation (one or two sentences of history)")
        diagnosis = diagnosis or _ask("Final diagnosis", title)
        certainty = _ask("Diagnostic certainty (possible, probable, almost certain, certain)", certainty)
    slug = args.slug or scaffold.slugify(title)
    if not slug:
        return fail_usage("new-case", "give the case a name (e.g. 'site-gen new-case lung-abscess') or a --title")
    essentials = scaffold.Essentials(
        slug=slug, title=title, authors=authors, systems=systems, tags=[t.lower() for t in tags],
        age=_round_age(scaffold.parse_age(age)), sex=sex.lower(), presentation=presentation,
        diagnosis=diagnosis, certainty=certainty, licence=args.licence or scaffold.DEFAULT_LICENCE)
    try:
        path = scaffold.create_case(root, essentials)
    except scaffold.ScaffoldError as problem:
        print(f"site-gen new-case: {problem}", file=sys.stderr)
        return EXIT_PROBLEMS
    rel = path.relative_to(root).as_posix()
    missing = [name for name, value in (("title", title), ("authors", authors), ("systems", systems),
                                        ("age", age), ("sex", sex), ("presentation", presentation)) if not value]
    print(f"Created {rel}.")
    if missing:
        print(f"Still to fill in: {', '.join(missing)}.")
    print(f"Next: site-gen import-dicom <your DICOM folder> --case {slug}   (adds the images, de-identified)")
    print(f"Then: site-gen check cases/{slug}")
    return EXIT_OK
