"""Every byte of a DICOM file: preamble, file meta group, text in compressed frames, attributes
outside the profile table, and what the de-identifier and writer make of them."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pydicom
from pydicom.encaps import encapsulate
from pydicom.uid import JPEGBaseline8Bit

from site_gen.phi.deidentify import deidentify
from site_gen.phi.dicom_header import check_dicom
from site_gen.phi.dicom_write import IMPLEMENTATION_UID, clean_encapsulated, write
from site_gen.phi.encapsulated import segments_with_text, strip_text
from site_gen.phi.finding import Category

from .conftest import clean_dataset


def header(path, rel="x.dcm"):
    return check_dicom(path, rel, ocr=False)


def text(findings) -> str:
    return " ".join(f.message for f in findings)


def test_preamble_with_text_is_refused_and_written_as_zeros(write_dicom, tmp_path):
    path = write_dicom(clean_dataset())
    data = bytearray(path.read_bytes())
    data[:24] = b"Patient DOE^JOHN 1956  "[:24].ljust(24, b" ")
    path.write_bytes(bytes(data))
    findings = header(path)
    assert any("preamble" in f.message for f in findings)
    assert "JOHN" not in text(findings)
    ds = pydicom.dcmread(path)
    write(ds, tmp_path / "out.dcm")
    assert (tmp_path / "out.dcm").read_bytes()[:128] == b"\0" * 128
    assert header(tmp_path / "out.dcm") == []


def test_file_meta_application_entities_are_refused_and_rewritten(write_dicom, tmp_path):
    ds = clean_dataset()
    ds.file_meta.SourceApplicationEntityTitle = "ST_ELSEWHERE_CT"
    ds.file_meta.ImplementationVersionName = "PACS_7"
    path = write_dicom(ds)
    findings = header(path)
    assert "SourceApplicationEntityTitle" in text(findings) and "ELSEWHERE" not in text(findings)
    written = tmp_path / "out.dcm"
    write(pydicom.dcmread(path), written)
    meta = pydicom.dcmread(written).file_meta
    assert "SourceApplicationEntityTitle" not in meta
    assert meta.ImplementationClassUID == IMPLEMENTATION_UID and IMPLEMENTATION_UID.startswith("2.25.")
    assert header(written) == []


def _jpeg_with_comment(comment: bytes) -> bytes:
    from io import BytesIO

    from PIL import Image
    buffer = BytesIO()
    Image.fromarray(np.full((16, 16), 90, np.uint8)).save(buffer, format="JPEG", comment=comment)
    return buffer.getvalue()


def test_jpeg_comment_segments_are_found_stripped_and_checked(write_dicom, tmp_path):
    frame = _jpeg_with_comment(b"Patient DOE^JOHN, MRN 48213377")
    assert [s.kind for s in segments_with_text(frame, str(JPEGBaseline8Bit))] == ["JPEG comment (COM)"]
    stripped = strip_text(frame, str(JPEGBaseline8Bit))
    assert b"DOE" not in stripped and segments_with_text(stripped, str(JPEGBaseline8Bit)) == []
    ds = clean_dataset(modality="OT", pixels=np.full((16, 16), 90, np.uint8))
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.PixelData = encapsulate([frame + b"\0" if len(frame) % 2 else frame])
    ds["PixelData"].VR = "OB"
    path = write_dicom(ds)
    findings = header(path)
    assert any(f.detector == "dicom-encapsulated" and "comment" in f.message for f in findings)
    assert "JOHN" not in text(findings)
    ds = pydicom.dcmread(path)
    assert clean_encapsulated(ds) == "stripped"
    write(ds, tmp_path / "out.dcm")
    assert b"DOE" not in (tmp_path / "out.dcm").read_bytes()
    assert header(tmp_path / "out.dcm") == []


def test_attributes_outside_the_table_are_judged(write_dicom):
    """Issue 9 item 11: unknown even-group elements, binary values, CS values, dates, UIDs."""
    ds = clean_dataset()
    ds.add_new(0x00421233, "OB", b"\x00\x01Patient Ewa Kowalczyk\x00")   # not in the DICOM dictionary
    ds.add_new(0x00441111, "UN", b"DOE^JOHN 19560412")                      # unknown, unknown type
    ds.ICCProfile = b"\x00\x00\x02\x0cPatient Ewa Kowalczyk seen 12/03/2021\x00"
    ds.BodyPartExamined = "EWA KOWALCZYK"
    ds.ExpiryDate = "20250101"
    ds.CreatorVersionUID = "1.2.840.113619.6.408"
    ds.Manufacturer = "Philips Medical Systems"
    ds.StudyDescription = "abdomen^liver"
    ds.PatientIdentityRemoved = "YES"
    findings = header(write_dicom(ds))
    messages = text(findings)
    assert "(0042,1233)" in messages and "(0044,1111)" in messages
    assert "ICCProfile" in messages
    assert "BodyPartExamined" in messages and "KOWALCZYK" not in messages
    assert "ExpiryDate" in messages and "CreatorVersionUID" in messages
    assert "Manufacturer" not in messages and "StudyDescription" not in messages   # teaching keeps them
    cleaned = deidentify(pydicom.dcmread(write_dicom(ds, "again.dcm")))
    assert 0x00421233 not in cleaned and 0x00441111 not in cleaned and "ICCProfile" not in cleaned
    assert "KOWALCZYK" not in str(cleaned.BodyPartExamined)
    assert cleaned.ExpiryDate == "19000101" and cleaned.CreatorVersionUID.startswith("2.25.")
    assert cleaned.Manufacturer == "Philips Medical Systems" and cleaned.StudyDescription == "abdomen^liver"


def test_embedded_document_is_refused(write_dicom):
    ds = clean_dataset()
    ds.EncapsulatedDocument = b"%PDF-1.4 compressed stream"
    findings = header(write_dicom(ds))
    assert any("EncapsulatedDocument" in f.message for f in findings)


def test_pydicom_warnings_never_print_header_values(write_dicom, tmp_path):
    import warnings
    ds = clean_dataset()
    with pydicom.config.disable_value_validation(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds.PatientAge = "KOWALSKA"          # not an age string: pydicom warns, quoting the value
        path = write_dicom(ds)
    assert b"KOWALSKA" in path.read_bytes()
    done = subprocess.run([sys.executable, "-m", "site_gen", "--root", str(tmp_path), "check-phi", "--no-cache",
                           str(path)], capture_output=True, text=True)
    assert "KOWALSKA" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
