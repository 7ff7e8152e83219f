#!/usr/bin/env python
"""Regenerate the image folders of the sample cases in cases/ (never their case.yml).

Every sample image is a real, de-identified image with an open licence, taken from a package
registry: pydicom's bundled test files and the pydicom-data package (both MIT; each case.yml
names the file and its origin under `source` and `licence`).  Each is reduced to a small
clean copy (pixel data and pixel attributes only; large radiographs cropped and downsampled),
then imported exactly as a contributor would, through `site-gen import-dicom`, which
de-identifies it again and runs the patient-information guard (OCR included) before writing.

    python scripts/make_samples.py            # all sample cases (installs pydicom-data if missing)
    python scripts/make_samples.py --check    # regenerate into a temporary folder and compare

import-dicom gives every import fresh UIDs, so --check compares what the images show (pixel
values, frames, geometry and the attributes the viewer uses), not the bytes of the files.
"""
from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pydicom
from PIL import Image
from pydicom.uid import JPEG2000Lossless

from site_gen.bench.synthetic import write_clean_copy

ROOT = Path(__file__).resolve().parent.parent
# Listed directly: pydicom.data.get_testdata_files() with a pattern may try to download.
PYDICOM_TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"
# Attributes the site uses, compared by --check besides the pixels.
COMPARED = ("Modality", "Rows", "Columns", "NumberOfFrames", "PhotometricInterpretation", "BitsStored",
            "WindowCenter", "WindowWidth", "RescaleSlope", "RescaleIntercept", "FrameTime", "PixelSpacing")


def pydicom_test_file(name: str) -> Path:
    path = PYDICOM_TEST_FILES / name
    if not path.is_file():
        raise SystemExit(f"make_samples: pydicom test file {name} not found in {PYDICOM_TEST_FILES}")
    return path


def pydicom_data_file(name: str) -> Path:
    """A file of the pydicom-data package (MIT), installed from PyPI if it is missing."""
    if importlib.util.find_spec("data_store") is None:
        print("make_samples: installing pydicom-data (pip install pydicom-data)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pydicom-data"], check=True)
        importlib.invalidate_caches()
    spec = importlib.util.find_spec("data_store")
    path = Path(spec.origin).parent / "data" / name
    if not path.is_file():
        raise SystemExit(f"make_samples: {name} is not in the installed pydicom-data package")
    return path


def reduced_copy(source: Path, target: Path, *, max_side: int, crop: tuple[float, float, float, float] | None = None,
                 seed: str) -> Path:
    """A clean copy (write_clean_copy) cropped to `crop` (fractions: left, top, right, bottom)
    and shrunk to `max_side`, kept at its bit depth, compressed losslessly (JPEG 2000, about
    half the size of RLE on noisy radiographs); pixel spacing follows."""
    write_clean_copy(source, target, uid_seed=seed, burned_in_annotation="NO")
    ds = pydicom.dcmread(target)
    array = ds.pixel_array.astype(np.float32)
    if crop:
        height, width = array.shape
        left, top, right, bottom = (round(crop[0] * width), round(crop[1] * height),
                                    round(crop[2] * width), round(crop[3] * height))
        array = array[top:bottom, left:right]
    image = Image.fromarray(array)
    ratio = min(1.0, max_side / max(image.size))
    if ratio < 1.0:
        image = image.resize((round(image.width * ratio), round(image.height * ratio)), Image.Resampling.BOX)
    pixels = np.clip(np.rint(np.asarray(image)), 0, 2 ** int(ds.BitsStored) - 1).astype(np.uint16)
    ds.Rows, ds.Columns = pixels.shape
    for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
        if keyword in ds and ratio < 1.0:
            ds[keyword].value = [round(float(v) / ratio, 4) for v in ds[keyword].value]
    ds.PixelData = pixels.tobytes()
    ds["PixelData"].VR = "OW"
    ds.compress(JPEG2000Lossless, generate_instance_uid=False)
    ds.save_as(target, enforce_file_format=True)
    return target


@dataclass(frozen=True)
class Sample:
    folder: str                              # series folder in the case
    prepare: Callable[[Path], Path]          # writes the clean source into an export folder
    modality: str
    plane: str


def _run_import(export: Path, slug: str, sample: Sample) -> Path:
    """`site-gen import-dicom` into a throwaway repository; returns the imported series folder."""
    work = Path(tempfile.mkdtemp(prefix="samples-import-"))
    (work / "cases").mkdir()
    shutil.copytree(ROOT / "users", work / "users")
    result = subprocess.run([sys.executable, "-m", "site_gen", "import-dicom", str(export), "--case", slug,
                             "--title", slug, "--author", "adoe", "--plane", sample.plane,
                             "--licence", "MIT", "--source", "pydicom test data"],
                            cwd=work, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"make_samples: import-dicom refused {slug}:\n{result.stdout}{result.stderr}")
    imported = [p for p in (work / "cases" / slug).iterdir() if p.is_dir()]
    if len(imported) != 1:
        raise SystemExit(f"make_samples: import-dicom wrote {len(imported)} series for {slug}, expected 1")
    return imported[0]


def write_sample(cases_dir: Path, slug: str, sample: Sample) -> None:
    with tempfile.TemporaryDirectory(prefix="samples-export-") as tmp:
        export = Path(tmp) / "export"
        export.mkdir()
        sample.prepare(export)
        imported = _run_import(export, slug, sample)
        target = cases_dir / slug / sample.folder
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(imported, target)
        shutil.rmtree(imported.parent.parent.parent, ignore_errors=True)


SAMPLES: dict[str, Sample] = {
    # NEMA WG04 RG1 (computed radiography, PA chest, 15-bit), downsampled from 1955 x 1841.
    "multiple-pulmonary-metastases-chest-radiograph": Sample(
        "cr-pa", lambda out: reduced_copy(pydicom_data_file("RG1_UNCR.dcm"), out / "0001.dcm", max_side=800,
                                          seed="cases/cannonball-metastases"), "CR", "PA"),
    # NEMA WG04 RG3 (computed radiography, distal tibia and ankle, 10-bit), cropped to the leg.
    "non-ossifying-fibroma-distal-tibia": Sample(
        "cr-ap", lambda out: reduced_copy(pydicom_data_file("RG3_UNCR.dcm"), out / "0001.dcm", max_side=1024,
                                          crop=(0.25, 0.0, 0.72, 1.0), seed="cases/nof-tibia"), "CR", "AP"),
    "multifocal-liver-lesions-mri": Sample(
        "mr-t1-post-contrast", lambda out: write_clean_copy(
            pydicom_test_file("examples_overlay.dcm"), out / "0001.dcm", compress=True,
            uid_seed="cases/liver-lesions-mri", burned_in_annotation="NO"), "MR", "axial"),
    "normal-bone-scintigraphy-lossy-compression": Sample(
        "nm-whole-body", lambda out: write_clean_copy(
            pydicom_test_file("JPEG2000.dcm"), out / "0001.dcm", uid_seed="cases/bone-scintigraphy",
            burned_in_annotation="NO"), "NM", "whole body"),
    # 30 frames at 33.3 ms (about one cardiac cycle): every second frame, 15 in all, at 66.7 ms.
    "echocardiography-apical-four-chamber": Sample(
        "echo-a4c", lambda out: write_clean_copy(
            pydicom_test_file("examples_ybr_color.dcm"), out / "0001.dcm", frame_step=2, keep_frames=15,
            uid_seed="cases/echo-a4c", burned_in_annotation="NO"), "US", "four-chamber"),
    "thoracic-vertebra-costovertebral-anatomy": Sample(
        "ct-axial", lambda out: write_clean_copy(
            pydicom_test_file("CT_small.dcm"), out / "0001.dcm", compress=True,
            uid_seed="cases/thoracic-vertebra-ct", burned_in_annotation="NO"), "CT", "axial"),
}


def generate(cases_dir: Path, only: list[str] | None = None) -> None:
    for slug, sample in SAMPLES.items():
        if only and slug not in only:
            continue
        write_sample(cases_dir, slug, sample)
        print(f"{slug}: images written", file=sys.stderr)


def _looks(path: Path) -> tuple:
    ds = pydicom.dcmread(path)
    return (tuple(str(ds.get(k)) for k in COMPARED), ds.pixel_array.tobytes())


def _same_images(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.dcm"))
    files_b = sorted(p.relative_to(b) for p in b.rglob("*.dcm"))
    return files_a == files_b and all(_looks(a / f) == _looks(b / f) for f in files_a)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help=f"sample case names (default: all of {', '.join(SAMPLES)})")
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temporary folder and report whether cases/ matches")
    args = parser.parse_args(argv)
    unknown = set(args.cases) - set(SAMPLES)
    if unknown:
        parser.error(f"unknown sample case(s): {', '.join(sorted(unknown))}")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp), args.cases)
            stale = [slug for slug in SAMPLES if (not args.cases or slug in args.cases)
                     and not _same_images(Path(tmp) / slug, ROOT / "cases" / slug)]
        if stale:
            print(f"out of date: {', '.join(stale)} (run scripts/make_samples.py)", file=sys.stderr)
            return 1
        print("sample images are up to date", file=sys.stderr)
        return 0
    generate(ROOT / "cases", args.cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
