"""Tests of the code-generated imaging (site_gen.bench.synthetic)."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixels import apply_modality_lut
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, RLELossless, generate_uid

from site_gen.bench.synthetic import (IDENTIFYING_KEYWORDS, PIXEL_KEYWORDS, ct_landmarks,
                                      write_clean_copy, write_ct_series, write_radiograph_png)

SLICES, SIZE = 9, 128

# Elements a generated or cleaned file may hold; anything else fails the test.
ALLOWED = set(PIXEL_KEYWORDS) | {
    "SOPClassUID", "SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID", "FrameOfReferenceUID",
    "PatientIdentityRemoved", "DeidentificationMethod", "BurnedInAnnotation", "ImageType",
    "BodyPartExamined", "SeriesDescription", "SeriesNumber", "InstanceNumber", "PatientPosition",
    "SliceLocation", "ConversionType", "FrameTime", "FrameIncrementPointer", "PixelData",
}


@pytest.fixture(scope="module")
def series(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("ct")
    return write_ct_series(folder, slices=SLICES, size=SIZE, nodule_mm=20.0, seed=3)


def _hu(path: Path) -> np.ndarray:
    ds = pydicom.dcmread(path)
    return apply_modality_lut(ds.pixel_array, ds).astype(float)


def test_files_are_named_and_valid_part10(series):
    assert [p.name for p in series] == [f"{i:04d}.dcm" for i in range(1, SLICES + 1)]
    for path in series:
        raw = path.read_bytes()
        assert raw[:128] == b"\0" * 128 and raw[128:132] == b"DICM"
        ds = pydicom.dcmread(path)
        assert ds.file_meta.TransferSyntaxUID == RLELossless
        assert ds.file_meta.MediaStorageSOPClassUID == ds.SOPClassUID == CTImageStorage
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        assert ds.pixel_array.shape == (SIZE, SIZE)
        assert ds.pixel_array.dtype == np.int16


def test_pixel_description_is_consistent(series):
    ds = pydicom.dcmread(series[0])
    assert ds.Modality == "CT" and ds.PhotometricInterpretation == "MONOCHROME2"
    assert (ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation) == (16, 16, 15, 1)
    assert (float(ds.RescaleSlope), float(ds.RescaleIntercept)) == (1.0, -1024.0)
    assert (float(ds.WindowCenter), float(ds.WindowWidth)) == (40.0, 400.0)
    stored = ds.pixel_array
    assert stored.min() >= 0  # air -1000 HU is stored as 24: signed type, non-negative values


def test_hounsfield_units_of_tissues(series):
    marks = ct_landmarks(SIZE, SLICES)
    middle = _hu(series[marks["nodule_slice"]])
    assert middle[marks["air"]] == -1000
    row, col = marks["nodule"]
    assert 20 <= middle[row, col] <= 40
    assert np.all(middle[row - 2:row + 3, col - 2:col + 3] > 0)  # a solid 20 mm nodule
    row, col = marks["vertebral_body"]
    assert 400 <= middle[row, col] <= 900
    for side in ("right_lung", "left_lung"):
        row, col = marks[side]
        patch = middle[row - 3:row + 4, col - 3:col + 4]
        assert np.median(patch) == -850
    assert middle.max() <= 900 and middle.min() >= -1000


def test_nodule_is_only_in_the_middle_and_optional(series, tmp_path):
    marks = ct_landmarks(SIZE, SLICES)
    row, col = marks["nodule"]
    plain = write_ct_series(tmp_path, slices=SLICES, size=SIZE, nodule_mm=None, seed=3)
    assert _hu(plain[marks["nodule_slice"]])[row, col] == -850  # lung where the nodule would be
    assert np.array_equal(_hu(series[0]), _hu(plain[0]))  # 20 mm nodule: absent 20 mm away
    assert not np.array_equal(_hu(series[marks["nodule_slice"]]), _hu(plain[marks["nodule_slice"]]))


def test_lungs_change_shape_along_z(series):
    apex, middle = _hu(series[0]), _hu(series[SLICES // 2])
    assert (middle == -850).sum() > 1.5 * (apex == -850).sum()


def test_ordering_metadata(series):
    positions = []
    for index, path in enumerate(series, start=1):
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        assert ds.InstanceNumber == index
        assert [float(v) for v in ds.ImageOrientationPatient] == [1, 0, 0, 0, 1, 0]
        assert float(ds.SliceThickness) == 5.0
        assert len(ds.PixelSpacing) == 2
        positions.append([float(v) for v in ds.ImagePositionPatient])
    z = [p[2] for p in positions]
    assert np.allclose(np.diff(z), -5.0)  # head first: z falls by one slice thickness
    headers = [pydicom.dcmread(p, stop_before_pixels=True) for p in series]
    assert len({h.SeriesInstanceUID for h in headers}) == 1
    assert len({h.StudyInstanceUID for h in headers}) == 1
    assert len({h.SOPInstanceUID for h in headers}) == SLICES


def test_no_identifying_attributes(series):
    for path in series:
        ds = pydicom.dcmread(path)
        keywords = {el.keyword for el in ds.iterall()}
        assert not keywords & set(IDENTIFYING_KEYWORDS)
        assert keywords <= ALLOWED, keywords - ALLOWED
        assert not any(el.tag.is_private for el in ds.iterall())
        assert ds.PatientIdentityRemoved == "YES" and ds.BurnedInAnnotation == "NO"
        assert not any(el.VR in ("DA", "TM", "DT", "PN") for el in ds.iterall())
        for keyword in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID", "FrameOfReferenceUID"):
            assert ds[keyword].value.startswith("2.25.")  # no organisation root
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID


def test_deterministic_and_study_uid(tmp_path):
    first = write_ct_series(tmp_path / "a", slices=3, size=64, seed=5)
    second = write_ct_series(tmp_path / "b", slices=3, size=64, seed=5)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    uid = str(generate_uid())
    given = write_ct_series(tmp_path / "c", slices=2, size=64, seed=5, study_uid=uid, compress=False)
    ds = pydicom.dcmread(given[0])
    assert ds.StudyInstanceUID == uid
    assert ds.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    assert ds.SeriesInstanceUID != pydicom.dcmread(first[0]).SeriesInstanceUID


def test_rle_keeps_files_small(series):
    raw = SIZE * SIZE * 2
    assert all(p.stat().st_size < raw / 2 for p in series)


# --------------------------------------------------------------------------- radiograph

def _png_chunks(path: Path) -> list[bytes]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        assert struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])[0] == zlib.crc32(kind + body)
        chunks.append(kind)
        offset += 12 + length
    return chunks


def test_radiograph_png_has_no_metadata(tmp_path):
    path = write_radiograph_png(tmp_path / "cxr.png", size=256)
    assert set(_png_chunks(path)) <= {b"IHDR", b"IDAT", b"IEND"}
    from PIL import Image
    with Image.open(path) as image:
        assert image.mode == "L" and image.size == (256, 256)
        assert not image.info


def test_radiograph_shows_a_pneumothorax_on_the_requested_side(tmp_path):
    from PIL import Image
    right = np.asarray(Image.open(write_radiograph_png(tmp_path / "r.png", size=256, pneumothorax="right")), float)
    none = np.asarray(Image.open(write_radiograph_png(tmp_path / "n.png", size=256, pneumothorax=None)), float)
    left = np.asarray(Image.open(write_radiograph_png(tmp_path / "l.png", size=256, pneumothorax="left")), float)
    # the patient's right is on the image left: the lateral strip of that lung changes
    strip = (slice(90, 150), slice(30, 43))
    mirror = (slice(90, 150), slice(213, 226))
    assert np.abs(right[strip] - none[strip]).mean() > 3
    assert np.abs(right[mirror] - none[mirror]).mean() < 1
    assert np.abs(left[mirror] - none[mirror]).mean() > 3
    # air without lung lateral to the visceral pleural line is darker than aerated lung
    assert right[strip].mean() < none[strip].mean() - 3
    assert write_radiograph_png(tmp_path / "r2.png", size=256).read_bytes() == (tmp_path / "r.png").read_bytes()


# --------------------------------------------------------------------------- clean copies

def _dirty_source(path: Path, frames: int = 1) -> Path:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientName = "Doe^Jane"
    ds.PatientID = "123456"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "F"
    ds.StudyDate = "20240102"
    ds.StudyTime = "101010"
    ds.AccessionNumber = "ACC42"
    ds.InstitutionName = "Fenwick Infirmary"
    ds.ReferringPhysicianName = "Who^Doctor"
    ds.DeviceSerialNumber = "SN-1"
    ds.StudyDescription = "CT chest Jane Doe"
    ds.ImageComments = "patient Jane Doe"
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.add_new(0x00091010, "LO", "private secret")
    seq_item = Dataset()
    seq_item.PatientName = "Nested^Name"
    ds.OtherPatientIDsSequence = [seq_item]
    ds.Modality = "CT"
    ds.Rows = ds.Columns = 8
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    ds.WindowCenter, ds.WindowWidth = 40, 400
    ds.PixelSpacing = [0.7, 0.7]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [0, 0, 0]
    ds.SliceThickness = 5
    pixels = np.arange(frames * 64, dtype="<i2").reshape(frames, 8, 8) if frames > 1 else \
        np.arange(64, dtype="<i2").reshape(8, 8)
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.PixelData = pixels.tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


def _assert_clean(ds: pydicom.Dataset) -> None:
    keywords = {el.keyword for el in ds.iterall()}
    assert keywords <= ALLOWED, keywords - ALLOWED
    assert not any(el.tag.is_private for el in ds.iterall())
    assert not any(el.VR in ("PN", "DA", "TM", "DT", "SQ") for el in ds.iterall())
    assert ds.PatientIdentityRemoved == "YES"


def test_clean_copy_drops_every_non_pixel_attribute(tmp_path):
    source = _dirty_source(tmp_path / "dirty.dcm")
    target = write_clean_copy(source, tmp_path / "clean" / "0001.dcm")
    ds = pydicom.dcmread(target)
    _assert_clean(ds)
    original = pydicom.dcmread(source)
    for uid in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID"):
        assert ds[uid].value != original.get(uid)
    assert np.array_equal(ds.pixel_array, original.pixel_array)
    for keyword in ("PixelSpacing", "ImagePositionPatient", "RescaleIntercept", "WindowCenter", "Modality"):
        assert ds[keyword].value == original[keyword].value
    raw = target.read_bytes()
    for secret in (b"Doe", b"123456", b"1970", b"2024", b"Fenwick", b"private", b"SN-1", b"ACC42"):
        assert secret not in raw


def test_clean_copy_trims_frames_and_compresses(tmp_path):
    source = _dirty_source(tmp_path / "multi.dcm", frames=6)
    target = write_clean_copy(source, tmp_path / "out.dcm", keep_frames=2, frame_step=2, compress=True,
                              modality="OT", uid_seed="fixed")
    ds = pydicom.dcmread(target)
    _assert_clean(ds)
    assert ds.file_meta.TransferSyntaxUID == RLELossless
    assert int(ds.NumberOfFrames) == 2 and ds.Modality == "OT"
    assert np.array_equal(ds.pixel_array, pydicom.dcmread(source).pixel_array[[0, 2]])
    again = write_clean_copy(source, tmp_path / "again.dcm", keep_frames=2, frame_step=2, compress=True,
                             modality="OT", uid_seed="fixed")
    assert again.read_bytes() == target.read_bytes()


def _pydicom_test_file(name: str) -> Path:
    path = Path(pydicom.__file__).parent / "data" / "test_files" / name
    if not path.is_file():
        pytest.skip(f"pydicom test file {name} not installed")
    return path


@pytest.mark.parametrize("name, frames", [("examples_ybr_color.dcm", 4), ("JPEG2000.dcm", None),
                                           ("examples_overlay.dcm", None)])
def test_clean_copy_of_real_test_files(tmp_path, name, frames):
    source = _pydicom_test_file(name)
    target = write_clean_copy(source, tmp_path / "0001.dcm", keep_frames=frames)
    ds = pydicom.dcmread(target)
    _assert_clean(ds)
    original = pydicom.dcmread(source)
    try:
        expected = original.pixel_array
    except Exception as error:  # no decoder plugin for this syntax in this environment
        pytest.skip(f"cannot decode {name}: {error}")
    if frames:
        expected = expected[:frames]
    assert np.array_equal(ds.pixel_array, expected)
    assert ds.file_meta.TransferSyntaxUID == original.file_meta.TransferSyntaxUID  # kept, not recompressed
    for overlay_or_icon in (0x60003000, 0x00880200):
        assert overlay_or_icon not in ds
