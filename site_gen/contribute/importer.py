"""Import a DICOM export (folder or DICOMDIR) or photographs into a case, de-identified.

What `import_source` does, in order:

1. **Read** the export without changing it: every file is opened read-only; DICOMDIR, when
   present, lists the files (pydicom's FileSet), else the folder is walked.  Files that are not
   DICOM (viewer programs, autorun files) are skipped and counted.  Git LFS pointer files are
   refused (the images are not there).
2. **Group** the DICOM files into studies and series (Study/Series Instance UID), order each
   series along the slice normal (else by instance number) and keep a selection: every n-th
   slice and/or a range of slice numbers, and only some series if asked.
3. **De-identify** each kept file with `site_gen.phi.deidentify.deidentify` (the PS3.15 Basic
   Application Level Confidentiality Profile with Retain Patient Characteristics and Clean
   Descriptors, the same table the PHI guard checks against): identifying attributes removed or
   blanked, private elements, curves and overlays dropped, UIDs replaced consistently (one salt
   per import), geometry, spacing, modality and window settings kept.  Overlay bits stored in
   the unused high bits of the pixel data are cleared too.  Optionally, text burned into the
   pixels is found by OCR and blacked out.
4. **Check** the de-identified files with the PHI guard in a staging folder outside the
   repository.  Only when the guard passes are the files moved into the case; otherwise nothing
   is written and the findings (masked) are reported.
5. **Record** the new studies and series in case.yml (created with new-case defaults when
   missing), appending to the studies list as text so comments survive.

Photographs (PNG/JPEG) follow the same path: pixels are copied into a new image (EXIF, XMP,
IPTC, ICC, comments and PNG text are not carried over), EXIF orientation applied, optional crop
and text black-out, checked by the guard, written as 0001.png ... .

No value read from the export is ever printed: only counts, attribute keywords and masks.
"""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

RASTER_SUFFIXES = {".png", ".jpg", ".jpeg"}
DEFAULT_SOURCE = "Contributor's own imaging, de-identified with site-gen import-dicom"


class ImportProblem(Exception):
    """The import cannot go ahead; the message is in plain words and holds no patient data."""


def is_lfs_pointer(path: Path) -> bool:
    """A Git LFS pointer file stands where the real file should be (a checkout without LFS)."""
    from .lfs import is_pointer
    return is_pointer(path)


# --------------------------------------------------------------------------- options and report

@dataclass
class Selection:
    every: int = 1                       # keep every n-th slice
    first: int | None = None             # 1-based slice range, inclusive
    last: int | None = None
    series: set[int] | None = None       # 1-based series numbers as listed by --list

    def pick(self, count: int) -> list[int]:
        start = max(1, self.first or 1)
        stop = min(count, self.last or count)
        return [i - 1 for i in range(start, stop + 1)][:: max(1, self.every)]


@dataclass
class Options:
    selection: Selection = field(default_factory=Selection)
    black_out_text: bool = False
    crop: tuple[int, int, int, int] | None = None   # left, top, right, bottom (photographs)
    modality: str | None = None                     # for photographs (no header to read it from)
    plane: str | None = None
    source: str = DEFAULT_SOURCE
    licence: str = "CC BY-NC-SA 4.0"
    findings: str = ""
    caption: str = ""
    timing: str | None = None
    ocr_check: bool = True                          # the guard's own OCR of the output
    allow_several_patients: bool = False            # several patients' images in one case


@dataclass
class SeriesReport:
    folder: str
    modality: str
    plane: str | None
    found: int
    kept: int
    frames: bool = False                 # found/kept count the frames of one cine file
    files: list[str] = field(default_factory=list)
    boxes: int = 0


@dataclass
class ImportReport:
    files_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)       # reason -> count
    studies: list[list[SeriesReport]] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)              # attribute keywords removed
    blanked: set[str] = field(default_factory=set)              # emptied or dummy
    cleaned: set[str] = field(default_factory=set)              # free text with spans replaced
    uids_replaced: int = 0
    private_removed: int = 0
    overlay_groups: int = 0
    overlay_bits_cleared: int = 0
    metadata_stripped: set[str] = field(default_factory=set)    # photographs: kinds of metadata
    boxes: int = 0
    blacked_out_files: int = 0
    segments_removed: int = 0                                   # files whose compressed frames carried text
    written: list[Path] = field(default_factory=list)
    case_file_created: bool = False
    examined: str = ""                                          # what the guard looked at, in words

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


# --------------------------------------------------------------------------- reading the export

@dataclass
class SourceFile:
    path: Path
    study_uid: str
    series_uid: str
    modality: str
    series_number: int
    order: tuple
    study_date: str  # only to order studies; never printed or written
    orientation: tuple | None
    view: str
    patient: str = ""          # who the images are of (ID, else name and birth date); never printed
    description: str = ""      # series description, shown by --list only after the text check
    frames: int = 1
    size: tuple[int, int] = (0, 0)   # columns x rows
    bytes: int = 0


@dataclass
class SourceSeries:
    uid: str
    modality: str
    number: int
    files: list[SourceFile]

    @property
    def plane(self) -> str | None:
        return plane_of(self.files[0].orientation, self.modality, self.files[0].view)

    @property
    def cine(self) -> bool:
        """One multi-frame file: --every and --slices then count frames."""
        return len(self.files) == 1 and self.files[0].frames > 1

    @property
    def count(self) -> int:
        return self.files[0].frames if self.cine else len(self.files)


@dataclass
class SourceStudy:
    uid: str
    date: str
    series: list[SourceSeries]


def plane_of(orientation, modality: str, view: str) -> str | None:
    """axial/coronal/sagittal/oblique from the direction cosines; PA/AP/lateral from ViewPosition."""
    if view:
        view = view.strip().upper()
        return {"PA": "PA", "AP": "AP", "LL": "lateral", "RL": "lateral", "LAT": "lateral",
                "LATERAL": "lateral"}.get(view)
    if orientation is None or len(orientation) != 6:
        return None
    try:
        row = np.array([float(v) for v in orientation[:3]])
        col = np.array([float(v) for v in orientation[3:]])
    except (TypeError, ValueError):
        return None
    normal = np.abs(np.cross(row, col))
    if normal.max() < 0.9:
        return "oblique"
    return ("sagittal", "coronal", "axial")[int(normal.argmax())]


def _files_of(src: Path, report: ImportReport) -> list[Path]:
    """The files of an export: from its DICOMDIR when there is one, else every file below SRC."""
    dicomdir = None
    if src.is_file() and src.name.upper() == "DICOMDIR":
        dicomdir = src
    elif src.is_dir():
        dicomdir = next((p for p in src.iterdir() if p.is_file() and p.name.upper() == "DICOMDIR"), None)
    if src.is_file() and dicomdir is None:
        return [src]
    if dicomdir is not None:
        listed = _dicomdir_files(dicomdir)
        if listed is not None:
            return listed
        report.skip("DICOMDIR could not be read (the folder was searched instead)")
        src = dicomdir.parent
    files = []
    for folder, dirs, names in os.walk(src):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.upper() == "DICOMDIR" or name.startswith("."):
                continue
            files.append(Path(folder) / name)
    return files


def _dicomdir_files(dicomdir: Path) -> list[Path] | None:
    import pydicom
    from pydicom.fileset import FileSet
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fileset = FileSet(pydicom.dcmread(dicomdir))
            return sorted({Path(instance.path) for instance in fileset})
    except Exception:  # noqa: BLE001 - any DICOMDIR problem: fall back to walking the folder
        return None


def _order_key(ds, name: str) -> tuple:
    position, orientation = ds.get("ImagePositionPatient"), ds.get("ImageOrientationPatient")
    try:
        if position is not None and orientation is not None and len(orientation) == 6:
            row = np.array(orientation[:3], dtype=float)
            col = np.array(orientation[3:], dtype=float)
            return (0, -float(np.dot(np.cross(row, col), np.array(position, dtype=float))), name)
    except (TypeError, ValueError):
        pass
    try:
        return (1, float(ds.get("InstanceNumber")), name)
    except (TypeError, ValueError):
        return (2, 0.0, name)


def patient_key(ds) -> str:
    """Who a file's images are of: the patient ID (with its issuer), else name and birth date."""
    def text(keyword: str) -> str:
        value = ds.get(keyword)
        return " ".join(str(value).replace("^", " ").split()).upper() if value else ""
    identifier = text("PatientID")
    if identifier:
        return f"id:{text('IssuerOfPatientID')}:{identifier}"
    name, born = text("PatientName"), text("PatientBirthDate")
    return f"name:{name}:{born}" if name or born else ""


def patients_of(studies: list[SourceStudy]) -> list[str]:
    """Distinct patients in the export, in order of first appearance ("" = not recorded)."""
    seen: list[str] = []
    for study in studies:
        for series in study.series:
            for item in series.files:
                if item.patient and item.patient not in seen:
                    seen.append(item.patient)
    return seen


def masked_patient(key: str, keys: list[str]) -> str:
    """"patient A (ID 99999999)": a letter and the shape of the identifier, never its value."""
    from ..phi.finding import mask
    if not key:
        return "patient not recorded"
    letter = chr(ord("A") + keys.index(key)) if key in keys and keys.index(key) < 26 else "?"
    kind, _issuer, value = key.split(":", 2) if key.startswith("id:") else ("name", "", key.split(":", 1)[1])
    shape = mask(value.replace(":", " "))
    return f"patient {letter} ({'ID' if kind == 'id' else 'name/birth date'} {shape})"


def read_export(src: Path, report: ImportReport) -> tuple[list[SourceStudy], list[Path]]:
    """DICOM studies (in time order) and photographs found in the export."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    from ..media.discover import is_dicom_file

    studies: dict[str, dict[str, list[SourceFile]]] = {}
    dates: dict[str, str] = {}
    photos: list[Path] = []
    for path in _files_of(src, report):
        report.files_read += 1
        if is_lfs_pointer(path):
            raise ImportProblem("the export holds Git LFS pointer files instead of images; run "
                                "'git lfs pull' where it came from, or export the images again")
        if path.suffix.lower() in RASTER_SUFFIXES:
            photos.append(path)
            continue
        if not is_dicom_file(path):
            report.skip("not an image (DICOM, PNG or JPEG)")
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = pydicom.dcmread(path, stop_before_pixels=True)
        except (InvalidDicomError, OSError, ValueError, EOFError, AttributeError, KeyError, TypeError):
            report.skip("damaged or unreadable DICOM file")
            continue
        if "Rows" not in ds or "Columns" not in ds:
            report.skip("DICOM file without an image (report or presentation state)")
            continue
        study_uid = str(ds.get("StudyInstanceUID", "") or "unknown-study")
        series_uid = str(ds.get("SeriesInstanceUID", "") or f"unknown-series-{study_uid}")
        try:
            number = int(ds.get("SeriesNumber") or 0)
        except (TypeError, ValueError):
            number = 0
        try:
            frames = max(1, int(ds.get("NumberOfFrames", 1) or 1))
            size = (int(ds.Columns), int(ds.Rows))
        except (TypeError, ValueError):
            frames, size = 1, (0, 0)
        item = SourceFile(
            path=path, study_uid=study_uid, series_uid=series_uid,
            modality=str(ds.get("Modality", "") or "OT").upper(), series_number=number,
            order=_order_key(ds, path.name), study_date=str(ds.get("StudyDate", "") or ""),
            orientation=tuple(ds.ImageOrientationPatient) if "ImageOrientationPatient" in ds else None,
            view=str(ds.get("ViewPosition", "") or ""), patient=patient_key(ds),
            description=str(ds.get("SeriesDescription", "") or ""), frames=frames, size=size,
            bytes=path.stat().st_size)
        studies.setdefault(study_uid, {}).setdefault(series_uid, []).append(item)
        dates.setdefault(study_uid, item.study_date)
    result = []
    for study_uid, series in studies.items():
        listed = []
        for series_uid, files in series.items():
            files.sort(key=lambda f: f.order)
            listed.append(SourceSeries(series_uid, files[0].modality, files[0].series_number, files))
        listed.sort(key=lambda s: (s.number, s.uid))
        result.append(SourceStudy(study_uid, dates.get(study_uid, ""), listed))
    result.sort(key=lambda s: (s.date or "99999999", s.uid))
    return result, sorted(photos)


def relative_timing(dates: list[str]) -> list[str]:
    """Study timings relative to the first ('day 0', 'day 3', '6 weeks later'): never a date."""
    import datetime
    parsed = []
    for text in dates:
        try:
            parsed.append(datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8])))
        except (ValueError, TypeError):
            parsed.append(None)
    first = parsed[0] if parsed else None
    out = []
    for index, day in enumerate(parsed):
        if index == 0:
            out.append("day 0")
        elif day is None or first is None:
            out.append("follow-up")
        else:
            delta = (day - first).days
            if delta == 0:
                out.append("same day")
            elif delta < 0:
                out.append("follow-up")
            elif delta <= 30:
                out.append(f"day {delta}")
            elif delta < 120:
                out.append(f"{round(delta / 7)} weeks later")
            elif delta < 730:
                out.append(f"{round(delta / 30.4)} months later")
            else:
                out.append(f"{round(delta / 365.25)} years later")
    return out


# --------------------------------------------------------------------------- pixels

def _clear_overlay_bits(ds, report: ImportReport) -> None:
    """Overlays may live in the unused high bits of 16-bit pixel data (retired, still seen)."""
    try:
        allocated, stored = int(ds.BitsAllocated), int(ds.BitsStored)
    except (AttributeError, TypeError, ValueError):
        return
    if allocated != 16 or stored >= 16 or ds.file_meta.TransferSyntaxUID.is_compressed:
        return
    if int(ds.get("SamplesPerPixel", 1) or 1) != 1:
        return
    raw = np.frombuffer(ds.PixelData, dtype="<u2" if not ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.2"
                        else ">u2").copy()
    high_bit = int(ds.get("HighBit", stored - 1))
    keep = ((1 << stored) - 1) << (high_bit - stored + 1)
    outside = raw & ~np.uint16(keep)
    if int(ds.get("PixelRepresentation", 0)) == 1 and high_bit == stored - 1:
        # Signed values are sign-extended into the high bits: those bits are not an overlay.
        sign = (raw >> high_bit) & 1
        extension = np.where(sign == 1, np.uint16(0xFFFF) & ~np.uint16(keep), 0).astype(np.uint16)
        if np.array_equal(outside, extension):
            return
        raw = (raw & np.uint16(keep)) | extension
    else:
        if not outside.any():
            return
        raw = raw & np.uint16(keep)
    ds.PixelData = raw.tobytes()
    report.overlay_bits_cleared += 1


def _black_out_photo(array: np.ndarray) -> tuple[np.ndarray, int]:
    """Black out text in a photograph (RGB or greyscale array), reading until nothing reads."""
    from ..phi.pixel_regions import photograph_bands
    from ..phi.pixel_text import FrameReader, boxes_to_blank, findings_for

    frame = array.copy()
    reader = FrameReader(None, medical=frame.ndim == 2)
    bands = photograph_bands()
    filled: list[tuple[int, int, int, int]] = []
    for round_number in range(4):
        text = reader.read(frame, full_pass=True if round_number == 0 else None)
        boxes = [b for b in boxes_to_blank(text, bands=bands, findings=findings_for(text, "", frame=None, bands=bands))
                 if b not in filled]
        if not boxes:
            break
        for left, top, width, height in boxes:
            frame[top:top + height, left:left + width] = 0
        filled += boxes
    return frame, len(filled)


# --------------------------------------------------------------------------- de-identification

def _tally(before, after, report: ImportReport) -> None:
    """What de-identification changed, as attribute keywords (never values)."""
    from ..phi.deidentify import REMOVED
    for elem in before:
        tag = int(elem.tag)
        group = tag >> 16
        if group % 2 == 1:
            report.private_removed += 1
            continue
        if 0x6000 <= group <= 0x60FF or 0x5000 <= group <= 0x50FF:
            continue
        keyword = elem.keyword or f"({group:04X},{tag & 0xFFFF:04X})"
        if keyword in ("PatientIdentityRemoved", "DeidentificationMethod"):
            continue
        if tag not in after:
            report.removed.add(keyword)
            continue
        new = after[tag]
        if elem.VR == "UI":
            if str(new.value) != str(elem.value):
                report.uids_replaced += 1
            continue
        if elem.VR == "SQ":
            if len(elem.value or []) and not len(new.value or []):
                report.blanked.add(keyword)
            continue
        if new.value != elem.value:
            if isinstance(new.value, str) and REMOVED in new.value:
                report.cleaned.add(keyword)
            else:
                report.blanked.add(keyword)
    groups = {int(e.tag) >> 16 for e in before if 0x6000 <= int(e.tag) >> 16 <= 0x60FF}
    report.overlay_groups = max(report.overlay_groups, len(groups))


def deidentify_file(source: Path, target: Path, salt: str, options: Options, report: ImportReport,
                    frames: list[int] | None = None) -> int:
    """Read `source` (read-only), de-identify, write `target`; returns the boxes blacked out.

    Header: the project profile (phi.deidentify).  Pixels: overlay bits cleared, the chosen frames
    of a cine kept, text in compressed frames removed, and with --black-out-text burned-in text
    blanked (phi.blackout).  Written with a zeroed preamble and a new file meta group.
    """
    import pydicom

    from ..phi.blackout import black_out
    from ..phi.deidentify import deidentify
    from ..phi.dicom_header import known_values
    from ..phi.dicom_io import missing_decoder
    from ..phi.dicom_write import clean_encapsulated, keep_frames, make_native, write

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = pydicom.dcmread(source, stop_before_pixels=True)
        ds = pydicom.dcmread(source)
    known = known_values(before)
    _clear_overlay_bits(ds, report)
    deidentify(ds, uid_salt=salt)
    _tally(before, ds, report)
    needs_pixels = options.black_out_text or not ds.file_meta.TransferSyntaxUID.is_little_endian
    if needs_pixels and "PixelData" in ds:
        problem = missing_decoder(ds)
        if problem:
            raise ImportProblem(f"an image cannot be decoded: {problem}")
    if frames is not None and "PixelData" in ds:
        keep_frames(ds, frames)
    boxes = 0
    if "PixelData" in ds:
        if needs_pixels:
            make_native(ds)
        if options.black_out_text:
            boxes = black_out(ds, known=known)
            report.blacked_out_files += bool(boxes)
        else:
            if clean_encapsulated(ds) != "none":
                report.segments_removed += 1
    write(ds, target)
    return boxes


# --------------------------------------------------------------------------- photographs

def _parse_metadata_kinds(image) -> set[str]:
    kinds = set()
    info = image.info or {}
    if info.get("exif") or (hasattr(image, "getexif") and len(image.getexif())):
        kinds.add("EXIF")
    if "xmp" in info or "XML:com.adobe.xmp" in info:
        kinds.add("XMP")
    if "icc_profile" in info:
        kinds.add("colour profile")
    if "comment" in info:
        kinds.add("comment")
    if any(k not in ("exif", "xmp", "icc_profile", "comment", "dpi", "jfif", "jfif_version", "jfif_unit",
                     "jfif_density", "progressive", "progression", "adobe", "adobe_transform",
                     "gamma", "transparency", "aspect", "interlace", "srgb")
           for k in info):
        kinds.add("text fields")
    if getattr(image, "applist", None) and any(m.startswith("APP13") for m, _ in image.applist):
        kinds.add("IPTC")
    return kinds


def clean_photo(source: Path, target: Path, options: Options, report: ImportReport) -> int:
    """Pixels only, orientation applied, optional crop and black-out; returns boxes blacked out."""
    from PIL import Image, ImageOps

    with Image.open(source) as opened:
        report.metadata_stripped |= _parse_metadata_kinds(opened)
        opened.load()
        upright = ImageOps.exif_transpose(opened)
    mode = upright.mode
    if mode not in ("L", "RGB", "RGBA", "I;16", "LA", "P", "1"):
        upright, mode = upright.convert("RGB"), "RGB"
    if mode == "P":
        upright, mode = upright.convert("RGBA" if "transparency" in upright.info else "RGB"), upright.mode
        mode = upright.mode
    clean = Image.frombytes(mode, upright.size, upright.tobytes())
    if options.crop:
        left, top, right, bottom = options.crop
        if not (0 <= left < right <= clean.width and 0 <= top < bottom <= clean.height):
            raise ImportProblem(f"the crop box {left},{top},{right},{bottom} does not fit inside the "
                                f"{clean.width}x{clean.height} image")
        clean = clean.crop((left, top, right, bottom))
    boxes = 0
    if options.black_out_text:
        array = np.asarray(clean.convert("RGB") if clean.mode not in ("L", "RGB") else clean)
        cleaned, boxes = _black_out_photo(array)
        if boxes:
            clean = Image.fromarray(cleaned)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix == ".png":
        clean.save(target, format="PNG")
    else:
        if clean.mode not in ("L", "RGB"):
            clean = clean.convert("RGB")
        clean.save(target, format="JPEG", quality=95)
    return boxes


# --------------------------------------------------------------------------- the import

def _folder_name(modality: str, plane: str | None, taken: set[str]) -> str:
    base = f"{modality.lower()}-{(plane or 'images').lower().replace(' ', '-')}"
    base = "".join(c for c in base if c.isalnum() or c == "-")
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def _safe_description(text: str) -> str:
    """A series description for --list: shown when the text detector finds nothing in it."""
    from ..phi.dicom_text import spans_for
    from ..phi.finding import mask
    text = " ".join(text.split())
    if not text:
        return "no description"
    try:
        clean = not spans_for("SeriesDescription", text)
    except Exception:  # noqa: BLE001 - no detector: show the shape only
        clean = False
    return f'"{text[:48]}"' if clean else f"description hidden, it may identify someone ({mask(text)})"


def _size(bytes_: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if bytes_ < 1024 or unit == "GB":
            return f"{bytes_:.0f} {unit}" if unit == "bytes" else f"{bytes_:.1f} {unit}"
        bytes_ /= 1024
    return ""


def describe_export(studies: list[SourceStudy], photos: list[Path]) -> list[str]:
    """Lines describing the export for --list: per series a masked patient key, description
    (after the text check), modality, plane, files, frames, image size and bytes; no value that
    could identify anyone."""
    lines = []
    number = 0
    patients = patients_of(studies)
    if len(patients) > 1:
        lines.append(f"The export holds images of {len(patients)} patients; import one at a time with --series, "
                     "or add --allow-several-patients if they belong in one case.")
    for s_index, study in enumerate(studies, 1):
        lines.append(f"study {s_index}:")
        for series in study.series:
            number += 1
            first = series.files[0]
            frames = sum(f.frames for f in series.files)
            files = len(series.files)
            lines.append(
                f"  series {number}: {series.modality}, {series.plane or 'plane unknown'}, "
                f"{_safe_description(first.description)}, {files} file{'s' if files != 1 else ''}, "
                f"{frames} frame{'s' if frames != 1 else ''}, {first.size[0]}x{first.size[1]} pixels, "
                f"{_size(sum(f.bytes for f in series.files))}; {masked_patient(first.patient, patients)}")
    if photos:
        lines.append(f"photographs: {len(photos)} PNG/JPEG file{'s' if len(photos) != 1 else ''}")
    return lines


def _chosen_series(studies: list[SourceStudy], selection: Selection) -> list[SourceSeries]:
    chosen, number = [], 0
    for study in studies:
        for series in study.series:
            number += 1
            if selection.series is None or number in selection.series:
                chosen.append(series)
    return chosen


def import_source(src: Path, case_folder: Path, options: Options, *,
                  guard: Callable[[Path], list] | None = None,
                  dry_run: bool = False) -> tuple[ImportReport, list[dict], list]:
    """Import SRC into `case_folder`.  Returns (report, study entries for case.yml, guard findings).

    Nothing is written to the case when the guard finds anything (the findings are returned).
    """
    src = src.resolve()
    case_folder = case_folder.resolve()
    if not src.exists():
        raise ImportProblem("the export folder or file does not exist")
    if case_folder == src or case_folder.is_relative_to(src) or (src.is_dir() and src.is_relative_to(case_folder)):
        raise ImportProblem("the export and the case folder overlap; copy the export somewhere outside "
                            "the case first")
    report = ImportReport()
    studies, photos = read_export(src, report)
    if not studies and not photos:
        raise ImportProblem(f"no DICOM, PNG or JPEG images found in the export ({report.files_read} "
                            f"file{'s' if report.files_read != 1 else ''} looked at)")
    if not options.allow_several_patients:
        chosen = _chosen_series(studies, options.selection)
        patients = patients_of([SourceStudy("", "", chosen)])
        if len(patients) > 1:
            everyone = patients_of(studies)
            names = ", ".join(masked_patient(key, everyone) for key in patients)
            raise ImportProblem(
                f"the images chosen belong to {len(patients)} different patients ({names}); a case is about one "
                "patient: import one patient's series at a time (see --list and --series), or add "
                "--allow-several-patients if they really belong in one case")
    if dry_run:
        return report, [], []
    taken = {p.name for p in case_folder.iterdir()} if case_folder.is_dir() else set()
    salt = secrets.token_hex(16)
    staging = Path(tempfile.mkdtemp(prefix="site-gen-import-"))
    entries: list[dict] = []
    try:
        listed = 0
        timings = relative_timing([s.date for s in studies])
        for study, timing in zip(studies, timings):
            series_entries, study_reports = [], []
            for series in study.series:
                listed += 1
                if options.selection.series is not None and listed not in options.selection.series:
                    continue
                picked = options.selection.pick(series.count)
                if not picked:
                    continue
                plane = options.plane or series.plane
                folder = _folder_name(series.modality, plane, taken)
                item = SeriesReport(folder, series.modality, plane, series.count, len(picked),
                                    frames=series.cine)
                if series.cine:  # one multi-frame file: the selection thins its frames
                    target = staging / folder / "0001.dcm"
                    item.boxes += deidentify_file(series.files[0].path, target, salt, options, report,
                                                  frames=picked)
                    item.files.append(f"{folder}/{target.name}")
                for out_index, src_index in enumerate([] if series.cine else picked, 1):
                    target = staging / folder / f"{out_index:04d}.dcm"
                    item.boxes += deidentify_file(series.files[src_index].path, target, salt, options, report)
                    item.files.append(f"{folder}/{target.name}")
                report.boxes += item.boxes
                study_reports.append(item)
                series_entries.append({"path": folder, "plane": plane, "caption": options.caption,
                                       "source": options.source, "licence": options.licence})
            if series_entries:
                report.studies.append(study_reports)
                entries.append({"modality": study_reports[0].modality,
                                "timing": options.timing or timing,
                                "findings": options.findings, "series": series_entries})
        if photos and (options.selection.series is None or not studies):
            modality = (options.modality or "OT").upper()
            picked = options.selection.pick(len(photos))
            folder = _folder_name(modality, options.plane, taken)
            item = SeriesReport(folder, modality, options.plane, len(photos), len(picked))
            for out_index, src_index in enumerate(picked, 1):
                source = photos[src_index]
                suffix = ".png" if source.suffix.lower() == ".png" else ".jpg"
                target = staging / folder / f"{out_index:04d}{suffix}"
                item.boxes += clean_photo(source, target, options, report)
                item.files.append(f"{folder}/{target.name}")
            report.boxes += item.boxes
            report.studies.append([item])
            entries.append({"modality": modality, "timing": options.timing or ("day 0" if not entries else "follow-up"),
                            "findings": options.findings,
                            "series": [{"path": folder, "plane": options.plane, "caption": options.caption,
                                        "source": options.source, "licence": options.licence}]})
        if not entries:
            raise ImportProblem("the selection keeps no image (check --every, --slices and --series)")
        findings = guard(staging) if guard else []
        if findings:
            return report, entries, findings
        report.examined = _examined(staging) if guard else "not checked"
        case_folder.mkdir(parents=True, exist_ok=True)
        for study_reports in report.studies:
            for item in study_reports:
                shutil.move(str(staging / item.folder), str(case_folder / item.folder))
                report.written += [case_folder / f for f in item.files]
        return report, entries, []
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _examined(staging: Path) -> str:
    """What the guard looked at in the staged files, in words (it has no sampling: every attribute
    and every frame; anything it could not read would have been a finding)."""
    import pydicom
    dicom_files = frames = photos = 0
    for path in staging.rglob("*"):
        if path.suffix == ".dcm":
            dicom_files += 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frames += max(1, int(pydicom.dcmread(path, stop_before_pixels=True).get("NumberOfFrames", 1) or 1))
        elif path.is_file():
            photos += 1
    parts = []
    if dicom_files:
        parts.append(f"every attribute, preamble and file meta group of {dicom_files} DICOM file(s) and every one "
                     f"of their {frames} frame(s) in every published window")
    if photos:
        parts.append(f"the metadata and pixels of {photos} photograph(s)")
    return "; ".join(parts) or "nothing to check"


def guard_folder(folder: Path, *, ocr: bool = True) -> list:
    """The PHI guard on a staging folder (findings with paths relative to it)."""
    from ..phi.scanner import scan
    return list(scan([folder], folder, cache_dir=None, ocr=ocr, faces=True).findings)


def summary_lines(report: ImportReport, case_rel: str) -> Iterable[str]:
    """What the import did, in plain words, with no value from the export."""
    yield (f"Read {report.files_read} file{'s' if report.files_read != 1 else ''} from the export "
           "(left unchanged).")
    for reason, count in sorted(report.skipped.items()):
        yield f"  skipped {count}: {reason}"
    for s_index, study in enumerate(report.studies, 1):
        for item in study:
            what = f"{item.modality}{', ' + item.plane if item.plane else ''}"
            unit = "frame(s)" if item.frames else "image(s)"
            kept = f"kept {item.kept} of {item.found} {unit}" if item.kept != item.found else f"{item.kept} {unit}"
            boxed = f"; blacked out {item.boxes} text box(es)" if item.boxes else ""
            yield f"  study {s_index}: {what}: {kept} -> {case_rel}/{item.folder}/{boxed}"
    if report.removed:
        yield f"Removed: {', '.join(sorted(report.removed))}."
    if report.blanked:
        yield f"Blanked (empty or dummy value): {', '.join(sorted(report.blanked))}."
    if report.cleaned:
        yield f"Kept with identifying words replaced by [REMOVED]: {', '.join(sorted(report.cleaned))}."
    if report.private_removed:
        yield f"Dropped {report.private_removed} private element(s)."
    if report.overlay_groups:
        yield f"Dropped overlay data ({report.overlay_groups} overlay plane(s))."
    if report.overlay_bits_cleared:
        yield f"Cleared overlay bits hidden in the pixel data of {report.overlay_bits_cleared} file(s)."
    if report.uids_replaced:
        yield (f"Replaced {report.uids_replaced} UID value(s) with new 2.25 UIDs (consistent within this import, "
               "so slices stay in their series).")
    if report.segments_removed:
        yield (f"Removed comment/application segments from the compressed frames of {report.segments_removed} "
               "file(s).")
    if report.metadata_stripped:
        yield f"Photographs: removed {', '.join(sorted(report.metadata_stripped))} metadata."
    yield ("Kept what the images need: modality, pixel spacing, slice thickness, orientation, position, "
           "window settings, rescale, patient age (90+ grouped) and sex.")
