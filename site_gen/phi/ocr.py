"""Burned-in text: read the words off an image, then look for PHI in them.

Engine: Tesseract 5 (Debian `tesseract-ocr`, with its English model `tesseract-ocr-eng`),
called as a subprocess, one thread per call (OMP_THREAD_LIMIT=1), nothing downloaded at run time.

Why Tesseract and not RapidOCR (rapidocr-onnxruntime 1.4.4, models in the wheel), measured here
on this 2-core machine (see `python -m site_gen.bench.phi_media`):

* TCIA Pseudo-PHI CR (2140x1760, 5 burned-in words): both read 5/5.  Tesseract needs a 25-pixel
  margin around the image (text touching the edge is otherwise lost: 2/5 without it); RapidOCR
  took 1.1 s, Tesseract 0.7 s.
* 30 synthetic 512x512 PACS overlays (DejaVu 11-16 px on noisy "anatomy"): RapidOCR 180/180
  words at 0.19-0.45 s; Tesseract 156/180 plain, 174/180 (97 %) after the preprocessing below,
  at 0.20 s.
* A 512x512 slice without text, the common case of a sampled CT series: Tesseract 0.09 s,
  RapidOCR 0.21-0.25 s.  Photographs 1024 px: 0.27 s against 0.42 s.
* Tesseract gives word boxes (RapidOCR gives line boxes) and keeps spaces (RapidOCR's model
  drops them: "DOB2007-08-21").
* RapidOCR depends on the full `opencv-python` package, which installs the same `cv2` module as
  `opencv-python-headless<5` used by the face check (and 5.x dropped CascadeClassifier), so the
  two fight over one folder.  Tesseract is one Debian package.
Tesseract wins on speed and packaging and is close enough on accuracy once preprocessed.

Preprocessing (measured, see above): greyscale medical frames are gamma-2 darkened (burned-in
annotation sits at the top of the display range, anatomy below it) and inverted to dark text on
white; frames up to 800 px are enlarged 1.5x (10-14 px PACS fonts), frames over 2600 px reduced;
a 25-pixel margin is added.

OCR misreads are matched tolerantly: `~`, `*` or a quote mark between letters is read as the DICOM name
separator `^`, O/o/Q inside number-like words as 0 and I/l/| as 1, and a letter-digit run such
as "DOB2007-08-21" is also tried split ("DOB 2007-08-21").  Values from the file's own header
(names, IDs, dates in the usual print formats) are looked for in the burned-in text as well.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
from PIL import Image, ImageOps

from .finding import Category, Finding, Span, mask, value_hash

TESSERACT = "tesseract"
TIMEOUT_SECONDS = 60
MIN_CONFIDENCE = 60      # Tesseract word confidence (0-100); below is mostly texture read as text
MIN_WORD_HEIGHT = 6      # pixels, in the image Tesseract read
PADDING = 25
UPSCALE_UP_TO = 800      # frames this size or smaller (CT, MR, US) are enlarged
UPSCALE = 1.5
MAX_SIDE = 2600          # larger frames are reduced (text on such images is large too)


class OcrUnavailable(Exception):
    """The OCR program cannot run; the message is in plain words."""


class TextDetectorUnavailable(Exception):
    """The free-text PHI detector cannot run; the message is in plain words."""


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.width, self.height)


# --- reading words -------------------------------------------------------------------------

def prepare(image: Image.Image, *, medical: bool) -> tuple[Image.Image, float]:
    """Greyscale, contrast, scale and margin for Tesseract.  Returns the image and its scale."""
    grey = image.convert("L")
    if medical:
        values = np.asarray(grey, dtype=np.float32) / 255.0
        grey = Image.fromarray((255 - 255 * values * values).astype(np.uint8))
    long_side = max(grey.size)
    scale = 1.0
    if long_side <= UPSCALE_UP_TO:
        scale = UPSCALE
    elif long_side > MAX_SIDE:
        scale = MAX_SIDE / long_side
    if scale != 1.0:
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.BICUBIC if scale > 1 else Image.LANCZOS)
    border = np.concatenate([np.asarray(grey)[[0, -1], :].ravel(), np.asarray(grey)[:, [0, -1]].ravel()])
    fill = 255 if medical else int(np.median(border))
    return ImageOps.expand(grey, PADDING, fill=fill), scale


def run_tesseract(image: Image.Image, *, psm: int = 11) -> str:
    """Tesseract's TSV output for an 8-bit image (one process, one thread)."""
    if shutil.which(TESSERACT) is None:
        raise OcrUnavailable("the text-recognition program (tesseract) is not installed")
    buffer = io.BytesIO()
    image.save(buffer, format="PPM" if image.mode in ("RGB", "L") else "PNG")  # uncompressed: cheapest
    return _tesseract("stdin", psm, buffer.getvalue(), TIMEOUT_SECONDS, "this image")


def _tesseract(source: str, psm: int, data: bytes | None, timeout: float, what: str) -> str:
    """Tesseract's TSV output for `source` (an image on stdin, or a file listing images), or
    OcrUnavailable saying why there is none."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run([TESSERACT, source, "stdout", "--psm", str(psm), "-l", "eng", "tsv"],
                              input=data, capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise OcrUnavailable(f"text recognition took longer than {TIMEOUT_SECONDS} s an image") from None
    except OSError as error:
        raise OcrUnavailable(f"the text-recognition program could not start ({error.strerror})") from None
    if done.returncode != 0:
        raise OcrUnavailable(f"the text-recognition program failed on {what}")
    return done.stdout.decode("utf-8", "replace")


def run_tesseract_many(images: Sequence[Image.Image], *, psm: int = 11) -> list[str]:
    """Tesseract's TSV output for each of several 8-bit images, from ONE Tesseract process.

    Tesseract reads a list of image files as the pages of one document and numbers its output
    rows by page, with the same settings for every page; starting it (loading its model) costs
    about 70 ms of processor time, which for a cine's dozens of small OCR jobs is most of the
    work.  The images are written uncompressed to a private temporary folder, removed after."""
    if len(images) <= 1:
        return [run_tesseract(image, psm=psm) for image in images]
    if shutil.which(TESSERACT) is None:
        raise OcrUnavailable("the text-recognition program (tesseract) is not installed")
    import tempfile
    with tempfile.TemporaryDirectory(prefix="site-gen-ocr-") as folder:
        names = []
        for number, image in enumerate(images):
            name = os.path.join(folder, f"{number:05d}." + ("ppm" if image.mode in ("RGB", "L") else "png"))
            image.save(name)
            names.append(name)
        listing = os.path.join(folder, "pages.txt")
        with open(listing, "w", encoding="utf-8") as handle:
            handle.write("\n".join(names) + "\n")
        output = _tesseract(listing, psm, None, TIMEOUT_SECONDS * len(images), "these images")
    lines = output.splitlines()
    header, pages = (lines[0] if lines else ""), [[] for _ in images]
    for line in lines[1:]:
        cols = line.split("\t", 2)
        try:
            page = int(cols[1]) - 1
        except (IndexError, ValueError):
            continue
        if 0 <= page < len(pages):
            pages[page].append(line)
    if any(not rows for rows in pages):  # every page has at least its own page row: a page went missing
        raise OcrUnavailable("the text-recognition program skipped an image")
    return ["\n".join([header] + rows) for rows in pages]


def read_words(image: Image.Image, *, medical: bool = False) -> list[Word]:
    """Words Tesseract reads, with boxes in the coordinates of `image`."""
    prepared, scale = prepare(image, medical=medical)
    return _parse_tsv(run_tesseract(prepared), scale, image.size)


def _parse_tsv(tsv: str, scale: float, size: tuple[int, int], offset: tuple[int, int] = (PADDING, PADDING),
               min_confidence: float = MIN_CONFIDENCE) -> list[Word]:
    words = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if not text or not any(c.isalnum() for c in text):
            continue
        if conf < min_confidence and not _NAME_SHAPED_WORD.fullmatch(text):
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        x0 = max(0, round((left - offset[0]) / scale))
        y0 = max(0, round((top - offset[1]) / scale))
        x1 = min(size[0], round((left + width - offset[0]) / scale))
        y1 = min(size[1], round((top + height - offset[1]) / scale))
        if x1 <= 0 or y1 <= 0 or x0 >= size[0] or y0 >= size[1]:
            continue
        if (y1 - y0) * scale < MIN_WORD_HEIGHT:
            continue  # a "word" a few pixels high is texture, not print anyone can read
        words.append(Word(text, x0, y0, max(1, x1 - x0), max(1, y1 - y0), conf))
    return words


# --- reading crops of text-like regions, many at once ------------------------------------------

CROP_TEXT_HEIGHT = 36    # text rows are scaled to about this height (Tesseract reads 20-40 px best)
MAX_CROP_SCALE = 4.0
MOSAIC_GAP = 18
MOSAIC_MAX_HEIGHT = 3000
CROP_MIN_CONFIDENCE = 40  # crops are of text-like rows already: keep less certain words there


@dataclass(frozen=True)
class Crop:
    """A text-like region cut out of a frame view, prepared for OCR (dark text on white)."""

    image: np.ndarray                    # uint8 (h, w)
    box: tuple[int, int, int, int]       # the cut-out in frame coordinates (left, top, width, height)
    scale: float                         # crop pixels per frame pixel
    label: str                           # which pass it belongs to ("own window, grey, binarised", ...)
    channel: str = "grey"                # grey, red, green, blue or colourfulness

    def key(self) -> str:
        import hashlib
        return hashlib.sha1(self.image.tobytes() + repr(self.image.shape).encode()).hexdigest()


def crop_variants(view: np.ndarray, box: tuple[int, int, int, int], view_name: str) -> list[Crop]:
    """Upscaled crops of one region: per colour channel (colour views), plain and binarised."""
    import cv2

    left, top, width, height = box
    pad = max(4, int(0.4 * height))
    x0, y0 = max(0, left - pad), max(0, top - pad)
    x1, y1 = min(view.shape[1], left + width + pad), min(view.shape[0], top + height + pad)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return []
    patch = view[y0:y1, x0:x1]
    scale = float(min(MAX_CROP_SCALE, max(1.0, CROP_TEXT_HEIGHT / max(1, height))))
    channels: list[tuple[str, np.ndarray]] = []
    if patch.ndim == 3:
        rgb = np.ascontiguousarray(patch[..., :3])
        channels.append(("grey", cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)))
        for index, name in enumerate(("red", "green", "blue")):
            channels.append((name, np.ascontiguousarray(rgb[..., index])))
        channels.append(("colourfulness", (rgb.max(axis=2) - rgb.min(axis=2)).astype(np.uint8)))
    else:
        channels.append(("grey", np.ascontiguousarray(patch)))
    crops = []
    for name, channel in channels:
        low, high = int(channel.min()), int(channel.max())
        if high - low < 24:
            continue  # no contrast in this channel: nothing to read there
        stretched = ((channel.astype(np.float32) - low) * (255.0 / (high - low))).astype(np.uint8)
        if np.median(stretched) < 128:
            stretched = 255 - stretched  # dark text on a light ground, as Tesseract expects
        size = (max(1, round(stretched.shape[1] * scale)), max(1, round(stretched.shape[0] * scale)))
        enlarged = cv2.resize(stretched, size, interpolation=cv2.INTER_CUBIC) if scale != 1.0 else stretched
        _threshold, binary = cv2.threshold(enlarged, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        if (binary == 0).mean() > 0.5:
            binary = 255 - binary
        where = (x0, y0, x1 - x0, y1 - y0)
        crops.append(Crop(enlarged, where, scale, f"{view_name}, {name}", name))
        crops.append(Crop(binary, where, scale, f"{view_name}, {name}, binarised", name))
    return crops


def read_crops(crops: Sequence[Crop], cache: dict | None = None) -> list[list[Word]]:
    """Words of each crop (boxes in frame coordinates); crops go to Tesseract stacked in mosaics
    of ~3000 px height, all mosaics to one Tesseract process, and identical crops (a cine's
    unchanged overlay) are read once."""
    results: list[list[Word] | None] = [None] * len(crops)
    keys = [crop.key() for crop in crops]
    pending: list[int] = []
    queued: set[str] = set()
    for index, key in enumerate(keys):
        if cache is not None and key in cache:
            results[index] = cache[key]
        elif key not in queued:
            queued.add(key)
            pending.append(index)
    batches: list[list[int]] = []
    height = 0
    for index in pending:
        size = crops[index].image.shape[0] + MOSAIC_GAP
        if not batches or height + size > MOSAIC_MAX_HEIGHT:
            batches.append([])
            height = 0
        batches[-1].append(index)
        height += size
    mosaics = [_mosaic([crops[i] for i in batch]) for batch in batches]
    pages = run_tesseract_many([Image.fromarray(mosaic) for mosaic, _slots in mosaics])
    for batch, (mosaic, slots), tsv in zip(batches, mosaics, pages):
        for done, words in zip(batch, _crop_words(tsv, [crops[i] for i in batch], slots, mosaic.shape)):
            results[done] = words
            if cache is not None:
                cache[keys[done]] = words
    by_key = {keys[i]: results[i] for i in range(len(crops)) if results[i] is not None}
    return [results[i] if results[i] is not None else by_key.get(keys[i], []) for i in range(len(crops))]


def _mosaic(crops: Sequence[Crop]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Crops stacked top to bottom on white, with the rows (start, end) each occupies."""
    width = max(crop.image.shape[1] for crop in crops) + 2 * MOSAIC_GAP
    height = sum(crop.image.shape[0] + MOSAIC_GAP for crop in crops) + MOSAIC_GAP
    mosaic = np.full((height, width), 255, dtype=np.uint8)
    slots = []
    y = MOSAIC_GAP
    for crop in crops:
        h, w = crop.image.shape
        mosaic[y:y + h, MOSAIC_GAP:MOSAIC_GAP + w] = crop.image
        slots.append((y, y + h))
        y += h + MOSAIC_GAP
    return mosaic, slots


def _crop_words(tsv: str, crops: Sequence[Crop], slots: Sequence[tuple[int, int]],
                shape: tuple[int, int]) -> list[list[Word]]:
    """The words of a mosaic's TSV, handed back to the crop each lies on, in frame coordinates."""
    words = _parse_tsv(tsv, 1.0, (shape[1], shape[0]), offset=(0, 0), min_confidence=CROP_MIN_CONFIDENCE)
    out: list[list[Word]] = [[] for _ in crops]
    for word in words:
        centre = word.top + word.height / 2
        for index, (start, end) in enumerate(slots):
            if start - MOSAIC_GAP / 2 <= centre < end + MOSAIC_GAP / 2:
                crop = crops[index]
                x = crop.box[0] + (word.left - MOSAIC_GAP) / crop.scale
                y0 = crop.box[1] + (word.top - start) / crop.scale
                w = word.width / crop.scale
                h = word.height / crop.scale
                left, top = max(crop.box[0], round(x)), max(crop.box[1], round(y0))
                right = min(crop.box[0] + crop.box[2], round(x + w))
                bottom = min(crop.box[1] + crop.box[3], round(y0 + h))
                if right > left and bottom > top:
                    out[index].append(Word(word.text, left, top, right - left, bottom - top, word.conf))
                break
    return out


def group_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words on one visual line, left to right (sparse-text mode loses Tesseract's own lines).

    Rows: words whose vertical centres lie within half a word height.  A row is split where the
    horizontal gap is wider than three word heights (separate annotations side by side).
    """
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.top + w.height / 2):
        centre = word.top + word.height / 2
        if rows:
            row = rows[-1]
            row_centre = sum(w.top + w.height / 2 for w in row) / len(row)
            if abs(row_centre - centre) <= 0.5 * max(word.height, max(w.height for w in row)):
                row.append(word)
                continue
        rows.append([word])
    lines: list[list[Word]] = []
    for row in rows:
        row.sort(key=lambda w: w.left)
        line = [row[0]]
        for word in row[1:]:
            last = line[-1]
            if word.left - (last.left + last.width) > 3 * max(word.height, last.height):
                lines.append(line)
                line = []
            line.append(word)
        lines.append(line)
    return lines


# --- finding PHI in text -----------------------------------------------------------------

def text_spans(text: str) -> list[Span]:
    """The project's free-text detector (site_gen.phi.text), imported when first needed."""
    try:
        from site_gen.phi.text import analyze
    except ImportError:
        raise TextDetectorUnavailable("the free-text PHI detector is not installed") from None
    try:
        return list(analyze(text))
    except Exception as error:  # fail closed: a crash in the detector must not pass a file
        raise TextDetectorUnavailable(f"the free-text PHI detector failed ({error.__class__.__name__})") from None


_NAME_SEPARATOR_MISREAD = re.compile(r"(?<=[A-Za-z])[~*°“”\"^]{1,2}(?= ?[A-Za-z])|(?<=[A-Za-z] )[~*°“”\"^]{1,2}(?=[A-Za-z])")
# Tesseract is unsure of "DOE^JOHN" (reads "DOE*~JOHN" at confidence 15): keep such words anyway.
_NAME_SHAPED_WORD = re.compile(r"[A-Za-z]{2,}[~*°“”\"^]{1,2}[A-Za-z]{2,}")
_LETTER_FOR_DIGIT = re.compile(r"(?<=[0-9])[OoQIl|]|[OoQIl|](?=[0-9])")
_DIGIT_FOR = str.maketrans({"O": "0", "o": "0", "Q": "0", "I": "1", "l": "1", "|": "1"})
_DICOM_NAME = re.compile(r"\b[A-Z][A-Za-z'\-]+ ?\^ ?[A-Z][A-Za-z'\-]*")
SHORT_NAME = 4  # OCR of texture yields "Sa", "Ro": a lone name-like token this short is not reported


def _fix_misreads(text: str) -> str:
    """Same-length corrections, so offsets stay valid: "DOE~JOHN" -> "DOE^JOHN", "O1.O9" -> "01.09"."""
    text = _NAME_SEPARATOR_MISREAD.sub(lambda m: "^" + " " * (len(m.group(0)) - 1), text)
    for _ in range(2):  # twice, for runs such as "2OO1"
        text = _LETTER_FOR_DIGIT.sub(lambda m: m.group(0).translate(_DIGIT_FOR), text)
    return text


def tolerant_variants(text: str) -> list[tuple[str, list[int]]]:
    """Versions of an OCR line to analyse, each with a map from its offsets to the original's."""
    fixed = _fix_misreads(text)
    identity = list(range(len(text) + 1))
    variants = [(text, identity)]
    if fixed != text:
        variants.append((fixed, identity))
    # "DOE^JOHN" -> "DOE JOHN"; "DOB2007" -> "DOB 2007" (OCR drops spaces between fields)
    split_chars, split_map = [], []
    for i, char in enumerate(fixed):
        if i and char.isalnum() and fixed[i - 1].isalnum() and char.isdigit() != fixed[i - 1].isdigit():
            split_chars.append(" ")
            split_map.append(i)
        split_chars.append(" " if char == "^" else char)
        split_map.append(i)
    split_map.append(len(text))
    split = "".join(split_chars)
    if split != fixed:
        variants.append((split, split_map))
    return variants


def spans_in_ocr_text(text: str) -> list[Span]:
    """Spans (offsets into `text`) from the free-text detector over all tolerant variants."""
    found: dict[tuple[int, int, Category], Span] = {}
    for variant, offsets in tolerant_variants(text):
        spans = text_spans(variant)
        spans += [Span(m.start(), m.end(), Category.NAME, "dicom-name-shape") for m in _DICOM_NAME.finditer(variant)]
        for span in spans:
            start, end = offsets[span.start], offsets[min(span.end, len(offsets) - 1)]
            if end > start:
                found.setdefault((start, end, span.category), Span(start, end, span.category, span.detector, span.score))
    return list(found.values())


# --- values known from the DICOM header ----------------------------------------------------

@dataclass(frozen=True)
class KnownValue:
    """A value from the file's header that must not appear burned into its pixels."""

    text: str
    category: Category
    whole_word: bool  # name parts match whole words only ("ANN" must not match "ANNOTATION")


def _squash(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", _fix_misreads(text).upper()).replace("O", "0")


def date_renderings(da: str) -> list[str]:
    """A DICOM date YYYYMMDD as it is usually printed on an image."""
    if not re.fullmatch(r"\d{8}", da):
        return []
    y, m, d = da[:4], da[4:6], da[6:]
    return [f"{y}{m}{d}", f"{m}{d}{y}", f"{d}{m}{y}"]  # separators are squashed away


def _known_in_line(line: list[Word], known: Sequence[KnownValue]) -> Iterable[tuple[KnownValue, list[Word]]]:
    squashed_words = [_squash(w.text) for w in line]
    for value in known:
        target = _squash(value.text)
        if len(target) < 3:
            continue
        if value.whole_word:
            hits = [w for w, s in zip(line, squashed_words) if s == target]
            if hits:
                yield value, hits
            continue
        # IDs and dates may be split over words by the OCR: search runs of consecutive words.
        for i in range(len(line)):
            joined = ""
            for j in range(i, len(line)):
                joined += squashed_words[j]
                if target in joined:
                    yield value, line[i:j + 1]
                    break
                if len(joined) > len(target) + 12:
                    break
            else:
                continue
            break


# --- the check ------------------------------------------------------------------------------

def _union(words: Sequence[Word]) -> tuple[int, int, int, int]:
    x0 = min(w.left for w in words)
    y0 = min(w.top for w in words)
    x1 = max(w.left + w.width for w in words)
    y1 = max(w.top + w.height for w in words)
    return (x0, y0, x1 - x0, y1 - y0)


def _boxes_overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def findings_in_words(words: Sequence[Word], rel: str, *, frame: int | None = None,
                      known: Sequence[KnownValue] = (), where: str = "burned into the image") -> list[Finding]:
    findings: dict[tuple, Finding] = {}
    for line in group_lines(words):
        text, starts = "", []
        for word in line:
            if text:
                text += " "
            starts.append(len(text))
            text += word.text
        for span in spans_in_ocr_text(text):
            hit = [w for w, s in zip(line, starts) if s < span.end and s + len(w.text) > span.start]
            if not hit:
                continue
            raw = text[span.start:span.end]
            if (span.category in (Category.NAME, Category.INITIALS) and span.detector != "dicom-name-shape"
                    and sum(c.isalnum() for c in raw) < SHORT_NAME):
                continue
            key = (_union(hit), span.category)
            findings.setdefault(key, Finding(
                path=rel, category=span.category, detector=f"ocr+{span.detector}",
                message=f"text {where} looks like {span.category.value.replace('_', ' ').lower()}: {mask(raw)}",
                masked=mask(raw), box=_union(hit), frame=frame, value_hash=value_hash(raw)))
        for value, hit in _known_in_line(line, known):
            key = (_union(hit), value.category)
            if any(k[1] == value.category and _boxes_overlap(k[0], key[0]) for k in findings):
                continue  # the detector already reported this text
            raw = " ".join(w.text for w in hit)
            findings.setdefault(key, Finding(
                path=rel, category=value.category, detector="ocr+dicom-header-value",
                message=f"text {where} repeats a value from the file's header "
                        f"({value.category.value.replace('_', ' ').lower()}): {mask(raw)}",
                masked=mask(raw), box=_union(hit), frame=frame, value_hash=value_hash(raw)))
    return list(findings.values())


def check_pixels_text(image: Image.Image, rel: str, *, frame: int | None = None, medical: bool = False,
                      known: Sequence[KnownValue] = (), bands: bool = True) -> list[Finding]:
    """OCR one image or frame (several passes where text is likely, see pixel_text.py) and
    report PHI in the text read, each with its pixel box.  `bands`: a text-like row in the header
    or footer band is a finding by itself (photographs and screenshots, see pixel-regions.yml)."""
    from .pixel_regions import photograph_bands
    from .pixel_text import FrameReader, findings_for
    try:
        pixels = np.asarray(image.convert("RGB") if image.mode not in ("L", "RGB") else image)
        text = FrameReader(None, medical=medical).read(pixels, full_pass=True)
        return findings_for(text, rel, frame=frame, known=known, bands=photograph_bands() if bands else None)
    except (OcrUnavailable, TextDetectorUnavailable) as error:
        return [cannot_verify(rel, f"burned-in text could not be checked: {error}", "ocr", frame=frame)]


def cannot_verify(rel: str, message: str, detector: str, *, frame: int | None = None) -> Finding:
    return Finding(path=rel, category=Category.CANNOT_VERIFY, detector=detector, message=message, frame=frame)
