"""Faces in photographs and in DICOM files of any modality.

The one real face is tests/phi/data/portrait.jpg (16 KB, NASA portrait of Eileen Collins, public
domain: see tests/phi/data/README.md).  Everything else is generated here.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from site_gen.phi.faces import check_faces, detect_faces, is_colour
from site_gen.phi.finding import Category
from site_gen.phi.image_metadata import check_image

from .conftest import ct_pixels


PORTRAIT = Path(__file__).parent / "data" / "portrait.jpg"


def portrait(side: int = 512) -> Image.Image:
    with Image.open(PORTRAIT) as image:
        return image.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)


def radiograph(size=(600, 500)) -> Image.Image:
    """Chest-radiograph-like greyscale: dark lungs, bright mediastinum and shoulders, noise."""
    h, w = size[1], size[0]
    y, x = np.mgrid[0:h, 0:w]
    img = 180 - 90 * np.exp(-(((x - w * 0.3) / (w * 0.12)) ** 2 + ((y - h * 0.55) / (h * 0.3)) ** 2))
    img -= 90 * np.exp(-(((x - w * 0.7) / (w * 0.12)) ** 2 + ((y - h * 0.55) / (h * 0.3)) ** 2))
    img += 40 * np.exp(-(((y - h * 0.1) / (h * 0.1)) ** 2))
    img += np.random.default_rng(0).normal(0, 6, img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def ultrasound(size=480) -> Image.Image:
    """A speckled sector on black."""
    y, x = np.mgrid[0:size, 0:size]
    angle = np.arctan2(x - size / 2, y + 20)
    radius = np.hypot(x - size / 2, y + 20)
    sector = (np.abs(angle) < 0.6) & (radius < size * 0.95)
    speckle = np.random.default_rng(2).rayleigh(40, (size, size))
    return Image.fromarray(np.where(sector, np.clip(speckle, 0, 255), 0).astype(np.uint8))


def test_photograph_with_a_face_is_rejected(tmp_path):
    path = tmp_path / "portrait.png"
    portrait().save(path)
    findings = check_image(path, "case/portrait.png", ocr=False)
    faces = [f for f in findings if f.category is Category.FACE]
    assert len(faces) == 1
    x, y, w, h = faces[0].box
    assert 150 < x + w / 2 < 330 and 60 < y + h / 2 < 260   # her face, upper middle
    assert "--black-out-text" not in faces[0].message and "--crop" in faces[0].message


def test_greyscale_portrait_is_still_a_face():
    grey = portrait().convert("L")
    assert not is_colour(grey)
    assert detect_faces(grey)


def test_face_in_a_large_jpeg_box_in_full_size_coordinates(tmp_path):
    big = portrait(2048)
    path = tmp_path / "big.jpg"
    big.save(path, quality=90)
    faces = [f for f in check_image(path, "big.jpg", ocr=False) if f.category is Category.FACE]
    assert faces and faces[0].box[2] > 250   # scaled back from the reduced working copy


@pytest.mark.parametrize("make", [radiograph, ultrasound,
                                  lambda: Image.fromarray(((ct_pixels(512) + 1000) / 6).clip(0, 255).astype(np.uint8))])
def test_medical_greyscale_images_are_not_faces(make):
    image = make()
    assert check_faces(image, "x.png") == []
    assert check_faces(image.convert("RGB"), "x.png") == []   # greyscale saved as RGB


def test_colour_photo_without_face():
    y, x = np.mgrid[0:400, 0:600]
    rgb = np.stack([150 + 60 * np.sin(x / 40), 110 + 40 * np.cos(y / 30), 90 + 0 * x], -1).astype(np.uint8)
    assert is_colour(Image.fromarray(rgb))
    assert check_faces(Image.fromarray(rgb), "x.jpg") == []


def faces_in(findings):
    return [f for f in findings if f.category is Category.FACE]


# --- images as displayed (issue 9 item 4) ---------------------------------------------------------

def test_phone_photo_stored_sideways_with_exif_orientation(tmp_path):
    """The file holds the picture turned a quarter; EXIF says to turn it back (what phones do)."""
    stored = portrait().transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # the viewer turns it 90 degrees clockwise
    path = tmp_path / "phone.jpg"
    stored.save(path, exif=exif, quality=92)
    findings = faces_in(check_image(path, "phone.jpg", ocr=False))
    assert len(findings) == 1
    x, y, w, h = findings[0].box              # in the picture as displayed (upright)
    assert 150 < x + w / 2 < 330 and 60 < y + h / 2 < 260
    assert "side" not in findings[0].message  # upright once the orientation is applied


@pytest.mark.parametrize("turn, words", [(Image.Transpose.ROTATE_90, "on its side"),
                                         (Image.Transpose.ROTATE_180, "upside down"),
                                         (Image.Transpose.ROTATE_270, "on its side")])
def test_photo_stored_sideways_without_a_tag_still_shows_a_face(tmp_path, turn, words):
    path = tmp_path / "sideways.png"
    portrait().transpose(turn).save(path)
    findings = faces_in(check_image(path, "sideways.png", ocr=False))
    assert findings and words in findings[0].message


def test_every_frame_of_an_animation_is_checked(tmp_path):
    frames = [Image.fromarray(np.full((512, 512, 3), (90, 140 - 9 * i, 60), np.uint8)) for i in range(4)]
    frames[2] = portrait()
    gif = tmp_path / "loop.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100)
    apng = tmp_path / "loop.png"
    frames[0].save(apng, save_all=True, append_images=frames[1:], duration=100)
    for path in (gif, apng):
        found = faces_in(check_image(path, path.name, ocr=False))
        assert [f.frame for f in found] == [2], path


def test_too_many_frames_are_refused(tmp_path):
    frames = [Image.new("RGB", (16, 16), (i, 0, 0)) for i in range(60)]
    path = tmp_path / "long.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    findings = check_image(path, path.name, ocr=False)
    assert [f.category for f in findings] == [Category.CANNOT_VERIFY] and "frames" in findings[0].message


def test_face_drawn_only_in_the_transparency_is_seen_as_browsers_show_it(tmp_path):
    """RGB all black, the face in the alpha channel: invisible to a check that drops alpha,
    plain on a white page."""
    grey = np.asarray(portrait().convert("L"))
    rgba = np.zeros((512, 512, 4), np.uint8)
    rgba[..., 3] = 255 - grey
    path = tmp_path / "alpha.png"
    Image.fromarray(rgba, "RGBA").save(path)
    found = faces_in(check_image(path, "alpha.png", ocr=False))
    assert found and "over white" in found[0].message


# --- DICOM of any modality (issue 9 item 5) -------------------------------------------------------

from pydicom.uid import MRImageStorage, SecondaryCaptureImageStorage  # noqa: E402

from site_gen.phi.dicom_header import check_dicom  # noqa: E402
from site_gen.phi.faces import DicomFaces, KEY_FRAME_EVERY, rendering_findings  # noqa: E402

from .conftest import clean_dataset, save  # noqa: E402


def dicom_faces(ds, tmp_path, name="x.dcm"):
    return faces_in(check_dicom(save(ds, tmp_path / name), name))


def test_rgb_secondary_capture_labelled_ct(tmp_path):
    ds = clean_dataset(modality="CT", pixels=np.asarray(portrait()))
    ds.ImageType = ["DERIVED", "SECONDARY"]
    assert dicom_faces(ds, tmp_path)


def test_rgb_capture_stored_sideways(tmp_path):
    ds = clean_dataset(modality="CT", pixels=np.asarray(portrait().transpose(Image.Transpose.ROTATE_270)))
    found = dicom_faces(ds, tmp_path)
    assert found and "on its side" in found[0].message


def test_greyscale_mr_face(tmp_path):
    grey = np.asarray(portrait().convert("L")).astype(np.int16) * 7 - 200  # 16-bit signed, MR-like range
    ds = clean_dataset(modality="MR", pixels=grey)
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = MRImageStorage
    ds.ImageType = ["ORIGINAL", "PRIMARY", "M"]
    assert dicom_faces(ds, tmp_path)


def test_face_on_one_frame_of_a_greyscale_cine_is_found(tmp_path):
    """Frame 13 of 30 holds a face: not a multiple of any sampling step, found as a key frame."""
    rng = np.random.default_rng(4)
    base = ((ct_pixels(512) + 1000) / 6).clip(0, 255)
    frames = [np.clip(base + rng.normal(0, 3, base.shape), 0, 255) for _ in range(30)]
    frames[13] = np.asarray(portrait().convert("L"), np.float64)
    ds = clean_dataset(modality="MR", pixels=np.stack(frames).astype(np.uint8)[0])
    ds.NumberOfFrames = 30
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = np.stack(frames).astype(np.uint8).tobytes()
    found = dicom_faces(ds, tmp_path)
    assert [f.frame for f in found] == [13]


def test_key_frames_every_tenth_and_on_change():
    faces = DicomFaces(clean_dataset(), "x.dcm")
    flat = Image.new("L", (64, 64), 80)
    changed = Image.new("L", (64, 64), 200)
    wanted = [i for i in range(25) if faces.wants(i, changed if i == 7 else flat)]
    assert wanted == [0, 7, 8, 18]  # first, the change, back again, then every tenth
    assert KEY_FRAME_EVERY == 10


def test_ct_slices_and_colour_ultrasound_are_not_faces(tmp_path):
    assert dicom_faces(clean_dataset(), tmp_path) == []
    us = np.asarray(ultrasound(480).convert("RGB")).copy()
    us[200:260, 220:260] = (200, 30, 30)   # a colour Doppler patch
    ds = clean_dataset(modality="US", pixels=us)
    assert dicom_faces(ds, tmp_path, "us.dcm") == []


@pytest.mark.parametrize("image_type, description, body_part, refused", [
    (["DERIVED", "SECONDARY", "VRT"], "", "HEAD", True),
    (["DERIVED", "SECONDARY"], "3D VR SKULL", "", True),
    (["DERIVED", "SECONDARY", "VOLUME_RENDER"], "", "", True),        # body part not stated
    (["DERIVED", "SECONDARY", "VRT"], "", "KNEE", False),
    (["DERIVED", "SECONDARY"], "CINEMATIC RENDERING ABDOMEN", "", False),
    (["ORIGINAL", "PRIMARY", "AXIAL"], "3D T1 MPRAGE", "BRAIN", False),  # a 3D acquisition, not a rendering
])
def test_3d_renderings_of_the_head_are_refused_from_the_header(image_type, description, body_part, refused):
    ds = clean_dataset()
    ds.ImageType = image_type
    ds.SeriesDescription = description
    if body_part:
        ds.BodyPartExamined = body_part
    found = rendering_findings(ds, "x.dcm")
    assert bool(found) is refused
    assert all(f.category is Category.FACE and "editor" in f.message for f in found)


def test_surface_mesh_objects_are_refused(tmp_path):
    ds = clean_dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.68.1"   # Surface Scan Mesh Storage
    ds.SeriesDescription = "surface scan"
    assert rendering_findings(ds, "scan.dcm")


def test_head_rendering_refused_through_the_dicom_check(tmp_path):
    ds = clean_dataset()
    ds.ImageType = ["DERIVED", "SECONDARY", "VRT"]
    ds.BodyPartExamined = "HEAD"
    findings = check_dicom(save(ds, tmp_path / "vr.dcm"), "vr.dcm", ocr=False)
    assert any(f.detector == "faces-rendering" for f in findings)


def test_secondary_capture_photograph_is_checked_in_every_orientation():
    ds = clean_dataset(modality="OT", pixels=np.zeros((8, 8, 3), np.uint8))
    ds.SOPClassUID = SecondaryCaptureImageStorage
    assert DicomFaces(ds, "x.dcm").all_orientations
    assert not DicomFaces(clean_dataset(), "x.dcm").all_orientations


def test_import_of_a_face_photo_gives_face_advice_not_black_out(tmp_path):
    import os
    import subprocess
    import sys

    source = tmp_path / "export" / "portrait.jpg"
    source.parent.mkdir()
    portrait().save(source, quality=92)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-m", "site_gen", "--root", str(tmp_path), "import-dicom", str(source),
                           "--case", "face-case", "--new-case"], capture_output=True, text=True, env=env, cwd=tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "FACE" in output
    assert "--crop" in output and "--black-out-text" not in output
    assert not (tmp_path / "cases" / "face-case").exists()


def test_small_face_pasted_on_one_frame_is_still_a_key_frame(tmp_path):
    """A face a fifth of the frame wide changes one block of the frame, not its average."""
    rng = np.random.default_rng(5)
    base = ((ct_pixels(512) + 1000) / 6).clip(0, 255)
    frames = [np.clip(base + rng.normal(0, 3, base.shape), 0, 255).astype(np.uint8) for _ in range(20)]
    face = np.asarray(portrait(180).convert("L"))
    frames[7] = frames[7].copy()
    frames[7][40:220, 300:480] = face
    faces = DicomFaces(clean_dataset(), "x.dcm")
    wanted = [i for i, frame in enumerate(frames) if faces.wants(i, Image.fromarray(frame))]
    assert 7 in wanted and len(wanted) <= 5
