"""Opt-in Git LFS storage for images and DICOM: the .gitattributes rules, and pointer detection.

A deployment that outgrows plain Git objects stores case images through Git LFS (see
docs/scaling.md).  `site-gen lfs setup` writes the rules below into .gitattributes between
marker lines (idempotent; other lines are kept) and, when git-lfs is installed, runs
`git lfs install --local` so the clean/smudge filters are active in this clone.

This repository itself has no LFS storage behind it: it never runs the setup, and a test keeps
LFS pointers out of its own history.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..media.discover import is_lfs_pointer, read_head

BEGIN = "# >>> site-gen lfs: case images and DICOM in Git LFS (site-gen lfs setup)"
END = "# <<< site-gen lfs"
PATTERNS = ("*.dcm", "*.DCM", "*.dicom", "*.ima", "*.IMA", "*.png", "*.PNG", "*.jpg", "*.JPG", "*.jpeg", "*.JPEG")


def rules(folder: str = "cases") -> list[str]:
    return [f"{folder}/**/{pattern} filter=lfs diff=lfs merge=lfs -text" for pattern in PATTERNS]


def block(folder: str = "cases") -> str:
    return "\n".join([BEGIN, *rules(folder), END]) + "\n"


def write_gitattributes(root: Path, folder: str = "cases") -> tuple[Path, bool]:
    """Add (or refresh) the rules block; returns (path, changed)."""
    path = root / ".gitattributes"
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    lines = old.splitlines(keepends=True)
    if BEGIN in old and END in old:
        start = next(i for i, line in enumerate(lines) if line.rstrip("\n") == BEGIN)
        end = next(i for i, line in enumerate(lines) if line.rstrip("\n") == END and i > start)
        new = "".join(lines[:start]) + block(folder) + "".join(lines[end + 1:])
    else:
        new = old + ("" if not old or old.endswith("\n") else "\n") + block(folder)
    if new == old:
        return path, False
    path.write_text(new, encoding="utf-8")
    return path, True


def remove_gitattributes(root: Path) -> bool:
    path = root / ".gitattributes"
    if not path.is_file():
        return False
    old = path.read_text(encoding="utf-8")
    if BEGIN not in old:
        return False
    lines = old.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.rstrip("\n") == BEGIN)
    end = next((i for i, line in enumerate(lines) if line.rstrip("\n") == END and i > start), len(lines) - 1)
    path.write_text("".join(lines[:start] + lines[end + 1:]), encoding="utf-8")
    return True


def git_lfs_available() -> bool:
    if shutil.which("git") is None:
        return False
    try:
        return subprocess.run(["git", "lfs", "version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def install_hooks(root: Path) -> tuple[bool, str]:
    """`git lfs install --local`: the filters for this clone (pre-commit keeps its own hook)."""
    done = subprocess.run(["git", "lfs", "install", "--local"], cwd=root, capture_output=True, text=True)
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def is_pointer(path: Path) -> bool:
    try:
        return is_lfs_pointer(read_head(path))
    except OSError:
        return False


def pointers_in(paths) -> list[Path]:
    return [p for p in paths if p.is_file() and is_pointer(p)]
