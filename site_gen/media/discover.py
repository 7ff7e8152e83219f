"""Find the image files of a series: a folder of DICOM files, or PNG/JPEG files."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

RASTER_SUFFIXES = {".png", ".jpg", ".jpeg"}
# First line of a Git LFS pointer: what a clone holds in place of an image it has not pulled.
LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"


def is_lfs_pointer(head: bytes) -> bool:
    """True for the start of a Git LFS pointer file (pointers are small text files)."""
    return head.startswith(LFS_POINTER) and len(head) <= 1024


def read_head(path: Path, size: int = 1025) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)
DICOM_SUFFIXES = {".dcm", ".dicom", ".ima"}


def is_dicom_file(path: Path) -> bool:
    """DICOM Part 10 files carry 'DICM' after a 128-byte preamble; some exports lack a suffix."""
    suffix = path.suffix.lower()
    if suffix in DICOM_SUFFIXES:
        return True
    if suffix in RASTER_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            handle.seek(128)
            return handle.read(4) == b"DICM"
    except OSError:
        return False


@dataclass(frozen=True)
class SeriesFiles:
    kind: str            # "dicom" or "raster"
    files: tuple[Path, ...]


def series_files(target: Path) -> SeriesFiles | None:
    """The image files a series path points at, in name order; None when there are none.
    Links are followed only inside the case folder, as by the guard (site_gen.fileset)."""
    from ..fileset import case_folder_of, folder_files, link_problem
    if target.is_symlink() and link_problem(target, case_folder_of(target.parent)) is not None:
        return None  # a link leaving the case folder, or to a folder
    if target.is_file():
        candidates = [target]
    elif target.is_dir():
        candidates = folder_files(target)
    else:
        return None
    raster = tuple(p for p in candidates if p.suffix.lower() in RASTER_SUFFIXES)
    dicom = tuple(p for p in candidates if p.suffix.lower() not in RASTER_SUFFIXES
                  and p.name.upper() != "DICOMDIR" and is_dicom_file(p))
    if dicom and not raster:
        return SeriesFiles("dicom", dicom)
    if raster and not dicom:
        return SeriesFiles("raster", raster)
    if dicom and raster:
        return SeriesFiles("mixed", dicom + raster)
    return None
