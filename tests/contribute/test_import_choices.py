"""import-dicom: cine thinning, case names, one patient per case, --list, black-out of colour,
compressed and big-endian inputs, and hand-copied files.  Exports made by code."""
from __future__ import annotations

import numpy as np
import pydicom
from PIL import Image
from pydicom.uid import ExplicitVRBigEndian, RLELossless

from site_gen.cli import main
from tests.conftest import CASE_YAML
from tests.contribute.exports import BURNED_IN, PHI, _font, add_phi
from tests.phi.conftest import as_palette, clean_dataset, draw_lines


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def ultrasound_clip(path, frames=10, *, colour=False):
    """A cine with the patient's name and birth date in the header band of every frame."""
    rng = np.random.default_rng(5)
    stack = []
    for index in range(frames):
        image = Image.new("L", (320, 240), 0)
        draw_lines(image, ["DOE^JOHN   DOB 1956-04-12"], size=14, at=(6, 4))
        frame = np.asarray(image).copy()
        frame[80:220, 60:260] = (rng.random((140, 200)) * 100).astype(np.uint8)
        stack.append(np.stack([frame] * 3, axis=-1) if colour else frame)
    ds = clean_dataset(modality="US", pixels=stack[0], burned_in=None)
    ds.NumberOfFrames = frames
    ds.FrameTime = 40.0
    ds.PixelData = np.stack(stack).tobytes()
    add_phi_header(ds)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path


def add_phi_header(ds, patient="MRN48213377", name="DOE^JOHN"):
    ds.PatientName = name
    ds.PatientID = patient
    ds.PatientBirthDate = "19560412"
    ds.StudyDate = "20240105"
    ds.InstitutionName = "Saint Elsewhere Infirmary"
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = "1.2.840.113619.2.55.3.77." + patient[-3:]
    ds.StudyInstanceUID = "1.2.840.113619.2.55.3.77.1." + patient[-3:]
    ds.SeriesInstanceUID = "1.2.840.113619.2.55.3.77.2." + patient[-3:]


def test_every_nth_frame_of_a_cine_and_black_out_of_every_frame(repo, tmp_path, capsys):
    clip = ultrasound_clip(tmp_path / "export" / "US0001", frames=10)
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(clip.parent), "--case", "echo",
                       "--new-case", "--every", "3", "--black-out-text")
    assert code == 0, output
    assert "kept 4 of 10 frame(s)" in output
    written = repo.root / "cases" / "echo" / "us-axial" / "0001.dcm"
    ds = pydicom.dcmread(written)
    assert int(ds.NumberOfFrames) == 4 and float(ds.FrameTime) == 120.0
    assert (ds.pixel_array[:, :30] > 100).sum() == 0        # the name band is blank on every kept frame
    raw = written.read_bytes()
    assert raw[:128] == b"\0" * 128 and b"DOE" not in raw and b"113619" not in raw
    assert ds.SOPInstanceUID.startswith("2.25.")


def test_a_mistyped_case_is_never_created(repo, export, capsys):
    repo.case(slug="pneumothorax", text=CASE_YAML)
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "pneumothorx",
                       "--series", "1")
    assert code == 2
    assert "Did you mean 'pneumothorax'" in output and "new-case" in output
    assert not (repo.root / "cases" / "pneumothorx").exists()


def test_two_patients_are_refused_unless_allowed_and_listed_masked(repo, tmp_path, capsys):
    export = tmp_path / "two"
    for index, (patient, name) in enumerate((("MRN48213377", "DOE^JOHN"), ("MRN55512345", "ROE^JANE")), 1):
        ds = clean_dataset(instance=1)
        add_phi_header(ds, patient, name)
        ds.SeriesDescription = f"CT CHEST {index}"
        (export / f"P{index}").mkdir(parents=True)
        ds.save_as(export / f"P{index}" / "IM0001", enforce_file_format=True)
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "two", "--list")
    assert code == 0
    assert "2 patients" in output and "patient A (ID XXX99999999)" in output and "patient B" in output
    assert '"CT CHEST 1"' in output and "1 frame" in output and "256x256 pixels" in output
    assert "48213377" not in output and "ROE" not in output
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "two", "--new-case")
    assert code == 1 and "2 different patients" in output and "--allow-several-patients" in output
    assert not (repo.root / "cases" / "two").exists()
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "two", "--new-case",
                       "--series", "1")
    assert code == 0, output
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "two",
                       "--allow-several-patients")
    assert code == 0, output


def _capture(colour_text_on_palette=False):
    image = Image.new("L", (320, 320), 0)
    draw_lines(image, BURNED_IN, size=18, at=(10, 8))
    return np.asarray(image)


def test_black_out_of_compressed_big_endian_and_palette_inputs(repo, tmp_path, capsys):
    export = tmp_path / "kinds"
    export.mkdir()
    base = _capture()
    rle = clean_dataset(modality="OT", pixels=base)
    add_phi_header(rle, "MRN48213377")
    rle.compress(RLELossless, generate_instance_uid=False)
    rle.save_as(export / "RLE", enforce_file_format=True)
    big = clean_dataset(modality="OT", pixels=base)
    add_phi_header(big, "MRN48213377")
    big.SeriesInstanceUID += ".5"
    big.SOPInstanceUID = big.file_meta.MediaStorageSOPInstanceUID = big.SOPInstanceUID + ".5"
    big.file_meta.TransferSyntaxUID = ExplicitVRBigEndian
    big.save_as(export / "BIG", enforce_file_format=True)
    palette = clean_dataset(modality="OT", pixels=(base > 127).astype(np.uint8))
    add_phi_header(palette, "MRN48213377")
    palette.SeriesInstanceUID += ".6"
    palette.SOPInstanceUID = palette.file_meta.MediaStorageSOPInstanceUID = palette.SOPInstanceUID + ".6"
    as_palette(palette)
    palette.save_as(export / "PAL", enforce_file_format=True)
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(export), "--case", "kinds",
                       "--new-case", "--black-out-text")
    assert code == 0, output
    files = sorted((repo.root / "cases" / "kinds").rglob("*.dcm"))
    assert len(files) == 3
    for path in files:
        ds = pydicom.dcmread(path)
        assert ds.SOPInstanceUID.startswith("2.25.") and ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        assert ds.file_meta.TransferSyntaxUID.is_little_endian
        pixels = ds.pixel_array
        assert (pixels[:90] > 100).sum() == 0, path       # the text rows are black in display colours
        for value in PHI.values():
            assert value.encode() not in path.read_bytes()
    code, output = run(capsys, "--root", str(repo.root), "check-phi", "--no-cache", str(repo.root / "cases" / "kinds"))
    assert code == 0, output


def test_hand_copied_dicom_gets_one_line_with_the_fix(repo, export, capsys):
    repo.case(slug="pneumothorax", text=CASE_YAML)
    target = repo.root / "cases" / "pneumothorax" / "ct"
    target.mkdir()
    (target / "IM0001").write_bytes((export / "IM0001").read_bytes())
    code, output = run(capsys, "--root", str(repo.root), "check-phi", "--no-cache", str(target))
    assert code == 1
    lines = [line for line in output.splitlines() if "IM0001" in line]
    assert len(lines) == 1, output
    assert "site-gen import-dicom <export folder> --case pneumothorax" in lines[0]
    for value in PHI.values():
        assert value not in output


def test_black_out_of_colour_stored_plane_by_plane(repo, tmp_path, capsys):
    """PlanarConfiguration 1 (all red, then all green, then all blue) must come out as a picture."""
    image = Image.new("RGB", (320, 240), (0, 0, 0))
    draw_lines(image, ["DOE^JOHN   DOB 1956-04-12"], size=14, at=(6, 4), fill=(255, 255, 255))
    pixels = np.asarray(image).copy()
    pixels[80:220, 60:260] = (40, 160, 90)                                   # a green "organ"
    ds = clean_dataset(modality="US", pixels=pixels, burned_in=None)
    ds.PlanarConfiguration = 1
    ds.PixelData = np.ascontiguousarray(pixels.transpose(2, 0, 1)).tobytes()
    add_phi_header(ds)
    source = tmp_path / "planar" / "US0001"
    source.parent.mkdir(parents=True)
    ds.save_as(source, enforce_file_format=True)
    assert np.array_equal(pydicom.dcmread(source).pixel_array, pixels)
    code, output = run(capsys, "--root", str(repo.root), "import-dicom", str(source.parent), "--case", "planar",
                       "--new-case", "--black-out-text")
    assert code == 0, output
    out = pydicom.dcmread(next((repo.root / "cases" / "planar").rglob("*.dcm"))).pixel_array
    assert tuple(out[150, 160]) == (40, 160, 90)                             # colours where they were
    assert (out[:30] > 100).sum() == 0                                       # the name band is blank
