"""Burned-in text read as a person reads it: every slice, every published window, any window a
reader can pick, display colours, header/footer bands, cine loops.  All images made here."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw
from pydicom.uid import ExplicitVRLittleEndian, RLELossless

from site_gen.phi.dicom_header import check_dicom
from site_gen.phi.finding import Category
from site_gen.phi.text_regions import find_text_regions, in_bands

from .conftest import as_palette, clean_dataset, ct_pixels, draw_lines, font


def text_mask(lines, size=(256, 256), at=(12, 10), text_size=18) -> np.ndarray:
    image = Image.new("L", size, 0)
    draw_lines(image, lines, size=text_size, at=at, fill=255)
    return np.asarray(image) > 127


def pixel_findings(findings):
    return [f for f in findings if f.box is not None]


# --- the text-region detector -------------------------------------------------------------------

def test_detector_finds_rows_of_print_and_not_anatomy():
    frame = np.zeros((256, 256), np.uint8)
    frame[text_mask(["DOE^JOHN 1956"])] = 255
    regions = find_text_regions(frame)
    assert regions and regions[0].top < 40 and regions[0].marks >= 5
    anatomy = ((ct_pixels(256) + 1000) / 8).clip(0, 255).astype(np.uint8)
    assert find_text_regions(anatomy) == []
    assert in_bands(regions[0], (256, 256), 0.12, 0.1)


# --- every slice, every window ------------------------------------------------------------------

def test_text_on_one_slice_of_three_is_found(write_dicom):
    """Issue 9 item 10: OCR once sampled slices 1 and 50 only; slice 2 of 3 carried the text."""
    paths = []
    for instance in (1, 2, 3):
        pixels = ct_pixels(256, seed=instance)
        if instance == 2:
            pixels[text_mask(["SMITH^ANNA", "DOB 1961-03-12"])] = 1500
        paths.append(write_dicom(clean_dataset(pixels=pixels, instance=instance), f"{instance}.dcm"))
    found = {p.name: pixel_findings(check_dicom(p, p.name)) for p in paths}
    assert found["1.dcm"] == [] and found["3.dcm"] == []
    assert {Category.NAME, Category.DATE} & {f.category for f in found["2.dcm"]}


def test_text_invisible_at_the_own_window_is_found_in_the_other_views(write_dicom):
    """Text written 100 HU above air: black at the soft-tissue window, faint at the lung window,
    plain at a narrow one."""
    pixels = ct_pixels(256)
    mask = text_mask(["DOE^JOHN", "DOB 1956-04-12"], at=(8, 2), text_size=14)
    air = pixels < -500
    assert (mask & ~air).sum() < 10   # the text lies on air, above the body
    pixels[mask & air] = -900
    ds = clean_dataset(pixels=pixels)
    ds.WindowCenter, ds.WindowWidth = 40, 400
    findings = pixel_findings(check_dicom(write_dicom(ds), "hidden.dcm"))
    assert {Category.NAME, Category.DATE} & {f.category for f in findings}


def test_text_a_few_values_above_a_flat_ground_is_found(write_dicom):
    """Only a reader's narrow window shows it: 3 units above a flat padding value."""
    pixels = np.full((256, 256), -2000, np.int16)
    pixels[64:200, 64:200] = ct_pixels(136)
    pixels[text_mask(["DOE^JOHN", "DOB 1956-04-12"], at=(8, 8))] = -1997
    ds = clean_dataset(pixels=pixels)
    findings = pixel_findings(check_dicom(write_dicom(ds), "faint.dcm"))
    assert {Category.NAME, Category.DATE} & {f.category for f in findings}


def test_clean_ct_slices_cost_no_ocr_and_pass(write_dicom):
    from site_gen.phi.dicom_pixels import PixelCoverage
    coverage = PixelCoverage()
    path = write_dicom(clean_dataset(pixels=ct_pixels(512), burned_in=None))
    assert check_dicom(path, "ct.dcm", coverage=coverage) == []
    assert coverage.frames == 1 and coverage.frames_read == 0


# --- colour, bands, cine ------------------------------------------------------------------------

def test_palette_colour_is_read_in_display_colours(write_dicom):
    """Indices 0/1 differ by one step: only the palette makes the text visible."""
    indices = np.zeros((256, 256), np.uint8)
    indices[text_mask(["DOE^JOHN", "ID 40917734"], at=(12, 100))] = 1
    ds = as_palette(clean_dataset(modality="OT", pixels=indices))
    findings = pixel_findings(check_dicom(write_dicom(ds), "palette.dcm"))
    assert {Category.NAME, Category.ID_NUMBER} & {f.category for f in findings}


def test_ultrasound_header_band_text_is_a_finding_even_unread(write_dicom):
    """Fail closed: marks shaped like print in the header band, whatever OCR makes of them."""
    frame = np.zeros((300, 400), np.uint8)
    frame[120:260, 80:320] = (np.random.default_rng(0).random((140, 240)) * 90).astype(np.uint8)
    glyphs = Image.new("L", (400, 300), 0)
    draw = ImageDraw.Draw(glyphs)
    for index in range(12):  # letter-sized strokes that spell nothing
        x = 10 + index * 11
        draw.line((x, 10, x + 6, 24), fill=255, width=2)
        draw.line((x + 6, 10, x, 24), fill=255, width=2)
    frame = np.maximum(frame, np.asarray(glyphs))
    ds = clean_dataset(modality="US", pixels=frame, burned_in=None)
    findings = pixel_findings(check_dicom(write_dicom(ds), "us.dcm"))
    assert any(f.category is Category.CANNOT_VERIFY and f.detector == "text-region" and f.box[1] < 36
               for f in findings)


def test_cine_text_on_a_late_frame_is_found(write_dicom):
    rng = np.random.default_rng(3)
    frames = []
    for index in range(12):
        frame = np.zeros((256, 256), np.uint8)
        frame[120:250, 110:250] = (rng.random((130, 140)) * 120).astype(np.uint8)   # a moving sector
        if index == 9:  # shown on one frame only, beside the sector (not a frame read in full)
            frame[text_mask(["DOE^JOHN", "DOB 1956-04-12"], at=(6, 40))] = 255
        frames.append(frame)
    ds = clean_dataset(modality="US", pixels=frames[0], burned_in=None)
    ds.NumberOfFrames = len(frames)
    ds.PixelData = np.stack(frames).tobytes()
    findings = pixel_findings(check_dicom(write_dicom(ds), "cine.dcm"))
    assert 9 in {f.frame for f in findings if f.category in (Category.NAME, Category.DATE)}


def test_compressed_frames_are_decoded_and_read(write_dicom):
    pixels = np.zeros((256, 256), np.uint8)
    pixels[text_mask(["DOE^JOHN", "ID 40917734"], at=(12, 100))] = 255
    ds = clean_dataset(modality="OT", pixels=pixels)
    ds.compress(RLELossless, generate_instance_uid=False)
    findings = pixel_findings(check_dicom(write_dicom(ds), "rle.dcm"))
    assert {Category.NAME, Category.ID_NUMBER} & {f.category for f in findings}


def test_missing_decoder_is_named(write_dicom):
    ds = clean_dataset(modality="OT", pixels=np.zeros((64, 64), np.uint8))
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.100"   # MPEG2: no decoder anywhere
    from pydicom.encaps import encapsulate
    ds.PixelData = encapsulate([b"\0\0\1\xb3" + b"\0" * 60])
    ds["PixelData"].VR = "OB"
    findings = check_dicom(write_dicom(ds), "video.dcm")
    messages = " ".join(f.message for f in findings if f.category is Category.CANNOT_VERIFY)
    assert "decoder" in messages and "MPEG2" in messages
    assert "possible patient information" not in messages
    assert ds.file_meta.TransferSyntaxUID != ExplicitVRLittleEndian
