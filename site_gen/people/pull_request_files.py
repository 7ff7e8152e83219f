"""What files a pull request may add or change, whoever its author (part of `site-gen check-pr`).

* No symbolic link or submodule under a published folder, and none at all from a member: the
  guard and the build refuse links, and a link can carry a case in past every check.
* No cache or generated file (`.cache/`, `site/`, `__pycache__/`, anything the repository's
  .gitignore names): a committed cache entry could pose as a result this machine computed.
* No published folder spelled with other capitals (`Cases/`), and no two paths that differ only
  in capitals: on a case-insensitive disk (macOS, Windows) one silently replaces the other.
* `.phi-allow.yml` (exemptions from the guard) only from an editor: an approval is not enough,
  since a pull request can change after it was approved.
* `.gitattributes` only from an editor, never under a published folder (export-ignore hides
  files from the review, filters and encodings change what is checked out); no `.gitignore`
  under a published folder (it hides files from the hooks that a local build still publishes).
* The tools, the checks and the site's configuration (site_gen/, .github/workflows/, hooks,
  mkdocs.yml, .ci/, pyproject.toml) only with an editor as author or approver.

Paths are read with `git diff -z`, so names Git would quote (non-ASCII, control characters)
are seen exactly as they are.
"""
from __future__ import annotations

import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..fileset import PUBLISHED_FILES, PUBLISHED_FOLDERS
from . import gitutil

ALLOW_FILE = ".phi-allow.yml"
LINK_MODES = {"120000": "a symbolic link", "160000": "a submodule (a link to another repository)"}
GENERATED_FOLDERS = {".cache", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "node_modules",
                     ".venv", "venv", ".tox", "test-artifacts", ".ipynb_checkpoints"}
GENERATED_TOP = {"site", "build", "dist"}
GENERATED_SUFFIXES = (".pyc", ".pyo", ".egg-info")
SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini"}
TOOL_PATHS = ("site_gen/", ".github/workflows/", ".github/actions/", ".ci/", ".pre-commit-config.yaml",
              ".pre-commit-hooks.yaml", "mkdocs.yml", "pyproject.toml", "setup.py", "setup.cfg")


@dataclass
class Change:
    status: str       # A, M, D, T...
    path: str
    new_mode: str = ""
    old_mode: str = ""


def changed_files(root: Path, base: str) -> list[Change]:
    """Files changed from `base` to HEAD, paths exactly as stored (no quoting), with their modes."""
    done = subprocess.run(["git", "diff", "--raw", "-z", "--no-renames", "--no-abbrev", f"{base}...HEAD"],
                          cwd=root, capture_output=True)
    if done.returncode != 0:
        raise gitutil.GitProblem(f"git diff failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    fields = done.stdout.split(b"\0")
    changes = []
    index = 0
    while index + 1 < len(fields):
        header = fields[index].decode("ascii", "replace")
        if not header.startswith(":"):
            index += 1
            continue
        parts = header[1:].split()
        path = fields[index + 1].decode("utf-8", "surrogateescape")
        changes.append(Change(status=parts[4][:1], path=path, new_mode=parts[1], old_mode=parts[0]))
        index += 2
    return changes


def tree_paths(root: Path, rev: str = "HEAD") -> list[str]:
    done = subprocess.run(["git", "ls-tree", "-r", "-z", "--name-only", rev], cwd=root, capture_output=True)
    return [p.decode("utf-8", "surrogateescape") for p in done.stdout.split(b"\0") if p]


def _ignored(root: Path, paths: list[str]) -> set[str]:
    """Those of `paths` the repository's .gitignore files name (checked even though tracked)."""
    if not paths:
        return set()
    done = subprocess.run(["git", "check-ignore", "--no-index", "-z", "--stdin"], cwd=root,
                          input=b"\0".join(p.encode("utf-8", "surrogateescape") for p in paths) + b"\0",
                          capture_output=True)
    return {p.decode("utf-8", "surrogateescape") for p in done.stdout.split(b"\0") if p}


def is_published(path: str) -> bool:
    """Under a published folder or a published file, in any capitals (macOS and Windows disks
    do not tell `Cases/` from `cases/`)."""
    top = path.split("/")[0].casefold()
    return top in PUBLISHED_FOLDERS or path.casefold() in PUBLISHED_FILES


def _same_on_disk(path: str) -> str:
    """How a case-insensitive, normalising disk (macOS, Windows) sees a path."""
    return unicodedata.normalize("NFC", path).casefold()


def generated_reason(path: str) -> str | None:
    parts = path.split("/")
    if parts[0] in GENERATED_TOP and len(parts) > 1:
        return f"'{parts[0]}/' is build output"
    for part in parts:
        if part in GENERATED_FOLDERS:
            return f"'{part}/' is a cache or tool folder"
        if part.endswith(GENERATED_SUFFIXES):
            return "it is a generated file"
    if parts[-1].lower() in SYSTEM_FILES:
        return "it is a file the operating system makes"
    return None


def check_files(root: Path, changes: list[Change], *, author_is_editor: bool, editor_ok: bool,
                shown) -> list[str]:
    """Problems with the files of a pull request (`shown` makes a path safe to print)."""
    problems = []
    present = [c for c in changes if c.status != "D"]
    for change in present:
        kind = LINK_MODES.get(change.new_mode)
        # (a link anywhere from a member, or in a published folder from anyone)
        if kind and (is_published(change.path) or not author_is_editor):
            problems.append(f"{shown(change.path)}: this is {kind}; the guard and the build refuse links: commit "
                            "the file itself")
    ignored = _ignored(root, [c.path for c in present])
    for change in present:
        reason = generated_reason(change.path) or (
            "the repository's .gitignore says it is not to be committed" if change.path in ignored else None)
        if reason:
            problems.append(f"{shown(change.path)}: caches and generated files may not be committed ({reason}); "
                            f"remove it with 'git rm --cached' and commit")
    published = {name.lower(): name for name in (*PUBLISHED_FOLDERS, *PUBLISHED_FILES)}
    for change in present:
        top = change.path.split("/")[0]
        if top.lower() in published and top != published[top.lower()]:
            problems.append(f"{shown(change.path)}: '{shown(top)}' is not '{published[top.lower()]}': use the exact "
                            "folder name (capitals matter)")
    spellings: dict[str, set[str]] = {}
    for path in tree_paths(root):  # files and the folders holding them
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            spellings.setdefault(_same_on_disk(prefix), set()).add(prefix)
    reported: set[str] = set()
    for change in present:
        parts = change.path.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            others = sorted(spellings.get(_same_on_disk(prefix), set()) - {prefix})
            if others and _same_on_disk(prefix) not in reported:
                reported.add(_same_on_disk(prefix))
                problems.append(f"{shown(prefix)}: differs from {shown(others[0])} only in capitals; on macOS and "
                                "Windows one would replace the other: rename one of them")
    for change in changes:
        name = change.path.rsplit("/", 1)[-1].casefold()
        if _same_on_disk(change.path) == ALLOW_FILE and not author_is_editor:
            problems.append(f"{ALLOW_FILE}: only editors grant exemptions from the patient-information guard; "
                            "ask an editor to add the entry in their own pull request (an approval is not enough)")
        elif name == ".gitattributes" and (is_published(change.path) or not author_is_editor):
            problems.append(f"{shown(change.path)}: .gitattributes changes what is checked out and reviewed; only "
                            "editors may change it, and never inside a published folder")
        elif name == ".gitignore" and is_published(change.path) and change.status != "D":
            problems.append(f"{shown(change.path)}: a .gitignore inside a published folder hides files from the "
                            "checks that a build would still publish; remove it")
        elif _same_on_disk(change.path).startswith(TOOL_PATHS) and not editor_ok:
            problems.append(f"{shown(change.path)}: changes to the tools, checks or site configuration need an "
                            "editor as author or approver")
    return problems
