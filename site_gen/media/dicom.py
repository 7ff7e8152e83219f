"""Read a DICOM series in anatomical order and render each slice or frame as 8-bit pixels.

Windowing follows DICOM PS3.3 C.11.2.1.2 (VOI LUT function LINEAR): the window centre and
width come from the case (an override), else the file's own (0028,1050)/(0028,1051), else
a default for the modality.  Slices are read one at a time so memory stays bounded.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import pydicom
from pydicom.errors import InvalidDicomError
from pydicom.pixels import apply_modality_lut

from .discover import is_lfs_pointer, read_head

# Window (centre, width) used when neither the case nor the file gives one.  Soft-tissue
# window for CT (HU); other modalities have no calibrated units, so they are auto-windowed.
DEFAULT_WINDOWS = {"CT": (40.0, 400.0)}


class DicomReadError(Exception):
    """A file in the series cannot be read as a DICOM image; message in plain words."""


@dataclass(frozen=True)
class Slice:
    path: Path
    frame: int | None  # index into a multi-frame file, else None


def _read_header(path: Path) -> pydicom.Dataset:
    try:
        if is_lfs_pointer(read_head(path)):
            raise DicomReadError(f"{path.name}: this is a Git LFS pointer, not the image: run 'git lfs pull'")
        ds = pydicom.dcmread(path, stop_before_pixels=True)
    except (InvalidDicomError, OSError, ValueError, EOFError, AttributeError, KeyError) as error:
        raise DicomReadError(f"{path.name}: not a readable DICOM file ({error.__class__.__name__})") from None
    if "Rows" not in ds or "Columns" not in ds:
        raise DicomReadError(f"{path.name}: this DICOM file holds no image (or is cut short)")
    return ds


def count_frames(files: Sequence[Path]) -> int:
    total = 0
    for path in files:
        try:
            total += int(_read_header(path).get("NumberOfFrames", 1) or 1)
        except DicomReadError:
            total += 1
    return total


def _order_key(ds: pydicom.Dataset, name: str) -> tuple:
    """Slice position along the normal of the image plane, else instance number, else name.

    Positions sort in descending order, so axial stacks run from head to feet as on a PACS
    (the patient's +z points to the head).
    """
    position = ds.get("ImagePositionPatient")
    orientation = ds.get("ImageOrientationPatient")
    if position is not None and orientation is not None and len(orientation) == 6:
        row = np.array(orientation[:3], dtype=float)
        col = np.array(orientation[3:], dtype=float)
        return (0, -float(np.dot(np.cross(row, col), np.array(position, dtype=float))), name)
    number = ds.get("InstanceNumber")
    if number is not None:
        return (1, float(number), name)
    return (2, 0.0, name)


def ordered_slices(files: Sequence[Path]) -> tuple[list[Slice], pydicom.Dataset]:
    """All slices of the series in order, and the first file's header (for windowing)."""
    headers = [(path, _read_header(path)) for path in files]
    headers.sort(key=lambda item: _order_key(item[1], item[0].name))
    slices: list[Slice] = []
    for path, ds in headers:
        frames = int(ds.get("NumberOfFrames", 1) or 1)
        if frames > 1:
            slices.extend(Slice(path, index) for index in range(frames))
        else:
            slices.append(Slice(path, None))
    return slices, headers[0][1]


def file_window(ds: pydicom.Dataset) -> tuple[float, float] | None:
    centre, width = ds.get("WindowCenter"), ds.get("WindowWidth")
    if centre is None or width is None:
        return None
    first = lambda value: float(value[0] if isinstance(value, pydicom.multival.MultiValue) else value)
    try:
        centre_value, width_value = first(centre), first(width)
    except (TypeError, ValueError, IndexError):
        return None
    return (centre_value, width_value) if width_value > 0 else None


def apply_window(values: np.ndarray, centre: float, width: float) -> np.ndarray:
    """DICOM LINEAR VOI function to 0..255."""
    if width <= 1:
        return np.where(values <= centre - 0.5, 0, 255).astype(np.uint8)
    scaled = ((values - (centre - 0.5)) / (width - 1) + 0.5) * 255.0
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def auto_window(values: np.ndarray) -> tuple[float, float]:
    """Window spanning the 0.5th to 99.5th percentile: uncalibrated modalities (MR, NM...)."""
    low, high = np.percentile(values, [0.5, 99.5])
    width = max(float(high - low), 2.0)
    return (float(low) + width / 2.0, width)


def _pixels(path: Path, frame: int | None) -> tuple[np.ndarray, pydicom.Dataset]:
    try:
        ds = pydicom.dcmread(path)
        array = ds.pixel_array
    except Exception as error:  # pydicom raises many kinds for bad or unsupported pixel data
        raise DicomReadError(f"{path.name}: the image data cannot be decoded "
                             f"({error.__class__.__name__}: {str(error)[:120]})") from None
    if frame is not None:
        array = array[frame]
    return array, ds


def render_slices(slices: Sequence[Slice], header: pydicom.Dataset,
                  window: tuple[float, float] | None = None) -> Iterator[tuple[np.ndarray, tuple[float, float] | None]]:
    """Yield 8-bit greyscale (H, W) or RGB (H, W, 3) arrays, one per slice, with the window used."""
    for renditions in render_windows(slices, header, [window]):
        yield renditions[0]


def render_windows(slices: Sequence[Slice], header: pydicom.Dataset,
                   windows: Sequence[tuple[float, float] | None]
                   ) -> Iterator[list[tuple[np.ndarray, tuple[float, float] | None]]]:
    """Like render_slices for several windows at once: each slice is decoded only once.

    A window of None means the series' own: the file's window, else the modality default,
    else one computed from the first slice.
    """
    for renditions, _values in render_windows_and_values(slices, header, windows):
        yield renditions


def frame_time_ms(ds: pydicom.Dataset) -> float | None:
    """Milliseconds per frame for cine playback, as the header gives it (PS3.3 C.7.6.5):
    Frame Time, else the mean of the Frame Time Vector, else Cine Rate or Recommended Display
    Frame Rate (frames per second).  None when the header says nothing usable."""
    def number(value) -> float | None:
        try:
            result = float(value)
        except (TypeError, ValueError):
            return None
        return result if np.isfinite(result) and result > 0 else None

    frame_time = number(ds.get("FrameTime"))
    if frame_time:
        return frame_time
    vector = ds.get("FrameTimeVector")
    if vector is not None and not isinstance(vector, (str, bytes)):
        steps = [v for v in (number(x) for x in list(vector)[1:]) if v]  # the first entry is 0
        if steps:
            return float(sum(steps) / len(steps))
    for rate_name in ("CineRate", "RecommendedDisplayFrameRate"):
        rate = number(ds.get(rate_name))
        if rate:
            return 1000.0 / rate
    return None


def render_windows_and_values(slices: Sequence[Slice], header: pydicom.Dataset,
                              windows: Sequence[tuple[float, float] | None]
                              ) -> Iterator[tuple[list[tuple[np.ndarray, tuple[float, float] | None]],
                                                  np.ndarray | None]]:
    """render_windows, and with each slice its values after the modality LUT (Hounsfield units
    for CT; None for colour), for renderings that the reader windows in the browser.
    MONOCHROME1 values are not inverted here: the caller records the photometric
    interpretation."""
    own = file_window(header) or DEFAULT_WINDOWS.get(str(header.get("Modality", "")))
    chosen = [w or own for w in windows]
    cached_file: tuple[Path, np.ndarray, pydicom.Dataset] | None = None
    for item in slices:
        if cached_file is not None and cached_file[0] == item.path:
            array, ds = cached_file[1], cached_file[2]
        else:
            array, ds = _pixels(item.path, None)
            cached_file = (item.path, array, ds) if item.frame is not None else None
        if item.frame is not None:
            array = array[item.frame]
        if array.ndim == 3 and array.shape[-1] in (3, 4):  # colour (pydicom gives RGB): no window
            colour = _to_uint8_colour(array)
            yield [(colour, None) for _ in windows], None
            continue
        values = apply_modality_lut(array, ds).astype(np.float32)
        invert = str(ds.get("PhotometricInterpretation", "MONOCHROME2")) == "MONOCHROME1"
        rendered = []
        for index, window in enumerate(chosen):
            if window is None:
                window = chosen[index] = auto_window(values)
            pixels = apply_window(values, *window)
            rendered.append((255 - pixels if invert else pixels, window))
        yield rendered, values


def _to_uint8_colour(array: np.ndarray) -> np.ndarray:
    array = array[..., :3]
    if array.dtype == np.uint8:
        return array
    top = float(array.max()) or 1.0
    return np.clip(array.astype(np.float32) * (255.0 / top), 0, 255).astype(np.uint8)
