"""Where text is likely, found without reading it: rows of character-shaped marks.

This is the guard's cheap first look at every frame (a few milliseconds for 512x512), used

* to decide where OCR must look (frames and rendered views where nothing text-like is found
  skip the expensive recognition - most CT and MR slices);
* as evidence on its own: in the header and footer bands of ultrasound, screen captures and
  photographs, where scanners print the patient's details, a text-like row is a finding even
  when OCR cannot read it (fail closed), and black-out blanks it whether or not it was read.

Method (classic connected-component text detection, no model to download):

1. Strokes: a white and a black top-hat (the image minus its morphological opening, the closing
   minus the image) with a window wider than a stroke keeps thin bright marks on a dark ground
   and thin dark marks on a light ground, whatever the absolute grey level.
2. Marks: connected components of the thresholded stroke map whose size and fill are those of
   a printed character (4 to 64 pixels tall, not a long line, not a solid block).
3. Rows: marks of similar height whose vertical extents overlap and whose gaps are at most about
   one and a half character heights are chained into a row; a row of at least three marks with
   a consistent height (or two wide, word-like marks) is text-like.

Large text (strokes wider than the top-hat window) is found on a half-size copy.  The result is
a list of boxes in the coordinates of the input image.  Recall matters more than precision
here: a false row only costs an OCR call.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MIN_CONTRAST = 48          # grey levels (0-255) between a stroke and its surroundings
MIN_HEIGHT, MAX_HEIGHT = 5, 64
MIN_MARKS = 3
SHORT_ROW, SHORT_ROW_HEIGHT = 4, 24   # rows of fewer marks must be of small print
STROKE_WINDOW = 9          # top-hat window: strokes narrower than this are kept
GROUND_SPREAD = 0.6        # text ground: 10th-90th percentile spread below this share of the contrast
MAX_SIDE = 1400            # larger images are looked at reduced (their text is larger too)


@dataclass(frozen=True)
class TextRegion:
    left: int
    top: int
    width: int
    height: int
    marks: int             # character-like marks in the row

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.width, self.height)


def _stroke_masks(grey: np.ndarray, contrast: int) -> list[np.ndarray]:
    """Bright-on-dark and dark-on-bright strokes, kept apart: the gaps between bright letters
    are themselves thin dark marks, and a union of both would weld a word into one blob."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (STROKE_WINDOW, STROKE_WINDOW))
    bright = cv2.morphologyEx(grey, cv2.MORPH_TOPHAT, kernel)
    dark = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, kernel)
    return [(bright >= contrast).astype(np.uint8), (dark >= contrast).astype(np.uint8)]


def component_stats(mask: np.ndarray) -> np.ndarray:
    """(x, y, w, h, area) of each 8-connected component of a 0/1 mask, as OpenCV's
    connectedComponentsWithStats gives them (same order), computed from the marked pixels only:
    stroke masks are sparse, and OpenCV's statistics pass over every pixel costs four times the
    labelling itself."""
    count, labels = cv2.connectedComponents(mask, connectivity=8, ltype=cv2.CV_32S)
    if count <= 1:
        return np.empty((0, 5), dtype=np.int64)
    where = np.flatnonzero(mask != 0)
    label = labels.ravel()[where]
    order = np.argsort(label, kind="stable")
    label, where = label[order], where[order]
    ys, xs = np.divmod(where, mask.shape[1])
    starts = np.flatnonzero(np.r_[True, label[1:] != label[:-1]])
    x0, x1 = np.minimum.reduceat(xs, starts), np.maximum.reduceat(xs, starts)
    y0, y1 = np.minimum.reduceat(ys, starts), np.maximum.reduceat(ys, starts)
    area = np.diff(np.r_[starts, len(label)])
    return np.stack([x0, y0, x1 - x0 + 1, y1 - y0 + 1, area], axis=1).astype(np.int64)


def _marks(mask: np.ndarray) -> np.ndarray:
    """Component stats (x, y, w, h, area) of character-shaped marks."""
    stats = component_stats(mask)
    if not len(stats):
        return stats
    x, y, w, h, area = stats.T
    fill = area / np.maximum(1, w * h)
    keep = ((h >= MIN_HEIGHT) & (h <= MAX_HEIGHT) & (w >= 1) & (w <= 6 * h)
            & (fill >= 0.08) & (fill <= 0.95) & ~((w <= 2) & (h >= 3 * MIN_HEIGHT) & (fill > 0.9)))
    # a 1-2 pixel wide solid vertical bar is a ruler tick or an edge, not a character ("l", "1"
    # are kept when they sit in a row with other marks: they pass as thin but not solid)
    return stats[keep]


def _rows(marks: np.ndarray, grey: np.ndarray, mask: np.ndarray, *, pairs: bool = True
          ) -> list[tuple[int, int, int, int, int]]:
    """Chain marks into rows; keep the rows that look like a line of text."""
    if len(marks) < 2:
        return []
    marks = marks[np.argsort(marks[:, 0], kind="stable")]
    x0, y0, w, h = (marks[:, k].astype(np.int64) for k in range(4))
    x1, y1 = x0 + w, y0 + h
    # candidate neighbours: marks starting within reach to the right (vectorised pair search)
    reach = x1 + (1.6 * h).astype(np.int64)
    stop = np.searchsorted(x0, reach, side="right")
    counts = np.maximum(0, stop - np.arange(1, len(marks) + 1))
    first = np.repeat(np.arange(len(marks)), counts)
    if len(first) == 0:
        return []
    offsets = np.arange(len(first)) - np.repeat(np.cumsum(counts) - counts, counts)
    second = first + 1 + offsets
    low = np.minimum(h[first], h[second])
    high = np.maximum(h[first], h[second])
    overlap = np.minimum(y1[first], y1[second]) - np.maximum(y0[first], y0[second])
    linked = (high <= 2.2 * low) & (overlap >= 0.5 * low)
    parent = np.arange(len(marks))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(first[linked].tolist(), second[linked].tolist()):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    roots = np.array([find(i) for i in range(len(marks))])
    order = np.argsort(roots, kind="stable")
    boundaries = np.flatnonzero(np.diff(roots[order])) + 1
    near = None
    rows = []
    for members in np.split(order, boundaries):
        if len(members) < 2:
            continue
        heights = h[members]
        median = float(np.median(heights))
        if len(members) < MIN_MARKS and not (pairs and (w[members] >= 1.5 * median).any()):
            continue
        if len(members) < SHORT_ROW and median > SHORT_ROW_HEIGHT:
            continue  # two or three big blobs side by side: anatomy; big print is found at half size
        if len(members) >= MIN_MARKS and np.abs(heights - median).mean() > 0.45 * median:
            continue
        left, top = int(x0[members].min()), int(y0[members].min())
        right, bottom = int(x1[members].max()), int(y1[members].max())
        if bottom - top > 2 * median:
            continue  # marks chained up or down a slope: texture, not a line of print
        if near is None:
            near = cv2.dilate(mask, np.ones((3, 3), np.uint8)).astype(bool)
        if not _plain_ground(grey, mask, near, (left, top, right, bottom)):
            continue
        rows.append((left, top, right - left, bottom - top, len(members)))
    return rows


def _plain_ground(grey: np.ndarray, mask: np.ndarray, near: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Printed text sits on a plain ground: around its strokes the grey level varies little
    compared with the strokes' own contrast.  Speckle (ultrasound) and anatomy do not."""
    left, top, right, bottom = box
    pad = 2
    top, left = max(0, top - pad), max(0, left - pad)
    bottom, right = min(grey.shape[0], bottom + pad), min(grey.shape[1], right + pad)
    patch = grey[top:bottom, left:right]
    strokes = mask[top:bottom, left:right].astype(bool)
    if strokes.sum() < 4:
        return False
    ground = patch[~near[top:bottom, left:right]]
    if ground.size < 8:
        return True  # strokes fill the box: nothing to judge the ground by
    contrast = abs(float(np.median(patch[strokes])) - float(np.median(ground)))
    low, high = np.percentile(ground, (10, 90))
    return float(high - low) <= GROUND_SPREAD * contrast


def find_text_regions(image: np.ndarray, *, contrast: int = MIN_CONTRAST,
                      where: np.ndarray | None = None) -> list[TextRegion]:
    """Text-like rows in an 8-bit greyscale (H, W) or RGB (H, W, 3) array; `where` (bool, same
    size) limits the search to some pixels."""
    if image.ndim == 3:
        image = cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY)
    grey = np.ascontiguousarray(image, dtype=np.uint8)
    scale = 1.0
    allowed = None if where is None else where.astype(np.uint8)
    if max(grey.shape) > MAX_SIDE:
        scale = MAX_SIDE / max(grey.shape)
        size = (round(grey.shape[1] * scale), round(grey.shape[0] * scale))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
        if allowed is not None:
            allowed = cv2.resize(allowed, size, interpolation=cv2.INTER_NEAREST)
    if allowed is not None and not allowed.any():
        return []
    found: list[tuple[float, tuple[int, int, int, int, int]]] = []
    for level_scale, level in ((1.0, grey), (0.5, cv2.pyrDown(grey) if min(grey.shape) >= 64 else None)):
        if level is None:
            continue
        inside = None
        if allowed is not None:
            inside = allowed if level_scale == 1.0 else cv2.resize(allowed, (level.shape[1], level.shape[0]),
                                                                   interpolation=cv2.INTER_NEAREST)
        for mask in _stroke_masks(level, contrast):
            if inside is not None:
                mask &= inside
            # a pair of marks (one word-wide) counts as print only at full size: at half size two
            # blobs side by side are mostly anatomy
            for row in _rows(_marks(mask), level, mask, pairs=level_scale == 1.0):
                found.append((scale * level_scale, row))
    regions = []
    for factor, (x, y, w, h, marks) in found:
        regions.append(TextRegion(int(x / factor), int(y / factor), max(1, round(w / factor)),
                                  max(1, round(h / factor)), marks))
    return merge_regions(regions)


def merge_regions(regions: list[TextRegion]) -> list[TextRegion]:
    """Overlapping boxes (the same row found at two scales or in two views) become one."""
    merged: list[TextRegion] = []
    for region in sorted(regions, key=lambda r: (r.top, r.left)):
        for index, other in enumerate(merged):
            if _overlap(region.box, other.box):
                left, top = min(region.left, other.left), min(region.top, other.top)
                right = max(region.left + region.width, other.left + other.width)
                bottom = max(region.top + region.height, other.top + other.height)
                merged[index] = TextRegion(left, top, right - left, bottom - top, max(region.marks, other.marks))
                break
        else:
            merged.append(region)
    return merged


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def in_bands(region: TextRegion, size: tuple[int, int], header: float, footer: float) -> bool:
    """True when the region reaches into the top `header` or bottom `footer` fraction of an image
    `size` = (width, height)."""
    height = size[1]
    return region.top < header * height or region.top + region.height > (1.0 - footer) * height
