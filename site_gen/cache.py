"""Where site-gen keeps its caches (guard results, converted images): never inside the checkout.

A cache entry is a promise that this machine already did the work: "this file has no patient
information", "these are the web images of that series".  A folder inside the repository can
arrive with a clone or a pull request, so an entry found there may have been written by anyone
(a committed `.cache/site-gen/phi/...` saying "no findings", a converted image that is not the
checked source).  The caches therefore live outside the checkout:

* `$SITE_GEN_CACHE` when set (CI restores it with actions/cache), else
* `$XDG_CACHE_HOME/site-gen`, else `~/.cache/site-gen`.

A location inside the repository being checked or built is never used: the tools warn and use
the default location instead, so a committed cache folder has no effect.  In CI, GitHub scopes
actions/cache entries by branch: a pull request's job may read the target branch's cache but
writes only its own, so the main branch never reads entries a pull request's code wrote.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ENVIRONMENT = "SITE_GEN_CACHE"


def default_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "site-gen"


def is_inside(path: Path, root: Path) -> bool:
    """True when `path` (resolved, links followed) is `root` or lies below it."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return True  # cannot tell: treat as untrusted


def cache_dir(root: Path, configured: str | Path | None = None, *, quiet: bool = False) -> Path:
    """The cache folder to use for the repository at `root`: `configured` (e.g. the plugin's
    cache_dir), else $SITE_GEN_CACHE, else the default, and never a folder inside `root`."""
    chosen = configured or os.environ.get(ENVIRONMENT) or None
    if chosen:
        path = Path(chosen).expanduser()
        path = path if path.is_absolute() else root / path
        if not is_inside(path, root):
            return path
        if not quiet:
            print(f"site-gen: the cache folder {path} is inside the repository, where a committed file "
                  f"could pose as a cache entry; using {default_dir()} instead (set {ENVIRONMENT} to a "
                  "folder outside the repository)", file=sys.stderr)
    path = default_dir()
    if is_inside(path, root):  # a repository that holds the home folder: use a private temporary one
        path = Path(tempfile.mkdtemp(prefix="site-gen-cache-"))
    return path
