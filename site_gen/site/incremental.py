"""Generation that is skipped when nothing it is made from changed.

The site generator (site_gen.site.generator) is a function of what it is given: the library
(cases, contributors, case numbers), each series' converted images, the Git dates, the
collections, the people settings and the page options, and of this package's code and data;
besides those it reads the repository's users/ folder (the editors' keys) and today's date.
`site_key` hashes all of that; when the key is one a generation already had, the whole
generated site comes from the memo (`PageMemo`, in memory across `mkdocs serve` rebuilds,
over a bundle in the cache folder) and the generator does not run.

Otherwise case pages, most of the generator's time, are reused one by one
(`IncrementalGenerator._case_page`): a case page's key holds its whole context, what every
page shares (options, contributors, this code) and the one piece of generator state its
templates read, the thumbnails of the cases it lists.  Under `mkdocs serve` a case whose
inputs are the very objects of the last generation (`_case_inputs`: the case, its images,
dates, related cases, collections) does not even have its context made again (`KnownCase`).
The other pages are keyed by their context and every case's thumbnail; `mkdocs serve` then
has MkDocs render only the pages whose Markdown changed (site_gen.site.plugin).
"""
from __future__ import annotations

import base64
import dataclasses
import datetime
import enum
import hashlib
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import jinja2
import jinja2.bccache
from markupsafe import Markup

from ..jsonstore import JsonBundle, digest, files_fingerprint, remove_other_versions
from .generator import GeneratedSite, SiteGenerator
from .history import dates_for

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

    def of(self, value: Any) -> str:
        if value is None or isinstance(value, (bool, int, float)):
            return repr(value)
        if isinstance(value, Markup):
            return "M" + repr(str(value))
        if isinstance(value, str):
            return repr(value)
        if isinstance(value, (list, tuple)):
            return "[" + ",".join(self.of(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ",".join(self.of(k) + ":" + self.of(v) for k, v in value.items()) + "}"
        if isinstance(value, (set, frozenset)):
            return "S{" + ",".join(sorted(self.of(v) for v in value)) + "}"
        if isinstance(value, Path):
            return "P" + repr(str(value))
        if isinstance(value, (datetime.date, datetime.datetime)):
            return "D" + value.isoformat()
        if isinstance(value, enum.Enum):
            return f"E{type(value).__qualname__}.{value.name}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._of_dataclass(value)
        raise Uncacheable(type(value).__qualname__)

    def _of_dataclass(self, value: Any) -> str:
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
            inner = ",".join(f"{name}={self.of(getattr(value, name))}"
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


@dataclasses.dataclass
class KnownCase:
    """What one case gave a generation, kept in memory for the next (`mkdocs serve`): when
    everything its context is made from is the same (`inputs`), the context is not made again."""

    inputs: str                 # key of the case page's inputs (IncrementalGenerator._case_inputs)
    src: str
    thumb: str | None           # site URI of its key-image thumbnail
    media: dict[str, Path]      # site URI -> converted image, as _case_context recorded them
    converted: int
    reused: int
    listed: list | None = None  # related cases' (slug, thumbnail) the page was made with
    page: str | None = None
    key: str | None = None      # the page's entry in the memo's bundle


class _KnownContext(dict):
    """Stands in for a case page's context that was not made again (IncrementalGenerator)."""

    def __init__(self, case, known: KnownCase):
        super().__init__(quiz=False)
        self.case = case
        self.known = known


class PageMemo:
    """Generated sites by key, with their pages by content: in memory (kept across `mkdocs serve`
    rebuilds) over one bundle per site (repository and page options) in the cache folder."""

    def __init__(self, cache_dir: Path | None):
        self.cache_dir = cache_dir
        self.namespace: str | None = None
        self.bundle = JsonBundle(None)
        self.fingerprints = Fingerprints()
        self.links: dict[tuple, str] = {}
        self.cases: dict[str, KnownCase] = {}   # case slug -> its part of the last generation
        self.cases_used: dict[str, KnownCase] = {}

    def open(self, namespace: str) -> None:
        """Start a generation of the site named by namespace (a new site: its own bundle)."""
        if namespace != self.namespace:
            self.namespace = namespace
            self.links = {}
            self.cases = {}
            path = (self.cache_dir / "pages" / code_version() / f"{namespace}.json"
                    if self.cache_dir is not None else None)
            self.bundle = JsonBundle(path)
        else:
            self.bundle.used = {}
        self.cases_used = {}
        self.fingerprints.start()

    def finish(self, save: bool = True) -> None:
        """Forget what this generation did not use (earlier versions of the site) and, unless told
        otherwise, write the bundle; bundles of older code versions are removed."""
        self.bundle.entries = dict(self.bundle.used)
        self.fingerprints.forget_unused()
        self.cases, self.cases_used = self.cases_used, {}
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
    """The site generator with its compiled templates kept in this process and its relative
    links remembered (a pure function of the two addresses, slow through os.getcwd)."""

    def __init__(self, *args, memo: PageMemo, track: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.track = track  # a next generation in this process (mkdocs serve) may take cases over
        self.env.bytecode_cache = _TEMPLATES  # each generator has its own environment
        self.urls.relative = _remembered(self.urls.relative, memo.links)
        self.memo = memo
        self.case_pages_rendered = 0
        self.case_contexts_made = 0
        self._in_case_page = False
        self._thumbs_print: tuple[int, str] | None = None
        self._pending: dict[str, KnownCase] = {}  # case pages whose context was just made
        self.page_keys: dict[str, str] = {}  # page -> its entry in the memo's bundle (save_snapshot)
        try:
            self._shared = digest(code_version(), self.urls.use_directory_urls, self.site_name, self.site_url,
                                  self.quiz_all, memo.fingerprints.of(self.people),
                                  memo.fingerprints.of(self.library.users))
        except Uncacheable:
            self._shared = None

    def _case_inputs(self, case) -> str | None:
        """Everything a case page's context is made from, as a key: the case, its converted
        images, its authors, dates, related cases and collections, and what every page shares.
        Objects carried over from the last generation keep their prints (Fingerprints), so this
        costs a few lookups where making and printing the context cost a loop over its values."""
        if self._shared is None or self.is_quiz(case):
            return None
        of = self.memo.fingerprints.of
        try:
            renditions = [self.convert(case, series) for study in case.studies for series in study.series]
            return digest(self._shared, of(case), of(renditions),
                          of([self.library.users.get(a) for a in case.authors]),
                          of(dates_for(self.dates, case.slug)), of(self.related.get(case.slug, [])),
                          of([c for c in self.collections if case.slug in c.cases]))
        except (Uncacheable, KeyError):
            return None

    def _case_context(self, case, site: GeneratedSite) -> tuple[str, dict]:
        """Under `mkdocs serve`, a case whose inputs are those of the last generation gives back
        what its context recorded (thumbnail, images) without making the context again."""
        inputs = self._case_inputs(case) if self.track else None
        known = self.memo.cases.get(case.slug)
        if inputs is not None and known is not None and known.inputs == inputs:
            self._record(case, known, site)
            return known.src, _KnownContext(case, known)
        self.case_contexts_made += 1
        if inputs is None:
            return super()._case_context(case, site)
        part = GeneratedSite()  # what this case records, kept for the next generation
        src, context = super()._case_context(case, part)
        known = KnownCase(inputs, src, self.thumbs.get(case.slug), part.media, part.converted, part.reused)
        self._record(case, known, site)
        self._pending[src] = known
        return src, context

    def _record(self, case, known: KnownCase, site: GeneratedSite) -> None:
        site.media.update(known.media)
        site.converted += known.converted
        site.reused += known.reused
        if known.thumb:
            self.thumbs[case.slug] = known.thumb
        self.memo.cases_used[case.slug] = known

    def _case_markdown(self, src: str, context: dict) -> str:
        if isinstance(context, _KnownContext):
            known = context.known
            if known.page is not None and known.listed == self._listed(self.related.get(context.case.slug, [])):
                if known.key:
                    if self.memo.bundle.get(known.key) is None:
                        self.memo.bundle.put(known.key, known.page)  # the bundle keeps what serve shows
                    self.page_keys[src] = known.key
                return known.page
            self.case_contexts_made += 1
            src, context = SiteGenerator._case_context(self, context.case, GeneratedSite())
            self._pending[src] = known
        known = self._pending.pop(src, None)
        page, key = self._case_page(src, context)
        if known is not None:
            known.listed = self._listed(context["related"])
            known.page, known.key = page, key
        return page

    def _listed(self, related: list) -> list[tuple[str, str]]:
        """The related cases a case page lists, with their thumbnails as they stand now."""
        return [(c.slug, self.thumbs.get(c.slug, "")) for c in related]

    def _case_page(self, src: str, context: dict) -> tuple[str, str | None]:
        """Case pages (most of the generator's time) come from the memo when their key is known:
        the page's context, the options and contributors every page shares, and the thumbnails
        of the cases it lists as they stand when it is made (`self.thumbs`, the only generator
        state a case page reads).  Quiz pages are always made (their answers are sealed)."""
        key = None
        if self._shared is not None and not context["quiz"]:
            try:
                key = "case:" + digest(self._shared, src, self.memo.fingerprints.of(context),
                                       self._listed(context["related"]))
            except Uncacheable:
                key = None
        page = self.memo.bundle.get(key) if key else None
        if not isinstance(page, str):
            self.case_pages_rendered += 1
            self._in_case_page = True
            try:
                page = super()._case_markdown(src, context)
            finally:
                self._in_case_page = False
            if key:
                self.memo.bundle.put(key, page)
        if key:
            self.page_keys[src] = key
        return page, key

    def _thumbs_digest(self) -> str:
        """A digest of every case's thumbnail; thumbnails are only ever added (one per case), so
        their number tells whether the last digest still holds."""
        if self._thumbs_print is None or self._thumbs_print[0] != len(self.thumbs):
            self._thumbs_print = (len(self.thumbs), digest(sorted(self.thumbs.items())))
        return self._thumbs_print[1]

    def _render(self, template: str, src: str, **context) -> str:
        """The other pages (listings, contributors, statistics...), made after every case page:
        keyed by their context, the shared options and every case's thumbnail."""
        if self._in_case_page or self._shared is None:
            return super()._render(template, src, **context)
        try:
            key = "render:" + digest(self._shared, template, src, self.memo.fingerprints.of(context),
                                     self._thumbs_digest())
        except Uncacheable:
            return super()._render(template, src, **context)
        page = self.memo.bundle.get(key)
        if not isinstance(page, str):
            page = super()._render(template, src, **context)
            self.memo.bundle.put(key, page)
        self.page_keys[src] = key
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


def repository_state(root: Path) -> list:
    """What the generator may read of the repository besides its arguments: users/ (the editors'
    keys), collections/, mkdocs.yml, and what each case folder holds besides its series (whose
    files the media step identifies) -- names, sizes and times."""
    state = []
    for name in ("users", "collections"):
        folder = root / name
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                state.append((path.relative_to(root).as_posix(), digest(path.read_bytes())))
    config = root / "mkdocs.yml"
    if config.is_file():
        state.append(("mkdocs.yml", digest(config.read_bytes())))
    cases = root / "cases"
    if cases.is_dir():
        for folder in sorted(os.scandir(cases), key=lambda e: e.name):
            if folder.is_dir():
                with os.scandir(folder.path) as entries:
                    for entry in sorted(entries, key=lambda e: e.name):
                        info = entry.stat()
                        state.append((folder.name, entry.name, entry.is_dir(), info.st_size, info.st_mtime_ns))
    return state


def today() -> str:
    """Cases without a Git date are dated today (site_gen.site.history)."""
    return datetime.date.today().isoformat()


def site_key(memo: PageMemo, inputs: dict[str, Any]) -> str | None:
    """The key of a whole generated site: every argument the generator is given (by name), what
    it reads besides (`repository_state`), today's date, and this code.  None when an input
    cannot be printed, or when GeneratedSite holds more than a snapshot keeps (a field added
    later must not be lost)."""
    if tuple(f.name for f in dataclasses.fields(GeneratedSite)) != _SNAPSHOT_FIELDS:
        return None
    try:
        printed = {name: memo.fingerprints.of(value) for name, value in inputs.items()}
    except Uncacheable:
        return None
    return "site:" + digest(code_version(), today(), printed)


def load_snapshot(memo: PageMemo, key: str | None) -> GeneratedSite | None:
    entry = memo.bundle.get(key) if key else None
    if not isinstance(entry, dict):
        return None
    site = GeneratedSite(converted=0, reused=entry["converted"] + entry["reused"])
    for src, page_key in entry["pages"].items():
        page = memo.bundle.get(page_key)
        if not isinstance(page, str):
            return None
        site.pages[src] = page
    site.files = {dest: base64.b64decode(data) for dest, data in entry["files"].items()}
    site.media = {dest: Path(path) for dest, path in entry["media"].items()}
    return site


def save_snapshot(memo: PageMemo, key: str | None, site: GeneratedSite,
                  page_keys: dict[str, str] | None = None) -> None:
    """Remember a generated site by its key. A page the bundle holds already (`page_keys`: case
    pages and the others by their own keys) is named by that entry, not stored a second time;
    the rest by their content (shared between sites)."""
    if not key:
        return
    pages = {}
    page_keys = page_keys or {}
    for src, page in site.pages.items():
        page_key = page_keys.get(src)
        if page_key is None or memo.bundle.get(page_key) != page:
            page_key = "page:" + digest(src, page)
            if memo.bundle.get(page_key) is None:
                memo.bundle.put(page_key, page)
        pages[src] = page_key
    memo.bundle.put(key, {"pages": pages, "files": {d: base64.b64encode(c).decode() for d, c in site.files.items()},
                          "media": {d: str(p) for d, p in site.media.items()},
                          "converted": site.converted, "reused": site.reused})
