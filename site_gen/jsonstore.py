"""Small JSON entries in the cache folder, one file per key, for the build's skip-work caches.

Keys are hashes of everything an entry was computed from, so an entry never needs updating:
a change of input is a new key.  One file per entry keeps caches written by parallel CI jobs
mergeable by copying folders together (no two jobs write different content under one name).
Files are written atomically; an unreadable entry is treated as missing, never as an error.
Entries hold JSON only (never pickles), so a cache restored from elsewhere cannot run code.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable


def digest(*parts: object) -> str:
    """SHA-256 of parts (bytes as they are, anything else through its JSON or str form)."""
    hasher = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode("utf-8", "surrogatepass")
        else:
            data = json.dumps(part, sort_keys=True, default=str).encode()
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def files_fingerprint(folders: Iterable[Path], suffixes: tuple[str, ...] = (".py", ".j2", ".json", ".yml",
                                                                            ".yaml", ".html", ".js", ".css",
                                                                            ".txt")) -> str:
    """Name, size and modification time of the code and data files under folders: a change to
    any of them (an upgrade, an edit) changes the fingerprint, and so every key built on it."""
    hasher = hashlib.sha256()
    for folder in folders:
        for base, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(suffixes):
                    stat = os.stat(os.path.join(base, name))
                    hasher.update(f"{base}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return hasher.hexdigest()


class JsonStore:
    """`folder/<key[:2]>/<key>.json`; `folder` None disables the store (every get misses)."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> Any | None:
        if self.folder is None:
            return None
        try:
            with open(self._path(key), encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        if self.folder is None:
            return
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, target)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def keys(self) -> Iterable[str]:
        if self.folder is None or not self.folder.is_dir():
            return
        for sub in os.scandir(self.folder):
            if sub.is_dir() and len(sub.name) == 2:
                for entry in os.scandir(sub.path):
                    if entry.name.endswith(".json") and not entry.name.startswith("."):
                        yield entry.name[:-5]

    def discard(self, keys: Iterable[str]) -> int:
        removed = 0
        for key in keys:
            try:
                os.unlink(self._path(key))
                removed += 1
            except OSError:
                pass
        return removed


class JsonBundle:
    """Many small entries in one JSON file: read once, written once when something was added.

    Only the entries used since it was opened are written back, so it never fills up with
    results nobody asks for any more.  `also` names more bundles to read (written by other
    jobs sharing the cache folder); only `path` is ever written."""

    def __init__(self, path: Path | None, also: Iterable[Path] = ()):
        self.path = path
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.added = False
        for source in [*also, *([path] if path is not None else [])]:
            try:
                with open(source, encoding="utf-8") as handle:
                    data = json.load(handle)
            except (OSError, ValueError):
                continue
            if isinstance(data, dict):
                self.entries.update(data)
        self.loaded = len(self.entries)

    def get(self, key: str) -> Any | None:
        value = self.entries.get(key)
        if value is not None:
            self.used[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = self.used[key] = value
        self.added = True

    def save(self, prune: bool = True) -> None:
        """Write the used entries (all of them with prune=False) if any was added or, when
        pruning, many went unused; bundles of older versions beside it are removed."""
        if self.path is None or not (self.added or (prune and len(self.used) < 0.75 * self.loaded)):
            return
        keep = self.used if prune else self.entries
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(keep, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            return
        self.loaded, self.added = len(keep), False


def remove_other_versions(folder: Path, current: str) -> None:
    """Delete the entries of `folder` (files or folders) not named `current` or `current.json`:
    what older code versions left."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name in (current, f"{current}.json") or entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                import shutil
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            pass
