"""The built site folder across builds: keep what did not change, place media, scan for leaks.

MkDocs empties `site_dir` at the start of every build (`mkdocs build` and every `mkdocs
serve` rebuild, unless `--dirty`), except for entries whose names start with a dot.  Before
the build the plugin renames the media it placed last time (and, under `mkdocs serve`, the
previous pages) into one hidden folder, `Stash`, which MkDocs leaves alone; afterwards it
moves back what is still wanted and deletes the rest, so images of removed cases never
stay behind.  Renames within one folder tree are instant, where re-linking tens of
thousands of images is not.  If anything about the stash is off (a crash halfway, a
hand-edited folder), the placement record is missing and everything is placed again.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import defaultdict
from pathlib import Path

from ..jsonstore import digest, remove_other_versions
from ..people import leaks

STASH = ".case-library-previous"


class Stash:
    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self.folder = site_dir / STASH

    def keep(self, names: set[str]) -> None:
        """Move these top-level entries of site_dir into the stash (what is already stashed
        from an interrupted build wins: it is what the placement record describes)."""
        for name in sorted(names):
            source = self.site_dir / name
            if not name or name.startswith(".") or not (source.exists() or source.is_symlink()):
                continue
            target = self.folder / name
            if target.exists():
                _remove(source)
                continue
            self.folder.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)

    def has(self, rel: str) -> bool:
        return (self.folder / rel).is_file()

    def restore(self, rel: str, made: set[str] | None = None) -> bool:
        """Move one file back to its place in site_dir (False if it is not in the stash);
        `made` remembers the folders already there, across calls."""
        parent, _, name = rel.rpartition("/")
        kept_parent = os.path.join(self.folder, parent)
        try:
            if (parent and not os.path.exists(os.path.join(self.site_dir, parent))
                    and os.listdir(kept_parent) == [name]):
                # a page alone in its folder (cases/x/index.html): move the folder, nothing left behind
                grand = parent.rpartition("/")[0]
                if grand and (made is None or grand not in made):
                    os.makedirs(os.path.join(self.site_dir, grand), exist_ok=True)
                    if made is not None:
                        made.add(grand)
                os.rename(kept_parent, os.path.join(self.site_dir, parent))
                return True
            if parent and (made is None or parent not in made):
                os.makedirs(os.path.join(self.site_dir, parent), exist_ok=True)
                if made is not None:
                    made.add(parent)
            os.rename(os.path.join(self.folder, rel), os.path.join(self.site_dir, rel))
            return True
        except OSError:
            return False

    def clear(self) -> None:
        _remove(self.folder)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except OSError:
            pass


# -- media ----------------------------------------------------------------------------------------
class Placement:
    """Which converted image sits at which site path after the last complete placement.

    Kept in the cache folder (never in the site, where it would publish local paths), keyed
    by the site folder.  It is deleted before a placement starts and written when it ends."""

    def __init__(self, cache_dir: Path, site_dir: Path):
        self.path = cache_dir / "placements" / f"{digest(str(site_dir.resolve()))[:24]}.json"
        self.known: dict[str, str] | None = None  # what this process last wrote (mkdocs serve)

    def load(self) -> dict[str, str]:
        if self.known is not None and self.path.is_file():
            return self.known
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        self.known = data if isinstance(data, dict) else {}
        return self.known

    def forget(self) -> None:
        self.known = None
        try:
            self.path.unlink()
        except OSError:
            pass

    def save(self, media: dict[str, str]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(media, separators=(",", ":")))
            os.replace(temporary, self.path)
            self.known = media
        except OSError:
            pass


def top_names(uris) -> set[str]:
    return {uri.split("/", 1)[0] for uri in uris}


def place_media(media: dict[str, Path], site_dir: Path, stash: Stash, placement: Placement) -> dict[str, int]:
    """Put every converted image at its site path: moved back from the stash when the same
    cache file was placed there last time (a whole folder at once when nothing in it changed),
    else hard-linked from the cache (copied across file systems)."""
    previous = placement.load()
    wanted = {uri: str(source) for uri, source in media.items()}
    unchanged = wanted == previous  # then the record stays true whatever happens below
    if not unchanged:
        placement.forget()
    counts = {"folders_kept": 0, "files_kept": 0, "files_linked": 0}
    folders: dict[str, dict[str, str]] = defaultdict(dict)
    for uri, source in wanted.items():
        parent, _, name = uri.rpartition("/")
        folders[parent][name] = source
    before: dict[str, dict[str, str]] = defaultdict(dict)
    for uri, source in previous.items():
        parent, _, name = uri.rpartition("/")
        before[parent][name] = source
    # Nothing changed below a top-level folder the site holds only media in: one rename.
    for top in top_names(wanted):
        mine = {uri: source for uri, source in wanted.items() if uri.startswith(top + "/")}
        theirs = {uri: source for uri, source in previous.items() if uri.startswith(top + "/")}
        if (mine == theirs and not (site_dir / top).exists() and (stash.folder / top).is_dir()
                and set(os.listdir(stash.folder / top)) == {uri.split("/")[1] for uri in mine if uri.count("/") > 1}):
            os.rename(stash.folder / top, site_dir / top)
            for parent in {uri.rpartition("/")[0] for uri in mine}:
                folders.pop(parent, None)
            counts["files_kept"] += len(mine)
    made: set[str] = set()
    for parent, names in folders.items():
        target = site_dir / parent
        kept = stash.folder / parent
        if before.get(parent) == names and not target.exists() and kept.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(kept, target)  # the same cache files as last time, and nothing else
            counts["folders_kept"] += 1
            counts["files_kept"] += len(names)
            continue
        if parent not in made:
            target.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        for name, source in names.items():
            uri = f"{parent}/{name}"
            if previous.get(uri) == source and stash.restore(uri):
                counts["files_kept"] += 1
                continue
            destination = target / name
            if destination.exists() or destination.is_symlink():
                destination.unlink()
            try:
                os.link(source, destination)
            except OSError:
                shutil.copyfile(source, destination)
            counts["files_linked"] += 1
    if not unchanged or placement.known is None:
        placement.save(wanted)
    return counts


# -- leak scan, once per content ------------------------------------------------------------------
def scan_changed_files(site_dir: Path, theme_dirs: list[Path], cache_dir: Path | None, version: str,
                       skip_top: set[str] = frozenset()) -> tuple[list[leaks.Leak], dict[str, int]]:
    """site_gen.people.leaks.scan_site over the files of the site whose content (at that path)
    it has not already found clean.  Those files are hard-linked into a hidden scratch folder
    with their site paths, so the scanner sees them exactly as it would in the site."""
    key = digest(version)[:16]
    record = cache_dir / "leak-scan" / f"{key}.json" if cache_dir is not None else None
    try:
        known = set(json.loads(record.read_text())) if record is not None else set()
    except (OSError, ValueError, TypeError):
        known = set()
    scratch = site_dir / f"{STASH}-scan"
    shutil.rmtree(scratch, ignore_errors=True)
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for base, dirs, files in os.walk(site_dir):
        rel_base = os.path.relpath(base, site_dir)
        if rel_base == ".":
            dirs[:] = [d for d in dirs if d not in (STASH, scratch.name) and d not in skip_top]
            rel_base = ""
        for name in files:
            rel = f"{rel_base}/{name}" if rel_base else name
            if rel_base == "" and name in skip_top:
                continue
            path = os.path.join(base, name)
            with open(path, "rb") as handle:
                content_hash = hashlib.blake2b(handle.read(), digest_size=20).hexdigest()
            seen[rel] = content_hash
            if f"{rel}\0{content_hash}" not in known:
                unknown.append(rel)
    found: list[leaks.Leak] = []
    if unknown:
        try:
            for rel in unknown:
                target = scratch / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(site_dir / rel, target)
                except OSError:
                    shutil.copyfile(site_dir / rel, target)
            found = leaks.scan_site(scratch, theme_dirs=theme_dirs)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    leaking = {leak.path for leak in found}
    clean = {f"{rel}\0{h}" for rel, h in seen.items() if rel not in leaking}
    if record is not None and clean != known:
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            temporary = record.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(sorted(clean)))
            os.replace(temporary, record)
            remove_other_versions(record.parent, key)
        except OSError:
            pass  # a record that cannot be written only costs time
    return found, {"files": len(seen), "scanned": len(unknown)}
