"""One call that any builder can use: load the library, convert its media, generate pages."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..media.convert import ConversionError, ConvertedSeries, convert_series
from ..media.discover import series_files
from ..model.case import Case, Series
from ..model.library import CASE_FILE, load_library
from ..model.problems import Problem, ProblemsFound
from .generator import GeneratedSite, SiteGenerator


def _convert_one(job: tuple) -> ConvertedSeries | str:
    found, cache_dir, window = job
    try:
        return convert_series(found, cache_dir, window)
    except ConversionError as error:
        return str(error)


def convert_library_media(cases: list[Case], root: Path, cache_dir: Path, jobs: int | None = None
                          ) -> tuple[dict[tuple[str, int, int], ConvertedSeries], list[Problem]]:
    """Convert every series (cache permitting) on all cores; problems name the case file and series."""
    converted: dict[tuple[str, int, int], ConvertedSeries] = {}
    problems: list[Problem] = []
    keys, work = [], []
    for case in cases:
        where = (case.folder / CASE_FILE).relative_to(root).as_posix()
        for s_index, study in enumerate(case.studies):
            for r_index, series in enumerate(study.series):
                found = series_files(case.folder / series.path)
                label = f"study {s_index + 1}, series {r_index + 1} ('{series.path}')"
                if found is None:
                    problems.append(Problem(where, 0, 0, f"{label}: no images found"))
                    continue
                keys.append(((case.slug, s_index, r_index), where, label))
                work.append((found, cache_dir, series.window))
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(work) >= 4:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_convert_one, work, chunksize=max(1, len(work) // (workers * 8))))
    else:
        results = [_convert_one(job) for job in work]
    for (key, where, label), result in zip(keys, results):
        if isinstance(result, str):
            problems.append(Problem(where, 0, 0, f"{label}: {result}"))
        else:
            converted[key] = result
    return converted, problems


def generate_site(root: Path, cache_dir: Path | None = None, *, use_directory_urls: bool = True,
                  site_name: str = "Open Radiology Teaching Cases", site_url: str = "") -> GeneratedSite:
    """Everything a builder needs; raises ProblemsFound listing every problem at once."""
    root = root.resolve()
    cache_dir = (cache_dir or root / ".cache" / "site-gen").resolve()
    library = load_library(root)
    if library.problems:
        raise ProblemsFound(library.problems)
    converted, problems = convert_library_media(library.cases, root, cache_dir)
    if problems:
        raise ProblemsFound(problems)

    def lookup(case: Case, series: Series) -> ConvertedSeries:
        for s_index, study in enumerate(case.studies):
            for r_index, candidate in enumerate(study.series):
                if candidate is series:
                    return converted[(case.slug, s_index, r_index)]
        raise KeyError(series.path)

    generator = SiteGenerator(library, lookup, use_directory_urls=use_directory_urls,
                              site_name=site_name, site_url=site_url)
    return generator.generate()
