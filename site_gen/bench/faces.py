"""Benchmark of the picture checks: face and OCR time per photograph, face false alarms.

    nice python -m site_gen.bench.faces --corpus ../shared/corpora [--cases cases] [--repeat 3]

Evaluation only (the corpora are never used by tests).  Prints counts and timings, never a value:
  1. time per photograph (median of --repeat runs; processor and wall-clock seconds): the face
     check upright only and in four orientations, OCR, and the whole `check_image`;
  2. faces found in the face corpus (as given, turned, greyscale): should all be found;
  3. false alarms: FACE findings on pictures without a face - the sample cases' images (every
     DICOM frame the face check picks, PNG/JPEG files), the corpus photographs without faces,
     pydicom's own test images, and scikit-image's sample pictures when that package happens to
     be installed (not a dependency).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

from PIL import Image

from site_gen.phi.faces import DicomFaces, check_faces, find_faces
from site_gen.phi.finding import Category
from site_gen.phi.image_metadata import check_image

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".webp", ".bmp"}
# scikit-image sample pictures that show a person's face (left out of the false-alarm count).
SKIMAGE_WITH_FACES = {"astronaut.png", "camera.png"}


def _processor_seconds() -> float:
    """This process and its children (Tesseract runs as a child process)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(function, repeat: int) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = _processor_seconds(), time.perf_counter()
        function()
        cpu.append(_processor_seconds() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def timings(photos: list[Path], repeat: int) -> None:
    print("1. time per photograph (median of %d; processor s / wall s; the machine is shared, so wall "
          "times are noisy)" % repeat)
    print(f"   {'photo':24} {'pixels':>10} {'faces upright':>15} {'faces 4 turns':>15} {'OCR only':>15} {'whole check':>15}")
    for path in photos:
        with Image.open(path) as image:
            image.draft("RGB", (2600, 2600))
            picture = image.convert("RGB")
        upright = _timed(lambda: find_faces(picture), repeat)
        turned = _timed(lambda: find_faces(picture, all_orientations=True), repeat)
        ocr = _timed(lambda: check_image(path, path.name, faces=False), repeat)
        whole = _timed(lambda: check_image(path, path.name), repeat)
        cells = [f"{c:.2f}/{w:.2f}" for c, w in (upright, turned, ocr, whole)]
        print(f"   {path.name[:24]:24} {picture.width}x{picture.height:<5} " + " ".join(f"{c:>15}" for c in cells))


def face_recall(faces: list[Path]) -> None:
    print("2. faces in the face corpus (found / tried)")
    for path in faces:
        with Image.open(path) as image:
            picture = image.convert("RGB")
        tries = {"as given": picture, "greyscale": picture.convert("L")}
        for name, turn in (("turned 90", Image.Transpose.ROTATE_90), ("turned 180", Image.Transpose.ROTATE_180),
                           ("turned 270", Image.Transpose.ROTATE_270)):
            tries[name] = picture.transpose(turn)
        found = {name: bool(check_faces(image, path.name, all_orientations=True)) for name, image in tries.items()}
        print(f"   {path.name}: {sum(found.values())}/{len(found)} "
              + ", ".join(f"{name}: {'found' if hit else 'MISSED'}" for name, hit in found.items()))


def _dicom_frames_checked(path: Path) -> tuple[int, int, list]:
    """(frames, frames checked, FACE findings) with the guard's own frame choice."""
    import pydicom
    from pydicom.pixels import iter_pixels

    from site_gen.phi.dicom_pixels import render

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        if "Rows" not in ds:
            return 0, 0, []
        faces = DicomFaces(ds, path.name)
        photometric = str(ds.get("PhotometricInterpretation", ""))
        frames = checked = 0
        found = []
        n_frames = int(ds.get("NumberOfFrames", 1) or 1)
        for index, array in enumerate(iter_pixels(path)):
            if photometric == "PALETTE COLOR":
                from pydicom.pixels import apply_color_lut
                array = apply_color_lut(array, ds)
            if array.ndim == 3 and array.shape[-1] not in (3, 4):
                continue
            frames += 1
            image = render(array, photometric)
            if faces.wants(index, image):
                checked += 1
                found += [f for f in faces.check(image, index if n_frames > 1 else None) if f.category is Category.FACE]
    return frames, checked, found


def false_alarms(label: str, paths: list[Path]) -> None:
    from site_gen.media.discover import is_dicom_file

    pictures = frames_total = frames_checked = alarms = unreadable = 0
    flagged: list[str] = []
    started = time.perf_counter()
    for path in paths:
        try:
            if path.suffix.lower() in IMAGE_SUFFIXES:
                findings = [f for f in check_image(path, path.name, ocr=False) if f.category is Category.FACE]
                frames, checked = 1, 1
            elif is_dicom_file(path):
                frames, checked, findings = _dicom_frames_checked(path)
            else:
                continue
        except Exception:  # noqa: BLE001 - a test file pydicom cannot decode here
            unreadable += 1
            continue
        if frames == 0:
            continue
        pictures += 1
        frames_total += frames
        frames_checked += checked
        if findings:
            alarms += len(findings)
            flagged.append(path.name)
    elapsed = time.perf_counter() - started
    print(f"   {label}: {pictures} pictures, {frames_total} frames, {frames_checked} checked for faces, "
          f"{alarms} false alarm(s){' in ' + ', '.join(flagged[:8]) if flagged else ''}"
          f"{f'; {unreadable} not decodable here' if unreadable else ''} ({elapsed:.1f} s)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="the shared corpora folder")
    parser.add_argument("--cases", type=Path, default=Path("cases"), help="the sample cases (default: cases)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    images = args.corpus / "images"
    face_photos = sorted((images / "faces").glob("*"))
    other_photos = sorted(p for p in images.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                          and "faces" not in p.parts)
    timings(other_photos + face_photos, args.repeat)
    face_recall(face_photos)
    print("3. face false alarms on pictures without a face")
    false_alarms("sample cases", sorted(p for p in args.cases.rglob("*") if p.is_file() and p.suffix not in (".yml", ".md")))
    false_alarms("corpus photographs", other_photos)
    try:
        import pydicom.data

        # The files in the wheel only (get_testdata_files would try to download the others).
        shipped = Path(pydicom.data.__file__).parent / "test_files"
        false_alarms("pydicom test images", sorted(shipped.rglob("*.dcm")))
    except Exception as error:  # noqa: BLE001
        print(f"   pydicom test images: not available ({error.__class__.__name__})")
    try:
        import importlib.util

        spec = importlib.util.find_spec("skimage")
        folder = Path(list(spec.submodule_search_locations)[0]) / "data" if spec else None
        if folder and folder.is_dir():
            pictures = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
                              and p.name not in SKIMAGE_WITH_FACES)
            false_alarms("scikit-image sample pictures", pictures)
    except Exception:  # noqa: BLE001
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
