"""The PHI guard's engine: walk paths, send each file to its checker, apply suppressions.

Every file is one of: YAML, other text, DICOM, image, or something the guard cannot read,
which is a finding (fail closed).  File and folder names go through the text detector too.
Results are cached by the content hash of each file and the guard's own code and data,
so re-running on an unchanged tree costs only hashing.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from ..media.discover import is_dicom_file, is_lfs_pointer
from .allow import AllowFile, Suppression, inline_allows
from .finding import Category, Finding, mask, value_hash
from .textfile import YAML_SUFFIXES, describe, scan_text, scan_yaml

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".webp"}
SKIPPED_FOLDERS = {".git", ".cache", "__pycache__", ".pytest_cache", "node_modules", ".venv"}
MAX_TEXT_BYTES = 5 * 2**20


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


@lru_cache(maxsize=1)
def engine_version() -> str:
    """Hash of the guard's code and data: a change to either invalidates cached results."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
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


def check_file(path: Path, rel: str, kind: str, ocr: bool = True, faces: bool = True) -> list[Finding]:
    """Findings for one file's content (its name is checked separately)."""
    try:
        if kind in ("yaml", "text"):
            if path.stat().st_size > MAX_TEXT_BYTES:
                return [cannot_verify(rel, "this text file is too large to check (over 5 MB)")]
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                return [cannot_verify(rel, "this file is not UTF-8 text, so it cannot be checked")]
            return scan_yaml(text, rel) if kind == "yaml" else scan_text(text, rel)
        if kind == "dicom":
            from .dicom_header import check_dicom
            return check_dicom(path, rel, ocr=ocr)
        if kind == "image":
            from .image_metadata import check_image
            return check_image(path, rel, ocr=ocr, faces=faces)
    except OSError as error:
        return [cannot_verify(rel, f"cannot read this file ({error.strerror or error.__class__.__name__})")]
    return [cannot_verify(rel, "this kind of file cannot be checked for patient information; "
                               "use case.yml, Markdown or text, DICOM, PNG or JPEG")]


def cannot_verify(rel: str, message: str) -> Finding:
    return Finding(path=rel, category=Category.CANNOT_VERIFY, detector="guard", message=message)


def _to_json(finding: Finding) -> dict:
    data = asdict(finding)
    data["category"] = finding.category.value
    return data


def _from_json(data: dict, rel: str) -> Finding:
    data = dict(data, path=rel, category=Category(data["category"]))
    if data.get("box") is not None:
        data["box"] = tuple(data["box"])
    return Finding(**data)


class ResultCache:
    def __init__(self, folder: Path | None):
        self.folder = folder / "phi" / engine_version() if folder else None

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, rel: str) -> list[Finding] | None:
        if not self.folder:
            return None
        try:
            return [_from_json(item, rel) for item in json.loads(self._file(key).read_text())]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, findings: list[Finding]) -> None:
        if not self.folder:
            return
        target = self._file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps([_to_json(f) for f in findings]))
        os.replace(temporary, target)


def iter_files(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS)
                for name in sorted(files):
                    yield Path(folder) / name
        elif path.exists() or path.is_symlink():
            yield path


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


def _worker(job: tuple[str, str, str, bool, bool]) -> list[dict]:
    path, rel, kind, ocr, faces = job
    return [_to_json(f) for f in check_file(Path(path), rel, kind, ocr, faces)]


def scan(paths: list[Path], root: Path, *, cache_dir: Path | None = None, ocr: bool = True,
         faces: bool = True, jobs: int | None = None,
         progress: Callable[[int, int], None] | None = None) -> ScanReport:
    """`progress(done, total)` is called as files are checked (site_gen.progress shows it)."""
    root = root.resolve()
    report = ScanReport()
    cache = ResultCache(cache_dir)
    allow_file = AllowFile.load(root)
    report.notes.extend(allow_file.problems)
    report.allowed.extend(allow_file.entries)
    options = f"ocr={ocr},faces={faces}"
    pending: list[tuple[str, str, str, bool, bool]] = []
    keys: dict[str, str] = {}
    results: dict[str, list[Finding]] = {}
    inline: dict[str, dict[int, Suppression]] = {}
    rels: list[str] = []
    for path in iter_files(paths):
        absolute = path if path.is_absolute() else (Path.cwd() / path)
        try:
            rel = absolute.resolve().relative_to(root).as_posix() if not path.is_symlink() else \
                absolute.relative_to(root).as_posix()
        except ValueError:
            rel = path.as_posix()
        rels.append(rel)
        report.files += 1
        if path.is_symlink():
            results[rel] = [cannot_verify(rel, "symbolic links are not allowed in cases; copy the file")]
            continue
        try:
            with path.open("rb") as handle:
                head = handle.read(8192)
            sha = _sha256(path)
        except OSError as error:
            results[rel] = [cannot_verify(rel, f"cannot read this file ({error.strerror})")]
            continue
        report.hashes[rel] = sha
        if is_lfs_pointer(head[:1025]):  # a checkout without `git lfs pull`
            results[rel] = [cannot_verify(rel, "this is a Git LFS pointer, not the file itself: run "
                                               "'git lfs pull' so the guard can check the real file")]
            continue
        kind = kind_of(path, head)
        if kind in ("yaml", "text"):
            inline[rel] = inline_allows(path.read_text(encoding="utf-8", errors="replace"), rel)
            report.allowed.extend(inline[rel].values())
        key = hashlib.sha256(f"{sha}|{kind}|{options}".encode()).hexdigest()
        cached = cache.get(key, rel)
        if cached is not None:
            results[rel] = cached
            report.cached += 1
            continue
        keys[rel] = key
        pending.append((str(path), rel, kind, ocr, faces))

    done = report.files - len(pending)
    if progress:
        progress(done, report.files)
    heavy = [job for job in pending if job[2] in ("dicom", "image")]
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    if workers > 1 and len(heavy) >= 8:
        _load_text_detector()  # before forking: workers share its data instead of each loading it
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for job, found in zip(heavy, pool.map(_worker, heavy, chunksize=4)):
                results[job[1]] = [_from_json(item, job[1]) for item in found]
                done += 1
                if progress:
                    progress(done, report.files)
        pending = [job for job in pending if job[2] not in ("dicom", "image")]
    for path, rel, kind, ocr_on, faces_on in pending:
        results[rel] = check_file(Path(path), rel, kind, ocr_on, faces_on)
        done += 1
        if progress:
            progress(done, report.files)
    for rel, key in keys.items():
        cache.put(key, results[rel])

    name_findings = check_names(rels)
    for rel in rels:
        for finding in results.get(rel, []):
            suppression = None
            if finding.line is not None and rel in inline:
                suppression = inline[rel].get(finding.line)
            if suppression is None and rel in report.hashes:
                suppression = allow_file.match(finding, report.hashes[rel])
            if suppression:
                report.suppressed.append((finding, suppression))
            else:
                report.findings.append(finding)
    report.findings.extend(name_findings)
    return report
