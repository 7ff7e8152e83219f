"""site-gen check-pr: the pull-request rules CI enforces (own profile only, suspended members,
CODEOWNERS up to date)."""
from __future__ import annotations

import os
import sys

from . import EXIT_OK, EXIT_PROBLEMS, fail_usage, repository_root


def register(commands) -> None:
    parser = commands.add_parser("check-pr", help="check a pull request: profile edits, suspended authors, "
                                 "CODEOWNERS")
    parser.add_argument("--base", help="the branch the pull request goes into (default: origin/$GITHUB_BASE_REF, "
                        "else origin/main)")
    parser.add_argument("--author", help="the pull request's author (default: $SITE_GEN_PR_AUTHOR, else $GITHUB_ACTOR)")
    parser.add_argument("--approved-by", help="usernames that approved, comma-separated "
                        "(default: $SITE_GEN_PR_APPROVERS)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..people.gitutil import GitProblem
    from ..people.pull_request import approvers_from_environment, author_from_environment, check_pull_request
    root = repository_root(args)
    base = args.base or os.environ.get("SITE_GEN_PR_BASE") or (
        f"origin/{os.environ['GITHUB_BASE_REF']}" if os.environ.get("GITHUB_BASE_REF") else "origin/main")
    author = args.author or author_from_environment()
    approvers = ([a for a in args.approved_by.replace(",", " ").split()] if args.approved_by
                 else approvers_from_environment())
    try:
        report = check_pull_request(root, base, author, approvers)
    except GitProblem as problem:
        return fail_usage("check-pr", f"{problem} (is '{base}' fetched? give it with --base)")
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    for problem in report.problems:
        print(problem)
    if report.problems:
        print(f"\nThis pull request by @{author or '?'} cannot be merged as it is "
              f"({len(report.problems)} problem{'s' if len(report.problems) != 1 else ''}).", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Pull request by @{author}: profile, suspension and CODEOWNERS checks passed.", file=sys.stderr)
    return EXIT_OK
