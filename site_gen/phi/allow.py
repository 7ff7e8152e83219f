"""Suppressions editors can audit: inline comments on a line, and an allow-file for binaries.

Inline, on the same line as the text:  `# phi: allow <reason>` (YAML, text) or
`<!-- phi: allow <reason> -->` (Markdown).  A reason is required.
Allow-file `.phi-allow.yml` at the repository root, for images and DICOM files: each entry
names the file by the SHA-256 of its content (so an edited file loses its exemption), the
detector and category, optionally the finding's place in the file, and a reason.  Values
are never stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .finding import Finding

ALLOW_FILE = ".phi-allow.yml"
_INLINE = re.compile(r"(?:#|<!--)\s*phi:\s*allow\b[ \t:]*(?P<reason>[^\n]*?)\s*(?:-->)?\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Suppression:
    path: str
    reason: str
    line: int | None = None
    sha256: str | None = None
    detector: str | None = None
    category: str | None = None
    where: str | None = None

    def describe(self) -> str:
        if self.line is not None:
            return f"{self.path}:{self.line}: inline: {self.reason}"
        scope = " ".join(x for x in (self.category, f"({self.detector})" if self.detector else None,
                                     self.where) if x)
        return f"{self.path}: allow-file {scope or 'all findings'}: {self.reason} [sha256 {self.sha256[:12]}]"


def inline_allows(text: str, rel: str) -> dict[int, Suppression]:
    """Lines carrying an allow comment with a reason (1-based line numbers)."""
    allows = {}
    for match in _INLINE.finditer(text):
        reason = match.group("reason").strip()
        if not reason:
            continue  # an unexplained allow does not count
        line = text.count("\n", 0, match.start()) + 1
        allows[line] = Suppression(path=rel, reason=reason, line=line)
    return allows


def where_of(finding: Finding) -> str:
    """The place of a finding inside its file, without the path (frame, box or line)."""
    return finding.location()[len(finding.path):].strip()


class AllowFile:
    def __init__(self, entries: list[Suppression], problems: list[str]):
        self.entries = entries
        self.problems = problems

    @classmethod
    def load(cls, root: Path) -> "AllowFile":
        path = root / ALLOW_FILE
        if not path.is_file():
            return cls([], [])
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            return cls([], [f"{ALLOW_FILE}:{mark.line + 1 if mark else 1}: not valid YAML; no exemption applied"])
        entries, problems = [], []
        for number, item in enumerate(data if isinstance(data, list) else [], start=1):
            if not isinstance(item, dict) or not item.get("sha256") or not item.get("reason"):
                problems.append(f"{ALLOW_FILE}: entry {number} needs at least 'sha256' and 'reason'")
                continue
            entries.append(Suppression(path=str(item.get("path", "?")), reason=str(item["reason"]),
                                       sha256=str(item["sha256"]), detector=item.get("detector"),
                                       category=item.get("category"), where=item.get("where")))
        return cls(entries, problems)

    def match(self, finding: Finding, sha256: str) -> Suppression | None:
        for entry in self.entries:
            if entry.sha256 != sha256:
                continue
            if entry.detector and entry.detector != finding.detector:
                continue
            if entry.category and entry.category != finding.category.value:
                continue
            if entry.where and entry.where != where_of(finding):
                continue
            return entry
        return None


def allow_entry(finding: Finding, sha256: str, reason: str = "<why this is not patient information>") -> dict:
    """The allow-file entry an editor would add for this finding."""
    return {"path": finding.path, "sha256": sha256, "detector": finding.detector,
            "category": finding.category.value, "where": where_of(finding) or None, "reason": reason}
