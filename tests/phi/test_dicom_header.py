"""DICOM header checks against the confidentiality profile, fail-closed reading, de-identification."""
from __future__ import annotations

import json

import pytest
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from site_gen.phi import profile
from site_gen.phi.deidentify import deidentify, replacement_uid
from site_gen.phi.dicom_header import check_dicom, check_header
from site_gen.phi.dicom_pixels import FramePlan, plan_for
from site_gen.phi.finding import Category

from .conftest import clean_dataset, phi_dataset


def categories(findings):
    return {f.category for f in findings}


def messages(findings):
    return " | ".join(f.message for f in findings)


# --- the rule table -----------------------------------------------------------------------------

def test_shipped_table_names_its_source_and_revision():
    table = profile.load_profile().table
    assert table["source"]["revision"] == "2024b"
    assert "PS3.15" in table["source"]["standard"]
    assert "innolitics" in table["source"]["published_by"]
    assert len(table["attributes"]) > 500


@pytest.mark.parametrize("tag, action", [
    (0x00100010, "Z"),        # Patient's Name
    (0x00100030, "Z"),        # Patient's Birth Date
    (0x00080081, "X"),        # Institution Address
    (0x0020000D, "U"),        # Study Instance UID
    (0x00101010, "K"),        # Patient's Age: Retain Patient Characteristics
    (0x00100040, "K"),        # Patient's Sex
    (0x0008103E, "C"),        # Series Description: Clean Descriptors
    (0x00280030, "K"),        # Pixel Spacing: not in the profile
    (0x00091001, "X"),        # private
    (0x60003000, "X"),        # overlay data
    (0x60000010, "X"),        # overlay rows: whole overlay group removed
    (0x50000005, "X"),        # curve
])
def test_action_for(tag, action):
    assert profile.action_for(tag) == action


def test_generator_builds_the_table_from_source_rows(tmp_path):
    rows = [
        {"name": "Patient's Name", "tag": "(0010,0010)", "basicProfile": "Z"},
        {"name": "Patient's Age", "tag": "(0010,1010)", "basicProfile": "X", "rtnPatCharsOpt": "K"},
        {"name": "Series Description", "tag": "(0008,103E)", "basicProfile": "X", "cleanDescOpt": "C"},
        {"name": "Image Comments", "tag": "(0020,4000)", "basicProfile": "X", "cleanDescOpt": "C"},
        {"name": "Curve Data", "tag": "(50XX,XXXX)", "basicProfile": "X"},
    ]
    source = tmp_path / "source.json"
    source.write_text(json.dumps(rows))
    out = tmp_path / "table.json"
    assert profile._main(["--source", str(source), "--output", str(out)]) == 0
    table = json.loads(out.read_text())
    assert table["attributes"]["00100010"]["action"] == "Z"
    assert table["attributes"]["00101010"]["action"] == "K"
    assert table["attributes"]["0008103E"]["action"] == "C"
    assert table["attributes"]["00204000"]["action"] == "X"   # comments stay removed
    assert table["wildcards"][0]["tag"] == "(50XX,XXXX)"
    assert table["source"]["rows"] == 5


@pytest.mark.parametrize("value, vr, dummy", [
    ("", "PN", True), ("ANONYMOUS", "PN", True), ("ANONYMOUS^PATIENT", "PN", True), ("DOE^JOHN", "PN", False),
    ("DEIDENTIFIED", "LO", True), ("REMOVED", "LO", True), ("St Idony's", "LO", False),
    ("19000101", "DA", True), ("20240105", "DA", False), ("000000", "TM", True), ("101500", "TM", False),
    ("0", "IS", True), ("42", "IS", False),
])
def test_is_dummy(value, vr, dummy):
    assert profile.is_dummy(value, vr) is dummy


def test_uid_rule():
    assert profile.uid_is_replaced("2.25.123456789")
    assert profile.uid_is_replaced("1.2.840.10008.5.1.4.1.1.2")
    assert not profile.uid_is_replaced("1.2.840.113619.2.55.3.1")


# --- header findings -----------------------------------------------------------------------------

def test_clean_file_has_no_findings(write_dicom):
    assert check_dicom(write_dicom(clean_dataset()), "case/ct.dcm", ocr=False) == []


def test_phi_header_is_flagged_without_printing_values(write_dicom):
    ds = phi_dataset()
    findings = check_dicom(write_dicom(ds), "case/ct.dcm", ocr=False)
    text = messages(findings)
    for keyword in ("PatientName", "PatientID", "PatientBirthDate", "AccessionNumber", "StudyDate",
                    "InstitutionName", "ReferringPhysicianName", "StudyInstanceUID", "PatientAge"):
        assert keyword in text
    ds = clean_dataset()
    ds.PatientAge = "095Y"
    assert Category.AGE_OVER_89 in categories(check_dicom(write_dicom(ds, "age.dcm"), "age.dcm", ocr=False))
    for raw in ("DOE", "JOHN", "12345678", "19560412", "Elsewhere", "113619"):
        assert raw not in text
    assert all(f.path == "case/ct.dcm" for f in findings)


def test_hand_copied_export_gets_one_line_with_the_fix(write_dicom):
    findings = check_dicom(write_dicom(phi_dataset()), "cases/knee-mri/t1/IM0001", ocr=False)
    assert len(findings) == 1
    message = findings[0].message
    assert "site-gen import-dicom <export folder> --case knee-mri" in message
    assert "PatientName" in message and "DOE" not in message and "19560412" not in message


def test_dummy_values_pass(write_dicom):
    ds = clean_dataset()
    ds.PatientName = "ANONYMOUS"
    ds.PatientID = "DEIDENTIFIED"
    ds.PatientBirthDate = "19000101"
    ds.InstitutionName = ""
    assert check_dicom(write_dicom(ds), "x.dcm", ocr=False) == []


def test_private_overlay_and_curve_groups(write_dicom):
    ds = clean_dataset()
    block = ds.private_block(0x0009, "ACME 1.0", create=True)
    block.add_new(0x01, "LO", "whatever")
    ds.add_new(0x60000010, "US", 16)
    ds.add_new(0x60003000, "OW", b"\0" * 32)
    ds.add_new(0x50000005, "US", 2)
    findings = check_dicom(write_dicom(ds), "x.dcm", ocr=False)
    text = messages(findings)
    assert "private attribute(s) in group 0009" in text
    assert "overlay attribute(s) in group 6000" in text
    assert "curve attribute(s) in group 5000" in text
    assert categories(findings) == {Category.DICOM_ATTRIBUTE}


def test_nested_sequences_are_checked_recursively(write_dicom):
    ds = clean_dataset()
    inner = Dataset()
    inner.add_new(0x00191010, "LO", "private inside")     # private, two levels down
    inner.PerformingPhysicianName = "HOUSE^GREGORY"        # X inside a sequence
    inner.EvaluatorName = "CUDDY^LISA"                      # a PN the profile does not list
    item = Dataset()
    item.CodeMeaning = "Modifying Equipment"
    item.PurposeOfReferenceCodeSequence = Sequence([inner])
    ds.ContributingEquipmentSequence = Sequence([item])
    findings = check_dicom(write_dicom(ds), "x.dcm", ocr=False)
    text = messages(findings)
    assert "ContributingEquipmentSequence[0] > PurposeOfReferenceCodeSequence[0] > PerformingPhysicianName" in text
    assert "group 0019 inside ContributingEquipmentSequence[0] > PurposeOfReferenceCodeSequence[0]" in text
    assert Category.NAME in categories(findings)


def test_sequence_the_profile_removes_must_be_empty(write_dicom):
    ds = clean_dataset()
    item = Dataset()
    item.CodeValue = "123"
    ds.InstitutionCodeSequence = Sequence([item])   # X/Z/D
    findings = check_dicom(write_dicom(ds), "x.dcm", ocr=False)
    assert "InstitutionCodeSequence (0008,0082) must be emptied" in messages(findings)
    ds.InstitutionCodeSequence = Sequence()
    assert check_dicom(write_dicom(ds), "x.dcm", ocr=False) == []


def test_free_text_goes_through_the_text_detector(write_dicom):
    ds = clean_dataset()
    ds.SeriesDescription = "CT chest, DOB 04/12/1956, call 617-555-0134"   # C: kept only when clean
    findings = check_dicom(write_dicom(ds), "x.dcm", ocr=False)
    assert {Category.PHONE, Category.DATE} <= categories(findings)
    assert all(f.detector.startswith("dicom-header+") for f in findings)


def test_original_media_storage_uid_is_flagged():
    ds = clean_dataset()
    ds.file_meta.MediaStorageSOPInstanceUID = "1.2.840.113619.2.1.1"
    assert "MediaStorageSOPInstanceUID" in messages(check_header(ds, "x.dcm"))


# --- fail closed -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.999])
def test_truncated_file_cannot_be_verified(write_dicom, tmp_path, fraction):
    raw = write_dicom(phi_dataset()).read_bytes()
    cut = tmp_path / "cut.dcm"
    cut.write_bytes(raw[:int(len(raw) * fraction)])
    findings = check_dicom(cut, "cut.dcm")
    assert Category.CANNOT_VERIFY in categories(findings)


def test_not_dicom_and_empty_files_cannot_be_verified(tmp_path):
    for name, data in (("text.dcm", b"hello, not DICOM" * 20), ("empty.dcm", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        findings = check_dicom(path, name)
        assert [f.category for f in findings] == [Category.CANNOT_VERIFY]
        assert "traceback" not in findings[0].message.lower()


def test_image_without_pixel_data_is_checked_and_reported(write_dicom):
    ds = phi_dataset()
    del ds.PixelData
    findings = check_dicom(write_dicom(ds), "x.dcm")
    assert Category.CANNOT_VERIFY in categories(findings)
    assert Category.DICOM_ATTRIBUTE in categories(findings)   # the header was still checked


# --- de-identification -------------------------------------------------------------------------

def test_deidentify_makes_a_phi_file_pass(write_dicom):
    ds = phi_dataset()
    block = ds.private_block(0x0011, "ACME", create=True)
    block.add_new(0x01, "LO", "secret")
    ds.add_new(0x60003000, "OW", b"\0" * 32)
    before = check_dicom(write_dicom(ds, "before.dcm"), "x.dcm", ocr=False)
    assert before
    deidentify(ds, uid_salt="test")
    after = check_dicom(write_dicom(ds, "after.dcm"), "x.dcm", ocr=False)
    assert after == []
    assert ds.PatientAge == "090Y"
    assert ds.PatientSex == "F" and ds.Modality == "CT"
    assert list(ds.PixelSpacing) == [0.7, 0.7] and ds.WindowCenter == 40
    assert ds.PatientIdentityRemoved == "YES"
    assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID


def test_uid_replacement_is_consistent_and_rootless():
    a = replacement_uid("1.2.840.113619.2.55", "salt")
    assert a == replacement_uid("1.2.840.113619.2.55", "salt")
    assert a != replacement_uid("1.2.840.113619.2.55", "other salt")
    assert a.startswith("2.25.") and len(a) <= 64
    ds1, ds2 = phi_dataset(), phi_dataset()
    deidentify(ds1, uid_salt="s")
    deidentify(ds2, uid_salt="s")
    assert ds1.StudyInstanceUID == ds2.StudyInstanceUID   # series/study links survive


def test_deidentify_cleans_kept_descriptors():
    ds = clean_dataset()
    ds.SeriesDescription = "CT chest, call 617-555-0134"
    deidentify(ds)
    assert "0134" not in ds.SeriesDescription and "CT chest" in ds.SeriesDescription


# --- how frames are read ------------------------------------------------------------------------

def test_frame_plan_reads_every_frame():
    ct = clean_dataset(instance=7)
    assert plan_for(ct, 0, 1) == FramePlan(None)         # CT slice: whole frame where text-like rows are
    us = clean_dataset(modality="US", instance=7)
    assert plan_for(us, 0, 1) == FramePlan(True)         # single ultrasound frame: whole frame too
    plans = [plan_for(us, i, 120) for i in range(120)]
    assert plans[0].whole and plans[119].whole and plans[30].whole and plans[31].whole is False
