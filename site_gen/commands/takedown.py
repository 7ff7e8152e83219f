"""site-gen takedown CASE [--series PATH] --reason phi|copyright|other: remove a case or one series,
log it, strike its authors (recording whether the guard passes the material; --no-strike)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from . import EXIT_OK, fail_usage, repository_root


def register(commands) -> None:
    parser = commands.add_parser("takedown", help="(editors) remove a case and its generated output, log it "
                                 "and strike its contributors")
    parser.add_argument("case", help="the case folder name (cases/<name>)")
    parser.add_argument("--series", metavar="PATH", help="take down only this series (its path in case.yml, "
                        "e.g. ct-axial): its images, its case.yml entry and its converted images")
    parser.add_argument("--reason", required=True, choices=("phi", "copyright", "other"),
                        help="phi: patient information; copyright; other")
    parser.add_argument("--editor", default=os.environ.get("SITE_GEN_EDITOR"),
                        help="your username (an editor; default: $SITE_GEN_EDITOR)")
    parser.add_argument("--site-dir", help="built site to remove the case from (default: site/)")
    parser.add_argument("--force", action="store_true", help="remove the case even if it has uncommitted changes")
    parser.add_argument("--no-strike", action="store_true",
                        help="record no strike against the authors (editor's judgement, e.g. the guard passed it)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..contribute.casefile import CaseFileError
    from ..people.moderation import REASON_WORDS, ModerationProblem, takedown
    root = repository_root(args)
    if not args.editor:
        return fail_usage("takedown", "give your editor username with --editor (or set SITE_GEN_EDITOR)")
    from ..cache import cache_dir
    cache = cache_dir(root)
    try:
        result = takedown(root, args.case.strip("/").removeprefix("cases/"), args.reason, args.editor,
                          site_dir=Path(args.site_dir) if args.site_dir else None, cache_dir=cache, force=args.force,
                          series=args.series, strike=not args.no_strike)
    except (ModerationProblem, CaseFileError) as problem:
        return fail_usage("takedown", str(problem))
    out = sys.stderr
    what = f"series {result.series} of cases/{result.slug}" if result.series else f"cases/{result.slug}"
    print(f"Took down {what} ({REASON_WORDS[result.reason]}), {result.date}, by {result.editor}.", file=out)
    print("Removed from the working tree: " + ", ".join(result.removed), file=out)
    if result.guard_passed is True:
        print("The patient-information guard, run again on the material taken down, finds nothing: it had "
              "passed it. Any strike records this (guard_passed: true) and does not count towards "
              "suspension.", file=out)
    elif result.guard_passed is False:
        print(f"The patient-information guard, run again on the material taken down, finds {result.guard_findings} "
              "possible identifier(s): it would have refused it (guard_passed: false).", file=out)
    for name in result.struck:
        print(f"Strike added to @{name}" + (" — now SUSPENDED: they can no longer add or change cases"
                                            if name in result.suspended else "") + ".", file=out)
    if not result.strike:
        print("No strike recorded (--no-strike).", file=out)
    for name in result.unknown_authors:
        print(f"No profile for author '{name}': no strike recorded.", file=out)
    paths = " ".join([f"cases/{result.slug}"] + [c for c in result.changed if not c.startswith(f"cases/{result.slug}/")])
    label = f"{result.slug} {result.series}" if result.series else result.slug
    print("\nNothing is final until you commit. Commit and push now, then rebuild and publish the site "
          "(the page stays online until then):\n"
          f"  git add -A {paths}\n"
          f"  git commit -m 'Take down {label} ({result.reason})'", file=out)
    if result.reason == "phi":
        print("\nThe removed files are still in Git history, in forks and in caches. Purge them as described in "
              "docs/editors.md ('Purging a leaked file').", file=out)
    return EXIT_OK
