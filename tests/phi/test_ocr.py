"""Burned-in text: OCR of rendered overlays in images and DICOM pixel data, tolerant matching."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from site_gen.phi import ocr
from site_gen.phi.dicom_header import check_dicom
from site_gen.phi.finding import Category
from site_gen.phi.image_metadata import check_image
from site_gen.phi.ocr import Word, check_pixels_text, findings_in_words, spans_in_ocr_text, tolerant_variants

from .conftest import clean_dataset, ct_pixels, draw_lines


def overlay_frame(lines, size=512) -> Image.Image:
    """A dark 'PACS' frame with white annotation text in the top-left corner."""
    rng = np.random.default_rng(1)
    background = np.clip(30 + rng.normal(0, 6, (size, size)), 0, 255).astype(np.uint8)
    return draw_lines(Image.fromarray(background), lines, size=22)


def overlaps(box, region) -> bool:
    return box[0] < region[0] + region[2] and region[0] < box[0] + box[2] and \
        box[1] < region[1] + region[3] and region[1] < box[1] + box[3]


# --- tolerant matching (no OCR needed) -------------------------------------------------------

@pytest.mark.parametrize("text", ["DOE^JOHN", "DOE~JOHN", "DOE*JOHN", "SMITH “ANNA"])
def test_dicom_name_shapes_are_names(text):
    assert Category.NAME in {s.category for s in spans_in_ocr_text(text)}


def test_misread_digits_and_run_together_fields():
    variants = [v for v, _ in tolerant_variants("DOB2O07-O8-2l")]
    assert "DOB 2007-08-21" in variants
    spans = spans_in_ocr_text("DOB2O07-O8-2l")
    assert Category.DATE in {s.category for s in spans}
    assert all(0 <= s.start < s.end <= len("DOB2O07-O8-2l") for s in spans)  # offsets into the OCR text


def test_words_become_findings_with_boxes():
    words = [Word("DOE~JOHN", 10, 10, 90, 20, 95.0), Word("12/03/1961", 120, 10, 100, 20, 95.0),
             Word("L", 400, 400, 10, 20, 95.0)]
    findings = findings_in_words(words, "case/img.png", frame=3)
    by_category = {f.category: f for f in findings}
    assert by_category[Category.NAME].box == (10, 10, 90, 20)
    assert by_category[Category.DATE].box == (120, 10, 100, 20)
    assert all(f.frame == 3 and f.path == "case/img.png" for f in findings)
    assert all("JOHN" not in f.message and "1961" not in f.message for f in findings)


def test_short_texture_words_are_not_names():
    assert findings_in_words([Word("Sa", 5, 5, 12, 10, 61.0)], "x.png") == []


# --- OCR on pixels -----------------------------------------------------------------------------

def test_burned_in_text_in_an_image_is_found_with_its_box(tmp_path):
    path = tmp_path / "overlay.png"
    overlay_frame(["DOE^JOHN", "DOB 12/03/1961"]).save(path)
    findings = check_image(path, "case/overlay.png", faces=False)
    name = [f for f in findings if f.category is Category.NAME]
    date = [f for f in findings if f.category is Category.DATE]
    assert name and date
    assert overlaps(name[0].box, (12, 10, 160, 30))
    assert overlaps(date[0].box, (12, 43, 220, 30))


def test_clean_frame_has_no_text_findings():
    image = Image.fromarray(((ct_pixels(512) + 1000) / 8).clip(0, 255).astype(np.uint8))
    assert check_pixels_text(image, "x.png", medical=True) == []


def test_secondary_capture_dicom_burned_in_text(write_dicom):
    frame = np.asarray(overlay_frame(["DOE^JOHN", "MRN 40917734"]))
    ds = clean_dataset(modality="OT", pixels=frame.astype(np.uint8))
    findings = check_dicom(write_dicom(ds), "case/sc.dcm")
    got = {f.category for f in findings}
    assert Category.NAME in got and Category.ID_NUMBER in got
    assert all(f.box is not None for f in findings)


def test_header_values_burned_into_pixels_are_found(write_dicom):
    # "KOWALCZYK" alone is not something a free-text detector must call a name; the header says it is.
    frame = np.asarray(overlay_frame(["KOWALCZYK"]))
    ds = clean_dataset(modality="OT", pixels=frame.astype(np.uint8))
    ds.PatientName = "KOWALCZYK^EWA"
    findings = check_dicom(write_dicom(ds), "case/sc.dcm")
    pixel = [f for f in findings if f.box is not None]
    assert any(f.category is Category.NAME for f in pixel)


def test_multiframe_findings_name_their_frame(write_dicom):
    frames = np.stack([np.asarray(overlay_frame([])), np.asarray(overlay_frame(["DOE^JOHN"]))])
    ds = clean_dataset(modality="US", pixels=frames[0].astype(np.uint8))
    ds.NumberOfFrames = 2
    ds.PixelData = frames.astype(np.uint8).tobytes()
    findings = [f for f in check_dicom(write_dicom(ds), "us.dcm") if f.box is not None]
    assert findings and {f.frame for f in findings} == {1}


def test_missing_ocr_program_fails_closed(monkeypatch):
    monkeypatch.setattr(ocr, "TESSERACT", "no-such-tesseract-binary")
    findings = check_pixels_text(overlay_frame(["DOE^JOHN"]), "x.png")
    assert [f.category for f in findings] == [Category.CANNOT_VERIFY]
    assert "not installed" in findings[0].message


def test_corrupt_pixel_data_fails_closed(write_dicom):
    ds = clean_dataset(modality="OT", pixels=np.zeros((64, 64), np.uint8))
    ds.PixelData = b"\0" * 100   # far fewer bytes than 64x64
    findings = check_dicom(write_dicom(ds), "bad.dcm")
    assert Category.CANNOT_VERIFY in {f.category for f in findings}
