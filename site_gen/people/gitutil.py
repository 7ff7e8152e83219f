"""The few git calls the people tools need, with plain-words errors."""
from __future__ import annotations

import subprocess
from pathlib import Path


class GitProblem(Exception):
    pass


def git(root: Path, *args: str, check: bool = True) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        raise GitProblem("git is not installed") from None
    if check and result.returncode != 0:
        raise GitProblem(f"git {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def show(root: Path, rev: str, path: str) -> str | None:
    """A file's text at a revision, or None when it did not exist there."""
    result = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=root, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def uncommitted(root: Path, path: str) -> list[str]:
    """Files under path with changes not committed (modified, new or deleted)."""
    out = git(root, "status", "--porcelain", "--untracked-files=all", "--", path, check=False)
    return [line[3:] for line in out.splitlines() if line.strip()]


def is_repository(root: Path) -> bool:
    return subprocess.run(["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True).returncode == 0
