"""Burned-in text (and faces) in DICOM pixel data: every frame, as it will be displayed.

Every frame of every file is looked at; nothing is sampled away:

* each frame is decoded in display colours (palette and YBR to RGB, MONOCHROME1 inverted) and
  rendered in every view a reader can get (views.py: the site's own window, the CT presets of
  window-presets.yml, full range, and a local-contrast view standing for any window a reader
  could pick in the viewer);
* a text-region detector (text_regions.py, milliseconds a view) runs on every view of every
  frame; OCR reads the regions it finds (pixel_text.py: upscaled, both polarities, binarised,
  per colour channel);
* every region the detector finds is read, on every frame it is found on (identical crops - an
  overlay that does not change - are read once, OCR results being shared by content);
* the whole frame is OCR'd as well - always for single-frame projection images, screen captures,
  ultrasound and photographs; for CT, MR, PET and NM slices where the detector found any
  text-like row (that is the justified sampling: a slice with text has text-like rows, which the
  detector finds in one of the views; a plain slice costs milliseconds, not an OCR call);
* in a cine loop (multi-frame, not a slice stack), the overlay is the same from frame to frame:
  the first frame is read in full; every later frame is looked at where it differs from the first
  (the scan sector, a clock), every view, every region, and the whole changed area is OCR'd on
  every 30th frame and the last.  Identical frames are checked once.
* ultrasound, secondary captures and photographs: any text-like row in the header or footer
  band, and for scanners listed in data/pixel-regions.yml any text-like mark in their known
  rectangles, is a finding even when OCR cannot read it (fail closed).

A file whose compression has no installed decoder, a frame too large to decode, or a decoding
error is CANNOT_VERIFY with the reason named.  Every frame is offered to the face check, which
picks its own frames (faces.DicomFaces).
"""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image
from pydicom.dataset import Dataset

from .dicom_io import display_frames, missing_decoder, number_of_frames, syntax_name
from .finding import Category, Finding
from .ocr import KnownValue, OcrUnavailable, TextDetectorUnavailable, cannot_verify
from .pixel_regions import SECONDARY_CAPTURE_PREFIX, bands_for, known_rectangles, overlaps_any
from .pixel_text import FrameReader, FrameText, changed_area, findings_for

STACK_MODALITIES = frozenset({"CT", "MR", "PT", "NM"})
CINE_WHOLE_EVERY = 30      # the whole changed area of a cine frame is OCR'd on every 30th (and the last)
MAX_FRAME_PIXELS = 100_000_000
READ_TOGETHER = 24         # frames whose OCR (region crops, whole-frame passes) goes to one Tesseract process
DETECTOR = "dicom-pixels"


@dataclass
class PixelCoverage:
    """What the check looked at, for reports that must not claim more than was done."""

    frames: int = 0
    frames_read: int = 0     # frames where OCR ran (regions or whole frame)


def is_slice_stack(ds: Dataset) -> bool:
    modality = str(ds.get("Modality", "") or "").upper()
    sop_class = str(ds.get("SOPClassUID", "") or "")
    return modality in STACK_MODALITIES and not sop_class.startswith(SECONDARY_CAPTURE_PREFIX)


@dataclass(frozen=True)
class FramePlan:
    whole: bool | None      # True: whole-frame OCR; None: where text-like rows were found; False: regions only


def plan_for(ds: Dataset, index: int, n_frames: int) -> FramePlan:
    if is_slice_stack(ds):
        return FramePlan(None)
    if n_frames == 1:
        return FramePlan(True)
    return FramePlan(index in (0, n_frames - 1) or index % CINE_WHOLE_EVERY == 0)


def _frame_job(reader: FrameReader, frame: np.ndarray, plan: FramePlan, reference: np.ndarray | None) -> FrameText:
    area = None
    if reference is not None:  # a cine frame: only where it differs from the first frame
        area = changed_area(frame, reference)
        if area is None:
            return FrameText((frame.shape[1], frame.shape[0]))
    return reader.read(frame, full_pass=plan.whole, area=area, defer=True)


def check_pixels(path: Path, ds: Dataset, rel: str, *, known: Sequence[KnownValue] = (),
                 coverage: PixelCoverage | None = None) -> list[Finding]:
    """Burned-in text (and faces in photographs) in every frame of one DICOM file."""
    has_pixels = getattr(ds, "has_pixel_data_element", None)
    if has_pixels is None:  # a dataset not read by dicom_header.read_header
        has_pixels = any(tag in ds for tag in (0x7FE00010, 0x7FE00008, 0x7FE00009))
    if not has_pixels:
        return []  # no image in this object (a structured report, say): nothing burned in
    rows, columns = _int(ds.get("Rows"), 0), _int(ds.get("Columns"), 0)
    if rows * columns > MAX_FRAME_PIXELS:
        return [cannot_verify(rel, f"the image is too large to check for burned-in text "
                                   f"({rows}x{columns} pixels)", DETECTOR)]
    no_decoder = missing_decoder(ds)
    if no_decoder:
        return [cannot_verify(rel, f"burned-in text was not checked: {no_decoder}", DETECTOR)]
    n_frames = number_of_frames(ds)
    bands = bands_for(ds)
    rectangles = known_rectangles(ds)
    reader = FrameReader(ds)
    from .faces import DicomFaces
    face_check = DicomFaces(ds, rel)
    photometric_kind = str(ds.get("PhotometricInterpretation", "") or "")
    coverage = coverage if coverage is not None else PixelCoverage()
    workers = max(1, min(n_frames, os.cpu_count() or 1))
    findings: list[Finding] = []
    by_content: dict[bytes, int] = {}
    pending: list[tuple[int | None, Future, list[Future]]] = []
    repeats: list[tuple[int | None, int | None]] = []   # (frame label, label of the identical frame)
    results: dict[int | None, list[Finding]] = {}

    batch: list[tuple[int | None, FrameText, list[Future]]] = []
    judged: list[Future] = []   # OCR and judgement of batches of frames, in a thread of their own

    def judge(frames: list[tuple[int | None, FrameText, list[Future]]]) -> None:
        """Read the region crops (and whole-frame passes) of some frames together, then judge each."""
        reader.finish([text for _label, text, _faces in frames])
        for label, text, faces in frames:
            coverage.frames_read += bool(text.passes)
            found = findings_for(text, rel, frame=label, known=known, bands=bands)
            if rectangles:
                found += _rectangle_findings(text, rectangles, rel, label, found)
            for face in faces:
                found += face.result()
            results[label] = found

    def flush(ocr) -> None:
        if batch:
            judged.append(ocr.submit(judge, list(batch)))
            batch.clear()
        while len(judged) > 1:  # Tesseract works on one batch while the next is rendered
            judged.pop(0).result()

    def collect(item, ocr) -> None:
        label, future, faces = item
        batch.append((label, future.result(), faces))
        if len(batch) >= READ_TOGETHER:
            flush(ocr)

    try:
        cine = n_frames > 1 and not is_slice_stack(ds)
        with (ThreadPoolExecutor(max_workers=workers) if n_frames > 1 else _Inline()) as pool, \
                (ThreadPoolExecutor(max_workers=1) if n_frames > 1 else _Inline()) as ocr:
            reference = None
            for index, frame in display_frames(path, ds):
                coverage.frames += 1
                label = index if n_frames > 1 else None
                digest = hashlib.blake2b(frame.tobytes(), digest_size=16).digest()
                if digest in by_content:
                    repeats.append((label, by_content[digest]))
                    continue
                by_content[digest] = label
                plan = plan_for(ds, index, n_frames)
                faces: list[Future] = []
                image = render(frame, photometric_kind)
                if face_check.wants(index, image):
                    faces.append(pool.submit(face_check.check, image, label))
                if index == 0:
                    # the first frame is read in full, before the others (they read only what changed)
                    pending.append((label, pool.submit(_frame_job, reader, frame, plan, None), faces))
                    collect(pending.pop(), ocr)
                    flush(ocr)
                    judged.pop().result()   # its overlay is in the OCR cache before the others are read
                else:
                    pending.append((label, pool.submit(_frame_job, reader, frame, plan, reference if cine else None),
                                    faces))
                if cine and reference is None:
                    reference = frame
                while len(pending) >= 2 * workers:  # bounded memory on long cine loops
                    collect(pending.pop(0), ocr)
            for item in pending:
                collect(item, ocr)
            flush(ocr)
            for done in judged:
                done.result()
    except (OcrUnavailable, TextDetectorUnavailable) as error:
        return findings + [cannot_verify(rel, f"burned-in text could not be checked: {error}", "ocr")]
    except MemoryError:
        return findings + [cannot_verify(rel, "the image is too large to decode for checking", DETECTOR)]
    except Exception as error:  # noqa: BLE001 - decoder failures become findings
        return findings + [cannot_verify(
            rel, f"the image ({syntax_name(ds)}) could not be decoded, so burned-in text was not checked "
                 f"({error.__class__.__name__})", DETECTOR)]
    for label in sorted(results, key=lambda k: -1 if k is None else k):
        findings += results[label]
    for label, same_as in repeats:
        findings += [replace(f, frame=label) for f in results.get(same_as, [])]
    return findings


def preload() -> None:
    """Load what checking DICOM and image files needs - the modules (pydicom, OpenCV), the rule
    tables and the face cascades - in this process.  The guard calls it before it forks its
    workers, which then share all of it instead of each loading it again (a third of a second
    of processor time per worker).  Nothing here may fail a check: a part that cannot load is
    left for the check itself to report."""
    from importlib import import_module
    loaders = (("pydicom.pixels", None), (".dicom_header", None), (".encapsulated", None),
               (".image_metadata", "_exif_rules"), (".image_containers", "rules"), (".profile", "load_profile"),
               (".dicom_text", "_rules"), (".dicom_text", "_manufacturer_words"), (".dicom_text", "_vocabulary"),
               (".pixel_regions", "rules"), (".views", "window_presets"), (".faces", "rendering_rules"),
               (".faces", "_cascades"))
    for module, loader in loaders:
        try:
            loaded = import_module(module, __package__)
            if loader:
                getattr(loaded, loader)()
        except Exception:  # noqa: BLE001 - the check itself reports what is missing
            continue


class _Inline:
    """An executor that runs each job at once, in this thread: a single frame has nothing to
    overlap with, and starting threads for it costs more than the frame's check."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def submit(self, job, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(job(*args))
        except BaseException as error:  # noqa: BLE001 - raised again by result(), as a thread's would be
            future.set_exception(error)
        return future


def _rectangle_findings(text: FrameText, rectangles, rel: str, label, found: list[Finding]) -> list[Finding]:
    """Text-like marks inside a scanner's known patient-details rectangle (pixel-regions.yml)."""
    out = []
    for region in text.regions:
        if not overlaps_any(region.box, rectangles):
            continue
        if any(f.box is not None and overlaps_any(f.box, [region.box]) for f in found + out):
            continue
        out.append(Finding(path=rel, category=Category.CANNOT_VERIFY, detector="text-region",
                           message="text inside an area where this scanner prints the patient's details "
                                   "(known from the burned-in annotation library); it must be blacked out",
                           box=region.box, frame=label))
    return out


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def render(frame: np.ndarray, photometric: str) -> Image.Image:
    """8-bit image of a decoded frame, full range (kept for callers that want one plain view)."""
    from .views import full_range
    if frame.ndim == 3:
        from .dicom_io import to_uint8_colour
        return Image.fromarray(to_uint8_colour(frame), "RGB")
    image = full_range(frame.astype(np.float32))
    if photometric == "MONOCHROME1":
        image = 255 - image
    return Image.fromarray(image, "L")
