"""Convert a series to web images once: results are cached by the content hash of its inputs.

The cache key covers the converter version, the options and the bytes of every source file,
so an unchanged series is never converted twice, across builds and across case folders.

Each series gets 8-bit WebP frames per window (what the viewer shows and scrolls), and with
its first rendition: small WebP thumbnails of every frame (listings and the series strip),
the cine frame time from the DICOM header, and for greyscale DICOM the values themselves as
16-bit greyscale PNGs (`v0001.png`), which the viewer fetches only when the reader changes
the window by dragging.  An 8-bit rendering cannot be re-windowed: a brain window (W 80)
cut out of a full-range 8-bit CT keeps 5 grey levels; the 16-bit PNG keeps every value
(1 HU steps for CT) at about twice the bytes of the WebP, paid only by readers who drag.
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

import numpy as np

from .discover import SeriesFiles
from .raster import RasterReadError, load_for_web

# Bump when the rendering changes, so old cache entries are not reused.
CONVERTER_VERSION = "2"
WEB_FORMAT = "webp"
WEB_QUALITY = 85
MAX_SIDE = 1024
THUMB_SIDE = 160      # listings show 80 px, the series strip 64 px: sharp on 2x screens
THUMB_QUALITY = 70
VALUES_LEVEL = 9      # zlib level of the 16-bit PNGs: smaller files for readers, build time is cached
VALUES_MAX_SIDE = 512  # CT and MR matrices are at most this; radiographs are windowed at this size
VALUE_LEVELS = 4096   # 12 bits: every HU of CT (-1024..3071), every level of 12-bit MR


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
    thumbs: tuple[str, ...] = ()        # small WebP of each frame (first rendition only)
    frame_ms: float | None = None       # cine: milliseconds per frame from the DICOM header
    values: tuple[str, ...] = ()        # 16-bit PNG of each frame's values (greyscale DICOM)
    value_scale: tuple[tuple[float, float], ...] = ()  # per frame: value = offset + step * pixel
    invert: bool = False                # MONOCHROME1: low values are shown white

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
                              "max": MAX_SIDE, "window": window, "kind": series.kind,
                              "thumb": THUMB_SIDE, "thumb_q": THUMB_QUALITY, "values": VALUES_MAX_SIDE,
                              "levels": VALUE_LEVELS}).encode())
    digest.update((content or _content_digest(series)).encode())
    return digest.hexdigest()


def convert_series(series: SeriesFiles, cache_root: Path,
                   window: tuple[float, float] | None = None) -> ConvertedSeries:
    return convert_renditions(series, cache_root, [window])[0]


def convert_renditions(series: SeriesFiles, cache_root: Path,
                       windows: list[tuple[float, float] | None]) -> list[ConvertedSeries]:
    """One converted series per window (None: the series' own), rendering only what the cache
    lacks, and decoding each slice once for all the missing windows.  The first one also
    carries the thumbnails, the cine frame time and the 16-bit values."""
    content = _content_digest(series)
    keys = [series_key(series, window, content) for window in windows]
    results: list[ConvertedSeries | None] = []
    missing = []
    stale: set[int] = set()
    for index, key in enumerate(keys):
        folder = cache_root / "media" / key[:2] / key
        meta_path = folder / "meta.json"
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else None
        # The first rendition carries the extras; the same window rendered as a preset does not.
        if meta is not None and (index > 0 or "thumbs" in meta):
            results.append(_from_meta(key, folder, meta, from_cache=True))
        else:
            results.append(None)
            missing.append(index)
            if meta is not None:
                stale.add(index)
    if not missing:
        return results  # type: ignore[return-value]
    works = []
    try:
        for index in missing:
            parent = cache_root / "media" / keys[index][:2]
            parent.mkdir(parents=True, exist_ok=True)
            works.append(Path(tempfile.mkdtemp(prefix=".tmp-", dir=parent)))
        metas = _render(series, works, [windows[i] for i in missing], extras_index=0 if 0 in missing else None)
        for index, work, meta in zip(missing, works, metas):
            (work / "meta.json").write_text(json.dumps(meta))
            folder = cache_root / "media" / keys[index][:2] / keys[index]
            if index in stale:  # rendered before as a preset, now needed with its extras
                shutil.rmtree(folder, ignore_errors=True)
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
                           height=meta["height"], window=window, from_cache=from_cache,
                           thumbs=tuple(meta.get("thumbs", ())), frame_ms=meta.get("frame_ms"),
                           values=tuple(meta.get("values", ())),
                           value_scale=tuple(tuple(pair) for pair in meta.get("value_scale", ())),
                           invert=bool(meta.get("invert", False)))


def _render(series: SeriesFiles, outs: list[Path], windows: list[tuple[float, float] | None],
            extras_index: int | None = None) -> list[dict]:
    """Write the frames of every window; the rendition at `extras_index` (if any) also gets
    thumbnails, 16-bit values and the frame time."""
    # pydicom is imported only when something is converted: a warm build never needs it.
    from .dicom import DicomReadError, frame_time_ms, ordered_slices, render_windows_and_values
    frames: list[list[str]] = [[] for _ in outs]
    size = (0, 0)
    used_windows: list[tuple[float, float] | None] = [None for _ in outs]
    extras: dict = {"thumbs": [], "values": [], "value_scale": [], "frame_ms": None, "invert": False}
    try:
        if series.kind == "dicom":
            slices, header = ordered_slices(series.files)
            extras["frame_ms"] = frame_time_ms(header) if len(slices) > 1 else None
            extras["invert"] = str(header.get("PhotometricInterpretation", "")) == "MONOCHROME1"
            rendered = render_windows_and_values(slices, header, windows)
            for number, (renditions, values) in enumerate(rendered, start=1):
                for index, (pixels, used) in enumerate(renditions):
                    image = Image.fromarray(pixels)
                    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                    size = image.size
                    used_windows[index] = used or used_windows[index]
                    frames[index].append(_save(image, outs[index], number))
                    if index == extras_index:
                        extras["thumbs"].append(_save_thumb(image, outs[index], number))
                if extras_index is not None and values is not None:
                    name, scale = _save_values(values, size, outs[extras_index], number)
                    extras["values"].append(name)
                    extras["value_scale"].append(scale)
        else:
            for number, path in enumerate(series.files, start=1):
                image = load_for_web(path, MAX_SIDE)
                size = image.size
                for index, out in enumerate(outs):
                    frames[index].append(_save(image, out, number))
                    if index == extras_index:
                        extras["thumbs"].append(_save_thumb(image, out, number))
    except (DicomReadError, RasterReadError) as error:
        raise ConversionError(str(error)) from None
    if len(extras["values"]) != len(frames[0]):  # some frames colour: no client-side windowing
        extras["values"], extras["value_scale"] = [], []
    metas = []
    for index, (names, used) in enumerate(zip(frames, used_windows)):
        meta = {"frames": names, "width": size[0], "height": size[1], "window": list(used) if used else None}
        if index == extras_index:
            meta.update(extras)
        metas.append(meta)
    return metas


def _save(image: Image.Image, out: Path, index: int) -> str:
    name = f"{index:04d}.{WEB_FORMAT}"
    image.save(out / name, format="WEBP", quality=WEB_QUALITY, method=4)
    return name


def _save_thumb(image: Image.Image, out: Path, index: int) -> str:
    name = f"t{index:04d}.{WEB_FORMAT}"
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    thumb.save(out / name, format="WEBP", quality=THUMB_QUALITY, method=4)
    return name


def value_scale(values: np.ndarray) -> tuple[float, float]:
    """(offset, step) mapping a slice's values to at most VALUE_LEVELS levels from its minimum:
    whole numbers spanning fewer levels (CT in HU, 12-bit MR) are kept exactly; anything finer
    (15-bit radiographs, rescaled floats) is spread evenly, since detector noise fills the
    lowest bits and would only make the files larger."""
    low, high = float(np.floor(values.min())), float(values.max())
    whole = bool(np.all(np.equal(np.mod(values, 1), 0)))
    if whole and high - low <= VALUE_LEVELS - 1:
        return low, 1.0
    return low, (high - low) / (VALUE_LEVELS - 1) if high > low else 1.0


def _save_values(values: np.ndarray, size: tuple[int, int], out: Path, index: int) -> tuple[str, list[float]]:
    """The slice's values as a 16-bit greyscale PNG, at most VALUES_MAX_SIDE across (the
    viewer scales it to the frames' size)."""
    image = Image.fromarray(values.astype(np.float32))
    target = (size[0], size[1])
    if max(target) > VALUES_MAX_SIDE:
        ratio = VALUES_MAX_SIDE / max(target)
        target = (max(1, round(target[0] * ratio)), max(1, round(target[1] * ratio)))
    if image.size != target:
        image = image.resize(target, Image.Resampling.LANCZOS)
    resized = np.asarray(image, dtype=np.float64)
    offset, step = value_scale(resized if image.size != (values.shape[1], values.shape[0]) else values)
    scaled = np.rint((resized - offset) / step)
    pixels = np.clip(scaled, 0, 65535).astype(np.uint16)
    name = f"v{index:04d}.png"
    Image.fromarray(pixels).save(out / name, format="PNG", compress_level=VALUES_LEVEL)
    return name, [offset, step]
