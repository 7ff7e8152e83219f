"""import-dicom on real DICOM exports with patient information (made by code)."""
from __future__ import annotations


import numpy as np
import pydicom
import pytest
import yaml
from PIL import Image, ImageDraw

from site_gen.cli import main
from tests.conftest import CASE_YAML
from tests.contribute.exports import BURNED_IN, ORIGINAL_ROOT, PHI, PRIVATE_TEXT, snapshot, write_dicomdir_export


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def read_case(repo, slug):
    return yaml.safe_load((repo.root / "cases" / slug / "case.yml").read_text())


def test_import_deidentifies_keeps_geometry_and_passes_the_guard(repo, export, capsys):
    before = snapshot(export)
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "nodule", "--new-case",
                       "--series", "1", "--title", "Solitary pulmonary nodule", "--author", "adoe")
    assert code == 0, output
    for value in [*PHI.values(), PRIVATE_TEXT, ORIGINAL_ROOT]:
        assert value not in output
    files = sorted((repo.root / "cases" / "nodule" / "ct-axial").iterdir())
    assert [f.name for f in files] == [f"{i:04d}.dcm" for i in range(1, 7)]
    originals = sorted(export.glob("IM*"))
    study_uids, series_uids = set(), set()
    for path, original_path in zip(files, originals):
        ds, original = pydicom.dcmread(path), pydicom.dcmread(original_path)
        raw = path.read_bytes()
        for value in [*PHI.values(), PRIVATE_TEXT, ORIGINAL_ROOT]:
            assert value.encode() not in raw
        assert not any(int(e.tag) >> 16 & 1 for e in ds), "private elements remain"
        assert not any(0x6000 <= int(e.tag) >> 16 <= 0x60FF for e in ds), "overlay remains"
        assert ds.PatientIdentityRemoved == "YES"
        for keyword in ("Modality", "PixelSpacing", "SliceThickness", "ImageOrientationPatient",
                        "ImagePositionPatient", "WindowCenter", "WindowWidth", "RescaleIntercept", "PatientSex"):
            assert ds.data_element(keyword).value == original.data_element(keyword).value, keyword
        assert np.array_equal(ds.pixel_array, original.pixel_array)
        assert ds.SOPInstanceUID.startswith("2.25.") and ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        study_uids.add(ds.StudyInstanceUID)
        series_uids.add(ds.SeriesInstanceUID)
    assert len(study_uids) == 1 and len(series_uids) == 1  # consistent replacement
    assert study_uids.pop().startswith("2.25.")
    assert snapshot(export) == before

    data = read_case(repo, "nodule")
    assert data["title"] == "Solitary pulmonary nodule"
    series = data["studies"][0]["series"][0]
    assert series["path"] == "ct-axial" and series["plane"] == "axial"
    assert series["source"] and series["licence"] == "CC BY-NC-SA 4.0"
    code, output = run(capsys, "--root", str(repo.root), "check-phi", "--no-cache",
                       str(repo.root / "cases" / "nodule"))
    assert code == 0, output


def test_burned_in_text_is_refused_unless_blacked_out(repo, export, capsys):
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "capture",
                       "--series", "2", "--new-case")
    assert code == 1
    assert "--black-out-text" in output and "NAME" in output
    for line in BURNED_IN:
        assert line not in output
    assert not (repo.root / "cases" / "capture").exists()  # nothing written

    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "capture",
                       "--series", "2", "--black-out-text", "--new-case")
    assert code == 0, output
    assert "blacked out" in output
    written = repo.root / "cases" / "capture" / "ot-images" / "0001.dcm"
    pixels = pydicom.dcmread(written).pixel_array
    original = pydicom.dcmread(export / "SC" / "IM0001").pixel_array
    assert (original[:80] > 200).sum() > 100          # the text was there, bright
    assert (pixels[:80] > 200).sum() == 0             # and is blacked out
    assert pixels[200, 160] == 110                    # the anatomy is untouched
    code, output = run(capsys, "--root", str(repo.root), "check-phi", "--no-cache", str(written))
    assert code == 0, output


def test_every_nth_slice_and_range(repo, export, capsys):
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "sample", "--new-case",
                       "--series", "1", "--every", "2", "--slices", "2-6")
    assert code == 0, output
    files = sorted((repo.root / "cases" / "sample" / "ct-axial").iterdir())
    assert len(files) == 3  # slices 2, 4, 6
    positions = [float(pydicom.dcmread(f).ImagePositionPatient[2]) for f in files]
    originals = sorted(float(pydicom.dcmread(p).ImagePositionPatient[2]) for p in export.glob("IM*"))[::-1]
    assert positions == [originals[1], originals[3], originals[5]]
    assert "kept 3 of 6" in output


def test_dicomdir_export_and_appending_to_an_existing_case(repo, export, tmp_path, capsys):
    cd = tmp_path / "cd"
    write_dicomdir_export(cd, sorted(export.glob("IM*")))
    repo.case(slug="pneumothorax", text=CASE_YAML.replace("title:", "# a contributor's comment\ntitle:"))
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(cd / "DICOMDIR"),
                       "--case", "pneumothorax", "--findings", "Small apical pneumothorax on CT.",
                       "--caption", "Axial CT at the apex.")
    assert code == 0, output
    text = (repo.root / "cases" / "pneumothorax" / "case.yml").read_text()
    assert "# a contributor's comment" in text
    data = yaml.safe_load(text)
    assert [s["modality"] for s in data["studies"]] == ["CR", "CT"]
    assert data["studies"][0]["series"][0]["path"] == "xr"
    assert len(list((repo.root / "cases" / "pneumothorax" / "ct-axial").iterdir())) == 6
    code, output = run(capsys, "--root", str(repo.root), "validate", str(repo.root / "cases" / "pneumothorax"))
    assert code == 0, output


def test_photographs_lose_metadata_and_can_be_cropped(repo, tmp_path, capsys):
    photos = tmp_path / "photos"
    photos.mkdir()
    image = Image.new("RGB", (200, 120), (90, 90, 90))
    ImageDraw.Draw(image).rectangle((50, 30, 150, 90), fill=(200, 180, 160))
    exif = Image.Exif()
    exif[0x013B] = "Dr Gregory House"        # Artist
    exif[0x0132] = "2024:01:05 10:15:00"     # DateTime
    image.save(photos / "Smith_John_hand.jpg", exif=exif.tobytes(), comment=b"MRN48213377")
    from PIL.PngImagePlugin import PngInfo
    info = PngInfo()
    info.add_text("Patient", "DOE^JOHN")
    image.save(photos / "second.png", pnginfo=info)
    before = snapshot(photos)
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(photos), "--case", "hand", "--new-case",
                       "--modality", "XC", "--crop", "40,20,160,100")
    assert code == 0, output
    assert "EXIF" in output
    written = sorted((repo.root / "cases" / "hand" / "xc-images").iterdir())
    assert [p.name for p in written] == ["0001.jpg", "0002.png"]  # names from the export are not kept
    for path in written:
        raw = path.read_bytes()
        assert b"House" not in raw and b"MRN" not in raw and b"DOE" not in raw and b"2024" not in raw
        with Image.open(path) as out:
            assert out.size == (120, 80)
            assert not out.getexif() and "comment" not in out.info and "Patient" not in out.info
    assert snapshot(photos) == before
    assert read_case(repo, "hand")["studies"][0]["modality"] == "XC"


@pytest.mark.parametrize("args, message", [
    (["--every", "0"], "--every"),
    (["--slices", "9-2"], "--slices"),
    (["--crop", "1,2"], "--crop"),
    (["--licence", "all rights reserved"], "--licence"),
])
def test_bad_options_are_explained(repo, export, capsys, args, message):
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "x", *args)
    assert code == 2
    assert message in output and "Traceback" not in output


def test_missing_export_and_lfs_pointer_export_are_refused(repo, tmp_path, capsys):
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(tmp_path / "nowhere"), "--case", "x")
    assert code == 2 and "does not exist" in output
    pointers = tmp_path / "pointers"
    pointers.mkdir()
    (pointers / "0001.dcm").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 +
                                       "\nsize 12345\n")
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(pointers), "--case", "x", "--new-case")
    assert code == 1 and "git lfs pull" in output
    assert not (repo.root / "cases" / "x").exists()
