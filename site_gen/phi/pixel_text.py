"""Read what a person can read in one frame: several views, text-like regions, several OCR passes.

`FrameReader.read(frame)` does, for one decoded frame (display colours, see dicom_io):

1. views: every window the site publishes, full range, local contrast (views.py);
2. text-like regions in each view (text_regions.py, a few milliseconds);
3. OCR passes where text is likely:
   * crops of every region found, on every frame, upscaled so text is ~36 px tall (2-4x for
     small PACS fonts), in both polarities normalised to dark-on-light, plain and binarised
     (Otsu), and for coloured text the most contrasting colour channel - the crops of many
     frames stacked into mosaics read by one Tesseract process; identical crops (a cine's
     unchanging overlay) are read once;
   * the whole frame (the established pass, ocr.prepare) when the caller asks for it, or - for
     slices - when the detector found any text-like row (more print may be where it saw none);
     whole-frame passes of many frames also go to one Tesseract process.
Each pass keeps its own words, so duplicates from two passes never garble one line of text.

`findings_for` turns a frame's text into findings (PHI in the words, header values burned in,
and - for images whose header/footer bands carry patient details - any text-like region there,
read or not).  `boxes_to_blank` gives black-out the boxes to fill.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np
from PIL import Image

from .finding import Category, Finding
from .ocr import (MIN_CONFIDENCE, Crop, KnownValue, Word, crop_variants, findings_in_words, group_lines, prepare, read_crops,
                  run_tesseract_many, _parse_tsv)
from .text_regions import TextRegion, find_text_regions, in_bands
from .views import View, display_views, primary, rendering_signature



@dataclass
class WholePass:
    """A whole-frame OCR pass prepared but not run yet (FrameReader.finish runs it)."""

    label: str
    image: Image.Image                   # prepared for Tesseract (ocr.prepare)
    scale: float
    size: tuple[int, int]                # (width, height) of the frame part it shows
    offset: tuple[int, int] = (0, 0)     # where that part sits in the whole frame


@dataclass
class FrameText:
    size: tuple[int, int]                                         # (width, height)
    regions: list[TextRegion] = field(default_factory=list)
    passes: list[tuple[str, list[Word]]] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    full_pass: bool = False
    pending: list[Crop] = field(default_factory=list)        # crops not read yet (FrameReader.finish)
    whole: WholePass | None = None                           # whole-frame pass not run yet
    memo_key: tuple | None = None                            # remembered under this key once finished
    origin: tuple[int, int] = (0, 0)                         # where the part read sits in the frame

    def words(self) -> list[Word]:
        return [word for _label, words in self.passes for word in words]


def print_like(word: Word) -> bool:
    """A word read with the confidence of print (the whole-frame pass's threshold) and at least
    two letters or digits.  OCR of speckle and anatomy yields stray characters and short
    low-confidence strings instead; a finding is reported (and blanked) whatever its confidence."""
    return word.conf >= MIN_CONFIDENCE and sum(c.isalnum() for c in word.text) >= 2


class FrameReader:
    """Reads frames of one file (or one image); shares an OCR cache between its frames."""

    def __init__(self, ds=None, *, medical: bool = True, presets: bool = True):
        self.ds = ds
        self.medical = medical
        self.presets = presets
        self.cache: dict[str, list[Word]] = {}
        self.window: tuple[float, float] | None = None
        self.signature: str | None = None

    def _settle_window(self, frame: np.ndarray) -> None:
        """The series' own window, from the first frame read when the header has none (as the site)."""
        if self.ds is not None and self.window is None and frame.ndim == 2:
            from .views import modality_values, own_window
            self.window = own_window(self.ds, modality_values(frame, self.ds))

    def views(self, frame: np.ndarray) -> list[View]:
        if self.ds is not None:
            self._settle_window(frame)
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
        """Read what `read(..., defer=True)` left pending, for many frames in one go: the region
        crops of all of them in one Tesseract process (stacked in mosaics), then the whole-frame
        passes due in another."""
        crops = [crop for text in texts for crop in text.pending]
        if crops:
            words = iter(read_crops(crops, self.cache))
            for text in texts:
                text.passes[:0] = _passes(text.pending, [next(words) for _ in text.pending])
                text.pending = []
        due = [text for text in texts if text.whole is not None]
        pages = run_tesseract_many([text.whole.image for text in due])
        for text, tsv in zip(due, pages):
            whole = text.whole
            words = _parse_tsv(tsv, whole.scale, whole.size)
            dx, dy = whole.offset
            if dx or dy:
                words = [Word(w.text, w.left + dx, w.top + dy, w.width, w.height, w.conf) for w in words]
            text.passes.append((whole.label, words))
            text.full_pass = True
        for text in texts:
            text.whole = None
            if text.memo_key is not None:
                _remember(text)

    def read(self, frame: np.ndarray, *, full_pass: bool | None = None,
             area: tuple[int, int, int, int] | None = None, defer: bool = False) -> FrameText:
        """The text of one frame: every text-like region found in any view is read (crops).

        full_pass True: the whole frame is OCR'd as well; None: the whole frame only when the
        detector found a text-like row in some view (a frame with print may hold more than the
        detector found); False: regions only.
        `area` (left, top, right, bottom): look only there (the rest of a cine frame is the same
        as a frame already read); boxes are still in whole-frame coordinates.  `defer`: leave the
        OCR in `pending`/`whole` for `finish` to run together with other frames'.
        """
        if area is not None:
            left, top, right, bottom = area
            height, width = frame.shape[:2]
            part = self.read(np.ascontiguousarray(frame[top:bottom, left:right]), full_pass=full_pass, defer=True)
            result = _shifted(part, left, top, (width, height))
            if not defer:
                self.finish([result])
            return result
        key = self._memo_key(frame, full_pass)
        remembered = _recall(key)
        if remembered is not None:
            return remembered
        views = self.views(frame)
        height, width = frame.shape[:2]
        result = FrameText((width, height), views=[v.name for v in views], memo_key=key)
        located = self.detect(views)
        result.regions = [region for region, _ in located]
        for region, where in located:
            # the first view that shows the region (the published one, when it does): the same
            # row read again in another view adds time, not words
            index = where[0]
            result.pending += _useful_crops(crop_variants(views[index].image, region.box, views[index].name))
        if full_pass or (full_pass is None and located):
            main = primary(views)
            image = Image.fromarray(main.image)
            prepared, scale = prepare(image, medical=self.medical and main.image.ndim == 2)
            result.whole = WholePass(f"{main.name}, whole frame", prepared, scale, image.size)
        if not defer:
            self.finish([result])
        return result


    def _memo_key(self, frame: np.ndarray, full_pass: bool | None) -> tuple:
        """Everything a reading depends on: the pixels, what is asked, how the header renders them."""
        self._settle_window(frame)
        if self.signature is None:
            self.signature = rendering_signature(self.ds)
        digest = hashlib.blake2b(np.ascontiguousarray(frame).data, digest_size=16).digest()
        return (digest, frame.shape, frame.dtype.str, full_pass, self.medical, self.presets, self.window,
                self.signature)


# Readings of frame content already read in this process, by FrameReader._memo_key: reading is a
# function of exactly those inputs, so the same pixels read again (the guard checking what
# black-out has just read, in the same import; an identical frame in another file) give the
# same words without running the views, the detector and OCR again.  Bounded (least recently used).
READINGS_KEPT = 1024
_readings: OrderedDict[tuple, FrameText] = OrderedDict()
_readings_lock = threading.Lock()


def _remember(text: FrameText) -> None:
    key = text.memo_key
    text.memo_key = None
    height, width = key[1][:2]
    kept = _shifted(text, -text.origin[0], -text.origin[1], (width, height))
    kept.origin, kept.memo_key = (0, 0), None
    with _readings_lock:
        _readings[key] = kept
        _readings.move_to_end(key)
        while len(_readings) > READINGS_KEPT:
            _readings.popitem(last=False)


def _recall(key: tuple) -> FrameText | None:
    with _readings_lock:
        kept = _readings.get(key)
        if kept is None:
            return None
        _readings.move_to_end(key)
    return _shifted(kept, 0, 0, kept.size)   # a copy: callers add to its lists


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

    whole = None if text.whole is None else replace(
        text.whole, offset=(text.whole.offset[0] + dx, text.whole.offset[1] + dy))
    return FrameText(size, [region(r) for r in text.regions],
                     [(label, [word(w) for w in words]) for label, words in text.passes],
                     list(text.views), text.full_pass, [crop(c) for c in text.pending], whole,
                     text.memo_key, (text.origin[0] + dx, text.origin[1] + dy))


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
    """Boxes black-out fills: every line of print read (a line with a print-like word: all its
    words, with a margin), every text-like region in a header/footer band, and every finding's
    box.  Stray low-confidence reads of texture that form no finding are left alone: blanking
    them would punch holes in the anatomy for nothing anyone can read."""
    boxes: list[tuple[int, int, int, int]] = []
    printed: list[Word] = []
    for _label, words in text.passes:
        for line in group_lines(words):
            if not any(print_like(w) for w in line):
                continue
            printed += line
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
        elif any(_overlap(region.box, w.box) for w in printed):
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
