"""Benchmark: import-dicom and the guard on public DICOM files from the package registries.

    pip install pydicom-data deid-data      # benchmark data only, not runtime dependencies
    python -m site_gen.bench.dicom_corpus [--package NAME] [--limit N] [--json]

Data (nothing committed, nothing downloaded at run time): pydicom's bundled test files, the
`pydicom-data` package (module `data_store`) and the `deid-data` package (real images with
synthetic patient details in headers and pixels; its zipped cine loops are unpacked to a
temporary folder).  A package that is not installed is reported as such.

For every file:
1. `import-dicom` (the importer and the guard, as a contributor runs them) into a fresh case; when
   the guard refuses burned-in text, again with --black-out-text.  Outcome: imported, imported
   after black-out, or refused with the reason (the guard's first finding category, or the
   importer's message kind: damaged, no image, no decoder...).
2. For an imported file, every identifying value of the original header (names, IDs, dates,
   times, institution, station, UIDs with an organisation root, private text, the file meta
   application entity titles; at least 4 characters) is searched for in the bytes of the output
   file (ASCII and UTF-16): "residual values".
3. The output frames are read by an INDEPENDENT OCR pass - Tesseract with page segmentation mode 6
   (uniform block), the whole frame at 3x, full-range rendering, no region detection, a different
   path from the guard's (mode 11, 1.5x, crops) - and the text is searched for the same values
   (tolerant of OCR spacing and O/0 confusions): "readable identifiers".  Frames: all of a file
   up to 30 frames, else the first, the last and every 5th.

Also timed: import of a 120-frame ultrasound clip (made from deid-data's greyscale cine, every
frame distinct) with --black-out-text, and `check-phi` with OCR on 60 text-free 512x512 CT slices
(the project's phantom) in files per second.  Timings on a shared machine are noisy.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..phi.dicom_io import silence_pydicom

TEACHING_KEPT = ("Manufacturer", "ManufacturerModelName", "SoftwareVersions", "StudyDescription",
                 "SeriesDescription", "ProtocolName", "BodyPartExamined")
INDEPENDENT_PSM = "6"
INDEPENDENT_SCALE = 3.0
MIN_VALUE_LENGTH = 4


@dataclass
class FileResult:
    package: str
    name: str
    outcome: str                 # imported / blacked out / refused: <reason>
    needs_blackout: bool = False
    residual: list[str] = field(default_factory=list)     # attribute keywords whose value survived
    readable: list[str] = field(default_factory=list)     # attribute keywords read in the pixels
    seconds: float = 0.0


# --- the data ------------------------------------------------------------------------------

def packages(work: Path) -> dict[str, list[Path] | str]:
    """Files per package, or the reason a package is not available."""
    found: dict[str, list[Path] | str] = {}
    import pydicom
    folder = Path(pydicom.__file__).parent / "data" / "test_files"
    found["pydicom (bundled test files)"] = sorted(folder.glob("*.dcm"))
    try:
        import data_store
        found["pydicom-data"] = sorted(Path(data_store.__file__).parent.joinpath("data").glob("*.dcm"))
    except ImportError:
        found["pydicom-data"] = "not installed (pip install pydicom-data)"
    try:
        import deid_data
        base = Path(deid_data.__file__).parent / "data"
        files = sorted(base.rglob("*.dcm"))
        for archive in sorted(base.rglob("*.zip")):
            target = work / "deid-data-unzipped" / archive.stem
            target.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(target)
            files += sorted(target.rglob("*.dcm"))
        found["deid-data"] = files
    except ImportError:
        found["deid-data"] = "not installed (pip install deid-data)"
    return found


# --- identifying values of an original file -----------------------------------------------

def identifying_values(path: Path) -> dict[str, str]:
    """value -> attribute keyword, for every identifying value in the original header."""
    import pydicom

    from ..phi import profile as profile_rules
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(path, force=True, stop_before_pixels=True)
    except Exception:  # noqa: BLE001
        return {}
    rules = profile_rules.load_profile()
    values: dict[str, str] = {}

    def add(keyword: str, value) -> None:
        items = value if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue" else [value]
        for item in items:
            text = str(item).strip().strip("\0").strip()
            if isinstance(item, (bytes, bytearray)):
                continue
            if len(text) < MIN_VALUE_LENGTH or text.startswith("1.2.840.10008."):
                continue
            if profile_rules.is_dummy(text, "LO") or re.fullmatch(r"[0.:\s]+", text):
                continue
            if re.fullmatch(r"[-+]?\d{1,5}(\.\d*)?([eE][-+]?\d+)?", text) and keyword.startswith("("):
                continue  # a short number in a private attribute (a scale, a count) identifies no one
            values.setdefault(text, keyword)
            if "^" in text:
                for part in re.split(r"[\^=]+", text):
                    if len(part.strip()) >= MIN_VALUE_LENGTH:
                        values.setdefault(part.strip(), keyword)

    def walk(dataset) -> None:
        for elem in dataset:
            tag = int(elem.tag)
            if elem.VR == "SQ":
                for item in elem.value or []:
                    walk(item)
                continue
            keyword = elem.keyword or f"({tag >> 16:04X},{tag & 0xFFFF:04X})"
            action = rules.action_for(tag)
            private = (tag >> 16) % 2 == 1
            if elem.VR in ("PN", "DA", "DT") or (elem.VR == "UI") or private or action not in ("K", "C"):
                if elem.VR in ("OB", "OW", "UN") and not private:
                    continue
                if private and isinstance(elem.value, (bytes, bytearray)):
                    continue
                add(keyword, elem.value)

    walk(ds)
    # values that are also the text of attributes kept for teaching (a hospital named after the
    # scanner's maker: InstitutionName "TOSHIBA", Manufacturer "TOSHIBA_MEC") are reported apart
    kept = " ".join(str(ds.get(k, "")) for k in TEACHING_KEPT).upper()
    for value in [v for v in values if v.upper() in kept]:
        values[value] = values[value] + " (also in a kept equipment/description attribute)"
    meta = getattr(ds, "file_meta", None)
    if meta is not None:
        for keyword in ("SourceApplicationEntityTitle", "SendingApplicationEntityTitle",
                        "ReceivingApplicationEntityTitle", "MediaStorageSOPInstanceUID"):
            if keyword in meta:
                add(keyword, meta.get(keyword))
    return values


def residual_values(output: Path, values: dict[str, str]) -> list[str]:
    """Keywords of original values found in the output bytes; a value that is the whole value of
    an attribute the output keeps on purpose (a description that passed the text check, say) is
    named with that attribute, so the table shows why it is there."""
    import pydicom
    data = output.read_bytes()
    kept: dict[str, str] = {}
    for elem in pydicom.dcmread(output, stop_before_pixels=True).iterall():
        if elem.VR not in ("SQ", "OB", "OW", "UN") and elem.value not in (None, ""):
            kept.setdefault(str(elem.value).strip(), elem.keyword or str(elem.tag))
    found = []
    for value, keyword in values.items():
        for encoded in (value.encode("latin-1", "ignore"), value.encode("utf-16-le")):
            # whole words only: "MARY" inside "PRIMARY", "0010" inside a longer number are not it
            edge = rb"[A-Za-z]" if value[:1].isalpha() else rb"[0-9]" if value[:1].isdigit() else rb"(?!)"
            tail = rb"[A-Za-z]" if value[-1:].isalpha() else rb"[0-9]" if value[-1:].isdigit() else rb"(?!)"
            pattern = rb"(?<!" + edge + rb")" + re.escape(encoded) + rb"(?!" + tail + rb")"
            if encoded and re.search(pattern, data):
                found.append(keyword + (f" (kept as {kept[value]})" if value in kept and "also in a kept" not in keyword
                                        else ""))
                break
    return sorted(set(found))


def _squash(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper()).replace("O", "0").replace("I", "1").replace("L", "1")


def _date_forms(text: str) -> list[str]:
    if re.fullmatch(r"\d{8}", text):
        y, m, d = text[:4], text[4:6], text[6:]
        return [y + m + d, m + d + y, d + m + y, m + d + y[2:], d + m + y[2:]]
    return [text]


def independent_read(output: Path) -> str:
    """Text of the output frames by the independent OCR pass (see module docstring)."""
    import pydicom
    from PIL import Image

    from ..phi.dicom_io import display_frames, number_of_frames, to_uint8_colour
    from ..phi.views import full_range
    ds = pydicom.dcmread(output, stop_before_pixels=True)
    total = number_of_frames(ds)
    wanted = list(range(total)) if total <= 30 else sorted({0, total - 1, *range(0, total, 5)})
    texts = []
    for _index, frame in display_frames(output, ds, wanted):
        if frame.ndim == 3:
            image = Image.fromarray(to_uint8_colour(frame)).convert("L")
        else:
            values = full_range(frame.astype(np.float32))
            image = Image.fromarray(255 - values if str(ds.get("PhotometricInterpretation")) == "MONOCHROME1" else values)
        if max(image.size) * INDEPENDENT_SCALE > 6000:
            scale = 6000 / max(image.size)
        else:
            scale = INDEPENDENT_SCALE
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
        for polarity in (image, Image.eval(image, lambda v: 255 - v)):
            buffer = io.BytesIO()
            polarity.save(buffer, format="PNG")
            done = subprocess.run(["tesseract", "stdin", "stdout", "--psm", INDEPENDENT_PSM, "-l", "eng"],
                                  input=buffer.getvalue(), capture_output=True, timeout=300,
                                  env={**os.environ, "OMP_THREAD_LIMIT": "1"})
            texts.append(done.stdout.decode("utf-8", "replace"))
    return "\n".join(texts)


def readable_identifiers(text: str, values: dict[str, str]) -> list[str]:
    squashed = _squash(text)
    words = {_squash(w) for w in re.split(r"\s+", text) if w}
    found = []
    for value, keyword in values.items():
        if keyword.endswith("UID") or re.fullmatch(r"[\d.]+", value) and value.count(".") > 2:
            continue  # UIDs are never drawn on images
        for form in _date_forms(value.strip()) if keyword.endswith(("Date", "DateTime")) else [value]:
            target = _squash(form)
            if len(target) < MIN_VALUE_LENGTH:
                continue
            if (target in words) if target.isalpha() else (target in squashed):
                found.append(keyword)
                break
    return sorted(set(found))


# --- one file --------------------------------------------------------------------------------

def run_import(source: Path, repo: Path, case: str, black_out: bool) -> tuple[int, str]:
    command = [sys.executable, "-m", "site_gen", "--root", str(repo), "import-dicom", str(source), "--case", case,
               "--new-case", "--allow-several-patients"]
    if black_out:
        command.append("--black-out-text")
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    return done.returncode, done.stdout + done.stderr


def refusal_reason(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    for line in lines:
        match = re.search(r": (CANNOT_VERIFY|DICOM_ATTRIBUTE|NAME|DATE|ID_NUMBER|PHONE|ADDRESS|INSTITUTION|"
                          r"AGE_OVER_89|URL_IP|EMAIL|FACE|INITIALS|DEVICE_ID) \(([\w+\-]+)\)", line)
        if match:
            return f"guard: {match.group(1)} ({match.group(2)})"
    text = " ".join(lines)
    for pattern, reason in (("no decoder", "no decoder"), ("no DICOM, PNG or JPEG images", "no image in the file"),
                            ("damaged", "damaged"), ("without an image", "no image in the file"),
                            ("unexpected problem", "importer error")):
        if pattern in text:
            return reason
    return "refused"


def check_file(package: str, source: Path, work: Path) -> FileResult:
    result = FileResult(package, source.name, "refused")
    start = time.perf_counter()
    export = work / "export"
    shutil.rmtree(export, ignore_errors=True)
    export.mkdir(parents=True)
    shutil.copy2(source, export / source.name)
    repo = work / "repo"
    shutil.rmtree(repo, ignore_errors=True)
    (repo / "cases").mkdir(parents=True)
    code, output = run_import(export, repo, "case", black_out=False)
    if code != 0 and re.search(r" box \d+,\d+", output):
        result.needs_blackout = True
        shutil.rmtree(repo / "cases" / "case", ignore_errors=True)
        code, output = run_import(export, repo, "case", black_out=True)
    if code != 0:
        result.outcome = f"refused: {refusal_reason(output)}"
        if "skipped" in output and "no DICOM" not in output and "0 series" in output:
            result.outcome = "refused: not imported (see importer)"
        result.seconds = time.perf_counter() - start
        return result
    result.outcome = "blacked out" if result.needs_blackout else "imported"
    values = identifying_values(source)
    outputs = sorted((repo / "cases" / "case").rglob("*.dcm"))
    for output_file in outputs:
        result.residual += residual_values(output_file, values)
        try:
            result.readable += readable_identifiers(independent_read(output_file), values)
        except Exception as error:  # noqa: BLE001
            result.readable.append(f"(unreadable output: {error.__class__.__name__})")
    result.residual = sorted(set(result.residual))
    result.readable = sorted(set(result.readable))
    result.seconds = time.perf_counter() - start
    return result


# --- speed -----------------------------------------------------------------------------------

def ultrasound_clip(work: Path) -> Path | None:
    """A 120-frame ultrasound clip from deid-data's greyscale cine (frames made distinct)."""
    import pydicom
    try:
        import deid_data
    except ImportError:
        return None
    archive = Path(deid_data.__file__).parent / "data" / "ultrasounds" / "GREYSCALE_CINE.zip"
    with zipfile.ZipFile(archive) as zipped:
        data = zipped.read(zipped.namelist()[0])
    ds = pydicom.dcmread(io.BytesIO(data))
    frames = ds.pixel_array
    moving = (frames != frames[0]).any(axis=0)
    rng = np.random.default_rng(0)
    out = []
    for index in range(120):
        frame = frames[index % len(frames)].astype(np.int16)
        frame[moving] += rng.integers(-2, 3, size=int(moving.sum()), dtype=np.int16)
        out.append(np.clip(frame, 0, 255).astype(np.uint8))
    ds.PixelData = np.stack(out).tobytes()
    ds.NumberOfFrames = 120
    folder = work / "us-clip"
    folder.mkdir(parents=True, exist_ok=True)
    ds.save_as(folder / "US120.dcm")
    return folder


def time_clip(work: Path) -> dict:
    folder = ultrasound_clip(work)
    if folder is None:
        return {"skipped": "deid-data not installed"}
    repo = work / "clip-repo"
    shutil.rmtree(repo, ignore_errors=True)
    (repo / "cases").mkdir(parents=True)
    start = time.perf_counter()
    before = os.times()
    code, output = run_import(folder, repo, "clip", black_out=True)
    after = os.times()
    return {"frames": 120, "imported": code == 0, "seconds": round(time.perf_counter() - start, 1),
            "cpu_seconds": round((after.children_user - before.children_user)
                                 + (after.children_system - before.children_system), 1),
            "target_seconds": 10}


def time_check_phi(work: Path, slices: int = 60) -> dict:
    import pydicom

    from ..phi.scanner import scan
    from .synthetic import write_ct_series
    folder = work / "ct-check" / "cases" / "ct" / "ct"
    paths = write_ct_series(folder, slices=slices, size=512, compress=False)
    for path in paths:  # as exported by most scanners: no BurnedInAnnotation attribute at all
        ds = pydicom.dcmread(path)
        if "BurnedInAnnotation" in ds:
            del ds.BurnedInAnnotation
        ds.save_as(path)
    root = work / "ct-check"
    start = time.perf_counter()
    before = os.times()
    report = scan([folder], root, cache_dir=None, ocr=True)
    after = os.times()
    seconds = time.perf_counter() - start
    # this process's threads, its worker processes and the Tesseract processes they ran
    cpu = sum(getattr(after, k) - getattr(before, k) for k in ("user", "system", "children_user", "children_system"))
    return {"files": slices, "findings": len(report.findings), "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1), "files_per_second": round(slices / seconds, 1),
            "target_files_per_second": 10}


# --- report ----------------------------------------------------------------------------------

def summarise(results: list[FileResult]) -> dict:
    imported = [r for r in results if r.outcome in ("imported", "blacked out")]
    need = [r for r in results if r.needs_blackout]
    refused: dict[str, int] = {}
    for r in results:
        if r.outcome.startswith("refused"):
            refused[r.outcome[len("refused: "):]] = refused.get(r.outcome[len("refused: "):], 0) + 1
    return {"files": len(results), "imported": len(imported),
            "imported_after_blackout": sum(r.outcome == "blacked out" for r in results),
            "needed_blackout": len(need), "blackout_succeeded": sum(r.outcome == "blacked out" for r in need),
            "files_with_residual_values": sum(any("kept" not in k for k in r.residual) for r in imported),
            "files_with_residual_values_that_are_kept_descriptions": sum(
                any("kept" in k for k in r.residual) for r in imported),
            "files_with_readable_identifiers": sum(bool(r.readable) for r in imported),
            "refused": dict(sorted(refused.items()))}


def print_table(package: str, results: list[FileResult]) -> None:
    summary = summarise(results)
    print(f"\n## {package}: {summary['files']} files")
    print(f"imported {summary['imported']} (after black-out {summary['imported_after_blackout']}); "
          f"black-out needed {summary['needed_blackout']}, succeeded {summary['blackout_succeeded']}; "
          f"imported files with residual values: {summary['files_with_residual_values']}, "
          f"with readable identifiers: {summary['files_with_readable_identifiers']}")
    print("| file | outcome | residual values | readable identifiers | s |")
    print("|---|---|---|---|---|")
    for r in results:
        print(f"| {r.name} | {r.outcome} | {', '.join(r.residual) or '0'} | {', '.join(r.readable) or '0'} | "
              f"{r.seconds:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--package", action="append", help="only this package (repeatable)")
    parser.add_argument("--limit", type=int, help="at most N files per package")
    parser.add_argument("--only", action="append", help="only files with this name (repeatable)")
    parser.add_argument("--skip-speed", action="store_true", help="no timing runs")
    parser.add_argument("--jobs", type=int, default=2, help="files imported at the same time (default 2)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    silence_pydicom()
    report: dict = {"packages": {}}
    with tempfile.TemporaryDirectory(prefix="dicom-corpus-") as tmp:
        work = Path(tmp)
        for package, files in packages(work).items():
            if args.package and not any(p in package for p in args.package):
                continue
            if isinstance(files, str):
                print(f"\n## {package}: {files}")
                report["packages"][package] = {"unavailable": files}
                continue
            chosen = [f for f in files if not args.only or f.name in args.only][:args.limit]
            if not chosen:
                continue

            def one(item):
                number, path = item
                slot = work / f"file-{number}"
                result = check_file(package, path, slot)
                shutil.rmtree(slot, ignore_errors=True)
                print(f"[{package} {number}/{len(chosen)}] {path.name}: {result.outcome}", file=sys.stderr, flush=True)
                return result

            with ThreadPoolExecutor(max_workers=args.jobs) as pool:
                results = list(pool.map(one, enumerate(chosen, 1)))
            print_table(package, results)
            sys.stdout.flush()
            report["packages"][package] = {"summary": summarise(results), "files": [r.__dict__ for r in results]}
        everything = [FileResult(**f) for p in report["packages"].values() for f in p.get("files", [])]
        if everything:
            report["total"] = summarise(everything)
            print("\n## all packages\n" + json.dumps(report["total"], indent=1))
        if not args.skip_speed:
            report["us_clip_import"] = time_clip(work)
            print("\n## 120-frame ultrasound clip import (--black-out-text)\n" + json.dumps(report["us_clip_import"]))
            report["check_phi_ct"] = time_check_phi(work)
            print("\n## check-phi, text-free CT slices, OCR on\n" + json.dumps(report["check_phi_ct"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
