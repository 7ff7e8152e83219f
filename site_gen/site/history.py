"""When each case was added and last changed, from Git history (one `git log` for all cases).

Publication dates are about the case file, never the patient: they date the teaching case
for citations and the "newest" listing.  Outside a Git checkout every case gets today.
"""
from __future__ import annotations

import datetime
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CaseDates:
    added: datetime.date
    updated: datetime.date


def case_dates(root: Path) -> dict[str, CaseDates]:
    if shutil.which("git") is None or not (root / ".git").exists():
        return {}
    try:
        log = subprocess.run(["git", "log", "--format=@%cs", "--name-only", "--", "cases"],
                             cwd=root, capture_output=True, text=True, timeout=120, check=True).stdout
    except (subprocess.SubprocessError, OSError):
        return {}
    added: dict[str, datetime.date] = {}
    updated: dict[str, datetime.date] = {}
    current = None
    for line in log.splitlines():  # newest commit first
        if line.startswith("@"):
            current = datetime.date.fromisoformat(line[1:])
        elif line.startswith("cases/") and current is not None:
            slug = line.split("/")[1]
            updated.setdefault(slug, current)
            added[slug] = current  # the oldest commit touching the case wins
    return {slug: CaseDates(added[slug], updated[slug]) for slug in added}


def dates_for(dates: dict[str, CaseDates], slug: str) -> CaseDates:
    today = datetime.date.today()
    return dates.get(slug, CaseDates(today, today))
