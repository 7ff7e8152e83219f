"""The pull-request checks CI runs (`site-gen check-pr`).

* A member changes only their own profile, and not its editorial fields (role, systems,
  status, strikes); anything else under users/ or moderation/ needs an editor: the author is
  an editor, or an editor other than the author approved.
* A suspended member (status at the base of the pull request) may not add or change cases.
* .github/CODEOWNERS matches the editors in users/ when the pull request changes them;
  each changed case is routed to its section editors (site_gen.people.codeowners).
* The files themselves: no links, caches or generated files, capitals that collide, allow-file
  entries from non-editors (site_gen/people/pull_request_files.py).

The author and approvers come from the CI environment (SITE_GEN_PR_AUTHOR, else GITHUB_ACTOR;
SITE_GEN_PR_APPROVERS, comma- or space-separated); the changed files from
`git diff --raw -z --no-renames BASE...HEAD` (a rename is a deletion and an addition).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model.library import load_library
from ..model.yamlsource import safe_load_limited
from ..phi.finding import printable
from . import codeowners, gitutil
from .pull_request_files import changed_files, check_files
from .registry import EDITORIAL_FIELDS

AUTHOR_VARIABLES = ("SITE_GEN_PR_AUTHOR", "GITHUB_ACTOR")
APPROVERS_VARIABLE = "SITE_GEN_PR_APPROVERS"
_PROFILE = re.compile(r"^users/([^/]+)\.yml$")


@dataclass
class PullRequestReport:
    author: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def author_from_environment(env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    for name in AUTHOR_VARIABLES:
        if env.get(name, "").strip():
            return env[name].strip()
    return ""


def approvers_from_environment(env: dict[str, str] | None = None) -> list[str]:
    env = os.environ if env is None else env
    return [name for name in re.split(r"[\s,]+", env.get(APPROVERS_VARIABLE, "")) if name]


def _profile_at(root: Path, rev: str, path: str) -> dict:
    text = gitutil.show(root, rev, path)
    if text is None:
        return {}
    try:
        data = safe_load_limited(text)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _editorial(data: dict) -> dict:
    defaults = {"role": "member", "systems": [], "status": "active", "strikes": []}
    return {name: data.get(name, defaults[name]) or defaults[name] for name in EDITORIAL_FIELDS}


def check_pull_request(root: Path, base: str, author: str, approvers: list[str]) -> PullRequestReport:
    root = root.resolve()
    report = PullRequestReport(author=author)
    if not author:
        report.problems.append("the pull request's author is unknown: CI must set SITE_GEN_PR_AUTHOR "
                               "(or GITHUB_ACTOR) to the author's username")
        return report
    merge_base = gitutil.git(root, "merge-base", base, "HEAD").strip()
    changes = changed_files(root, merge_base)
    base_author = _profile_at(root, merge_base, f"users/{author}.yml")
    # Editors as they were at the base: a pull request cannot make its own author an editor.
    base_editors: set[str] = set()
    for line in gitutil.git(root, "ls-tree", "--name-only", merge_base, "users/", check=False).splitlines():
        match = _PROFILE.match(line)
        if match and _profile_at(root, merge_base, line).get("role") == "editor":
            base_editors.add(match.group(1))
    author_is_editor = author in base_editors
    approving_editors = sorted(set(approvers) & base_editors - {author})
    editor_ok = author_is_editor or bool(approving_editors)
    if approving_editors:
        report.notes.append(f"approved by editor(s): {', '.join('@' + e for e in approving_editors)}")
    report.problems.extend(check_files(root, changes, author_is_editor=author_is_editor, editor_ok=editor_ok,
                                       shown=printable))

    for change in changes:
        match = _PROFILE.match(change.path)
        if match and match.group(1) == author:
            before = _editorial(_profile_at(root, merge_base, change.path))
            after = _editorial(_profile_at(root, "HEAD", change.path)) if change.status != "D" else before
            altered = [name for name in EDITORIAL_FIELDS if before[name] != after[name]]
            if altered and not editor_ok:
                report.problems.append(
                    f"{change.path}: you changed {', '.join(altered)} in your own profile; these are kept by the "
                    "editors, so an editor must approve this pull request")
        elif change.path.lower().startswith(("users/", "moderation/")) and not editor_ok:
            who = f"@{match.group(1)}'s profile" if match else "an editorial file"
            report.problems.append(f"{printable(change.path)}: this is {who}; members may change only their own profile "
                                   f"(users/{author}.yml) unless an editor approves the pull request")

    if base_author.get("status") == "suspended":
        touched = sorted({"/".join(c.path.split("/")[:2]) for c in changes
                          if c.path.lower().startswith("cases/") and c.status != "D" and c.path.count("/") >= 1})
        if touched:
            report.problems.append(f"@{author} is suspended after repeated patient-information takedowns and "
                                   f"may not add or change cases ({', '.join(printable(t) for t in touched)}); "
                                   "contact the editors")

    library = load_library(root)
    problems, notes = codeowners.check_pull_request(root, library, [c.path for c in changes], author)
    report.problems.extend(problems)
    report.notes.extend(notes)
    return report
