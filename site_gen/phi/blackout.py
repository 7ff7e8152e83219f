"""Black out burned-in text in DICOM pixel data, until nothing reads.

`black_out(ds)` changes `ds` (pixel data decoded, in place) and returns the number of boxes
filled.  In order:

1. colour models are brought to display space first: PALETTE COLOR through its lookup table and
   YBR (pydicom converts it) become RGB, so what is blanked is what a viewer shows;
2. the scanner rectangles known to hold patient details (data/pixel-regions.yml, from RSNA
   CTP's burned-in annotation library) are filled;
3. rounds of reading and filling (at most MAX_ROUNDS): each frame is read like the guard reads it
   (pixel_text.FrameReader: every view, text-like regions, several OCR passes) and every word read
   is filled with its whole line and a margin, every text-like row in a header/footer band of
   ultrasound, captures and photographs, and every finding's box; the next round reads the result
   again around what was filled (the rest of the frame is as it was read) and stops when nothing
   new is found;
4. in a cine, the first frame is cleaned in full and its boxes are filled on every frame (the
   overlay does not move); later frames are read where they differ from the cleaned first frame,
   in the guard's plan (dicom_pixels.plan_for); a box found on any frame is filled on every frame
   where a text-like row overlaps it, so an overlay that changes from frame to frame (a clock) is
   blanked on frames that were not read in full.

Greyscale fill: the lowest stored value (MONOCHROME1: the highest), black at every window.
Colour fill: black.  The caller writes the result uncompressed (Explicit VR Little Endian).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import numpy as np
from pydicom.dataset import Dataset

from .dicom_io import number_of_frames, photometric, to_uint8_colour
from .ocr import KnownValue
from .pixel_regions import bands_for, known_rectangles
from .pixel_text import FrameReader, boxes_to_blank, changed_area, findings_for
from .text_regions import TextRegion

MAX_ROUNDS = 4
READ_TOGETHER_MIN = 8      # frames whose first reading goes to OCR together (at least)


def to_display_pixels(ds: Dataset) -> np.ndarray:
    """Decode all frames; palette and YBR become RGB (the dataset is updated to match)."""
    from pydicom.pixels import apply_color_lut

    kind = photometric(ds)
    array = ds.pixel_array  # YBR arrives as RGB
    if kind == "PALETTE COLOR":
        array = to_uint8_colour(apply_color_lut(array, ds))
        for keyword in ("RedPaletteColorLookupTableDescriptor", "GreenPaletteColorLookupTableDescriptor",
                        "BluePaletteColorLookupTableDescriptor", "RedPaletteColorLookupTableData",
                        "GreenPaletteColorLookupTableData", "BluePaletteColorLookupTableData",
                        "SegmentedRedPaletteColorLookupTableData", "SegmentedGreenPaletteColorLookupTableData",
                        "SegmentedBluePaletteColorLookupTableData", "PaletteColorLookupTableUID"):
            if keyword in ds:
                delattr(ds, keyword)
        _set_rgb(ds)
    elif array.ndim >= 3 and array.shape[-1] == 3 and int(ds.get("SamplesPerPixel", 1) or 1) == 3:
        if kind != "RGB":
            _set_rgb(ds, bits=int(ds.BitsAllocated))
        ds.PlanarConfiguration = 0  # pydicom hands over colour-by-pixel, whatever the file stored
        if array.dtype != np.uint8 and int(ds.BitsAllocated) == 8:
            array = array.astype(np.uint8)
    return array


def _set_rgb(ds: Dataset, bits: int = 8) -> None:
    ds.PhotometricInterpretation = "RGB"
    ds.SamplesPerPixel = 3
    ds.PlanarConfiguration = 0
    ds.BitsAllocated = bits
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 0


def _fill(frame: np.ndarray, box: tuple[int, int, int, int], value) -> None:
    left, top, width, height = box
    frame[max(0, top):max(0, top + height), max(0, left):max(0, left + width)] = value


def _inside(box, boxes) -> bool:
    return any(b[0] <= box[0] and b[1] <= box[1] and box[0] + box[2] <= b[0] + b[2] and box[1] + box[3] <= b[1] + b[3]
               for b in boxes)


def _around(boxes, shape) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the boxes with a margin as wide as the views' widest
    neighbourhood (views.GROUND_BLOCK): all that filling them can have changed in any view."""
    from .views import GROUND_BLOCK
    margin = 2 * GROUND_BLOCK
    height, width = shape[:2]
    return (max(0, min(b[0] for b in boxes) - margin), max(0, min(b[1] for b in boxes) - margin),
            min(width, max(b[0] + b[2] for b in boxes) + margin), min(height, max(b[1] + b[3] for b in boxes) + margin))


def _intersection(a, b):
    left, top, right, bottom = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (left, top, right, bottom) if right > left and bottom > top else None


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def black_out(ds: Dataset, *, known: Sequence[KnownValue] = ()) -> int:
    """Blank burned-in text in every frame of `ds` (see module docstring); returns boxes filled."""
    from .dicom_pixels import is_slice_stack, plan_for

    array = to_display_pixels(ds)
    frames = number_of_frames(ds)
    stack = array if frames > 1 else array[np.newaxis]
    stack = np.ascontiguousarray(stack)
    colour = stack.ndim == 4
    if colour:
        fill = 0
    elif photometric(ds) == "MONOCHROME1":
        fill = stack.max()
    else:
        fill = stack.min()
    bands = bands_for(ds)
    rectangles = known_rectangles(ds)
    reader = FrameReader(ds)
    filled = 0
    learned: list[tuple[int, int, int, int]] = []           # text boxes read on any frame
    located: list[list[TextRegion]] = [[] for _ in range(len(stack))]
    cine = len(stack) > 1 and not is_slice_stack(ds)

    def prepare_frame(index: int, base: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
        for box in list(rectangles) + list(base):
            _fill(stack[index], box, fill)
        return list(rectangles) + list(base)

    def look(index: int, round_number: int, defer: bool = False, near=None):
        """Read one frame in its current state (None: nothing differs from the cleaned first
        frame).  `near` (left, top, right, bottom): only there - around the boxes just filled, the
        only pixels that changed since the frame was last read."""
        plan = plan_for(ds, index, len(stack))
        area = None
        if cine and index > 0:  # only where this frame differs from the (cleaned) first one
            area = changed_area(stack[index], stack[0])
            if area is None:
                return None
        if near is not None:
            area = near if area is None else _intersection(area, near)
            if area is None:
                return None
        return reader.read(stack[index], full_pass=plan.whole if round_number == 0 else None, area=area, defer=defer)

    def first_readings(indices: list[int]) -> list:
        """The first reading of some frames, their OCR run together (one Tesseract process for
        the region crops of all of them, one for their whole-frame passes)."""
        texts = [look(index, 0, defer=True) for index in indices]
        reader.finish([text for text in texts if text is not None])
        return texts

    def clean(index: int, done: list[tuple[int, int, int, int]], text=None) -> list[tuple[int, int, int, int]]:
        """Fill one frame (in place) until nothing new reads; returns the boxes found on it.
        `text`: the frame's first reading when already made."""
        found: list[tuple[int, int, int, int]] = []
        near = None
        for round_number in range(MAX_ROUNDS):
            if round_number > 0 or text is None:
                text = look(index, round_number, near=near)
            if text is None:
                break
            located[index] += text.regions
            findings = findings_for(text, "", frame=None, known=known, bands=bands)
            boxes = [b for b in boxes_to_blank(text, bands=bands, findings=findings) if not _inside(b, done)]
            if not boxes:
                break
            for box in boxes:
                _fill(stack[index], box, fill)
            done += boxes
            found += boxes
            near = _around(boxes, stack[index].shape)
        return found

    learned += clean(0, prepare_frame(0, []))
    base = list(learned) if cine else []   # the first frame's overlay is where it is on every frame
    rest = list(range(1, len(stack)))
    workers = max(1, min(len(rest), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = {index: prepare_frame(index, base) for index in rest}
        # first reading of every other frame, in runs of frames whose OCR goes to Tesseract
        # together; while one thread waits for Tesseract, the other renders and detects
        run = max(READ_TOGETHER_MIN, -(-len(rest) // (2 * workers)))
        firsts = [text for texts in pool.map(first_readings, [rest[i:i + run] for i in range(0, len(rest), run)])
                  for text in texts]
        for boxes in pool.map(lambda item: clean(item[0], done[item[0]], item[1]) if item[1] is not None else [],
                              zip(rest, firsts)):
            learned += [b for b in boxes if b not in learned]
    filled = len(rectangles) * len(stack) + len(learned)
    if len(stack) > 1 and learned:
        # overlays that change from frame to frame: fill, on every frame, the text-like rows that
        # overlap a box where text was read on some frame
        for index, regions in enumerate(located):
            for region in regions:
                for box in learned:
                    if _overlap(region.box, box):
                        _fill(stack[index], box, fill)
    result = stack if frames > 1 else stack[0]
    ds.PixelData = np.ascontiguousarray(result.astype(result.dtype.newbyteorder("<"))).tobytes()
    if "NumberOfFrames" in ds or frames > 1:
        ds.NumberOfFrames = frames
    return filled
