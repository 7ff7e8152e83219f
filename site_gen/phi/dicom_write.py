"""Writing a de-identified DICOM file: every byte accounted for.

* `keep_frames(ds, indices)`: a multi-frame object thinned to some frames (`--every N` on a cine),
  with the frame count, frame timing and per-frame functional groups following;
* `clean_encapsulated(ds)`: comment and application segments removed from every compressed frame
  (encapsulated.py); a frame where that cannot be done safely sends the file to `make_native`;
* `make_native(ds)`: pixel data decoded and stored uncompressed, little endian (compressed and
  big-endian inputs), keeping the project's own 2.25 SOP Instance UID - never a new UID from
  pydicom's decompress(), which would carry pydicom's organisation root;
* `write(ds, target)`: a zeroed 128-byte preamble and a file meta group written from scratch
  (SOP class and instance, transfer syntax, and this tool as the implementation): the source,
  sending and receiving application entities and private meta information of the export are
  not carried over.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import UID, ExplicitVRLittleEndian

from .dicom_io import number_of_frames

IMPLEMENTATION_VERSION = "SITE_GEN_1"
# This tool's Implementation Class UID: a 2.25 UID derived from its name (no organisation root).
IMPLEMENTATION_UID = "2.25." + str(int.from_bytes(hashlib.sha256(b"site-gen import-dicom").digest()[:16], "big"))
PREAMBLE = b"\0" * 128


def project_file_meta(ds: Dataset, syntax: str) -> FileMetaDataset:
    meta = FileMetaDataset()
    meta.FileMetaInformationVersion = b"\x00\x01"
    meta.MediaStorageSOPClassUID = ds.get("SOPClassUID") or getattr(ds.get("file_meta"), "MediaStorageSOPClassUID", "")
    meta.MediaStorageSOPInstanceUID = ds.get("SOPInstanceUID", "")
    meta.TransferSyntaxUID = UID(str(syntax))
    meta.ImplementationClassUID = IMPLEMENTATION_UID
    meta.ImplementationVersionName = IMPLEMENTATION_VERSION
    return meta


def write(ds: Dataset, target: Path) -> None:
    syntax = str(getattr(ds.file_meta, "TransferSyntaxUID", ExplicitVRLittleEndian))
    ds.file_meta = project_file_meta(ds, syntax)
    ds.preamble = PREAMBLE
    target.parent.mkdir(parents=True, exist_ok=True)
    uid = ds.file_meta.TransferSyntaxUID
    # the encoding follows the (new) transfer syntax, also when the file was read big endian
    pydicom.dcmwrite(target, ds, implicit_vr=uid.is_implicit_VR, little_endian=uid.is_little_endian,
                     force_encoding=True)  # preamble and file meta are set above, so both are written


def make_native(ds: Dataset) -> None:
    """Store the pixel data uncompressed, little endian (the SOP Instance UID stays)."""
    syntax = ds.file_meta.TransferSyntaxUID
    if not syntax.is_compressed and syntax.is_little_endian:
        return
    array = ds.pixel_array  # YBR arrives as RGB
    if array.ndim >= 3 and int(ds.get("SamplesPerPixel", 1) or 1) == 3:
        if str(ds.get("PhotometricInterpretation", "")).startswith("YBR"):
            ds.PhotometricInterpretation = "RGB"
        ds.PlanarConfiguration = 0
    if not syntax.is_little_endian:
        _little_endian_tables(ds)
    if array.dtype.itemsize > 1:
        array = array.astype(array.dtype.newbyteorder("<"))
    ds.PixelData = np.ascontiguousarray(array).tobytes()
    ds["PixelData"].VR = "OW" if int(ds.BitsAllocated) > 8 else "OB"
    ds["PixelData"].is_undefined_length = False
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    if "LossyImageCompression" not in ds and syntax in _LOSSY:
        ds.LossyImageCompression = "01"


_LOSSY = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.81",
          "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.203"}


def _little_endian_tables(ds: Dataset) -> None:
    """OW lookup-table data read from a big-endian file is raw bytes: swap it to little endian."""
    for elem in ds.iterall():
        if elem.VR == "OW" and int(elem.tag) != 0x7FE00010 and isinstance(elem.value, (bytes, bytearray)):
            elem.value = np.frombuffer(elem.value, ">u2").astype("<u2").tobytes()


def clean_encapsulated(ds: Dataset) -> str:
    """Remove comment/application segments from compressed frames.

    Returns "none" (nothing found), "stripped" (segments removed, still compressed) or "decoded"
    (written uncompressed because a frame could not be cleaned in place)."""
    from pydicom.encaps import encapsulate, generate_frames

    from .encapsulated import J2K_SYNTAXES, JPEG_SYNTAXES, segments_with_text, strip_text

    syntax = str(ds.file_meta.TransferSyntaxUID)
    if syntax not in JPEG_SYNTAXES and syntax not in J2K_SYNTAXES:
        return "none"
    frames = list(generate_frames(ds.PixelData, number_of_frames=number_of_frames(ds)))
    try:
        dirty = any(segments_with_text(frame, syntax) for frame in frames)
    except ValueError:
        dirty = True
    if not dirty:
        return "none"
    cleaned = [strip_text(frame, syntax) for frame in frames]
    if any(frame is None for frame in cleaned):
        make_native(ds)
        return "decoded"
    ds.PixelData = encapsulate([frame + b"\0" if len(frame) % 2 else frame for frame in cleaned])
    ds["PixelData"].is_undefined_length = True
    return "stripped"


PER_FRAME_VECTORS = ("FrameTimeVector", "FrameLabelVector", "FrameReferenceTime", "FramePrimaryAngleVector",
                     "FrameSecondaryAngleVector", "SliceLocationVector", "DisplayWindowLabelVector")


def keep_frames(ds: Dataset, indices: Sequence[int]) -> None:
    """Keep only some frames of a multi-frame object (0-based, in order)."""
    total = number_of_frames(ds)
    indices = [i for i in indices if 0 <= i < total]
    if total <= 1 or len(indices) == total:
        return
    syntax = ds.file_meta.TransferSyntaxUID
    if syntax.is_compressed:
        from pydicom.encaps import encapsulate, generate_frames
        frames = list(generate_frames(ds.PixelData, number_of_frames=total))
        ds.PixelData = encapsulate([frames[i] for i in indices])
        ds["PixelData"].is_undefined_length = True
    else:
        array = ds.pixel_array
        if int(ds.get("SamplesPerPixel", 1) or 1) == 3:  # pydicom hands over colour-by-pixel RGB
            if str(ds.get("PhotometricInterpretation", "")).startswith("YBR"):
                ds.PhotometricInterpretation = "RGB"
            ds.PlanarConfiguration = 0
        if not syntax.is_little_endian:
            _little_endian_tables(ds)
            ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        kept = array[indices]
        if kept.dtype.itemsize > 1:
            kept = kept.astype(kept.dtype.newbyteorder("<"))
        ds.PixelData = np.ascontiguousarray(kept).tobytes()
    ds.NumberOfFrames = len(indices)
    steps = [b - a for a, b in zip(indices, indices[1:])]
    step = steps[0] if steps and len(set(steps)) == 1 else None
    if "FrameTime" in ds and step:
        ds.FrameTime = round(float(ds.FrameTime) * step, 3)
    if "CineRate" in ds and step:
        ds.CineRate = max(1, round(float(ds.CineRate) / step))
    if "RecommendedDisplayFrameRate" in ds and step:
        ds.RecommendedDisplayFrameRate = max(1, round(float(ds.RecommendedDisplayFrameRate) / step))
    for keyword in PER_FRAME_VECTORS:
        if keyword in ds:
            values = list(ds.data_element(keyword).value)
            if len(values) == total:
                if keyword == "FrameTimeVector":  # increments between frames: add up the skipped ones
                    times = np.cumsum([float(v) for v in values])
                    picked = [float(times[i]) for i in indices]
                    values = [picked[0]] + [b - a for a, b in zip(picked, picked[1:])]
                    ds.FrameTimeVector = [round(v, 3) for v in values]
                else:
                    setattr(ds, keyword, [values[i] for i in indices])
            else:
                delattr(ds, keyword)
    if "PerFrameFunctionalGroupsSequence" in ds and len(ds.PerFrameFunctionalGroupsSequence) == total:
        ds.PerFrameFunctionalGroupsSequence = DicomSequence([ds.PerFrameFunctionalGroupsSequence[i] for i in indices])
    for keyword in ("StartTrim", "StopTrim", "RecommendedDisplayFrameRateInFloat"):
        if keyword in ds:
            delattr(ds, keyword)
