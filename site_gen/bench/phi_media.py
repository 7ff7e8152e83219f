"""Benchmark of the media PHI checks (DICOM headers, burned-in text, image metadata, faces).

    python -m site_gen.bench.phi_media --corpus ../shared/corpora

Prints (never a detected value, only attribute names, counts and timings):
  1. the Pseudo-PHI DICOM header attributes flagged, against the PHI the corpus README lists;
  2. burned-in words read and flagged on pseudo-phi-CR-rle.dcm (burned-in-boxes.json; its boxes
     carry presidio's 25-pixel OCR margin, removed here) and on synthetic PACS overlays;
  3. EXIF GPS images and the face image flagged;
  4. pydicom's own test files: flagged before, clean after `deidentify`;
  5. header-check throughput, OCR time per image, and the time to check a staged case
     (200-slice CT series + 5 JPEGs), one worker and all cores.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from site_gen.phi.dicom_header import check_dicom, read_header
from site_gen.phi.finding import Category
from site_gen.phi.image_metadata import check_image
from site_gen.phi.ocr import read_words, _squash, check_pixels_text

PRESIDIO_PADDING = 25
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
EXPECTED_HEADER_PHI = [  # corpus README: name, birth date, accession, institution, referring physician
    "PatientName", "PatientID", "PatientBirthDate", "AccessionNumber", "InstitutionName",
    "InstitutionAddress", "ReferringPhysicianName", "ReferringPhysicianAddress",
    "PerformingPhysicianName", "StudyDate", "StudyDescription",
]


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def bench_header(corpus: Path) -> dict:
    result = {}
    for name in ("pseudo-phi-CR-header-only.dcm", "pseudo-phi-CR-rle.dcm"):
        path = corpus / "dicom" / name
        if not path.exists():
            continue
        findings = check_dicom(path, name, ocr=False)
        flagged = sorted({m.group(1) for f in findings if (m := re.match(r"(\w+) \(", f.message))})
        missing = [a for a in EXPECTED_HEADER_PHI if a not in flagged]
        result[name] = {"findings": len(findings), "attributes_flagged": flagged,
                        "expected_missing": missing,
                        "categories": sorted({f.category.value for f in findings})}
    return result


def bench_burned_in(corpus: Path) -> dict:
    path = corpus / "dicom" / "pseudo-phi-CR-rle.dcm"
    boxes_file = corpus / "dicom" / "burned-in-boxes.json"
    if not path.exists() or not boxes_file.exists():
        return {}
    truth = json.loads(boxes_file.read_text())[path.name]
    ds, _ = read_header(path)
    from site_gen.phi.dicom_io import display_frames
    from site_gen.phi.dicom_pixels import render
    image = render(next(display_frames(path, ds, [0]))[1], str(ds.PhotometricInterpretation))
    start = time.perf_counter()
    words = read_words(image, medical=True)
    ocr_seconds = time.perf_counter() - start
    start = time.perf_counter()
    findings = [f for f in check_dicom(path, path.name) if f.box is not None]
    check_seconds = time.perf_counter() - start
    read = flagged = phi_words = 0
    for box in truth:
        target = (box["left"] - PRESIDIO_PADDING, box["top"] - PRESIDIO_PADDING, box["width"], box["height"])
        if any(_overlap(target, w.box) and _squash(box["label"]) in _squash(w.text) for w in words):
            read += 1
        if box["label"] != "[M]":  # sex is not PHI
            phi_words += 1
            flagged += any(_overlap(target, f.box) for f in findings)
    return {"words": len(truth), "read": read, "read_pct": round(100 * read / len(truth), 1),
            "phi_words": phi_words, "phi_words_flagged": flagged,
            "flagged_pct": round(100 * flagged / phi_words, 1),
            "ocr_seconds": round(ocr_seconds, 2), "full_check_seconds": round(check_seconds, 2)}


def synthetic_overlay(seed: int) -> tuple[Image.Image, list[str]]:
    """A 512x512 'PACS' frame with a name, ID, date of birth and accession burned in."""
    rng = random.Random(seed)
    y, x = np.mgrid[0:512, 0:512]
    anatomy = np.zeros((512, 512))
    noise = np.random.default_rng(seed)
    for _ in range(6):
        cx, cy, r = noise.uniform(100, 400, 2).tolist() + [noise.uniform(40, 160)]
        anatomy += noise.uniform(30, 90) * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
    anatomy += noise.normal(0, 8, (512, 512))
    image = Image.fromarray(np.clip(anatomy, 0, 200).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    fonts = [p for p in ("DejaVuSans.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf")
             if (FONT_DIR / p).exists()]
    font = ImageFont.truetype(str(FONT_DIR / rng.choice(fonts)), rng.choice([11, 12, 13, 14, 16])) if fonts \
        else ImageFont.load_default()
    last = rng.choice(["DOE", "SMITH", "GARCIA", "NGUYEN", "MUELLER", "OKAFOR", "KOWALSKI", "TANAKA"])
    first = rng.choice(["JOHN", "MARY", "ANA", "MINH", "KLAUS", "CHIDI", "EWA", "YUKI"])
    lines = [f"{last}^{first}", f"ID {rng.randint(10**6, 10**8)}",
             f"DOB {rng.randint(1930, 2010)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
             f"ACC A{rng.randint(10**5, 10**7)}"]
    top = 6
    for line in lines:
        draw.text((6, top), line, fill=255, font=font)
        top += font.size + 4 if hasattr(font, "size") else 14
    words = " ".join(lines).replace("^", " ").split()
    return image, words


def bench_synthetic(n: int = 30) -> dict:
    read = total = flagged_images = 0
    seconds = 0.0
    for seed in range(n):
        image, words = synthetic_overlay(seed)
        start = time.perf_counter()
        got = read_words(image, medical=True)
        findings = check_pixels_text(image, "synthetic", medical=True)
        seconds += time.perf_counter() - start
        text = _squash(" ".join(w.text for w in got))
        read += sum(_squash(w) in text for w in words)
        total += len(words)
        categories = {f.category for f in findings}
        flagged_images += Category.NAME in categories and (Category.DATE in categories or Category.ID_NUMBER in categories)
    return {"images": n, "words": total, "read": read, "read_pct": round(100 * read / total, 1),
            "images_with_name_and_date_or_id_flagged": flagged_images,
            "seconds_per_image_ocr_and_check": round(seconds / n, 3)}


def bench_images(corpus: Path) -> dict:
    result = {}
    for path in sorted((corpus / "images" / "exif-gps").glob("*.jpg")):
        findings = check_image(path, path.name, ocr=False, faces=False)
        result[path.name] = {"gps_flagged": any("GPS" in f.message for f in findings),
                             "categories": sorted({f.category.value for f in findings})}
    face = corpus / "images" / "faces" / "portrait-1.jpg"
    if face.exists():
        start = time.perf_counter()
        findings = check_image(face, face.name)
        result[face.name] = {"face_flagged": any(f.category is Category.FACE for f in findings),
                             "seconds": round(time.perf_counter() - start, 2)}
    return result


def bench_pydicom_test_files() -> dict:
    import pydicom
    from site_gen.phi.deidentify import deidentify

    folder = Path(pydicom.__file__).parent / "data" / "test_files"  # installed files only: no download
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(folder.glob("*.dcm")):
            before = check_dicom(path, path.name, ocr=False)
            if any(f.category is Category.CANNOT_VERIFY for f in before):
                rows[path.name] = {"before": "CANNOT_VERIFY (incomplete or non-standard test file)"}
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = pydicom.dcmread(path)
                deidentify(ds)
                out = Path(tmp) / path.name
                ds.save_as(out)
            after = check_dicom(out, path.name, ocr=False)
            rows[path.name] = {"before": len(before), "before_categories": sorted({f.category.value for f in before}),
                               "after": len(after)}
    checked = [r for r in rows.values() if isinstance(r["before"], int)]
    return {"files": len(rows), "checked": len(checked),
            "flagged_before": sum(r["before"] > 0 for r in checked),
            "clean_after": sum(r["after"] == 0 for r in checked),
            "named": {k: rows[k] for k in ("examples_overlay.dcm", "waveform_ecg.dcm", "CT_small.dcm", "reportsi.dcm") if k in rows},
            "cannot_verify": sorted(k for k, r in rows.items() if not isinstance(r["before"], int))}


def write_ct_series(folder: Path, n: int = 200) -> list[Path]:
    """A clean 200-slice 512x512 int16 CT series (2.25 UIDs, no PHI, BurnedInAnnotation NO)."""
    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    y, x = np.mgrid[0:512, 0:512]
    body = np.where(((x - 256) / 200.0) ** 2 + ((y - 256) / 150.0) ** 2 < 1, 40, -1000).astype(np.int16)
    study, series, frame = (generate_uid(prefix=None) for _ in range(3))
    paths = []
    for i in range(1, n + 1):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid(prefix=None)
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = pydicom.Dataset()
        ds.file_meta = meta
        ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
        ds.Modality, ds.PatientName, ds.PatientID, ds.PatientSex, ds.PatientAge = "CT", "", "", "F", "045Y"
        ds.StudyDate, ds.SeriesDescription, ds.BodyPartExamined = "", "CT CHEST WITH CONTRAST", "CHEST"
        ds.InstanceNumber, ds.BurnedInAnnotation = i, "NO"
        ds.ImagePositionPatient, ds.ImageOrientationPatient = [0, 0, -i * 1.25], [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing, ds.SliceThickness = [0.7, 0.7], 1.25
        ds.WindowCenter, ds.WindowWidth, ds.RescaleIntercept, ds.RescaleSlope = 40, 400, 0, 1
        ds.Rows = ds.Columns = 512
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.PixelData = (body + np.int16(i % 7)).tobytes()
        path = folder / f"ct-{i:03d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def write_photos(folder: Path, n: int = 5) -> list[Path]:
    paths = []
    for i in range(n):
        rng = np.random.default_rng(100 + i)
        y, x = np.mgrid[0:768, 0:1024]
        base = np.stack([120 + 60 * np.sin(x / (90 + 10 * i)), 90 + 40 * np.cos(y / 70), 80 + 30 * np.sin((x + y) / 150)], -1)
        image = Image.fromarray(np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8))
        draw = ImageDraw.Draw(image)
        draw.ellipse((300 + 20 * i, 200, 700, 600), fill=(190, 140, 120))  # a lesion-like blob
        path = folder / f"photo-{i}.jpg"
        image.save(path, quality=90)
        paths.append(path)
    return paths


def bench_staged_case() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        series = write_ct_series(folder)
        photos = write_photos(folder)
        start = time.perf_counter()
        header_only = [check_dicom(p, p.name, ocr=False) for p in series]
        header_seconds = time.perf_counter() - start

        def run(workers: int) -> tuple[float, int]:
            start = time.perf_counter()
            jobs = [(check_dicom, p) for p in series] + [(check_image, p) for p in photos]
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(lambda job: job[0](job[1], job[1].name), jobs))
            return time.perf_counter() - start, sum(len(r) for r in results)

        one_seconds, one_findings = run(1)
        all_seconds, all_findings = run(os.cpu_count() or 1)
        start = time.perf_counter()
        for p in photos:
            check_image(p, p.name)
        photo_seconds = (time.perf_counter() - start) / len(photos)
    return {"ct_slices": len(series), "jpegs": len(photos),
            "header_check_files_per_second": round(len(series) / header_seconds, 1),
            "header_findings": sum(len(f) for f in header_only),
            "staged_case_seconds_1_worker": round(one_seconds, 2),
            f"staged_case_seconds_{os.cpu_count()}_workers": round(all_seconds, 2),
            "staged_case_findings": all_findings,
            "seconds_per_1024x768_jpeg_full_check": round(photo_seconds, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpora"),
                        help="evaluation corpora folder (relative to the repository root)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    report = {}
    warm = Image.new("L", (64, 64))  # load the text detector and OCR once, outside the timings
    check_pixels_text(warm, "warm-up", medical=True)
    if args.corpus.exists():
        report["pseudo_phi_header"] = bench_header(args.corpus)
        report["burned_in_cr"] = bench_burned_in(args.corpus)
        report["images"] = bench_images(args.corpus)
    else:
        print(f"corpus folder {args.corpus} not found: corpus sections skipped", file=sys.stderr)
    report["burned_in_synthetic"] = bench_synthetic()
    report["pydicom_test_files"] = bench_pydicom_test_files()
    report["staged_case"] = bench_staged_case()
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for section, values in report.items():
            print(f"== {section}")
            print(json.dumps(values, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
