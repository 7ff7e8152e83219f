"""The files the site publishes, walked by the same rules everywhere: the PHI guard, validation,
the build and the hooks.

Rules (an adversary reads them, so they fail closed):

* Every file below a published folder is walked, hidden ones and folders named like caches
  included: the build decides what it publishes from case.yml, the guard looks at everything.
* A symbolic link to a file is followed only when its target stays inside the link's own unit
  (its case folder `cases/<name>/`, else its published folder such as `docs/`): the target is
  checked under the link's name.  A link leaving the unit or the repository, a link to nothing,
  and any link to a folder (a case folder that is itself a link included) are refused.
* Anything that is not a regular file (a pipe, a device) is refused: reading it could hang.

Published: cases/, collections/, users/, docs/ (MkDocs' docs_dir) and mkdocs.yml, plus the
docs_dir and theme.custom_dir named in mkdocs.yml when they differ.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

PUBLISHED_FOLDERS = ("cases", "collections", "users", "docs")
PUBLISHED_FILES = ("mkdocs.yml",)
# Walking the repository root itself: tool folders that are never published.
ROOT_SKIPPED = {".git", ".cache", ".venv", "node_modules", "__pycache__", ".pytest_cache", "site"}

LINKED_FOLDER = ("is a symbolic link to a folder; the guard and the build accept only real folders: "
                 "move the folder here instead of linking it")


@dataclass(frozen=True)
class Entry:
    """One file to check: `rel` is its repository path (a link's own name); `source` the file to
    read (the link's target for an accepted link); `problem` why it is refused instead."""

    path: Path
    rel: str
    source: Path | None
    problem: str | None = None


def _mkdocs_folders(root: Path) -> list[str]:
    from .people.settings import mkdocs_config  # tolerant reader of mkdocs.yml
    config = mkdocs_config(root)
    folders = []
    docs_dir = config.get("docs_dir")
    if isinstance(docs_dir, str) and docs_dir.strip():
        folders.append(docs_dir.strip().strip("/"))
    theme = config.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        folders.append(theme["custom_dir"].strip().strip("/"))
    return folders


def published_paths(root: Path) -> list[Path]:
    """The published folders and files that exist in the repository at `root`."""
    names = list(dict.fromkeys([*PUBLISHED_FOLDERS, *_mkdocs_folders(root), *PUBLISHED_FILES]))
    return [root / name for name in names if name and ((root / name).exists() or (root / name).is_symlink())]


def unit_of(rel: str) -> str:
    """The folder a link may not leave: `cases/<name>` for case files, else the top folder."""
    parts = rel.split("/")
    if parts[0] == "cases" and len(parts) >= 3:
        return "/".join(parts[:2])
    return parts[0] if len(parts) >= 2 else ""


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def link_problem(path: Path, boundary: Path) -> str | None:
    """Why the link `path` is refused (None: it is a file link that stays inside `boundary`)."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "is a symbolic link to nothing (or to itself); commit the file itself"
    if target.is_dir():
        return LINKED_FOLDER
    try:
        inside = target.is_relative_to(boundary.resolve())
    except OSError:
        inside = False
    if not inside:
        return (f"is a symbolic link leading outside {boundary.name or 'the repository'}/; the guard and the "
                "build refuse such links: copy the file here instead")
    return None


def _not_regular(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return f"cannot be read ({error.strerror or error.__class__.__name__})"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a pipe, device or socket); only files can be checked"
    return None


def _entry(path: Path, rel: str, root: Path) -> Entry:
    unit = unit_of(rel)
    boundary = root / unit if unit else root
    if path.is_symlink():
        problem = link_problem(path, boundary)
        if problem:
            return Entry(path, rel, None, problem)
        target = path.resolve()
        return Entry(path, rel, target, _not_regular(target))
    return Entry(path, rel, path, _not_regular(path))


def _linked_ancestor(path: Path, root: Path) -> Path | None:
    """The first folder between `root` and `path` that is a symbolic link."""
    rel = _relative(path, root)
    if rel is None:
        return None
    current = root
    for part in Path(rel).parts[:-1]:
        current = current / part
        if current.is_symlink():
            return current
    return None


def walk(paths: Iterable[Path], root: Path) -> Iterator[Entry]:
    """Every file below `paths`, with the rules above; paths outside `root` keep their own names."""
    root = root.resolve()
    for given in paths:
        absolute = Path(os.path.abspath(given))  # lexical: keeps the names of links
        rel = _relative(absolute, root)
        shown = rel if rel is not None else given.as_posix()
        try:
            exists = absolute.exists() or absolute.is_symlink()
        except OSError as error:  # e.g. a path too long for the system
            yield Entry(absolute, shown, None, f"cannot be read ({error.strerror or error.__class__.__name__})")
            continue
        if not exists:
            continue
        linked = _linked_ancestor(absolute, root) if rel is not None else None
        if linked is not None:
            yield Entry(linked, _relative(linked, root) or linked.as_posix(), None, LINKED_FOLDER)
            continue
        if absolute.is_symlink() and absolute.is_dir():
            yield Entry(absolute, shown, None, LINKED_FOLDER)
            continue
        if not absolute.is_dir():
            yield _entry(absolute, shown, root) if rel is not None else \
                Entry(absolute, shown, absolute, _not_regular(absolute) if not absolute.is_symlink()
                      else "is a symbolic link; commit the file itself")
            continue
        base = absolute
        problems: list[OSError] = []
        for folder, dirs, files in os.walk(base, onerror=problems.append):
            folder_path = Path(folder)
            if folder_path == root:
                dirs[:] = [d for d in dirs if d not in ROOT_SKIPPED]
            dirs.sort()
            for name in list(dirs):
                if (folder_path / name).is_symlink():  # os.walk does not enter them: refuse them
                    dirs.remove(name)
                    child = folder_path / name
                    yield Entry(child, _relative(child, root) or child.as_posix(), None, LINKED_FOLDER)
            for name in sorted(files):
                child = folder_path / name
                child_rel = _relative(child, root)
                if child_rel is None:  # a folder outside the repository (e.g. an export being imported)
                    child_rel = (Path(shown) / child.relative_to(base)).as_posix()
                    yield Entry(child, child_rel, child, "is a symbolic link; copy the file itself") \
                        if child.is_symlink() else Entry(child, child_rel, child, _not_regular(child))
                    continue
                yield _entry(child, child_rel, root)
        for error in problems:
            where = Path(error.filename) if error.filename else base
            yield Entry(where, _relative(where, root) or where.as_posix(), None,
                        f"is a folder that cannot be read ({error.strerror or error.__class__.__name__})")


def folder_files(folder: Path) -> list[Path]:
    """Visible files in one series folder, in name order, as the build reads them: links are
    taken only when they stay inside the case folder (see `case_folder_of`)."""
    boundary = case_folder_of(folder)
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            if link_problem(path, boundary) is None:
                found.append(path)
            continue
        if path.is_file():
            found.append(path)
    return found


def case_folder_of(path: Path) -> Path:
    """The case folder (`.../cases/<name>`) holding `path`, else the folder itself."""
    absolute = Path(os.path.abspath(path))
    for candidate in (absolute, *absolute.parents):
        if candidate.parent.name == "cases":
            return candidate
    return absolute if absolute.is_dir() and not absolute.is_symlink() else absolute.parent
