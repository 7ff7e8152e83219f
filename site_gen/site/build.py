"""One call that any builder can use: load the library, convert its media, generate pages."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from ..cache import cache_dir as trusted_cache
from ..media.convert import DEFAULT_RENDITION, ConversionError, ConvertedSeries, Rendition, convert_renditions
from ..media.discover import series_files
from ..model.case import Case, Series
from ..model.collection import load_collections
from ..model.library import CASE_FILE, load_library
from ..model.problems import Problem, ProblemsFound
from ..people.settings import Settings, load_settings
from .generator import GeneratedSite, SiteGenerator
from .history import case_dates


def _convert_one(job: tuple) -> list[ConvertedSeries] | str:
    found, cache_dir, windows = job
    try:
        return convert_renditions(found, cache_dir, windows)
    except ConversionError as error:
        return str(error)


@lru_cache(maxsize=1)
def window_presets() -> dict[str, list[tuple[str, tuple[float, float]]]]:
    """Build-time window presets per modality, from site_gen/data/window-presets.yml."""
    data = yaml.safe_load(resources.files("site_gen.data").joinpath("window-presets.yml").read_text())
    return {modality: [(p["name"], (float(p["center"]), float(p["width"]))) for p in presets]
            for modality, presets in data.items()}


def convert_library_media(cases: list[Case], root: Path, cache_dir: Path, jobs: int | None = None
                          ) -> tuple[dict[tuple[str, int, int], list[Rendition]], list[Problem]]:
    """Convert every series, with its window presets, on all cores (cache permitting).

    The first rendition of a series uses its own window (case override, else the file's);
    DICOM series of a modality with presets (CT) get one more per preset that differs from
    it.  Each series is one job, so its slices are decoded once for all its windows.
    Problems name the case file and series.
    """
    problems: list[Problem] = []
    labels: list[tuple[tuple[str, int, int], str, str, list[str]]] = []
    work = []
    for case in cases:
        where = (case.folder / CASE_FILE).relative_to(root).as_posix()
        for s_index, study in enumerate(case.studies):
            for r_index, series in enumerate(study.series):
                found = series_files(case.folder / series.path)
                label = f"study {s_index + 1}, series {r_index + 1} ('{series.path}')"
                if found is None:
                    problems.append(Problem(where, 0, 0, f"{label}: no images found"))
                    continue
                names, windows = [DEFAULT_RENDITION], [series.window]
                if found.kind == "dicom":
                    for name, window in window_presets().get(study.modality, []):
                        names.append(name)
                        windows.append(window)
                labels.append(((case.slug, s_index, r_index), where, label, names))
                work.append((found, cache_dir, windows))
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(work) >= 4:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_convert_one, work, chunksize=max(1, len(work) // (workers * 8))))
    else:
        results = [_convert_one(job) for job in work]
    converted: dict[tuple[str, int, int], list[Rendition]] = {}
    for (key, where, label, names), result in zip(labels, results):
        if isinstance(result, str):
            problems.append(Problem(where, 0, 0, f"{label}: {result}"))
            continue
        renditions = [Rendition(names[0], result[0])]
        for name, one in zip(names[1:], result[1:]):
            if one.window is not None and all(r.converted.window != one.window for r in renditions):
                renditions.append(Rendition(name, one))  # a preset equal to the own window adds nothing
        converted[key] = renditions
    return converted, problems


def generate_site(root: Path, cache_dir: Path | None = None, *, use_directory_urls: bool = True,
                  site_name: str = "Open Radiology Teaching Cases", site_url: str = "",
                  quiz_all: bool = False, people: Settings | None = None) -> GeneratedSite:
    """Everything a builder needs; raises ProblemsFound listing every problem at once."""
    root = root.resolve()
    cache_dir = trusted_cache(root, cache_dir).resolve()
    library = load_library(root)
    collections, collection_problems = load_collections(
        root, {c.slug for c in library.cases}, set(library.users))
    if library.problems or collection_problems:
        raise ProblemsFound(library.problems + collection_problems)
    converted, problems = convert_library_media(library.cases, root, cache_dir)
    if problems:
        raise ProblemsFound(problems)

    def lookup(case: Case, series: Series) -> list[Rendition]:
        for s_index, study in enumerate(case.studies):
            for r_index, candidate in enumerate(study.series):
                if candidate is series:
                    return converted[(case.slug, s_index, r_index)]
        raise KeyError(series.path)

    generator = SiteGenerator(library, lookup, use_directory_urls=use_directory_urls,
                              site_name=site_name, site_url=site_url, quiz_all=quiz_all,
                              dates=case_dates(root), collections=collections,
                              people=people or load_settings(root))
    return generator.generate()
