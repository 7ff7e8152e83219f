"""Reading DICOM pixel data for the guard and the importer: quietly, in display colours, and
with a plain-words reason when it cannot be decoded.

* pydicom reports odd values through `warnings` and its `pydicom` logger, and those messages
  quote header values (names, UIDs).  `silence_pydicom()` routes both to nowhere for the whole
  process; the guard and the importer report problems in their own words instead.
* `missing_decoder(syntax)` names the compression when no installed plugin can decode it
  (the package installs pylibjpeg with its libjpeg, openjpeg and rle plugins, which cover JPEG
  Baseline/Extended/Lossless, JPEG-LS, JPEG 2000 and HTJ2K; pydicom itself does RLE, deflate
  and big-endian).
* `display_frames` yields frames as a viewer shows them: PALETTE COLOR through its lookup
  table, YBR converted to RGB, greyscale left as stored values (windowing is views.py's job).
"""
from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
from pydicom.dataset import Dataset

_SILENCED = False


def silence_pydicom() -> None:
    """Never let pydicom print a header value: drop its warnings and log records."""
    global _SILENCED
    if _SILENCED:
        return
    warnings.filterwarnings("ignore", module=r"pydicom(\..*)?$")
    warnings.filterwarnings("ignore", message=r".*(VR|value|UID|Invalid|invalid|tag|Tag|character).*",
                            category=UserWarning)
    logger = logging.getLogger("pydicom")
    logger.handlers[:] = [logging.NullHandler()]
    logger.propagate = False
    logger.setLevel(logging.CRITICAL + 1)
    _SILENCED = True


def transfer_syntax(ds: Dataset):
    meta = getattr(ds, "file_meta", None)
    return getattr(meta, "TransferSyntaxUID", None) if meta is not None else None


def syntax_name(ds: Dataset) -> str:
    syntax = transfer_syntax(ds)
    if syntax is None:
        return "unknown transfer syntax"
    name = getattr(syntax, "name", "") or str(syntax)
    return name


def missing_decoder(ds: Dataset) -> str | None:
    """A plain-words reason when no installed decoder handles the file's compression, else None."""
    syntax = transfer_syntax(ds)
    if syntax is None or not getattr(syntax, "is_compressed", False):
        return None
    try:
        from pydicom.pixels import get_decoder
        decoder = get_decoder(syntax)
    except NotImplementedError:
        return f"no decoder exists for its compression ({syntax_name(ds)})"
    except Exception:  # noqa: BLE001 - an unknown syntax is reported like a missing decoder
        return f"its compression ({syntax_name(ds)}) is not one this tool knows"
    if not decoder.is_available:
        return (f"no decoder for its compression ({syntax_name(ds)}) is installed "
                "(reinstall site-gen: it brings pylibjpeg with its libjpeg, openjpeg and rle plugins)")
    return None


def number_of_frames(ds: Dataset) -> int:
    try:
        return max(1, int(ds.get("NumberOfFrames", 1) or 1))
    except (TypeError, ValueError):
        return 1


def photometric(ds: Dataset) -> str:
    return str(ds.get("PhotometricInterpretation", "") or "MONOCHROME2").strip().upper()


def display_frames(path: Path, ds: Dataset, indices: Sequence[int] | None = None
                   ) -> Iterator[tuple[int, np.ndarray]]:
    """(index, frame) for the chosen frames, in display colours, decoded one at a time.

    pydicom converts YBR to RGB itself (as_rgb); a palette is applied here.
    """
    from pydicom.pixels import iter_pixels

    wanted = list(range(number_of_frames(ds))) if indices is None else list(indices)
    palette = photometric(ds) == "PALETTE COLOR"
    if str(transfer_syntax(ds)) == "1.2.840.10008.1.2.1.99":
        # deflated: the whole dataset is one compressed stream, so frames cannot be read from the
        # file one at a time; inflate it and take them from the decoded array
        import pydicom
        array = pydicom.dcmread(path).pixel_array
        frames = array if number_of_frames(ds) > 1 else array[np.newaxis]
        source = (frames[index] for index in wanted)
    else:
        source = iter_pixels(path, indices=wanted, as_rgb=True)
    for index, array in zip(wanted, source):
        if palette:
            from pydicom.pixels import apply_color_lut
            array = apply_color_lut(array, ds)
        yield index, array


def to_uint8_colour(array: np.ndarray) -> np.ndarray:
    """RGB of any bit depth (16-bit palettes, 16-bit RGB) scaled to 0..255."""
    array = array[..., :3]
    if array.dtype == np.uint8:
        return np.ascontiguousarray(array)
    top = float(array.max()) or 1.0
    bits = 8
    while (1 << bits) - 1 < top and bits < 32:
        bits += 1
    scale = 255.0 / ((1 << bits) - 1)
    return np.clip(array.astype(np.float32) * scale, 0, 255).astype(np.uint8)
