"""Burned-in text (and faces) in DICOM pixel data.

Which frames are read (OCR costs ~0.1-0.3 s a frame):

* EVERY frame when the image is a screen or secondary capture (SOP class 1.2.840.10008.5.1.4.1.1.7*,
  Modality SC or OT), ultrasound (US), a photograph (XC, ES, GM, SM, OP), when the file's
  BurnedInAnnotation (0028,0301) is anything but "NO" (absent included), or the modality is not a
  cross-sectional stack (CR, DX, MG, XA, RF... are single projections, often annotated).
* Otherwise - CT, MR, PT, NM slices whose header says BurnedInAnnotation NO - a SAMPLE: a
  single-frame file is read when its InstanceNumber is 1 or a multiple of 50 (or missing); a
  multi-frame file has its first frame, every 50th and its last read.  Scanner-side burn-in
  repeats on every slice of a series, so 1 in 50 finds it while keeping a 200-slice series to
  about five OCR calls.

Frames are rendered as a viewer would show them without windowing (full range, MONOCHROME1
inverted, palette and YBR turned to RGB) and OCR'd on all cores.  Every frame is offered to the
face check, which picks its own frames (faces.DicomFaces).
"""
from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
from PIL import Image
from pydicom.dataset import Dataset

from .finding import Finding
from .ocr import KnownValue, cannot_verify, check_pixels_text

SECONDARY_CAPTURE_PREFIX = "1.2.840.10008.5.1.4.1.1.7"
ALL_FRAMES_MODALITIES = frozenset({"SC", "OT", "US", "XC", "ES", "GM", "SM", "OP", "DOC"})
STACK_MODALITIES = frozenset({"CT", "MR", "PT", "NM"})
SAMPLE_EVERY = 50
MAX_FRAME_PIXELS = 100_000_000   # one frame larger than this is refused (memory)
DETECTOR = "dicom-pixels"


def frames_to_check(ds: Dataset) -> tuple[list[int], str]:
    """Frame indices to OCR and the reason, per the rule in the module docstring."""
    n_frames = _int(ds.get("NumberOfFrames"), 1) or 1
    modality = str(ds.get("Modality", "") or "").upper()
    burned_in = str(ds.get("BurnedInAnnotation", "") or "").strip().upper()
    sop_class = str(ds.get("SOPClassUID", "") or "")
    everything = list(range(n_frames))
    if sop_class.startswith(SECONDARY_CAPTURE_PREFIX) or modality in ALL_FRAMES_MODALITIES:
        return everything, f"every frame ({modality or 'secondary capture'})"
    if burned_in != "NO":
        return everything, "every frame (burned-in annotation not declared absent)"
    if modality not in STACK_MODALITIES:
        return everything, f"every frame ({modality or 'unknown modality'})"
    if n_frames > 1:
        return sorted({0, n_frames - 1, *range(0, n_frames, SAMPLE_EVERY)}), f"sample of frames (1 in {SAMPLE_EVERY})"
    instance = _int(ds.get("InstanceNumber"), None)
    if instance is None or instance == 1 or instance % SAMPLE_EVERY == 0:
        return [0], f"sampled slice (1 in {SAMPLE_EVERY})"
    return [], "not sampled"


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def render(frame: np.ndarray, photometric: str) -> Image.Image:
    """8-bit image of a decoded frame, full range (burned-in text sits at the extremes)."""
    if frame.ndim == 3:  # colour, already RGB from pydicom
        if frame.dtype != np.uint8:
            frame = (frame.astype(np.float32) * (255.0 / max(1.0, float(frame.max())))).astype(np.uint8)
        return Image.fromarray(np.ascontiguousarray(frame[..., :3]), "RGB")
    values = frame.astype(np.float32)
    low, high = float(values.min()), float(values.max())
    scaled = (values - low) * (255.0 / (high - low)) if high > low else np.zeros_like(values)
    if photometric == "MONOCHROME1":
        scaled = 255.0 - scaled
    return Image.fromarray(scaled.astype(np.uint8), "L")


def _frames(path: Path, ds: Dataset, indices: Sequence[int]) -> Iterator[tuple[int, np.ndarray]]:
    from pydicom.pixels import iter_pixels, apply_color_lut

    photometric = str(ds.get("PhotometricInterpretation", "") or "")
    for index, array in zip(indices, iter_pixels(path, indices=list(indices))):
        if photometric == "PALETTE COLOR":
            array = apply_color_lut(array, ds)
        yield index, array


def check_pixels(path: Path, ds: Dataset, rel: str, *, known: Sequence[KnownValue] = ()) -> list[Finding]:
    """Burned-in text (and faces in photographs) in the frames chosen by `frames_to_check`."""
    has_pixels = getattr(ds, "has_pixel_data_element", None)
    if has_pixels is None:  # a dataset not read by dicom_header.read_header
        has_pixels = any(tag in ds for tag in (0x7FE00010, 0x7FE00008, 0x7FE00009))
    if not has_pixels:
        return []  # no image in this object (a structured report, say): nothing burned in
    from .faces import DicomFaces

    indices, _reason = frames_to_check(ds)
    n_frames = _int(ds.get("NumberOfFrames"), 1) or 1
    ocr_frames = set(indices)
    faces = DicomFaces(ds, rel)
    indices = sorted(ocr_frames | set(range(n_frames)))  # every frame is offered to the face check
    rows, columns = _int(ds.get("Rows"), 0), _int(ds.get("Columns"), 0)
    if rows * columns > MAX_FRAME_PIXELS:
        return [cannot_verify(rel, f"the image is too large to check for burned-in text "
                                   f"({rows}x{columns} pixels)", DETECTOR)]
    photometric = str(ds.get("PhotometricInterpretation", "") or "")
    workers = max(1, min(len(indices), os.cpu_count() or 1))
    findings: list[Finding] = []
    pending: list[Future] = []
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for index, array in _frames(path, ds, indices):
                image = render(array, photometric)
                frame = index if n_frames > 1 else None
                if index in ocr_frames:
                    pending.append(pool.submit(check_pixels_text, image, rel, frame=frame, medical=True, known=known))
                if faces.wants(index, image):
                    pending.append(pool.submit(faces.check, image, frame))
                if len(pending) >= 2 * workers:  # bounded memory on long cine loops
                    findings += pending.pop(0).result()
            for future in pending:
                findings += future.result()
    except MemoryError:
        return findings + [cannot_verify(rel, "the image is too large to decode for checking", DETECTOR)]
    except Exception as error:  # noqa: BLE001 - decoder failures become findings
        syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
        named = f" ({syntax.name})" if syntax is not None and hasattr(syntax, "name") else ""
        return findings + [cannot_verify(
            rel, f"the image{named} could not be decoded, so burned-in text was not checked "
                 f"({error.__class__.__name__})", DETECTOR)]
    return findings
