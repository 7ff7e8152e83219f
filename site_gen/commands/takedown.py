"""site-gen takedown CASE --reason phi|copyright|other: remove a case, log it, strike its authors."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from . import EXIT_OK, fail_usage, repository_root


def register(commands) -> None:
    parser = commands.add_parser("takedown", help="(editors) remove a case and its generated output, log it "
                                 "and strike its contributors")
    parser.add_argument("case", help="the case folder name (cases/<name>)")
    parser.add_argument("--reason", required=True, choices=("phi", "copyright", "other"),
                        help="phi: patient information; copyright; other")
    parser.add_argument("--editor", default=os.environ.get("SITE_GEN_EDITOR"),
                        help="your username (an editor; default: $SITE_GEN_EDITOR)")
    parser.add_argument("--site-dir", help="built site to remove the case from (default: site/)")
    parser.add_argument("--force", action="store_true", help="remove the case even if it has uncommitted changes")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..people.moderation import REASON_WORDS, ModerationProblem, takedown
    root = repository_root(args)
    if not args.editor:
        return fail_usage("takedown", "give your editor username with --editor (or set SITE_GEN_EDITOR)")
    from ..cache import cache_dir
    cache = cache_dir(root)
    try:
        result = takedown(root, args.case.strip("/").removeprefix("cases/"), args.reason, args.editor,
                          site_dir=Path(args.site_dir) if args.site_dir else None, cache_dir=cache, force=args.force)
    except ModerationProblem as problem:
        return fail_usage("takedown", str(problem))
    out = sys.stderr
    print(f"Took down cases/{result.slug} ({REASON_WORDS[result.reason]}), {result.date}, by {result.editor}.", file=out)
    print("Removed from the working tree: " + ", ".join(result.removed), file=out)
    for name in result.struck:
        print(f"Strike added to @{name}" + (" — now SUSPENDED: they can no longer add or change cases"
                                            if name in result.suspended else "") + ".", file=out)
    for name in result.unknown_authors:
        print(f"No profile for author '{name}': no strike recorded.", file=out)
    paths = " ".join([f"cases/{result.slug}"] + result.changed)
    print("\nNothing is final until you commit. Commit and push now, then rebuild and publish the site "
          "(the page stays online until then):\n"
          f"  git add -A {paths}\n"
          f"  git commit -m 'Take down {result.slug} ({result.reason})'", file=out)
    if result.reason == "phi":
        print("\nThe case is still in Git history, in forks and in caches. Purge it as described in "
              "docs/editors.md ('Purging a leaked file').", file=out)
    return EXIT_OK
