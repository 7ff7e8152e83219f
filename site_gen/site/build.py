"""One call that any builder can use: load the library, convert its media, generate pages.

Work whose inputs did not change is skipped, through entries in the cache folder keyed by
hashes of those inputs (site_gen.jsonstore), so that a warm build costs little more than
MkDocs itself and an edit regenerates only what it touches:

* case files are parsed and schema-checked once per content (site_gen.model.library);
* a series whose files did not change (same Git blob ids, or for files Git does not track
  unchanged: same size, times and inode) maps straight to its converted images without
  reading a byte of them (`SeriesIndex`); new or changed series go to the content-addressed
  converter (site_gen.media.convert) on all cores;
* when nothing the page generator is given or reads changed, the whole generated site is
  taken from the cache (site_gen.site.incremental) and the generator does not run;
* the Git dates of the cases are read once per commit of HEAD.

`site-gen media --shard i/n` runs the conversion alone for one slice of the series, so CI
jobs can fill a shared cache in parallel before the build (docs/scaling.md).
"""
from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable

import yaml

from ..cache import cache_dir as trusted_cache
from ..jsonstore import JsonBundle, digest, files_fingerprint, remove_other_versions
from ..media.convert import DEFAULT_RENDITION, ConversionError, ConvertedSeries, Rendition, convert_renditions
from ..media.discover import SeriesFiles, series_files
from ..model.case import Case, Series
from ..model.collection import load_collections
from ..model.library import CASE_FILE, Library, load_library
from ..model.problems import Problem, ProblemsFound
from ..people.settings import Settings, load_settings
from ..shard import Shard
from .generator import GeneratedSite
from .incremental import (IncrementalGenerator, PageMemo, load_snapshot, page_namespace, repository_state,
                          save_snapshot, site_key)
from .history import CaseDates, case_dates

PACKAGE = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def window_presets() -> dict[str, list[tuple[str, tuple[float, float]]]]:
    """Build-time window presets per modality, from site_gen/data/window-presets.yml."""
    data = yaml.safe_load(resources.files("site_gen.data").joinpath("window-presets.yml").read_text())
    return {modality: [(p["name"], (float(p["center"]), float(p["width"]))) for p in presets]
            for modality, presets in data.items()}


# -- which files changed, without reading them ------------------------------------------------
class FileIdentities:
    """What identifies a file's content without reading it: the Git blob id when Git tracks the
    file unmodified (the same in every clone, so a cache filled by another CI job applies),
    else its size, change time, modification time and inode (what `make` and Git's own
    index trust)."""

    def __init__(self, root: Path):
        self.root = root
        self.prefix = str(root) + os.sep
        self.blobs = _git_blobs(root)

    def of(self, path: Path) -> str:
        text = str(path)
        if self.blobs and text.startswith(self.prefix):
            blob = self.blobs.get(text[len(self.prefix):].replace(os.sep, "/"))
            if blob is not None:
                return "git:" + blob
        stat = os.stat(text)
        return f"stat:{text}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}"


def _git_blobs(root: Path) -> dict[str, str]:
    """Blob id of every file under cases/ that Git tracks and that is unmodified in the checkout."""
    if shutil.which("git") is None or not (root / ".git").exists() or not (root / "cases").is_dir():
        return {}
    try:
        def run(*args: str) -> str:
            return subprocess.run(["git", *args, "-z", "--", "cases"], cwd=root, capture_output=True,
                                  timeout=300, check=True).stdout.decode("utf-8", "surrogateescape")
        staged = run("ls-files", "--stage")
        modified = set(filter(None, run("ls-files", "--modified").split("\0")))
    except (subprocess.SubprocessError, OSError):
        return {}
    blobs = {}
    for record in filter(None, staged.split("\0")):
        info, _, path = record.partition("\t")
        parts = info.split()
        if len(parts) == 3 and parts[2] == "0" and path not in modified:
            blobs[path] = parts[1]
    return blobs


# -- media --------------------------------------------------------------------------------------
@dataclass
class SeriesJob:
    """One series to show: its files and the windows it is rendered with."""

    key: tuple[str, int, int]          # case slug, study index, series index
    where: str                         # the case file, for problems
    label: str                         # "study 1, series 2 ('ct')"
    unit: str                          # the series path in the repository (shard selection)
    found: SeriesFiles
    names: list[str]                   # rendition names, the series' own window first
    windows: list[tuple[float, float] | None]


def series_jobs(cases: list[Case], root: Path, known: dict[Path, SeriesFiles] | None = None
                ) -> tuple[list[SeriesJob], list[Problem]]:
    """Every series of the library with the windows it needs; problems name case and series.

    The first rendition of a series uses its own window (case override, else the file's);
    DICOM series of a modality with presets (CT) get one more per preset.  `known` holds the
    files of series already listed (Library.series, from the checks)."""
    jobs, problems = [], []
    for case in cases:
        where = (case.folder / CASE_FILE).relative_to(root).as_posix()
        for s_index, study in enumerate(case.studies):
            for r_index, series in enumerate(study.series):
                target = case.folder / series.path
                found = known.get(target) if known else None
                found = found or series_files(target)
                label = f"study {s_index + 1}, series {r_index + 1} ('{series.path}')"
                if found is None:
                    problems.append(Problem(where, 0, 0, f"{label}: no images found"))
                    continue
                names, windows = [DEFAULT_RENDITION], [series.window]
                if found.kind == "dicom":
                    for name, window in window_presets().get(study.modality, []):
                        names.append(name)
                        windows.append(window)
                try:
                    unit = target.relative_to(root).as_posix()
                except ValueError:
                    unit = target.as_posix()
                jobs.append(SeriesJob((case.slug, s_index, r_index), where, label, unit, found, names, windows))
    return jobs, problems


class SeriesIndex:
    """Series identity (the identities of its files and its windows) -> its converted images in
    the content-addressed cache, so an unchanged series is placed without reading its files.

    Each writer keeps its own bundle (`build.json`, `shard-2-of-4.json`...) and reads all of
    them, so indexes filled by parallel CI jobs merge by copying their cache folders together.
    An entry whose images are gone from the cache is ignored."""

    def __init__(self, cache_dir: Path, root: Path, writer: str = "build"):
        self.cache_dir = cache_dir
        self.cache_text = str(cache_dir)
        self._listings: dict[str, set[str]] = {}
        folder = cache_dir / "series-index" / _media_version()
        others = sorted(p for p in folder.glob("*.json") if p.name != f"{writer}.json") if folder.is_dir() else []
        self.bundle = JsonBundle(folder / f"{writer}.json", also=others)
        self.identities = FileIdentities(root)

    def key(self, job: SeriesJob) -> str:
        return digest(job.found.kind, [(p.name, self.identities.of(p)) for p in job.found.files],
                      [list(w) if w else None for w in job.windows])

    def lookup(self, key: str) -> list[ConvertedSeries] | None:
        from ..media.convert import _from_meta  # builds a ConvertedSeries from its meta.json content
        entry = self.bundle.entries.get(key)
        if not entry:
            return None
        results = []
        for item in entry:
            if not self._cached(item["folder"]):
                return None
            results.append(_from_meta(item["key"], Path(self.cache_text, item["folder"]), item["meta"],
                                      from_cache=True))
        self.bundle.get(key)  # mark it used
        return results

    def _cached(self, folder: str) -> bool:
        """Whether a converted series is in the cache: the converter moves a series' folder into
        place only once it is complete, so its presence is enough; one listing per parent."""
        parent, _, name = folder.rpartition("/")
        names = self._listings.get(parent)
        if names is None:
            try:
                names = set(os.listdir(os.path.join(self.cache_text, parent)))
            except OSError:
                names = set()
            self._listings[parent] = names
        return name in names

    def remember(self, key: str, converted: list[ConvertedSeries]) -> None:
        entry = []
        for one in converted:
            try:
                meta = json.loads((one.folder / "meta.json").read_text())
                folder = one.folder.resolve().relative_to(self.cache_dir.resolve()).as_posix()
            except (OSError, ValueError):
                return
            entry.append({"key": one.key, "folder": folder, "meta": meta})
        self.bundle.put(key, entry)

    def save(self) -> None:
        if self.bundle.added and self.bundle.path is not None:
            remove_other_versions(self.bundle.path.parent.parent, _media_version())
        self.bundle.save()


@lru_cache(maxsize=1)
def _media_version() -> str:
    return files_fingerprint([PACKAGE / "media"])[:16]


def _convert_one(job: tuple) -> list[ConvertedSeries] | str:
    found, cache_dir, windows = job
    try:
        return convert_renditions(found, cache_dir, windows)
    except ConversionError as error:
        return str(error)


@dataclass
class MediaResult:
    converted: dict[tuple[str, int, int], list[Rendition]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    series_converted: int = 0      # series rendered (at least one of their windows)
    series_hashed: int = 0         # series read and hashed, found in the cache
    series_indexed: int = 0        # series found in the index without reading their files
    images_written: int = 0        # web images rendered by the converter


def convert_jobs(jobs: list[SeriesJob], root: Path, cache_dir: Path, workers: int | None = None,
                 progress: Callable[[int, int], None] | None = None, writer: str = "build") -> MediaResult:
    """Converted images for every job: from the index, else from the converter (all cores)."""
    result = MediaResult()
    index = SeriesIndex(cache_dir, root, writer)
    outputs: dict[int, list[ConvertedSeries] | str] = {}
    pending: list[tuple[int, str]] = []
    for number, job in enumerate(jobs):
        try:
            key = index.key(job)
        except OSError:
            key = None  # a file vanished while we looked: the converter will say which
        found = index.lookup(key) if key else None
        if found is not None:
            outputs[number] = found
            result.series_indexed += 1
        else:
            pending.append((number, key))
    work = [(jobs[number].found, cache_dir, jobs[number].windows) for number, _ in pending]
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(work) >= 4:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = pool.map(_convert_one, work, chunksize=max(1, min(16, len(work) // (workers * 8))))
            converted = []
            for count, one in enumerate(done, start=1):
                converted.append(one)
                if progress:
                    progress(count, len(work))
    else:
        converted = []
        for count, one in enumerate(work, start=1):
            converted.append(_convert_one(one))
            if progress:
                progress(count, len(work))
    for (number, key), one in zip(pending, converted):
        outputs[number] = one
        if isinstance(one, list):
            written = sum(len(c.frames) for c in one if not c.from_cache)
            if written:
                result.series_converted += 1
                result.images_written += written
            else:
                result.series_hashed += 1
            if key:
                index.remember(key, one)
    index.save()
    for number, job in enumerate(jobs):
        one = outputs[number]
        if isinstance(one, str):
            result.problems.append(Problem(job.where, 0, 0, f"{job.label}: {one}"))
            continue
        renditions = [Rendition(job.names[0], one[0])]
        for name, rendition in zip(job.names[1:], one[1:]):
            if rendition.window is not None and all(r.converted.window != rendition.window for r in renditions):
                renditions.append(Rendition(name, rendition))  # a preset equal to the own window adds nothing
        result.converted[job.key] = renditions
    return result


def convert_library_media(cases: list[Case], root: Path, cache_dir: Path, jobs: int | None = None,
                          shard: Shard | None = None, known: dict[Path, SeriesFiles] | None = None
                          ) -> tuple[dict[tuple[str, int, int], list[Rendition]], list[Problem]]:
    """Convert every series (or one shard's), with its window presets, cache permitting."""
    work, problems = series_jobs(cases, root, known)
    if shard is not None:
        work = [job for job in work if shard.holds(job.unit)]
    result = convert_jobs(work, root, cache_dir, jobs)
    return result.converted, problems + result.problems


@dataclass
class Incremental:
    """What one generation leaves for the next in the same process (the plugin keeps one across
    `mkdocs serve` rebuilds): the library with the state of the files each case came from, the
    images of each case, the pages.  After an edit only the edited case is read and checked,
    only its series are looked up, and only the pages whose inputs changed are rendered."""

    memo: PageMemo
    track: bool = False             # remember file states for the next generation (serve)
    library: Library | None = None
    media: dict[str, tuple[Case, dict[tuple[str, int, int], list[Rendition]]]] = field(default_factory=dict)


# -- dates ----------------------------------------------------------------------------------------
def cached_case_dates(root: Path, cache_dir: Path | None) -> dict[str, CaseDates]:
    """The cases' Git dates (site_gen.site.history), read once per commit of HEAD."""
    head = None
    if cache_dir is not None and shutil.which("git") and (root / ".git").exists():
        try:
            head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                  timeout=60, check=True).stdout.strip()
        except (subprocess.SubprocessError, OSError):
            head = None
    store = JsonBundle(cache_dir / "dates.json" if cache_dir is not None and head else None)
    key = digest(str(root), head or "")
    entry = store.get(key)
    if isinstance(entry, dict):
        try:
            return {slug: CaseDates(datetime.date.fromisoformat(a), datetime.date.fromisoformat(u))
                    for slug, (a, u) in entry.items()}
        except (TypeError, ValueError):
            pass
    dates = case_dates(root)
    store.put(key, {slug: [d.added.isoformat(), d.updated.isoformat()] for slug, d in dates.items()})
    store.save()
    return dates


# -- the whole site ------------------------------------------------------------------------------
@dataclass
class BuildTimings:
    """Seconds per step of the last generate_site call (reported by the plugin in verbose mode)."""

    steps: dict[str, float] = field(default_factory=dict)

    def mark(self, step: str, since: float) -> float:
        now = time.perf_counter()
        self.steps[step] = round(now - since, 3)
        return now


def generate_site(root: Path, cache_dir: Path | None = None, *, use_directory_urls: bool = True,
                  site_name: str = "Open Radiology Teaching Cases", site_url: str = "",
                  quiz_all: bool = False, people: Settings | None = None, state: Incremental | None = None,
                  save_pages: bool = True, timings: BuildTimings | None = None) -> GeneratedSite:
    """Everything a builder needs; raises ProblemsFound listing every problem at once.

    `state` carries what a generation leaves for the next (the MkDocs plugin keeps one across
    `mkdocs serve` rebuilds); pages are written to the cache folder unless `save_pages` is
    False (the caller then calls `state.memo.save()` when done, e.g. when `mkdocs serve` stops)."""
    root = root.resolve()
    cache_dir = trusted_cache(root, cache_dir).resolve()
    timings = timings or BuildTimings()
    started = time.perf_counter()
    state = state or Incremental(PageMemo(cache_dir))
    library = load_library(root, cache_dir=cache_dir, previous=state.library, track=state.track)
    collections, collection_problems = load_collections(
        root, {c.slug for c in library.cases}, set(library.users))
    if library.problems or collection_problems:
        state.library = None
        raise ProblemsFound(library.problems + collection_problems)
    started = timings.mark("library", started)
    converted: dict[tuple[str, int, int], list[Rendition]] = {}
    changed = []
    regenerating = bool(state.media)  # a generation before this one in this process (mkdocs serve)
    for case in library.cases:
        known = state.media.get(case.slug)
        if known is not None and known[0] is case:  # the same case object: nothing in it changed
            converted.update(known[1])
        else:
            changed.append(case)
    fresh, problems = convert_library_media(changed, root, cache_dir, known=library.series)
    if problems:
        state.library = None
        raise ProblemsFound(problems)
    converted.update(fresh)
    if state.track:
        state.library = library
        by_case: dict[str, dict[tuple[str, int, int], list[Rendition]]] = {}
        for key, value in converted.items():
            by_case.setdefault(key[0], {})[key] = value
        state.media = {case.slug: (case, by_case.get(case.slug, {})) for case in library.cases}
    started = timings.mark("media", started)
    timings.steps["cases_reread"] = len(changed)
    dates = cached_case_dates(root, cache_dir)
    started = timings.mark("dates", started)

    def lookup(case: Case, series: Series) -> list[Rendition]:
        for s_index, study in enumerate(case.studies):
            for r_index, candidate in enumerate(study.series):
                if candidate is series:
                    return converted[(case.slug, s_index, r_index)]
        raise KeyError(series.path)

    memo = state.memo
    memo.open(page_namespace(root, directory_urls=use_directory_urls, site_name=site_name, site_url=site_url,
                             quiz_all=quiz_all))
    people = people or load_settings(root)
    # Everything the generator is given: when none of it changed, neither did the site.  Under
    # `mkdocs serve`, a case just read again means a new site: the key is not worth its time.
    key = None if regenerating and changed else site_key(memo, {
        "library": (str(root), library.cases, library.users, sorted(library.case_ids.items())),
        "media": sorted(converted.items()), "dates": sorted(dates.items()), "collections": collections,
        "people": people, "options": (use_directory_urls, site_name, site_url, quiz_all),
        "repository": repository_state(root)})
    site = load_snapshot(memo, key)
    from_snapshot = site is not None
    case_pages_rendered = case_contexts_made = 0
    if site is None:
        generator = IncrementalGenerator(library, lookup, use_directory_urls=use_directory_urls,
                                         site_name=site_name, site_url=site_url, quiz_all=quiz_all,
                                         dates=dates, collections=collections, people=people, memo=memo,
                                         track=state.track)
        site = generator.generate()
        case_pages_rendered = generator.case_pages_rendered
        case_contexts_made = generator.case_contexts_made
        save_snapshot(memo, key, site, generator.page_keys)
    memo.finish(save=save_pages)
    timings.mark("pages", started)
    timings.steps.update(pages_rendered=0 if from_snapshot else len(site.pages), whole_site_unchanged=from_snapshot,
                         case_pages_rendered=case_pages_rendered, case_contexts_made=case_contexts_made)
    return site
