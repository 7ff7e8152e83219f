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

from .dicom import DicomReadError, ordered_slices, render_slices
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


def series_key(series: SeriesFiles, window: tuple[float, float] | None) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({"v": CONVERTER_VERSION, "format": WEB_FORMAT, "q": WEB_QUALITY,
                              "max": MAX_SIDE, "window": window, "kind": series.kind}).encode())
    for path in series.files:
        digest.update(b"\0file\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def convert_series(series: SeriesFiles, cache_root: Path,
                   window: tuple[float, float] | None = None) -> ConvertedSeries:
    key = series_key(series, window)
    folder = cache_root / "media" / key[:2] / key
    meta_path = folder / "meta.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        return _from_meta(key, folder, meta, from_cache=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        meta = _render(series, work, window)
        (work / "meta.json").write_text(json.dumps(meta))
        try:
            os.replace(work, folder)  # atomic: a half-written entry is never seen as cached
        except OSError:
            if not meta_path.is_file():  # another process won the race only if it finished
                raise
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return _from_meta(key, folder, meta, from_cache=False)


def _from_meta(key: str, folder: Path, meta: dict, *, from_cache: bool) -> ConvertedSeries:
    window = tuple(meta["window"]) if meta.get("window") else None
    return ConvertedSeries(key=key, folder=folder, frames=tuple(meta["frames"]), width=meta["width"],
                           height=meta["height"], window=window, from_cache=from_cache)


def _render(series: SeriesFiles, out: Path, window: tuple[float, float] | None) -> dict:
    frames: list[str] = []
    size = (0, 0)
    used_window = None
    try:
        if series.kind == "dicom":
            slices, header = ordered_slices(series.files)
            for index, (pixels, used) in enumerate(render_slices(slices, header, window), start=1):
                image = Image.fromarray(pixels)
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                size, used_window = image.size, used or used_window
                frames.append(_save(image, out, index))
        else:
            for index, path in enumerate(series.files, start=1):
                image = load_for_web(path, MAX_SIDE)
                size = image.size
                frames.append(_save(image, out, index))
    except (DicomReadError, RasterReadError) as error:
        raise ConversionError(str(error)) from None
    return {"frames": frames, "width": size[0], "height": size[1],
            "window": list(used_window) if used_window else None}


def _save(image: Image.Image, out: Path, index: int) -> str:
    name = f"{index:04d}.{WEB_FORMAT}"
    image.save(out / name, format="WEBP", quality=WEB_QUALITY, method=4)
    return name
