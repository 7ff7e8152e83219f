"""The build check: no e-mail address and no encrypted blob in the generated site.

Every file of the built site is read: text files for e-mail addresses, every file (images
included) for age messages, armored or binary.  A finding names the file and line, never
the address itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .registry import EMAIL_IN_TEXT

TEXT_SUFFIXES = {".html", ".htm", ".xml", ".json", ".js", ".mjs", ".css", ".txt", ".md", ".svg",
                 ".map", ".webmanifest", ".csv", ".yml", ".yaml", ".ics", ".rss", ".atom"}
# Armored age, binary age header, and the header in base64 (the start of any armored body).
AGE_MARKERS = (b"BEGIN AGE ENCRYPTED FILE", b"age-encryption.org/v1\n-> ", b"YWdlLWVuY3J5cHRpb24ub3JnL3Yx")
# File names such as icon@2x.png look like addresses; their "domain" ends in a file type.
_NOT_DOMAINS = {"png", "jpg", "jpeg", "gif", "webp", "svg", "js", "css", "map", "woff", "woff2", "ttf", "html"}


@dataclass(frozen=True)
class Leak:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def find_emails(text: str) -> list[tuple[int, int]]:
    """(line, column) of each e-mail address in text."""
    found = []
    for match in EMAIL_IN_TEXT.finditer(text):
        if match.group(0).rsplit(".", 1)[-1].lower() in _NOT_DOMAINS:
            continue
        line = text.count("\n", 0, match.start()) + 1
        found.append((line, match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1))
    return found


def _is_theme_file(rel: str, data: bytes, theme_dirs: list[Path]) -> bool:
    """A file copied unchanged from the theme (e.g. Material's source maps name its authors)."""
    for folder in theme_dirs:
        candidate = folder / rel
        if candidate.is_file() and candidate.stat().st_size == len(data) and candidate.read_bytes() == data:
            return True
    return False


def scan_site(site_dir: Path, theme_dirs: list[Path] | None = None, skip: set[str] | None = None) -> list[Leak]:
    """Every leak in a built site; files identical to a file of the theme are not the library's,
    and `skip` names files known to hold no text (images rendered from pixels alone)."""
    leaks: list[Leak] = []
    if not site_dir.is_dir():
        return leaks
    skip = skip or set()
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(site_dir).as_posix()
        if rel in skip:
            continue
        data = path.read_bytes()
        if theme_dirs and _is_theme_file(rel, data, theme_dirs):
            continue
        for marker in AGE_MARKERS:
            at = data.find(marker)
            if at >= 0:
                leaks.append(Leak(rel, data.count(b"\n", 0, at) + 1, "an encrypted (age) message"))
                break
        if path.suffix.lower() in TEXT_SUFFIXES:
            text = data.decode("utf-8", errors="replace")
            for line, _column in find_emails(text):
                leaks.append(Leak(rel, line, "an e-mail address"))
    return leaks
