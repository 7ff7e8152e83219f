"""Burned-in text (and faces) in DICOM pixel data: every frame, as it will be displayed.

Every frame of every file is looked at; nothing is sampled away:

* each frame is decoded in display colours (palette and YBR to RGB, MONOCHROME1 inverted) and
  rendered in every view a reader can get (views.py: the site's own window, the CT presets of
  window-presets.yml, full range, and a local-contrast view standing for any window a reader
  could pick in the viewer);
* a text-region detector (text_regions.py, milliseconds a view) runs on every view of every
  frame; OCR reads the regions it finds (pixel_text.py: upscaled, both polarities, binarised,
  per colour channel);
* the whole frame is OCR'd as well - always for single-frame projection images, screen captures,
  ultrasound and photographs; for CT, MR, PET and NM slices only where the detector found
  something (that is the justified sampling: a slice with text has text-like rows, which the
  detector finds in one of the views; a plain slice costs milliseconds, not an OCR call);
* in a cine loop (multi-frame, not a slice stack), the overlay is the same from frame to frame:
  the first frame is read in full; every later frame is looked at where it differs from the first
  (the scan sector, a clock), every view, every region.  There, a region whose pixels did not
  change since the previous frame is read once (OCR results are shared by content), a region that
  changes every frame (speckle, moving anatomy) is read on every 5th frame, and the whole changed
  area on every 30th frame and the last.  Identical frames are checked once.
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
CINE_READ_EVERY = 5        # changing regions of a cine are read on every 5th frame
CINE_WHOLE_EVERY = 30      # and the whole frame on every 30th (and the first and last)
MAX_FRAME_PIXELS = 100_000_000
READ_TOGETHER = 24         # frames whose region crops go to OCR together
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
    whole: bool | None      # True: whole-frame OCR; None: only where regions were found; False: regions only
    changing: bool          # read regions whose pixels changed since the previous frame


def plan_for(ds: Dataset, index: int, n_frames: int) -> FramePlan:
    if is_slice_stack(ds):
        return FramePlan(None, True)
    if n_frames == 1:
        return FramePlan(True, True)
    ends = index in (0, n_frames - 1)
    return FramePlan(ends or index % CINE_WHOLE_EVERY == 0, ends or index % CINE_READ_EVERY == 0)


def _frame_job(reader: FrameReader, frame: np.ndarray, previous: np.ndarray | None, plan: FramePlan,
               reference: np.ndarray | None) -> FrameText:
    area = None
    if reference is not None:  # a cine frame: only where it differs from the first frame
        area = changed_area(frame, reference)
        if area is None:
            return FrameText((frame.shape[1], frame.shape[0]))
    return reader.read(frame, full_pass=plan.whole, previous=None if plan.changing else previous, area=area,
                       defer=True)


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

    def flush() -> None:
        """Read the region crops of the frames collected so far together, then judge each frame."""
        reader.finish([text for _label, text, _faces in batch])
        for label, text, faces in batch:
            coverage.frames_read += bool(text.passes)
            found = findings_for(text, rel, frame=label, known=known, bands=bands)
            if rectangles:
                found += _rectangle_findings(text, rectangles, rel, label, found)
            for face in faces:
                found += face.result()
            results[label] = found
        batch.clear()

    def collect(item) -> None:
        label, future, faces = item
        batch.append((label, future.result(), faces))
        if len(batch) >= READ_TOGETHER:
            flush()

    try:
        cine = n_frames > 1 and not is_slice_stack(ds)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            previous = reference = None
            for index, frame in display_frames(path, ds):
                coverage.frames += 1
                label = index if n_frames > 1 else None
                digest = hashlib.blake2b(frame.tobytes(), digest_size=16).digest()
                if digest in by_content:
                    repeats.append((label, by_content[digest]))
                    previous = frame
                    continue
                by_content[digest] = label
                plan = plan_for(ds, index, n_frames)
                faces: list[Future] = []
                image = render(frame, photometric_kind)
                if face_check.wants(index, image):
                    faces.append(pool.submit(face_check.check, image, label))
                if index == 0:
                    # the first frame is read in full, before the others (they read only what changed)
                    pending.append((label, pool.submit(_frame_job, reader, frame, None, plan, None), faces))
                    collect(pending.pop())
                    flush()
                else:
                    pending.append((label, pool.submit(_frame_job, reader, frame, previous, plan,
                                                       reference if cine else None), faces))
                if cine and reference is None:
                    reference = frame
                previous = frame
                while len(pending) >= 2 * workers:  # bounded memory on long cine loops
                    collect(pending.pop(0))
            for item in pending:
                collect(item)
            flush()
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
