"""Fixture generators for the media PHI tests: DICOM files, rendered overlay text, photos.

Everything is generated here, so the tests pass on a fresh clone without ../shared.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image, ImageDraw, ImageFont
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, SecondaryCaptureImageStorage

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def font(size: int) -> ImageFont.FreeTypeFont:
    """DejaVu when installed, else Pillow's bundled scalable font."""
    if DEJAVU.exists():
        return ImageFont.truetype(str(DEJAVU), size)
    return ImageFont.load_default(size=size)


def draw_lines(image: Image.Image, lines: list[str], *, size: int = 22, at=(12, 10), fill=255) -> Image.Image:
    draw = ImageDraw.Draw(image)
    top = at[1]
    for line in lines:
        draw.text((at[0], top), line, fill=fill, font=font(size))
        top += int(size * 1.5)
    return image


def ct_pixels(size: int = 256, seed: int = 0) -> np.ndarray:
    """An ellipse of soft tissue in air, with noise: a CT-like slice in HU."""
    y, x = np.mgrid[0:size, 0:size]
    body = np.where(((x - size / 2) / (size * 0.4)) ** 2 + ((y - size / 2) / (size * 0.3)) ** 2 < 1, 40, -1000)
    return (body + np.random.default_rng(seed).normal(0, 15, (size, size))).astype(np.int16)


def clean_dataset(*, modality: str = "CT", pixels: np.ndarray | None = None, burned_in: str | None = "NO",
                  instance: int = 1) -> Dataset:
    """A de-identified-looking image dataset: 2.25 UIDs, no names, no dates."""
    sop_class = CTImageStorage if modality == "CT" else SecondaryCaptureImageStorage
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid(prefix=None)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = pydicom.uid.generate_uid(prefix=None)
    ds.SeriesInstanceUID = pydicom.uid.generate_uid(prefix=None)
    ds.Modality = modality
    ds.PatientName = ""
    ds.PatientID = ""
    ds.PatientSex = "F"
    ds.PatientAge = "045Y"
    ds.StudyDate = ""
    ds.SeriesDescription = "CT CHEST WITH CONTRAST"
    ds.InstanceNumber = instance
    if burned_in is not None:
        ds.BurnedInAnnotation = burned_in
    ds.PixelSpacing = [0.7, 0.7]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [0, 0, -float(instance)]
    ds.WindowCenter, ds.WindowWidth = 40, 400
    pixels = ct_pixels() if pixels is None else pixels
    ds.Rows, ds.Columns = pixels.shape[:2]
    if pixels.ndim == 3:
        ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PlanarConfiguration = 3, "RGB", 0
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    else:
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        bits = 8 if pixels.dtype == np.uint8 else 16
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits, bits, bits - 1
        ds.PixelRepresentation = 1 if pixels.dtype == np.int16 else 0
    ds.PixelData = np.ascontiguousarray(pixels).tobytes()
    return ds


def phi_dataset() -> Dataset:
    """Header full of the PHI the confidentiality profile forbids."""
    ds = clean_dataset()
    ds.PatientName = "DOE^JOHN"
    ds.PatientID = "MRN12345678"
    ds.PatientBirthDate = "19560412"
    ds.AccessionNumber = "A99887766"
    ds.StudyDate = "20240105"
    ds.InstitutionName = "St Elsewhere Infirmary"
    ds.ReferringPhysicianName = "HOUSE^GREGORY"
    ds.StudyInstanceUID = "1.2.840.113619.2.55.3.604688119.971.1234567890.1"
    ds.PatientAge = "095Y"
    return ds


def save(ds: Dataset, path: Path) -> Path:
    ds.save_as(path, enforce_file_format=True)
    return path


@pytest.fixture
def write_dicom(tmp_path):
    """write_dicom(ds, name="x.dcm") -> Path of the saved file."""
    def write(ds: Dataset, name: str = "image.dcm") -> Path:
        return save(ds, tmp_path / name)
    return write


def as_palette(ds: Dataset, lit: int = 1) -> Dataset:
    """PALETTE COLOR with a lookup table that is black everywhere but white at index `lit`:
    an index image whose text is visible only through the palette."""
    ds.PhotometricInterpretation = "PALETTE COLOR"
    lut = np.zeros(256, np.uint16)
    lut[lit] = 65535
    for colour in ("Red", "Green", "Blue"):
        setattr(ds, f"{colour}PaletteColorLookupTableDescriptor", [256, 0, 16])
        setattr(ds, f"{colour}PaletteColorLookupTableData", lut.tobytes())
    return ds
