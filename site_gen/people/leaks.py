"""The build check: no e-mail address and no encrypted blob in the generated site.

Every file of the built site is read: text files for e-mail addresses in any form a reader
would recognise (site_gen.people.addresses: entities, percent-encoding, full-width and other
Unicode forms of "@", spelled-out "[at]"), every file (images included) for age messages,
armored or binary.  A finding names the file and line, never the address itself.  The
library's own scripts are known: the Contact form's sealing script holds the words of the
age armor, which are code, not a message.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..model.addresses import find_addresses

TEXT_SUFFIXES = {".html", ".htm", ".xml", ".json", ".js", ".mjs", ".css", ".txt", ".md", ".svg",
                 ".map", ".webmanifest", ".csv", ".yml", ".yaml", ".ics", ".rss", ".atom"}
# Armored age, binary age header, and the header in base64 (the start of any armored body).
AGE_MARKERS = (b"BEGIN AGE ENCRYPTED FILE", b"age-encryption.org/v1\n-> ", b"YWdlLWVuY3J5cHRpb24ub3JnL3Yx")
# Where the site's own assets are published (site_gen.site.plugin.ASSET_DIR).
OWN_ASSET_DIR = "assets/case-library/"


@dataclass(frozen=True)
class Leak:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def find_emails(text: str) -> list[tuple[int, int]]:
    """(line, column) of each e-mail address in text, however it is encoded."""
    return find_addresses(text)


@lru_cache(maxsize=1)
def _own_assets() -> dict[str, bytes]:
    """The library's packaged scripts and styles (site_gen/site/assets), by published path."""
    found: dict[str, bytes] = {}
    folder = resources.files("site_gen.site").joinpath("assets")

    def walk(node, prefix: str) -> None:
        for child in node.iterdir():
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.is_file():
                found[f"{prefix}{child.name}"] = child.read_bytes()
    walk(folder, "")
    return found


def _is_own_asset(rel: str, data: bytes) -> bool:
    if not rel.startswith(OWN_ASSET_DIR):
        return False
    own = _own_assets()
    name = rel[len(OWN_ASSET_DIR):]
    # The built sealing script is published under its file name (see site_gen.people.contact).
    return own.get(name) == data or own.get(f"built/{name}") == data


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
        for marker in () if _is_own_asset(rel, data) else AGE_MARKERS:
            at = data.find(marker)
            if at >= 0:
                leaks.append(Leak(rel, data.count(b"\n", 0, at) + 1, "an encrypted (age) message"))
                break
        if path.suffix.lower() in TEXT_SUFFIXES:
            text = data.decode("utf-8", errors="replace")
            for line, _column in find_emails(text):
                leaks.append(Leak(rel, line, "an e-mail address"))
    return leaks
