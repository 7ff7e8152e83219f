"""site-gen media [--shard i/n]: convert the library's images into the cache before the build.

The build converts what the cache lacks itself; this step lets CI jobs share that work.
Each job of a matrix converts one shard (series chosen by a stable hash of their path), the
jobs' cache folders are put together (GitHub Actions: actions/cache, one entry per shard),
and the build then only places images that are already converted (docs/scaling.md).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from . import EXIT_OK, EXIT_PROBLEMS, repository_root
from ..shard import parse_shard


def register(commands) -> None:
    parser = commands.add_parser("media", help="convert the library's DICOM and photographs to web images "
                                 "in the cache (the build then only places them)")
    parser.add_argument("--shard", type=parse_shard, metavar="I/N",
                        help="convert only shard I of N (for parallel CI jobs; e.g. 2/4)")
    parser.add_argument("--jobs", type=int, help="parallel processes (default: cores)")
    parser.add_argument("--cache", help="cache folder (default: the case-library plugin's cache_dir in "
                        "mkdocs.yml, else $SITE_GEN_CACHE, else ~/.cache/site-gen; never inside the repository)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON (throughput per shard)")
    parser.set_defaults(run=run)


def cache_folder(root: Path, given: str | None = None) -> Path:
    """Where converted images are kept: the folder the build uses (site_gen.cache: the plugin's
    cache_dir, else $SITE_GEN_CACHE, else ~/.cache/site-gen; never inside the repository)."""
    from ..cache import cache_dir as trusted_cache
    from ..people.settings import plugin_options
    configured = plugin_options(root).get("cache_dir")
    return trusted_cache(root, given or (configured if isinstance(configured, str) and configured else None)).resolve()


def run(args) -> int:
    from ..model.library import load_library
    from ..site.build import convert_jobs, series_jobs

    root = repository_root(args)
    cache_dir = cache_folder(root, args.cache)
    started = time.perf_counter()
    library = load_library(root, cache_dir=cache_dir)
    if library.problems:
        for problem in sorted(library.problems):
            print(problem)
        print(f"{len(library.problems)} problem(s): fix them (site-gen validate) before converting images.",
              file=sys.stderr)
        return EXIT_PROBLEMS
    jobs, problems = series_jobs(library.cases, root, library.series)
    total = len(jobs)
    if args.shard is not None:
        jobs = [job for job in jobs if args.shard.holds(job.unit)]
    writer = f"shard-{args.shard.index}-of-{args.shard.count}" if args.shard else "media"
    show_progress = sys.stderr.isatty() and not args.json

    def progress(done: int, todo: int) -> None:
        if show_progress and (done == todo or done % max(1, todo // 20) == 0):
            print(f"\r  converting: {done}/{todo} series", end="\n" if done == todo else "", file=sys.stderr)

    result = convert_jobs(jobs, root, cache_dir, args.jobs, progress=progress, writer=writer)
    seconds = time.perf_counter() - started
    problems += result.problems
    for problem in sorted(problems):
        print(problem)
    images_in = sum(len(job.found.files) for job in jobs)
    summary = {
        "shard": str(args.shard) if args.shard else "all", "series": len(jobs), "library_series": total,
        "source_files": images_in, "converted": result.series_converted,
        "already_cached": result.series_indexed + result.series_hashed,
        "found_without_reading": result.series_indexed,
        "web_images_written": result.images_written, "problems": len(problems), "seconds": round(seconds, 2),
        "series_per_second": round(len(jobs) / seconds, 2) if seconds else None,
        "source_files_per_second": round(images_in / seconds, 1) if seconds else None,
        "cache": str(cache_dir),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        which = f"shard {args.shard}: " if args.shard else ""
        print(f"{which}{summary['series']} of {total} series ({images_in} source files): "
              f"{summary['converted']} converted ({summary['web_images_written']} web images written), "
              f"{summary['already_cached']} already in the cache; {summary['seconds']} s "
              f"({summary['source_files_per_second']} source files/s). Cache: {cache_dir}", file=sys.stderr)
    return EXIT_PROBLEMS if problems else EXIT_OK
