"""Read what a person can read in one frame: several views, text-like regions, several OCR passes.

`FrameReader.read(frame)` does, for one decoded frame (display colours, see dicom_io):

1. views: every window the site publishes, full range, local contrast (views.py);
2. text-like regions in each view (text_regions.py, a few milliseconds);
3. OCR passes where text is likely:
   * crops of every region, upscaled so text is ~36 px tall (2-4x for small PACS fonts), in
     both polarities normalised to dark-on-light, plain and binarised (Otsu), and for coloured
     text the most contrasting colour channel - all crops of a frame stacked into one image
     for one Tesseract call; identical crops (a cine's unchanging overlay) are read once;
   * the whole frame (the established pass, ocr.prepare) when the caller asks for it.
Each pass keeps its own words, so duplicates from two passes never garble one line of text.

`findings_for` turns a frame's text into findings (PHI in the words, header values burned in,
and - for images whose header/footer bands carry patient details - any text-like region there,
read or not).  `boxes_to_blank` gives black-out the boxes to fill.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np
from PIL import Image

from .finding import Category, Finding
from .ocr import (Crop, KnownValue, Word, crop_variants, findings_in_words, group_lines, prepare, read_crops,
                  run_tesseract, _parse_tsv)
from .text_regions import TextRegion, find_text_regions, in_bands
from .views import View, display_views, primary



@dataclass
class FrameText:
    size: tuple[int, int]                                         # (width, height)
    regions: list[TextRegion] = field(default_factory=list)
    passes: list[tuple[str, list[Word]]] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    full_pass: bool = False
    unread: list[TextRegion] = field(default_factory=list)   # changing cine regions left for sampled frames
    pending: list[Crop] = field(default_factory=list)        # crops not read yet (FrameReader.finish)

    def words(self) -> list[Word]:
        return [word for _label, words in self.passes for word in words]


class FrameReader:
    """Reads frames of one file (or one image); shares an OCR cache between its frames."""

    def __init__(self, ds=None, *, medical: bool = True, presets: bool = True):
        self.ds = ds
        self.medical = medical
        self.presets = presets
        self.cache: dict[str, list[Word]] = {}
        self.window: tuple[float, float] | None = None

    def views(self, frame: np.ndarray) -> list[View]:
        if self.ds is not None:
            if self.window is None and frame.ndim == 2:
                from .views import modality_values, own_window
                self.window = own_window(self.ds, modality_values(frame, self.ds))
            return display_views(frame, self.ds, presets=self.presets, window=self.window)
        if frame.ndim == 3:
            colour = np.ascontiguousarray(frame[..., :3]).astype(np.uint8)
            return [View("colour", colour), View("colourfulness", (colour.max(axis=2) - colour.min(axis=2)).astype(np.uint8))]
        from .views import local_contrast
        from .views import plain_areas
        grey = frame.astype(np.uint8)
        return [View("as stored", grey), View("local contrast", local_contrast(grey), plain_areas(grey))]

    def detect(self, views: Sequence[View]) -> list[tuple[TextRegion, list[int]]]:
        """Regions found in any view, with the views (indices) that show them."""
        found: list[tuple[TextRegion, list[int]]] = []
        for index, view in enumerate(views):
            for region in find_text_regions(view.image, where=view.where):
                for known, where in found:
                    if _overlap(known.box, region.box):
                        if index not in where:
                            where.append(index)
                        break
                else:
                    found.append((region, [index]))
        return found

    def finish(self, texts: Sequence[FrameText]) -> None:
        """Read the crops that `read(..., defer=True)` left pending, for many frames in one go
        (Tesseract is started once per ~3000 pixels of stacked crops, not once per frame)."""
        crops = [crop for text in texts for crop in text.pending]
        if not crops:
            return
        words = iter(read_crops(crops, self.cache))
        for text in texts:
            text.passes[:0] = _passes(text.pending, [next(words) for _ in text.pending])
            text.pending = []

    def read(self, frame: np.ndarray, *, full_pass: bool | None = None,
             previous: np.ndarray | None = None, area: tuple[int, int, int, int] | None = None,
             defer: bool = False) -> FrameText:
        """The text of one frame.

        full_pass None: whole-frame OCR only where regions were found (and read).  `previous` (the frame
        before, in a cine): regions whose pixels changed since then are located but not read
        (the caller reads them on sampled frames); unchanged ones are read, once per content.
        `area` (left, top, right, bottom): look only there (the rest of a cine frame is the same
        as a frame already read); boxes are still in whole-frame coordinates.  `defer`: leave the
        region crops in `pending` for `finish` to read together with other frames'.
        """
        if area is not None:
            left, top, right, bottom = area
            height, width = frame.shape[:2]
            part = self.read(np.ascontiguousarray(frame[top:bottom, left:right]), full_pass=full_pass,
                             previous=None if previous is None else np.ascontiguousarray(previous[top:bottom, left:right]),
                             defer=defer)
            return _shifted(part, left, top, (width, height))
        views = self.views(frame)
        height, width = frame.shape[:2]
        result = FrameText((width, height), views=[v.name for v in views])
        located = self.detect(views)
        result.regions = [region for region, _ in located]
        crops: list[Crop] = []
        for region, where in located:
            if previous is not None and _changed(frame, previous, region.box) and not _appeared(frame, previous, region.box):
                result.unread.append(region)  # changing texture (speckle, moving anatomy): sampled frames read it
                continue
            # the first view that shows the region (the published one, when it does): the same
            # row read again in another view adds time, not words
            index = where[0]
            crops += _useful_crops(crop_variants(views[index].image, region.box, views[index].name))
        if crops and defer:
            result.pending = crops
        elif crops:
            result.passes += _passes(crops, read_crops(crops, self.cache))
        if full_pass or (full_pass is None and len(result.unread) < len(located)):
            main = primary(views)
            image = Image.fromarray(main.image)
            prepared, scale = prepare(image, medical=self.medical and main.image.ndim == 2)
            result.passes.append((f"{main.name}, whole frame", _parse_tsv(run_tesseract(prepared), scale, image.size)))
            result.full_pass = True
        return result


def _passes(crops: Sequence[Crop], read: Sequence[list[Word]]) -> list[tuple[str, list[Word]]]:
    """Words of region crops grouped into passes by variant (channel, plain or binarised)."""
    by_label: dict[str, list[Word]] = {}
    for crop, words in zip(crops, read):
        variant = crop.channel + (", binarised" if crop.label.endswith("binarised") else "")
        kept = by_label.setdefault(variant, [])
        for word in words:  # two overlapping regions read the same word twice
            if not any(w.text == word.text and _overlap(w.box, word.box) for w in kept):
                kept.append(word)
    return [(f"text regions, {label}", words) for label, words in by_label.items()]


def _useful_crops(crops: list[Crop]) -> list[Crop]:
    """Grey crops always; of the colour channels only the one with the most contrast, and only
    when the region is coloured at all (a colour channel of grey text reads like grey)."""
    grey = [c for c in crops if c.channel == "grey"]
    colour = [c for c in crops if c.channel != "grey"]
    if not any(c.channel == "colourfulness" for c in colour):
        return grey
    plain = [c for c in colour if not c.label.endswith("binarised")]
    best = max(plain, key=lambda c: float(np.std(c.image))).channel
    return grey + [c for c in colour if c.channel == best]


def _shifted(text: FrameText, dx: int, dy: int, size: tuple[int, int]) -> FrameText:
    def region(r: TextRegion) -> TextRegion:
        return TextRegion(r.left + dx, r.top + dy, r.width, r.height, r.marks)

    def word(w: Word) -> Word:
        return Word(w.text, w.left + dx, w.top + dy, w.width, w.height, w.conf)

    def crop(c: Crop) -> Crop:
        return replace(c, box=(c.box[0] + dx, c.box[1] + dy, c.box[2], c.box[3]))

    return FrameText(size, [region(r) for r in text.regions],
                     [(label, [word(w) for w in words]) for label, words in text.passes],
                     text.views, text.full_pass, [region(r) for r in text.unread], [crop(c) for c in text.pending])


def changed_area(frame: np.ndarray, reference: np.ndarray, margin: int = 16) -> tuple[int, int, int, int] | None:
    """Bounding box (left, top, right, bottom) of the pixels that differ from `reference`, with a
    margin; None when nothing differs."""
    if frame.shape != reference.shape:
        return (0, 0, frame.shape[1], frame.shape[0])
    differs = frame != reference
    if differs.ndim == 3:
        differs = differs.any(axis=2)
    rows = np.flatnonzero(differs.any(axis=1))
    if rows.size == 0:
        return None
    columns = np.flatnonzero(differs.any(axis=0))
    height, width = differs.shape
    return (max(0, int(columns[0]) - margin), max(0, int(rows[0]) - margin),
            min(width, int(columns[-1]) + 1 + margin), min(height, int(rows[-1]) + 1 + margin))


def _changed(frame: np.ndarray, previous: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether a region's pixels differ from the previous frame's (beyond compression noise)."""
    if previous.shape != frame.shape:
        return True
    left, top, width, height = box
    now = frame[top:top + height, left:left + width].astype(np.float32)
    before = previous[top:top + height, left:left + width].astype(np.float32)
    span = float(now.max() - now.min()) if now.size else 0.0
    return float(np.abs(now - before).mean()) > 0.01 * span + 0.5


def _appeared(frame: np.ndarray, previous: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Marks on a ground that was plain in the previous frame: something was drawn (read it now)."""
    left, top, width, height = box
    now = frame[top:top + height, left:left + width].astype(np.float32)
    before = previous[top:top + height, left:left + width].astype(np.float32)
    if not now.size:
        return False
    return float(np.ptp(before)) <= 0.25 * float(np.ptp(now))


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


# --- from text to findings and to boxes -------------------------------------------------------

@dataclass(frozen=True)
class Bands:
    """Header and footer bands (fractions of the height) where any text is a finding."""

    header: float
    footer: float
    what: str   # "an ultrasound image", ...


def findings_for(text: FrameText, rel: str, *, frame: int | None, known: Sequence[KnownValue] = (),
                 bands: Bands | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for _label, words in text.passes:
        for finding in findings_in_words(words, rel, frame=frame, known=known):
            if not any(_same(finding, other) for other in findings):
                findings.append(finding)
    if bands is not None:
        for region in text.regions:
            if not in_bands(region, text.size, bands.header, bands.footer):
                continue
            if any(f.box is not None and _overlap(f.box, region.box) for f in findings):
                continue  # already reported with what it says
            where = "header" if region.top < bands.header * text.size[1] else "footer"
            findings.append(Finding(
                path=rel, category=Category.CANNOT_VERIFY, detector="text-region",
                message=(f"text in the {where} band of {bands.what}, where scanners print the patient's "
                         f"details; it cannot be verified as harmless, so it must be blacked out"),
                box=region.box, frame=frame))
    return findings


def _same(a: Finding, b: Finding) -> bool:
    return a.category == b.category and a.box is not None and b.box is not None and _overlap(a.box, b.box)


def boxes_to_blank(text: FrameText, *, bands: Bands | None, findings: Sequence[Finding] = ()) -> list[tuple[int, int, int, int]]:
    """Boxes black-out fills: every word read, widened to its whole line with a margin, every
    text-like region in a header/footer band, and every finding's box."""
    boxes: list[tuple[int, int, int, int]] = []
    for _label, words in text.passes:
        for line in group_lines(words):
            left = min(w.left for w in line)
            top = min(w.top for w in line)
            right = max(w.left + w.width for w in line)
            bottom = max(w.top + w.height for w in line)
            height = bottom - top
            margin = max(2, int(0.35 * height))
            boxes.append((left - margin, top - margin, right - left + 2 * margin, height + 2 * margin))
    for region in text.regions:
        if bands is not None and in_bands(region, text.size, bands.header, bands.footer):
            margin = max(2, int(0.35 * region.height))
            boxes.append((region.left - margin, region.top - margin, region.width + 2 * margin,
                          region.height + 2 * margin))
        elif any(_overlap(region.box, w.box) for w in text.words()):
            boxes.append(region.box)  # a row that was read: blank all of it, not just the words read
    for finding in findings:
        if finding.box is not None:
            boxes.append(finding.box)
    width, height = text.size
    clipped = []
    for left, top, w, h in boxes:
        x0, y0 = max(0, left), max(0, top)
        x1, y1 = min(width, left + w), min(height, top + h)
        if x1 > x0 and y1 > y0:
            clipped.append((x0, y0, x1 - x0, y1 - y0))
    return clipped
