"""Suppressions editors can audit: inline allow comments, and an allow-file for images and DICOM.

Inline, at the end of the text it excuses, naming the categories it silences and why:

    discussion: Baker cyst of the left knee.  # phi: allow NAME: eponym (Baker cyst)
    <!-- phi: allow NAME, INSTITUTION: the Mayo classification -->          (Markdown)

It silences only those categories, only on its own line and only in the text before it (in
YAML: only in the value that ends there, so one comment cannot excuse a whole one-line
flow-style file).  The reason is checked like any other text, and is shown masked.  A comment
that names no category, an unknown one, no reason, or sits where it excuses nothing silences
nothing and is reported.  The site never shows these comments (`strip_pragmas`).

Allow-file `.phi-allow.yml` at the repository root, for images and DICOM files only, written by
editors (`site-gen check-pr` refuses entries from anyone else): each entry names the file by
the SHA-256 of its content (an edited file loses its exemption), the categories it silences,
optionally the detector and the finding's place in the file, and a reason.  Values are never
stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .finding import Category, Finding, mask, printable

ALLOW_FILE = ".phi-allow.yml"
# Categories an inline comment may silence: what the text detector reports.  Faces, DICOM
# attributes and unreadable files are never silenced by a comment in text.
TEXT_CATEGORIES = frozenset(c.value for c in Category) - {"FACE", "DICOM_ATTRIBUTE", "CANNOT_VERIFY"}
FILE_CATEGORIES = frozenset(c.value for c in Category) - {"CANNOT_VERIFY"}
EXAMPLE = "# phi: allow NAME: eponym (Baker cyst)"

_PRAGMA = re.compile(r"(?:#|<!--)[ \t]*phi[ \t]*:[ \t]*allow\b", re.IGNORECASE)
_CATEGORY_HEAD = re.compile(r"[A-Za-z_,\s]*")  # the part before the first ':' (no nesting: linear)
_COMMENT_END = re.compile(r"[ \t]*-->")


@dataclass(frozen=True)
class Pragma:
    """One allow comment in a text: where it starts, what it silences, why."""

    offset: int               # of '#' or '<!--'
    line: int
    column: int
    reason_start: int         # offset of the reason (the text that is still checked)
    end: int                  # offset just after the comment ('-->' included)
    categories: frozenset[str]
    reason: str
    problem: str | None = None


@dataclass(frozen=True)
class Suppression:
    path: str
    reason: str
    line: int | None = None
    sha256: str | None = None
    detector: str | None = None
    categories: tuple[str, ...] = ()
    where: str | None = None

    @property
    def category(self) -> str | None:  # the first one, for callers that show one
        return self.categories[0] if self.categories else None

    def describe(self, show_path=None) -> str:
        """One line for people: the reason masked (it may itself hold what it excuses)."""
        path = show_path(self.path) if show_path else printable(self.path)
        reason = masked_text(self.reason)
        what = ", ".join(self.categories)
        if self.line is not None:
            return f"{path}:{self.line}: inline allow {what}: {reason}"
        scope = " ".join(x for x in (what, f"({self.detector})" if self.detector else None,
                                     f"at {self.where}" if self.where else None) if x)
        return f"{path}: allow-file {scope}: {reason} [sha256 {(self.sha256 or '')[:12]}]"


def masked_text(text: str) -> str:
    """`text` with every suspected identifier replaced by its masked shape, control characters escaped."""
    from .text import analyze
    spans = sorted(analyze(text), key=lambda s: s.start)
    out, cursor = [], 0
    for span in spans:
        if span.start < cursor:
            continue
        out.append(text[cursor:span.start])
        out.append(mask(text[span.start:span.end]) or "x")
        cursor = span.end
    out.append(text[cursor:])
    return printable("".join(out))


def _parse(text: str, match: re.Match, line_end: int) -> tuple[frozenset[str], int, str, int, str | None]:
    """(categories, reason_start, reason, end, problem) of the comment starting at `match`."""
    html = match.group().startswith("<!--")
    body_end = line_end
    closing = None
    if html:
        closing = text.find("-->", match.end(), line_end)
        body_end = closing if closing != -1 else line_end
    end = closing + 3 if closing is not None and closing != -1 else line_end
    body = text[match.end():body_end]
    colon = body.find(":")
    while colon != -1 and body.startswith("//", colon + 1):  # 'https://' is not the separator
        colon = body.find(":", colon + 1)
    if colon == -1 or not _CATEGORY_HEAD.fullmatch(body, 0, colon):
        return frozenset(), match.end(), body.strip(), end, (
            f"an allow comment must name the categories it allows, e.g. '{EXAMPLE}'")
    reason_start = match.end() + colon + 1
    names = [n.upper() for n in re.split(r"[\s,]+", body[:colon]) if n]
    reason = text[reason_start:body_end].strip()
    unknown = [n for n in names if n not in TEXT_CATEGORIES]
    if not names:
        problem = f"an allow comment must name the categories it allows, e.g. '{EXAMPLE}'"
    elif unknown:
        problem = ("an allow comment names something that is not a category; use one or more of "
                   f"{', '.join(sorted(TEXT_CATEGORIES))}, e.g. '{EXAMPLE}'")
    elif not reason:
        problem = "an allow comment needs a reason after the categories, e.g. '" + EXAMPLE + "'"
    else:
        problem = None
    return frozenset(names), reason_start, reason, end, problem


def find_pragmas(text: str) -> list[Pragma]:
    """Every allow comment in `text` (valid or not), in order."""
    pragmas = []
    for match in _PRAGMA.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end == -1 else line_end
        categories, reason_start, reason, end, problem = _parse(text, match, line_end)
        pragmas.append(Pragma(offset=match.start(), line=text.count("\n", 0, match.start()) + 1,
                              column=match.start() - line_start + 1, reason_start=reason_start, end=end,
                              categories=categories, reason=reason, problem=problem))
    return pragmas


def blank_pragma_heads(text: str, pragmas: list[Pragma] | None = None) -> str:
    """`text` with each comment's `# phi: allow CATEGORIES:` replaced by spaces (same offsets), so
    the words of the syntax are not read as text while the reason still is."""
    pragmas = find_pragmas(text) if pragmas is None else pragmas
    if not pragmas:
        return text
    chars = list(text)
    for pragma in pragmas:
        for index in range(pragma.offset, pragma.reason_start):
            if chars[index] != "\n":
                chars[index] = " "
        closing = _COMMENT_END.search(text, pragma.reason_start, pragma.end)
        if closing:
            for index in range(closing.start(), pragma.end):
                chars[index] = " "
    return "".join(chars)


_STRIP = re.compile(r"[ \t]*(?:<!--[ \t]*phi[ \t]*:[ \t]*allow\b[^\n]*?(?:-->|$)|#[ \t]*phi[ \t]*:[ \t]*allow\b[^\n]*)",
                    re.IGNORECASE | re.MULTILINE)


def strip_pragmas(text: str) -> str:
    """Published text without allow comments, wherever they sit (block scalars, quoted values)."""
    if "phi" not in text.lower():
        return text
    return _STRIP.sub("", text)


def where_of(finding: Finding) -> str:
    """The place of a finding inside its file, without the path (frame, box or line)."""
    return finding.location()[len(finding.path):].strip()


@dataclass
class AllowFile:
    entries: list[Suppression] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path) -> "AllowFile":
        from ..model.yamlsource import safe_load_limited
        path = root / ALLOW_FILE
        if path.is_symlink():
            return cls([], [f"{ALLOW_FILE} is a symbolic link; no exemption applied"])
        if not path.is_file():
            return cls([], [])
        try:
            data = safe_load_limited(path.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else getattr(error, "line", 1)
            return cls([], [f"{ALLOW_FILE}:{line}: not valid YAML or too complex; no exemption applied"])
        except (OSError, UnicodeDecodeError):
            return cls([], [f"{ALLOW_FILE}: cannot be read as UTF-8 text; no exemption applied"])
        entries, problems = [], []
        for number, item in enumerate(data if isinstance(data, list) else [], start=1):
            entry, problem = _entry(item)
            if problem:
                problems.append(f"{ALLOW_FILE}: entry {number} {problem}; it is not applied")
            else:
                entries.append(entry)
        return cls(entries, problems)

    def match(self, finding: Finding, sha256: str) -> Suppression | None:
        if finding.line is not None:
            return None  # text is excused by a comment on its line, never from here
        for entry in self.entries:
            if entry.sha256 != sha256 or finding.category.value not in entry.categories:
                continue
            if entry.detector and entry.detector != finding.detector:
                continue
            if entry.where and entry.where != where_of(finding):
                continue
            return entry
        return None


def _entry(item) -> tuple[Suppression | None, str | None]:
    if not isinstance(item, dict) or not item.get("sha256") or not str(item.get("reason") or "").strip():
        return None, "needs at least 'sha256', 'category' and 'reason'"
    raw = item.get("category", item.get("categories"))
    names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    names = [str(n).strip().upper() for n in names if str(n).strip()]
    if not names:
        return None, "must name the categories it allows ('category: NAME' or a list)"
    unknown = [n for n in names if n not in FILE_CATEGORIES]
    if unknown:
        return None, f"names something that is not a category (use {', '.join(sorted(FILE_CATEGORIES))})"
    return Suppression(path=str(item.get("path", "?")), reason=str(item["reason"]), sha256=str(item["sha256"]),
                       detector=item.get("detector") or None, categories=tuple(names),
                       where=item.get("where") or None), None


def allow_entry(finding: Finding, sha256: str, reason: str = "<why this is not patient information>") -> dict:
    """The allow-file entry an editor would add for this finding."""
    return {"path": finding.path, "sha256": sha256, "detector": finding.detector,
            "category": finding.category.value, "where": where_of(finding) or None, "reason": reason}
