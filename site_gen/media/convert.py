"""Convert a series to web images once: results are cached by the content hash of its inputs.

The cache key covers the converter version, the options and the bytes of every source file,
so an unchanged series is never converted twice, across builds and across case folders.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .discover import SeriesFiles
from .raster import RasterReadError, load_for_web

# Bump when the rendering changes, so old cache entries are not reused.
CONVERTER_VERSION = "1"
WEB_FORMAT = "webp"
WEB_QUALITY = 85
MAX_SIDE = 1024


class ConversionError(Exception):
    """A series that cannot be converted; the message names the file in plain words."""


@dataclass(frozen=True)
class ConvertedSeries:
    key: str
    folder: Path              # cache folder holding the frames
    frames: tuple[str, ...]   # file names, in display order
    width: int
    height: int
    window: tuple[float, float] | None
    from_cache: bool

    def frame_paths(self) -> list[Path]:
        return [self.folder / name for name in self.frames]


DEFAULT_RENDITION = "default"


@dataclass(frozen=True)
class Rendition:
    """One way of displaying a series: its own window ("default"), or a build-time preset."""

    name: str
    converted: ConvertedSeries


def _content_digest(series: SeriesFiles) -> str:
    digest = hashlib.sha256()
    for path in series.files:
        digest.update(b"\0file\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def series_key(series: SeriesFiles, window: tuple[float, float] | None, content: str | None = None) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({"v": CONVERTER_VERSION, "format": WEB_FORMAT, "q": WEB_QUALITY,
                              "max": MAX_SIDE, "window": window, "kind": series.kind}).encode())
    digest.update((content or _content_digest(series)).encode())
    return digest.hexdigest()


def convert_series(series: SeriesFiles, cache_root: Path,
                   window: tuple[float, float] | None = None) -> ConvertedSeries:
    return convert_renditions(series, cache_root, [window])[0]


def convert_renditions(series: SeriesFiles, cache_root: Path,
                       windows: list[tuple[float, float] | None]) -> list[ConvertedSeries]:
    """One converted series per window (None: the series' own), rendering only what the cache
    lacks, and decoding each slice once for all the missing windows."""
    content = _content_digest(series)
    keys = [series_key(series, window, content) for window in windows]
    results: list[ConvertedSeries | None] = []
    missing = []
    for index, key in enumerate(keys):
        folder = cache_root / "media" / key[:2] / key
        meta_path = folder / "meta.json"
        if meta_path.is_file():
            results.append(_from_meta(key, folder, json.loads(meta_path.read_text()), from_cache=True))
        else:
            results.append(None)
            missing.append(index)
    if not missing:
        return results  # type: ignore[return-value]
    works = []
    try:
        for index in missing:
            parent = cache_root / "media" / keys[index][:2]
            parent.mkdir(parents=True, exist_ok=True)
            works.append(Path(tempfile.mkdtemp(prefix=".tmp-", dir=parent)))
        metas = _render(series, works, [windows[i] for i in missing])
        for index, work, meta in zip(missing, works, metas):
            (work / "meta.json").write_text(json.dumps(meta))
            folder = cache_root / "media" / keys[index][:2] / keys[index]
            try:
                os.replace(work, folder)  # atomic: a half-written entry is never seen as cached
            except OSError:
                if not (folder / "meta.json").is_file():  # another process won the race only if it finished
                    raise
                shutil.rmtree(work, ignore_errors=True)
            results[index] = _from_meta(keys[index], folder, meta, from_cache=False)
    except BaseException:
        for work in works:
            shutil.rmtree(work, ignore_errors=True)
        raise
    return results  # type: ignore[return-value]


def _from_meta(key: str, folder: Path, meta: dict, *, from_cache: bool) -> ConvertedSeries:
    window = tuple(meta["window"]) if meta.get("window") else None
    return ConvertedSeries(key=key, folder=folder, frames=tuple(meta["frames"]), width=meta["width"],
                           height=meta["height"], window=window, from_cache=from_cache)


def _render(series: SeriesFiles, outs: list[Path], windows: list[tuple[float, float] | None]) -> list[dict]:
    # pydicom is imported only when something is converted: a warm build never needs it.
    from .dicom import DicomReadError, ordered_slices, render_windows
    frames: list[list[str]] = [[] for _ in outs]
    size = (0, 0)
    used_windows: list[tuple[float, float] | None] = [None for _ in outs]
    try:
        if series.kind == "dicom":
            slices, header = ordered_slices(series.files)
            for number, renditions in enumerate(render_windows(slices, header, windows), start=1):
                for index, (pixels, used) in enumerate(renditions):
                    image = Image.fromarray(pixels)
                    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                    size = image.size
                    used_windows[index] = used or used_windows[index]
                    frames[index].append(_save(image, outs[index], number))
        else:
            for number, path in enumerate(series.files, start=1):
                image = load_for_web(path, MAX_SIDE)
                size = image.size
                for index, out in enumerate(outs):
                    frames[index].append(_save(image, out, number))
    except (DicomReadError, RasterReadError) as error:
        raise ConversionError(str(error)) from None
    return [{"frames": names, "width": size[0], "height": size[1],
             "window": list(used) if used else None} for names, used in zip(frames, used_windows)]


def _save(image: Image.Image, out: Path, index: int) -> str:
    name = f"{index:04d}.{WEB_FORMAT}"
    image.save(out / name, format="WEBP", quality=WEB_QUALITY, method=4)
    return name
