"""DICOM exports WITH patient information, made by code: a CT series with a full identifying
header, private tags and an overlay, and a secondary capture with text burned into its pixels.

The values are invented; each test checks that none of them survives an import.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
from PIL import Image, ImageDraw, ImageFont
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage

from site_gen.bench.synthetic import write_ct_series

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ORIGINAL_ROOT = "1.2.840.113619.2.55.3"   # a scanner maker's UID root, as in a real export
PHI = {
    "PatientName": "DOE^JOHN",
    "PatientID": "MRN48213377",
    "PatientBirthDate": "19560412",
    "StudyDate": "20240105",
    "StudyTime": "101500",
    "StudyID": "S4711",
    "SeriesDate": "20240105",
    "AccessionNumber": "A99887766",
    "InstitutionName": "St Elsewhere Infirmary",
    "ReferringPhysicianName": "HOUSE^GREGORY",
    "OperatorsName": "CAMERON^ALLISON",
    "StationName": "CTSCAN07",
}
BURNED_IN = ["DOE^JOHN", "ID MRN48213377", "DOB 1956-04-12"]
PRIVATE_TEXT = "SMITH^JANE private note"


def _font(size: int):
    return ImageFont.truetype(str(DEJAVU), size) if DEJAVU.exists() else ImageFont.load_default(size=size)


def add_phi(ds: Dataset, index: int, study: str, series: str) -> None:
    for keyword, value in PHI.items():
        setattr(ds, keyword, value)
    ds.PatientSex = "M"
    ds.PatientAge = "067Y"
    ds.StudyInstanceUID = f"{ORIGINAL_ROOT}.{study}"
    ds.SeriesInstanceUID = f"{ORIGINAL_ROOT}.{study}.{series}"
    ds.SOPInstanceUID = f"{ORIGINAL_ROOT}.{study}.{series}.{index}"
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.FrameOfReferenceUID = f"{ORIGINAL_ROOT}.{study}.9"
    block = ds.private_block(0x0009, "ACME HOSPITAL PACS", create=True)
    block.add_new(0x01, "LO", PRIVATE_TEXT)
    rows, columns = int(ds.Rows), int(ds.Columns)
    ds.add_new(0x60000010, "US", rows)
    ds.add_new(0x60000011, "US", columns)
    ds.add_new(0x60000040, "CS", "G")
    ds.add_new(0x60000050, "SS", [1, 1])
    ds.add_new(0x60000100, "US", 1)
    ds.add_new(0x60000102, "US", 0)
    bits = np.zeros(rows * columns, dtype=np.uint8)
    bits[: columns * 4] = 1
    ds.add_new(0x60003000, "OW", np.packbits(bits, bitorder="little").tobytes())


def write_ct_export(folder: Path, *, slices: int = 6, size: int = 96) -> list[Path]:
    """A CT series as a PACS export: identifying header, private tags, overlay; names like IM0001."""
    folder.mkdir(parents=True, exist_ok=True)
    clean = write_ct_series(folder / ".tmp", slices=slices, size=size, compress=False)
    paths = []
    for index, path in enumerate(clean, 1):
        ds = pydicom.dcmread(path)
        add_phi(ds, index, "1001", "2")
        target = folder / f"IM{index:04d}"
        ds.save_as(target, enforce_file_format=True)
        path.unlink()
        paths.append(target)
    (folder / ".tmp").rmdir()
    return paths


def write_secondary_capture(path: Path, *, size: int = 320) -> Path:
    """A screen capture with the patient's name, ID and birth date burned into the pixels."""
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 80, size - 60, size - 40), fill=110)
    for n, line in enumerate(BURNED_IN):
        draw.text((10, 8 + 26 * n), line, fill=255, font=_font(18))
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.Modality = "OT"
    ds.SeriesNumber = 3
    ds.InstanceNumber = 1
    ds.Rows = ds.Columns = size
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = np.asarray(image).tobytes()
    meta.MediaStorageSOPInstanceUID = "1.2.3"
    add_phi(ds, 1, "1001", "3")
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path


def write_dicomdir_export(folder: Path, sources: list[Path]) -> Path:
    """The same files as a CD/DVD-style export with a DICOMDIR (pydicom's FileSet)."""
    from pydicom.fileset import FileSet
    fileset = FileSet()
    for source in sources:
        fileset.add(pydicom.dcmread(source))
    fileset.write(folder)
    return folder / "DICOMDIR"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of every file below `folder`."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}
