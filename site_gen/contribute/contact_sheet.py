"""A contact sheet: every new image of a pull request as a thumbnail, with OCR boxes drawn.

Editors see all the images at a glance: DICOM slices (windowed as on the site), frames of
multi-frame files and photographs, each labelled with its file (and frame), with the words the
OCR read outlined in yellow and possible patient information (the guard's findings with a pixel
box) in red.  One PNG, so it can be attached to a CI run or opened locally.
"""
from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

TILE = 160
LABEL = 16
GAP = 4
MAX_COLUMNS = 8
DEFAULT_MAX_IMAGES = 240
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
    path: Path | None
    images: int            # tiles drawn
    total: int             # images found (more than drawn when sampled)
    text_boxes: int
    phi_boxes: int
    unreadable: list[str] = field(default_factory=list)


def _font(size: int):
    try:
        return ImageFont.truetype(str(DEJAVU), size) if DEJAVU.exists() else ImageFont.load_default(size=size)
    except OSError:
        return ImageFont.load_default()


def _dicom_tiles(files: Sequence[Path], root: Path, unreadable: list[str]) -> list[Tile]:
    from ..media.dicom import DicomReadError, ordered_slices, render_slices
    tiles = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            slices, header = ordered_slices(files)
            for item, (pixels, _window) in zip(slices, render_slices(slices, header)):
                rel = item.path.relative_to(root).as_posix()
                label = f"{item.path.parent.name}/{item.path.name}" + (f" #{item.frame + 1}" if item.frame is not None else "")
                tiles.append(Tile(label, Image.fromarray(pixels), rel, item.frame))
    except (DicomReadError, Exception):  # noqa: BLE001 - one bad series must not stop the sheet
        unreadable.extend(p.relative_to(root).as_posix() for p in files)
        return []
    return tiles


def collect_tiles(images: Sequence[Path], root: Path, unreadable: list[str]) -> list[Tile]:
    """Tiles for image files (absolute paths under `root`), grouped by series folder, in order."""
    from ..media.discover import RASTER_SUFFIXES, is_dicom_file
    by_folder: dict[Path, list[Path]] = {}
    for path in images:
        by_folder.setdefault(path.parent, []).append(path)
    tiles: list[Tile] = []
    for folder in sorted(by_folder):
        files = sorted(by_folder[folder])
        dicom = [p for p in files if p.suffix.lower() not in RASTER_SUFFIXES and is_dicom_file(p)]
        raster = [p for p in files if p.suffix.lower() in RASTER_SUFFIXES]
        if dicom:
            tiles += _dicom_tiles(dicom, root, unreadable)
        for path in raster:
            try:
                from PIL import ImageOps
                with Image.open(path) as opened:
                    image = ImageOps.exif_transpose(opened).convert("RGB")
                tiles.append(Tile(f"{path.parent.name}/{path.name}", image, path.relative_to(root).as_posix()))
            except Exception:  # noqa: BLE001
                unreadable.append(path.relative_to(root).as_posix())
    return tiles


def _sample(tiles: list[Tile], limit: int) -> list[Tile]:
    if len(tiles) <= limit:
        return tiles
    indices = np.linspace(0, len(tiles) - 1, limit).round().astype(int)
    return [tiles[i] for i in sorted(set(indices.tolist()))]


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


def draw_sheet(tiles: list[Tile], target: Path, title: str = "") -> None:
    columns = max(1, min(MAX_COLUMNS, len(tiles)))
    rows = max(1, -(-len(tiles) // columns))
    header = 22 if title else 0
    width = columns * (TILE + GAP) + GAP
    height = header + rows * (TILE + LABEL + GAP) + GAP
    sheet = Image.new("RGB", (width, height), (24, 24, 24))
    draw = ImageDraw.Draw(sheet)
    small, big = _font(11), _font(14)
    if title:
        draw.text((GAP, 4), title, fill=(230, 230, 230), font=big)
    for index, tile in enumerate(tiles):
        col, row = index % columns, index // columns
        x0, y0 = GAP + col * (TILE + GAP), header + GAP + row * (TILE + LABEL + GAP)
        image = tile.image.convert("RGB")
        scale = min(TILE / image.width, TILE / image.height)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        thumb = image.resize(size, Image.LANCZOS if scale < 1 else Image.BICUBIC)
        ox, oy = x0 + (TILE - size[0]) // 2, y0 + (TILE - size[1]) // 2
        sheet.paste(thumb, (ox, oy))

        def rect(box, colour, line):
            left, top, w, h = box
            draw.rectangle((ox + left * scale - 1, oy + top * scale - 1, ox + (left + w) * scale + 1,
                            oy + (top + h) * scale + 1), outline=colour, width=line)
        for word in tile.words:
            rect(word.box, YELLOW, 1)
        for box in tile.phi_boxes:
            rect(box, RED, 2)
        label = tile.label if len(tile.label) <= 26 else "…" + tile.label[-25:]
        draw.text((x0 + 2, y0 + TILE + 2), label, fill=RED if tile.phi_boxes else (200, 200, 200), font=small)
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, format="PNG", optimize=True)


def make_contact_sheet(images: Sequence[Path], root: Path, target: Path, *, findings: Sequence = (),
                       ocr: bool = True, limit: int = DEFAULT_MAX_IMAGES, title: str = "") -> SheetResult:
    unreadable: list[str] = []
    tiles = collect_tiles(images, root, unreadable)
    total = len(tiles)
    if not tiles:
        return SheetResult(None, 0, 0, 0, 0, unreadable)
    tiles = _sample(tiles, limit)
    boxes: dict[tuple[str, int | None], list] = {}
    for finding in findings:
        if finding.box is not None:
            boxes.setdefault((finding.path, finding.frame), []).append(finding.box)
    for tile in tiles:
        tile.phi_boxes = boxes.get((tile.rel, tile.frame), [])
    if ocr:
        _ocr(tiles)
    draw_sheet(tiles, target, title)
    return SheetResult(target, len(tiles), total, sum(len(t.words) for t in tiles),
                       sum(len(t.phi_boxes) for t in tiles), unreadable)
