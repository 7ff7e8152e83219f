"""Permanent case numbers (`id:` in case.yml), like Radiopaedia's case numbers.

A case's web address and citation use its number, never its folder name: renaming the folder
keeps the address, and a quiz case's folder name (often the diagnosis) is never published.
`site-gen new-case` writes the next free number; the library refuses a number used twice.
Numbers are read with a line match so that finding the next free one needs no YAML parsing.
"""
from __future__ import annotations

import re
from pathlib import Path

ID_LINE = re.compile(r"^id:\s*(\d{1,8})\s*(?:#.*)?$", re.MULTILINE)


def read_case_id(case_file: Path) -> int | None:
    try:
        match = ID_LINE.search(case_file.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return int(match.group(1)) if match else None


def used_case_ids(root: Path) -> dict[int, list[Path]]:
    """Every number written in cases/*/case.yml, with the case folders that use it."""
    used: dict[int, list[Path]] = {}
    cases = root / "cases"
    if not cases.is_dir():
        return used
    for case_file in sorted(cases.glob("*/case.yml")):
        number = read_case_id(case_file)
        if number is not None:
            used.setdefault(number, []).append(case_file.parent)
    return used


def next_case_id(root: Path) -> int:
    """One more than the highest number in use (numbers of removed cases are never reused
    while a higher one exists, so old links never lead to a different case)."""
    used = used_case_ids(root)
    return max(used, default=0) + 1
