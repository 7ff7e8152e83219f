"""Contact sheets: one PNG per series of a pull request, big enough to read leftover text.

Editors look at every new image before approving.  Each series gets its own sheet: its DICOM
slices (windowed as on the site), frames of multi-frame files (a cine is sampled evenly, and
every frame the guard flagged is always shown), and photographs, at TILE pixels, each labelled
with its file (and frame).  The words the OCR read are outlined in yellow, possible patient
information (the guard's findings with a pixel box) in red, and each box is shown again
enlarged in a strip beside its tile, so that leftover text can be read without zooming.
"""
from __future__ import annotations

import os
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

TILE = 384                 # the longer side of each image on the sheet
ZOOM_WIDTH = 320           # the strip of enlarged boxes beside each tile
ZOOM_HEIGHT = 48           # an enlarged box is at least this tall (and at least twice its size)
LABEL = 20
GAP = 8
COLUMNS = 2                # tiles (with their strips) per row
DEFAULT_MAX_PER_SERIES = 12
YELLOW = (255, 210, 0)
RED = (255, 40, 40)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass
class Tile:
    label: str
    image: Image.Image                       # full resolution, L or RGB
    rel: str                                 # file path, to match findings
    frame: int | None = None
    words: list = field(default_factory=list)
    phi_boxes: list = field(default_factory=list)


@dataclass
class SheetResult:
    """One series' sheet."""
    path: Path | None
    series: str            # the series folder (or single file), relative to the review root
    images: int            # tiles drawn
    total: int             # images in the series (more than drawn when sampled)
    text_boxes: int
    phi_boxes: int


@dataclass
class SheetsResult:
    sheets: list[SheetResult] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def images(self) -> int:
        return sum(s.images for s in self.sheets)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sheets)

    @property
    def text_boxes(self) -> int:
        return sum(s.text_boxes for s in self.sheets)

    @property
    def phi_boxes(self) -> int:
        return sum(s.phi_boxes for s in self.sheets)


def _font(size: int):
    try:
        return ImageFont.truetype(str(DEJAVU), size) if DEJAVU.exists() else ImageFont.load_default(size=size)
    except OSError:
        return ImageFont.load_default()


def _dicom_tiles(files: Sequence[Path], root: Path, unreadable: list[str]) -> list[Tile]:
    from ..media.dicom import ordered_slices, render_slices
    tiles = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            slices, header = ordered_slices(files)
            for item, (pixels, _window) in zip(slices, render_slices(slices, header)):
                rel = item.path.relative_to(root).as_posix()
                label = f"{item.path.name}" + (f" frame {item.frame + 1}" if item.frame is not None else "")
                tiles.append(Tile(label, Image.fromarray(pixels), rel, item.frame))
    except Exception:  # noqa: BLE001 - one bad series must not stop the others
        unreadable.extend(p.relative_to(root).as_posix() for p in files)
        return []
    return tiles


def _raster_tile(path: Path, root: Path, unreadable: list[str]) -> list[Tile]:
    from PIL import ImageOps
    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")  # as the site shows it
    except Exception:  # noqa: BLE001
        unreadable.append(path.relative_to(root).as_posix())
        return []
    return [Tile(path.name, image, path.relative_to(root).as_posix())]


def series_groups(images: Sequence[Path], series_of: Callable[[Path], Path] | None = None) -> dict[Path, list[Path]]:
    """Image files grouped by series (their folder, unless `series_of` says otherwise), in order."""
    groups: dict[Path, list[Path]] = {}
    for path in sorted(images):
        groups.setdefault(series_of(path) if series_of else path.parent, []).append(path)
    return dict(sorted(groups.items()))


def collect_tiles(files: Sequence[Path], root: Path, unreadable: list[str]) -> list[Tile]:
    """Tiles of one series' files (absolute paths under `root`), in display order."""
    from ..media.discover import RASTER_SUFFIXES, is_dicom_file
    dicom = [p for p in files if p.suffix.lower() not in RASTER_SUFFIXES and is_dicom_file(p)]
    raster = [p for p in files if p.suffix.lower() in RASTER_SUFFIXES]
    tiles = _dicom_tiles(dicom, root, unreadable) if dicom else []
    for path in raster:
        tiles += _raster_tile(path, root, unreadable)
    return tiles


def sample(tiles: list[Tile], limit: int) -> list[Tile]:
    """At most `limit` tiles spread evenly over the series (first and last included), plus every
    tile with a flagged box: a cine's 54 frames become 12, never hiding a finding."""
    if len(tiles) <= limit:
        return tiles
    chosen = set(np.linspace(0, len(tiles) - 1, max(limit, 2)).round().astype(int).tolist())
    chosen |= {index for index, tile in enumerate(tiles) if tile.phi_boxes}
    return [tiles[index] for index in sorted(chosen)]


def _ocr(tiles: list[Tile]) -> None:
    from ..phi.ocr import OcrUnavailable, read_words

    def read(tile: Tile):
        try:
            return read_words(tile.image, medical=tile.image.mode == "L")
        except OcrUnavailable:
            return []
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for tile, words in zip(tiles, pool.map(read, tiles)):
            tile.words = words


def _mostly_inside(box, other) -> bool:
    left, top, width, height = box
    o_left, o_top, o_width, o_height = other
    across = max(0, min(left + width, o_left + o_width) - max(left, o_left))
    down = max(0, min(top + height, o_top + o_height) - max(top, o_top))
    return across * down * 2 > width * height


def _boxes(tile: Tile) -> list[tuple[tuple[int, int, int, int], tuple[int, int, int]]]:
    """(box, colour) of everything to enlarge: flagged boxes first (red), then the other words
    the OCR read (yellow)."""
    flagged = [tuple(box) for box in tile.phi_boxes]
    words = [(word.left, word.top, word.width, word.height) for word in tile.words]
    return [(box, RED) for box in flagged] + [(box, YELLOW) for box in words
                                              if not any(_mostly_inside(box, red) for red in flagged)]


def _zoom(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """The box (with a margin) cut from the full-resolution image and enlarged to be read."""
    left, top, width, height = box
    margin = max(2, height // 4)
    crop = image.crop((max(0, left - margin), max(0, top - margin),
                       min(image.width, left + width + margin), min(image.height, top + height + margin)))
    scale = max(2.0, ZOOM_HEIGHT / max(1, crop.height))
    scale = min(scale, (ZOOM_WIDTH - 8) / max(1, crop.width))
    size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
    return crop.convert("RGB").resize(size, Image.NEAREST if scale >= 2 else Image.LANCZOS)


def draw_sheet(tiles: list[Tile], target: Path, title: str = "", *, ocr: bool = True) -> None:
    columns = max(1, min(COLUMNS, len(tiles)))
    rows = max(1, -(-len(tiles) // columns))
    cell_width, cell_height = TILE + GAP + ZOOM_WIDTH, TILE + LABEL
    header = 30 if title else 0
    width = columns * (cell_width + GAP) + GAP
    height = header + rows * (cell_height + GAP) + GAP
    sheet = Image.new("RGB", (width, height), (24, 24, 24))
    draw = ImageDraw.Draw(sheet)
    small, big = _font(13), _font(16)
    if title:
        draw.text((GAP, 6), title, fill=(230, 230, 230), font=big)
    for index, tile in enumerate(tiles):
        col, row = index % columns, index // columns
        x0, y0 = GAP + col * (cell_width + GAP), header + GAP + row * (cell_height + GAP)
        image = tile.image.convert("RGB")
        scale = min(TILE / image.width, TILE / image.height)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        shown = image.resize(size, Image.LANCZOS if scale < 1 else Image.BICUBIC)
        ox, oy = x0 + (TILE - size[0]) // 2, y0 + (TILE - size[1]) // 2
        sheet.paste(shown, (ox, oy))
        for box, colour in reversed(_boxes(tile)):  # red drawn last, on top
            left, top, w, h = box
            draw.rectangle((ox + left * scale - 1, oy + top * scale - 1, ox + (left + w) * scale + 1,
                            oy + (top + h) * scale + 1), outline=colour, width=2 if colour == RED else 1)
        # The strip beside the tile: each box enlarged, as many as fit.
        zx, zy = x0 + TILE + GAP, y0
        draw.rectangle((zx, y0, zx + ZOOM_WIDTH - 1, y0 + TILE - 1), fill=(40, 40, 40))
        boxes = _boxes(tile)
        for number, (box, colour) in enumerate(boxes):
            zoomed = _zoom(tile.image, box)
            if zy + zoomed.height + 4 > y0 + TILE - (18 if number < len(boxes) - 1 else 0):
                draw.text((zx + 4, y0 + TILE - 16), f"+{len(boxes) - number} more box(es)", fill=colour, font=small)
                break
            sheet.paste(zoomed, (zx + 4, zy + 2))
            draw.rectangle((zx + 3, zy + 1, zx + 4 + zoomed.width, zy + 2 + zoomed.height), outline=colour,
                           width=2 if colour == RED else 1)
            zy += zoomed.height + 6
        if not boxes:
            draw.text((zx + 6, y0 + 6), "no text found" if ocr else "text recognition not run", fill=(150, 150, 150),
                      font=small)
        label = tile.label if len(tile.label) <= 60 else "…" + tile.label[-59:]
        draw.text((x0 + 2, y0 + TILE + 3), label, fill=RED if tile.phi_boxes else (200, 200, 200), font=small)
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, format="PNG", optimize=True)


def _file_name(index: int, series: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", series.removeprefix("cases/")).strip("-.")[:80] or "series"
    return f"{index:02d}-{safe}.png"


def make_contact_sheets(images: Sequence[Path], root: Path, folder: Path, *, findings: Sequence = (),
                        ocr: bool = True, limit: int = DEFAULT_MAX_PER_SERIES, prefix: str = "",
                        series_of: Callable[[Path], Path] | None = None,
                        progress: Callable[[int, int], None] | None = None) -> SheetsResult:
    """One sheet per series in `folder` (named PREFIX-NN-<series>.png); images are absolute paths
    under `root`; `series_of` maps an image to its series (default: its folder)."""
    result = SheetsResult()
    boxes: dict[tuple[str, int | None], list] = {}
    for finding in findings:
        if finding.box is not None:
            boxes.setdefault((finding.path, finding.frame), []).append(finding.box)
    groups = series_groups(images, series_of)
    for number, (series, files) in enumerate(groups.items(), start=1):
        tiles = collect_tiles(files, root, result.unreadable)
        if not tiles:
            continue
        for tile in tiles:
            tile.phi_boxes = boxes.get((tile.rel, tile.frame), [])
        total = len(tiles)
        tiles = sample(tiles, limit)
        if ocr:
            _ocr(tiles)
        rel = series.relative_to(root).as_posix() if series.is_relative_to(root) else series.name
        target = folder / ((f"{prefix}-" if prefix else "") + _file_name(number, rel))
        sampled = f", {len(tiles)} of {total} shown (sampled evenly; every flagged one kept)" if len(tiles) < total else ""
        draw_sheet(tiles, target, f"{rel}: {total} image{'s' if total != 1 else ''}{sampled}", ocr=ocr)
        result.sheets.append(SheetResult(target, rel, len(tiles), total, sum(len(t.words) for t in tiles),
                                         sum(len(t.phi_boxes) for t in tiles)))
        if progress:
            progress(number, len(groups))
    return result
