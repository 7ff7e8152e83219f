"""Page generation that renders a page only when what it is made from changed.

`IncrementalGenerator` is the site generator (site_gen.site.generator) with one addition:
every page goes through `SiteGenerator._render(template, src, **context)`, and its output
depends only on the template, the page, the context and what every page shares (the
generator's options, contributors, people settings, this package's code).  A page's key is
a hash of all of those (`Fingerprints`); a page whose key was rendered before comes from
the memo (`PageMemo`: in memory across `mkdocs serve` rebuilds, over a bundle in the cache
folder).  A context value whose effect cannot be told from its value (a closure, an object
of an unknown kind) makes that page render every time.

When nothing the generator is given changed at all (`site_snapshot`), the whole generated
site is taken from the memo without running the generator.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime
import enum
import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import jinja2
import jinja2.bccache
from markupsafe import Markup

from ..jsonstore import JsonBundle, digest, files_fingerprint, remove_other_versions
from .generator import GeneratedSite, SiteGenerator

PACKAGE = Path(__file__).resolve().parents[1]
# Fields that do not change what a page shows (a series came from the cache or not).
IGNORED_FIELDS = frozenset({"from_cache"})


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package's code and data and the template libraries: cached pages die with them."""
    versions = []
    for name in ("jinja2", "markupsafe", "markdown"):
        try:
            versions.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            pass
    return digest(files_fingerprint([PACKAGE]), versions)[:16]


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in this process (never on disk: the cache folder may come from
    elsewhere, and compiled templates are code); a template whose source changed gets a new
    checksum and is compiled again."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = MemoryBytecodeCache()


class Uncacheable(Exception):
    """A value whose effect on a page cannot be told from the value."""


class Fingerprints:
    """Strings that differ whenever values would render differently.

    Dataclass objects (cases, series, contributors...) are printed once per object: the print
    is kept with the object (so that its id cannot be reused meanwhile), and objects taken
    over by the next generation (`mkdocs serve`) keep theirs."""

    def __init__(self):
        self.prints: dict[int, tuple[str, Any]] = {}
        self.printed: set[int] = set()

    def start(self) -> None:
        self.printed = set()

    def forget_unused(self) -> None:
        self.prints = {key: value for key, value in self.prints.items() if key in self.printed}

    def of_context(self, context: dict, owner: object = None) -> str:
        """The print of a template context, through the C JSON encoder for dicts, lists and
        scalars (a str subclass such as Markup prints as its text: which type a value has is a
        matter of this code, which is part of every key)."""
        def other(value: Any) -> str:
            if isinstance(value, (set, frozenset)):
                return "S{" + ",".join(sorted(self.of(v, owner) for v in value)) + "}"
            return self.of(value, owner)
        try:
            return json.dumps(context, default=other, check_circular=False, ensure_ascii=False)
        except (TypeError, ValueError):  # keys that are not text or numbers
            return self.of(context, owner)

    def of(self, value: Any, owner: object = None) -> str:
        if value is None or isinstance(value, (bool, int, float)):
            return repr(value)
        if isinstance(value, Markup):
            return "M" + repr(str(value))
        if isinstance(value, str):
            return repr(value)
        if isinstance(value, (list, tuple)):
            return "[" + ",".join(self.of(v, owner) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ",".join(self.of(k, owner) + ":" + self.of(v, owner) for k, v in value.items()) + "}"
        if isinstance(value, (set, frozenset)):
            return "S{" + ",".join(sorted(self.of(v, owner) for v in value)) + "}"
        if isinstance(value, Path):
            return "P" + repr(str(value))
        if isinstance(value, (datetime.date, datetime.datetime)):
            return "D" + value.isoformat()
        if isinstance(value, enum.Enum):
            return f"E{type(value).__qualname__}.{value.name}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._of_dataclass(value, owner)
        if owner is not None and getattr(value, "__self__", None) is owner and callable(value):
            return "F" + value.__qualname__  # a method of the generator: its code is in every key
        raise Uncacheable(type(value).__qualname__)

    def _of_dataclass(self, value: Any, owner: object) -> str:
        self.printed.add(id(value))
        known = self.prints.get(id(value))
        if known is not None:
            return known[0]
        names = [f.name for f in dataclasses.fields(value)]
        inner = None
        if IGNORED_FIELDS.isdisjoint(names) and _plain_repr(type(value)):
            inner = repr(value)  # a dataclass's own repr shows every field, recursively
            if " at 0x" in inner:
                raise Uncacheable(type(value).__qualname__)
            if any(f"{name}=" in inner for name in IGNORED_FIELDS):
                inner = None  # an ignored field further down: print field by field
        if inner is None:
            inner = ",".join(f"{name}={self.of(getattr(value, name), owner)}"
                             for name in names if name not in IGNORED_FIELDS)
        text = f"{type(value).__module__}.{type(value).__qualname__}({inner})"
        known = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        self.prints[id(value)] = (known, value)
        return known


@lru_cache(maxsize=None)
def _plain_repr(kind: type) -> bool:
    """The dataclass-generated repr, over fields that are plain data or dataclasses themselves
    (checked by the repr's ' at 0x' test for anything else)."""
    method = kind.__repr__
    generated = getattr(method, "__wrapped__", None)  # dataclasses wraps the repr it writes
    return (getattr(getattr(method, "__code__", None), "co_filename", "") == dataclasses.__file__
            and getattr(getattr(generated, "__code__", None), "co_filename", "") == "<string>")


class PageMemo:
    """Page Markdown by key: in memory (kept across `mkdocs serve` rebuilds) over one bundle
    per site (repository and page options) in the cache folder."""

    def __init__(self, cache_dir: Path | None):
        self.cache_dir = cache_dir
        self.namespace: str | None = None
        self.bundle = JsonBundle(None)
        self.hits = self.misses = self.uncacheable = 0
        self.fingerprints = Fingerprints()
        self.links: dict[tuple, str] = {}
        self.page_keys: dict[str, str] = {}  # page -> key of its last rendering

    def open(self, namespace: str) -> None:
        """Start a generation of the site named by namespace (a new site: its own bundle)."""
        if namespace != self.namespace:
            self.namespace = namespace
            self.links = {}
            path = (self.cache_dir / "pages" / code_version() / f"{namespace}.json"
                    if self.cache_dir is not None else None)
            self.bundle = JsonBundle(path)
        else:
            self.bundle.used = {}
        self.hits = self.misses = self.uncacheable = 0
        self.page_keys = {}
        self.fingerprints.start()

    def get(self, key: str) -> Any | None:
        value = self.bundle.get(key)
        if value is not None:
            self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        self.misses += 1
        self.bundle.put(key, value)

    def finish(self, save: bool = True) -> None:
        """Forget pages no longer produced (old versions of edited cases and listings) and,
        unless told otherwise, write the bundle; pages of older code versions are removed."""
        self.bundle.entries = dict(self.bundle.used)
        self.fingerprints.forget_unused()
        if save:
            self.save()

    def save(self) -> None:
        if self.bundle.added and self.cache_dir is not None:
            remove_other_versions(self.cache_dir / "pages", code_version())
        self.bundle.save()


def page_namespace(root: Path, **options) -> str:
    """Pages of one site: a preview of one case or `mkdocs serve` must not evict the build's."""
    return digest(str(root.resolve()), options)[:16]


class IncrementalGenerator(SiteGenerator):
    """The site generator, rendering each page only when its inputs changed (module docstring)."""

    def __init__(self, *args, memo: PageMemo, **kwargs):
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = _TEMPLATES  # each generator has its own environment
        self.memo = memo
        self.urls.relative = _remembered(self.urls.relative, memo.links)  # pure, and slow (os.getcwd)
        prints = memo.fingerprints
        self._shared = digest(code_version(), self.urls.use_directory_urls, self.site_name, self.site_url,
                              self.quiz_all, prints.of(self.people), prints.of(self.library.users))

    def _render(self, template: str, src: str, **context) -> str:
        try:
            key = digest(self._shared, template, src, self.memo.fingerprints.of_context(context, self))
        except Uncacheable:
            self.memo.uncacheable += 1
            return super()._render(template, src, **context)
        page = self.memo.get(key)
        if not isinstance(page, str):
            page = super()._render(template, src, **context)
            self.memo.put(key, page)
        self.memo.page_keys[src] = key
        return page


def _remembered(function: Callable[..., str], known: dict[tuple, str]) -> Callable[..., str]:
    def remembered(*args) -> str:
        value = known.get(args)
        if value is None:
            value = known[args] = function(*args)
        return value
    return remembered


# -- the whole site at once ------------------------------------------------------------------------
_SNAPSHOT_FIELDS = ("pages", "files", "media", "converted", "reused")


def site_key(memo: PageMemo, inputs: dict[str, Any]) -> str | None:
    """The key of a whole generated site: every argument the generator is given (by name), and
    this code.  None when an input cannot be printed, or when GeneratedSite holds more than a
    snapshot keeps (a field added later must not be lost)."""
    if tuple(f.name for f in dataclasses.fields(GeneratedSite)) != _SNAPSHOT_FIELDS:
        return None
    try:
        return "site:" + digest(code_version(), {name: memo.fingerprints.of(value) for name, value in inputs.items()})
    except Uncacheable:
        return None


def load_snapshot(memo: PageMemo, key: str | None) -> GeneratedSite | None:
    entry = memo.get(key) if key else None
    if not isinstance(entry, dict):
        return None
    site = GeneratedSite(converted=0, reused=entry["converted"] + entry["reused"])
    for src, page_key in entry["pages"].items():
        page = memo.get(page_key)
        if not isinstance(page, str):
            return None
        site.pages[src] = page
    site.files = {dest: base64.b64decode(data) for dest, data in entry["files"].items()}
    site.media = {dest: Path(path) for dest, path in entry["media"].items()}
    return site


def save_snapshot(memo: PageMemo, key: str | None, site: GeneratedSite) -> None:
    """Remember a generated site by its key: its pages by their page keys (already in the memo)."""
    if not key:
        return
    pages = {}
    for src, page in site.pages.items():
        page_key = memo.page_keys.get(src)
        if page_key is None or memo.bundle.entries.get(page_key) is not page:
            page_key = "page:" + digest(src, page)  # not made by one _render call: kept by its content
            memo.bundle.put(page_key, page)
        pages[src] = page_key
    memo.put(key, {"pages": pages, "files": {d: base64.b64encode(c).decode() for d, c in site.files.items()},
                   "media": {d: str(p) for d, p in site.media.items()},
                   "converted": site.converted, "reused": site.reused})
