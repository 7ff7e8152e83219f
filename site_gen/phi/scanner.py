"""The PHI guard's engine: walk paths, send each file to its checker, apply suppressions.

Every file is one of: YAML, other text, DICOM, image, or something the guard cannot read,
which is a finding (fail closed).  File and folder names go through the text detector too.
The files are those of `site_gen.fileset.walk`, the walk the build and validation share (links
leaving their case folder refused).  Each file is checked in a worker process under a time limit
(site_gen.phi.watchdog): a file that takes too long is refused, never waited for.

Results are cached by the content hash of each file, the guard's code and data, and the
versions of the tools it used (Tesseract, OpenCV, pydicom...), in a folder outside the
checkout (site_gen.cache); a result holding "cannot verify" is never cached.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from ..fileset import walk
from ..media.discover import is_dicom_file, is_lfs_pointer
from .allow import AllowFile, Suppression
from .finding import Category, Finding, mask, value_hash
from .textfile import YAML_SUFFIXES, TextCheck, check_text, describe

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".webp"}
MAX_TEXT_BYTES = 2 * 2**20
# Seconds one file may take before it is refused (text at the detector's slowest expected speed
# is far below; a 200-slice series read with OCR takes a few minutes on one core).
TEXT_TIME_LIMIT = 120.0
MEDIA_TIME_LIMIT = 900.0
# Distributions whose version changes what a check finds (decoders, OCR, faces, YAML).
TOOL_DISTRIBUTIONS = ("pydicom", "pillow", "numpy", "opencv-python-headless", "opencv-python", "pyyaml",
                      "pylibjpeg", "pylibjpeg-libjpeg", "pylibjpeg-openjpeg", "pylibjpeg-rle", "python-gdcm")


@dataclass
class FileResult:
    path: str
    sha256: str
    findings: list[Finding]
    cached: bool = False


@dataclass
class ScanReport:
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)
    allowed: list[Suppression] = field(default_factory=list)  # every suppression seen, used or not
    notes: list[str] = field(default_factory=list)
    files: int = 0
    cached: int = 0
    hashes: dict[str, str] = field(default_factory=dict)
    # Path prefixes (a file or folder) whose own name holds a finding: shown masked in reports.
    masked_names: set[str] = field(default_factory=set)


@lru_cache(maxsize=1)
def tool_versions() -> str:
    """The tools a check depends on, present or not, with their versions: a cached result made
    without Tesseract (a refusal) or with another decoder is not reused once that changes."""
    parts = [f"python={sys.version_info[:3]}"]
    for name in TOOL_DISTRIBUTIONS:
        try:
            parts.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name}=absent")
    from .ocr import TESSERACT
    program = shutil.which(TESSERACT)
    version = "absent"
    if program:
        try:
            done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30)
            version = (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "?"
            languages = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30)
            version += " langs=" + ",".join(sorted(languages.stdout.split()[1:]))
        except (OSError, subprocess.SubprocessError, IndexError):
            version = "unusable"
    parts.append(f"tesseract={version}")
    return ";".join(parts)


@lru_cache(maxsize=1)
def engine_version() -> str:
    """Hash of the package's code and data and of the tools it uses: a change to any of them
    invalidates cached results."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*")):
        # node_modules: the contact form's build tools (site_gen/site/sealing), not the guard's.
        if path.is_file() and not {"__pycache__", "node_modules"} & set(path.parts) and path.suffix != ".pyc":
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update(tool_versions().encode())
    return digest.hexdigest()[:16]


def kind_of(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if is_dicom_file(path):
        return "dicom"
    if b"\0" not in head:
        try:
            head.decode("utf-8")
            return "text"
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 4:  # a multi-byte character cut by the sample
                return "text"
    return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: Path, rel: str, kind: str, ocr: bool = True, faces: bool = True) -> TextCheck:
    """Findings for one file's content (its name is checked separately).  Never raises: what
    cannot be checked is a CANNOT_VERIFY finding naming the reason."""
    try:
        if kind in ("yaml", "text"):
            if path.stat().st_size > MAX_TEXT_BYTES:
                return TextCheck([cannot_verify(rel, f"this text file is too large to check (over "
                                                     f"{MAX_TEXT_BYTES // 2**20} MB)")])
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                return TextCheck([cannot_verify(rel, "this file is not UTF-8 text, so it cannot be checked")])
            return check_text(text, rel, kind=kind)
        if kind == "dicom":
            from .dicom_header import check_dicom
            return TextCheck(check_dicom(path, rel, ocr=ocr))
        if kind == "image":
            from .image_metadata import check_image
            return TextCheck(check_image(path, rel, ocr=ocr, faces=faces))
    except OSError as error:
        return TextCheck([cannot_verify(rel, f"cannot read this file ({error.strerror or error.__class__.__name__})")])
    except MemoryError:
        return TextCheck([cannot_verify(rel, "this file needs more memory to check than there is")])
    except RecursionError:
        return TextCheck([cannot_verify(rel, "this file is nested too deeply to check")])
    except Exception as error:  # noqa: BLE001 - a checker's failure must refuse the file, not pass it
        return TextCheck([cannot_verify(rel, f"the guard could not check this file ({error.__class__.__name__})")])
    return TextCheck([cannot_verify(rel, "this kind of file cannot be checked for patient information; "
                                         "use case.yml, Markdown or text, DICOM, PNG or JPEG")])


def cannot_verify(rel: str, message: str) -> Finding:
    return Finding(path=rel, category=Category.CANNOT_VERIFY, detector="guard", message=message)


def _to_json(finding: Finding) -> dict:
    data = asdict(finding)
    data["category"] = finding.category.value
    data.pop("value_hash", None)  # keyed per run: meaningless elsewhere, never stored
    return data


def _from_json(data: dict, rel: str) -> Finding:
    data = dict(data, path=rel, category=Category(data["category"]))
    if data.get("box") is not None:
        data["box"] = tuple(data["box"])
    return Finding(**data)


def _suppression_json(item: Suppression) -> dict:
    return {"reason": item.reason, "line": item.line, "categories": list(item.categories)}


def _check_to_json(check: TextCheck) -> dict:
    return {"findings": [_to_json(f) for f in check.findings],
            "suppressed": [[_to_json(f), _suppression_json(s)] for f, s in check.suppressed],
            "allows": [_suppression_json(s) for s in check.allows], "notes": check.notes}


def _check_from_json(data: dict, rel: str) -> TextCheck:
    def suppression(item: dict) -> Suppression:
        return Suppression(path=rel, reason=item["reason"], line=item["line"], categories=tuple(item["categories"]))
    return TextCheck(findings=[_from_json(f, rel) for f in data["findings"]],
                     suppressed=[(_from_json(f, rel), suppression(s)) for f, s in data["suppressed"]],
                     allows=[suppression(s) for s in data["allows"]], notes=list(data["notes"]))


class ResultCache:
    def __init__(self, folder: Path | None):
        self.folder = folder / "phi" / engine_version() if folder else None

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, rel: str) -> TextCheck | None:
        if not self.folder:
            return None
        try:
            return _check_from_json(json.loads(self._file(key).read_text()), rel)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, check: TextCheck) -> None:
        if not self.folder or any(f.category == Category.CANNOT_VERIFY for f in check.findings):
            return  # a refusal may be temporary (a missing tool, a time limit): check again next time
        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(_check_to_json(check)))
            os.replace(temporary, target)
        except OSError:
            pass  # a read-only cache only costs time


def iter_files(paths: Iterable[Path], root: Path | None = None) -> Iterable[Path]:
    """Paths of the files the guard checks below `paths` (see site_gen.fileset.walk)."""
    for entry in walk(paths, root or Path.cwd()):
        yield entry.path


_NAME_SPLIT = re.compile(r"[_\-.+]+|(?<=[a-z])(?=[A-Z])")


def check_names(rels: Iterable[str]) -> list[Finding]:
    """Each file and folder name once: 'Smith_John_CT.dcm' reads as 'Smith John CT'."""
    from .text import analyze
    findings, seen = [], set()
    for rel in rels:
        parts = rel.split("/")
        for depth in range(len(parts)):
            component_path = "/".join(parts[:depth + 1])
            if component_path in seen:
                continue
            seen.add(component_path)
            name = parts[depth]
            stem = name.rsplit(".", 1)[0] if depth == len(parts) - 1 and "." in name else name
            words = _NAME_SPLIT.sub(" ", stem).strip()
            for span in analyze(words):
                value = words[span.start:span.end]
                findings.append(Finding(path=component_path, category=span.category, detector="file-name",
                                        message=f"the {'file' if depth == len(parts) - 1 else 'folder'} name "
                                                + describe(span), masked=mask(value),
                                        value_hash=value_hash(value)))
    return findings


def _load_text_detector() -> None:
    """Load every word list of the text detector (names, places, drugs...) in this process."""
    from .text import analyze
    analyze("Seen by Dr John Smith at Mercy Hospital in Boston on 3 May 2020, on aspirin.")


def _worker(job: tuple[str, str, str, bool, bool]) -> dict:
    path, rel, kind, ocr, faces = job
    return _check_to_json(check_file(Path(path), rel, kind, ocr, faces))


def scan(paths: list[Path], root: Path, *, cache_dir: Path | None = None, ocr: bool = True,
         faces: bool = True, jobs: int | None = None, time_limit: float | None = None,
         progress: Callable[[int, int], None] | None = None) -> ScanReport:
    """`progress(done, total)` is called as files are checked (site_gen.progress shows it)."""
    from . import watchdog
    root = root.resolve()
    report = ScanReport()
    cache = ResultCache(cache_dir)
    allow_file = AllowFile.load(root)
    report.notes.extend(allow_file.problems)
    report.allowed.extend(allow_file.entries)
    options = f"ocr={ocr},faces={faces}"
    pending: list[tuple[str, str, str, bool, bool]] = []
    keys: dict[str, str] = {}
    results: dict[str, TextCheck] = {}
    rels: list[str] = []
    for entry in walk(paths, root):
        rel = entry.rel
        if rel in results or rel in keys:
            continue  # named twice on the command line
        rels.append(rel)
        report.files += 1
        if entry.problem:
            results[rel] = TextCheck([cannot_verify(rel, f"this {entry.problem}")])
            continue
        source = entry.source
        try:
            with source.open("rb") as handle:
                head = handle.read(8192)
            sha = _sha256(source)
        except OSError as error:
            results[rel] = TextCheck([cannot_verify(rel, f"cannot read this file ({error.strerror})")])
            continue
        report.hashes[rel] = sha
        if is_lfs_pointer(head[:1025]):  # a checkout without `git lfs pull`
            results[rel] = TextCheck([cannot_verify(rel, "this is a Git LFS pointer, not the file itself: run "
                                                         "'git lfs pull' so the guard can check the real file")])
            continue
        kind = kind_of(source, head)
        key = hashlib.sha256(f"{sha}|{kind}|{options}|{rel}".encode()).hexdigest()
        cached = cache.get(key, rel)
        if cached is not None:
            results[rel] = cached
            report.cached += 1
            continue
        keys[rel] = key
        pending.append((str(source), rel, kind, ocr, faces))

    done = report.files - len(pending)
    if progress:
        progress(done, report.files)
    if pending:
        _load_text_detector()  # before forking: workers share its data instead of each loading it
        heavy = sum(1 for job in pending if job[2] in ("dicom", "image"))
        if heavy:
            from .dicom_pixels import preload
            preload()
        workers = jobs if jobs is not None else (watchdog.default_workers() if heavy >= 8 else 1)

        def limit(job) -> float:
            return time_limit if time_limit is not None else (
                TEXT_TIME_LIMIT if job[2] in ("yaml", "text") else MEDIA_TIME_LIMIT)

        def timed_out(job, seconds: float) -> dict:
            return _check_to_json(TextCheck([cannot_verify(job[1], (
                f"checking this file took longer than the limit of {seconds:g} s, so it is refused; "
                "shorten or split the file (a text) or the series, or ask an editor"))]))

        def failed(job, reason: str) -> dict:
            return _check_to_json(TextCheck([cannot_verify(job[1], f"the guard could not check this file ({reason})")]))

        def finished(count: int) -> None:
            if progress:
                progress(done + count, report.files)

        answers = watchdog.run(pending, _worker, limit=limit, on_timeout=timed_out, on_error=failed,
                               workers=max(1, workers), on_finished=finished)
        for job, answer in zip(pending, answers):
            results[job[1]] = _check_from_json(answer, job[1])
    for rel, key in keys.items():
        cache.put(key, results[rel])

    name_findings = check_names(rels)
    report.masked_names = {f.path for f in name_findings}
    for rel in rels:
        check = results.get(rel, TextCheck())
        report.allowed.extend(check.allows)
        report.suppressed.extend(check.suppressed)
        report.notes.extend(check.notes)
        for finding in check.findings:
            suppression = allow_file.match(finding, report.hashes[rel]) if rel in report.hashes else None
            if suppression:
                report.suppressed.append((finding, suppression))
            else:
                report.findings.append(finding)
    report.findings.extend(name_findings)
    return report
