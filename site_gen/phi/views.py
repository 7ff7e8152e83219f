"""A frame as readers will see it: every window the site publishes, and any window they pick.

The site shows a greyscale series at its own window (the file's, else the modality default) and,
for CT, at the presets of `site_gen/data/window-presets.yml`; the viewer also lets readers change
window and level.  Text that is invisible at one window can be plain at another (a name written
5 HU above the air around it is black at a soft-tissue window and white at a narrow one).  So the
guard looks at:

* "own window": the window the site renders by default;
* one view per window preset of the modality (CT: soft tissue, lung, bone, brain);
* "full range": lowest to highest value (burned-in annotation usually sits at an extreme);
* "local contrast": how far each pixel stands out of its 31x31 neighbourhood in units of the
  local noise, in the areas the published view shows as plain.  This is the contrast-normalised
  view: a mark that stands out of its surroundings more than noise does shows at full strength
  whatever its absolute value, which is what the narrowest window a reader could pick would show.

Colour frames (RGB, YBR and palette colour, in display colours) are shown as they are; their
"colourfulness" (max - min channel) view finds coloured text on a ground of the same brightness.
MONOCHROME1 frames are inverted like a viewer does.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import cv2
import numpy as np
import yaml
from pydicom.dataset import Dataset

LOCAL_WINDOW = 31
LOCAL_GAIN = 24.0      # grey levels per noise level beyond the floor
NOISE_FLOOR = 6.0      # deviations within 6 noise levels are noise (clipped noise is under-measured)
PLAIN_WINDOW = 15
FLAT_SPREAD = 20.0     # grey levels: below this the published view looks plain
NEAR_SAME = 6.0        # mean grey-level difference under which two views count as one


@dataclass(frozen=True)
class View:
    name: str
    image: np.ndarray   # uint8 (H, W) or (H, W, 3)
    where: np.ndarray | None = None   # the pixels worth searching (bool), None: all


@lru_cache(maxsize=1)
def window_presets() -> dict[str, list[tuple[str, tuple[float, float]]]]:
    """The site's build-time window presets per modality (site_gen/data/window-presets.yml)."""
    data = yaml.safe_load(resources.files("site_gen.data").joinpath("window-presets.yml").read_text(encoding="utf-8"))
    return {str(modality).upper(): [(str(p["name"]), (float(p["center"]), float(p["width"]))) for p in presets]
            for modality, presets in (data or {}).items()}


def own_window(ds: Dataset, values: np.ndarray | None = None) -> tuple[float, float] | None:
    """The window the site renders a series with by default (see site_gen/media/dicom.py)."""
    from ..media.dicom import DEFAULT_WINDOWS, file_window
    window = file_window(ds) or DEFAULT_WINDOWS.get(str(ds.get("Modality", "") or "").upper())
    if window is None and values is not None:
        from ..media.dicom import auto_window
        window = auto_window(values)
    return window


def modality_values(frame: np.ndarray, ds: Dataset) -> np.ndarray:
    """Stored values through the modality LUT (rescale slope/intercept), as float32."""
    from pydicom.pixels import apply_modality_lut
    try:
        return np.asarray(apply_modality_lut(frame, ds), dtype=np.float32)
    except Exception:  # noqa: BLE001 - an odd LUT: the stored values are what is drawn then
        return frame.astype(np.float32)


def windowed(values: np.ndarray, centre: float, width: float) -> np.ndarray:
    from ..media.dicom import apply_window
    return apply_window(values, centre, width)


def full_range(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high <= low:
        return np.zeros(values.shape, dtype=np.uint8)
    return ((values - low) * (255.0 / (high - low))).astype(np.uint8)


NOISE_BLOCK = 16
GROUND_BLOCK = 32
FLAT_SHARE = 0.75      # a block is flat ground when this share of neighbour pairs are equal


def _blocks(values: np.ndarray, block: int) -> np.ndarray:
    """The values cut into block x block tiles (edge-padded), one row of block*block values per tile,
    tiles in raster order: shape (rows * cols, block * block)."""
    height, width = values.shape
    rows, cols = -(-height // block), -(-width // block)
    padded = np.pad(values, ((0, rows * block - height), (0, cols * block - width)), mode="edge")
    return padded.reshape(rows, block, cols, block).transpose(0, 2, 1, 3).reshape(rows * cols, block * block)


def row_medians(rows: np.ndarray) -> np.ndarray:
    """The median of each row (as np.median: the mean of the two middle values of an even count).
    One partition and the maximum of its lower half: np.median partitions around both middle
    positions, several times slower on these short rows."""
    count = rows.shape[1]
    middle = count // 2
    parted = np.partition(rows, middle, axis=1)
    upper = parted[:, middle]
    if count % 2:
        return upper
    return (parted[:, :middle].max(axis=1) + upper) * np.asarray(0.5, dtype=rows.dtype)


def _block_median(values: np.ndarray, block: int, interpolation: int) -> np.ndarray:
    height, width = values.shape
    rows, cols = -(-height // block), -(-width // block)
    level = row_medians(_blocks(values, block)).reshape(rows, cols).astype(np.float32)
    # NEAREST: one level per block; LINEAR: block centres interpolated, smooth where the ground changes
    full = cv2.resize(level, (cols * block, rows * block), interpolation=interpolation)
    return full[:height, :width]


def _block_mean(values: np.ndarray, block: int) -> np.ndarray:
    """The mean of each block x block tile, one value per pixel (area resampling by a whole factor
    averages exact tiles)."""
    height, width = values.shape
    rows, cols = -(-height // block), -(-width // block)
    padded = np.pad(values, ((0, rows * block - height), (0, cols * block - width)), mode="edge")
    level = cv2.resize(padded.astype(np.float32, copy=False), (cols, rows), interpolation=cv2.INTER_AREA)
    return cv2.resize(level, (cols * block, rows * block), interpolation=cv2.INTER_NEAREST)[:height, :width]


def noise_map(values: np.ndarray) -> np.ndarray:
    """Local noise level (standard deviation) per 16x16 block, from the median difference between
    horizontal neighbours: zero on flat padding, the scanner's noise on air and tissue.  A median
    ignores the few strokes of text in a block, so text does not raise its own floor."""
    steps = np.abs(np.diff(values, axis=1, append=values[:, -1:]))
    return (1.4826 / np.sqrt(2.0)) * _block_median(steps, NOISE_BLOCK, cv2.INTER_NEAREST)


def local_contrast(values: np.ndarray) -> np.ndarray:
    """How far each pixel stands out of its neighbourhood, in units of the local noise.

    The values are smoothed a little (as an eye integrates), compared with their 31x31 mean, and
    divided by the local noise (noise_map: zero on flat padding).  Deviations within NOISE_FLOOR
    noise levels are shown as mid-grey; beyond that they grow towards black or white.  So print a
    few units above flat padding, or a few noise levels above air, shows at full contrast, and
    noise itself stays a flat grey that forms no marks.
    """
    values = values.astype(np.float32)
    low = float(values.min())
    span = float(values.max()) - low
    if span <= 0:
        return np.full(values.shape, 128, dtype=np.uint8)
    integer = bool(np.all(np.mod(values[::7, ::7], 1) == 0))
    values -= low
    values /= span
    # the smallest difference that means anything: one stored unit (integers), else tiny
    unit = 1.0 / span if integer else 1e-6
    ground = _block_median(values, GROUND_BLOCK, cv2.INTER_LINEAR)   # a median ignores sparse print
    # flat: in most of a block, neighbours hold exactly the same value (padding, a blank band),
    # whatever is drawn on it; noise - even clipped noise - leaves far fewer equal neighbours
    same = (np.diff(values, axis=1, append=values[:, -1:]) == 0).astype(np.float32)
    flat = _block_mean(same, NOISE_BLOCK) >= FLAT_SHARE
    smoothed = cv2.GaussianBlur(values, (0, 0), 1.0)
    # where there is noise, judge the smoothed values against the smoothed noise; on flat ground
    # the values as they are (any stored step shows): smoothing would only thicken the strokes
    noise = noise_map(smoothed)
    z = smoothed
    z -= ground
    z /= np.maximum(noise, unit, out=noise)
    if flat.any():
        exact = values - ground
        exact *= 2 * NOISE_FLOOR / max(unit, 1e-9)
        np.copyto(z, exact, where=flat)
    # soft threshold: sign(z) * max(|z| - NOISE_FLOOR, 0)
    z -= np.clip(z, -NOISE_FLOOR, NOISE_FLOOR)
    z *= LOCAL_GAIN
    z += 128.0
    np.clip(z, 0, 255, out=z)
    return z.astype(np.uint8)


def plain_areas(image: np.ndarray) -> np.ndarray:
    """Where an 8-bit view is nearly uniform (local standard deviation under FLAT_SPREAD)."""
    grey = image if image.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY)
    grey = grey.astype(np.float32)
    size = (PLAIN_WINDOW, PLAIN_WINDOW)
    mean = cv2.blur(grey, size)
    square = cv2.blur(grey * grey, size)
    return (square - mean * mean) < FLAT_SPREAD * FLAT_SPREAD


def display_views(frame: np.ndarray, ds: Dataset, *, presets: bool = True, contrast: bool = True,
                  window: tuple[float, float] | None = None) -> list[View]:
    """The views of one frame (in display colours, see dicom_io.display_frames) to look for text in.

    `window`: the series' own window when already known (the site computes a missing one from
    the first frame and keeps it for the whole series; so does the guard)."""
    from .dicom_io import photometric, to_uint8_colour

    if frame.ndim == 3 and frame.shape[-1] in (3, 4):
        colour = to_uint8_colour(frame)
        views = [View("colour", colour)]
        if contrast:
            views.append(View("colourfulness", (colour.max(axis=2) - colour.min(axis=2)).astype(np.uint8)))
        return views
    values = modality_values(frame, ds)
    invert = photometric(ds) == "MONOCHROME1"
    views: list[View] = []
    seen: set[tuple[float, float]] = set()

    def add(name: str, image: np.ndarray) -> None:
        views.append(View(name, 255 - image if invert else image))

    window = window or own_window(ds, values)
    if window is not None:
        add("own window", windowed(values, *window))
        seen.add(tuple(window))
    if presets:
        modality = str(ds.get("Modality", "") or "").upper()
        for name, preset in window_presets().get(modality, []):
            if tuple(preset) not in seen:
                seen.add(tuple(preset))
                add(f"{name} window", windowed(values, *preset))
    whole = full_range(values)
    if not views or not _near_same(views[0].image, 255 - whole if invert else whole):
        add("full range", whole)
    if contrast:
        plain = plain_areas(views[0].image)
        if plain.any():
            views.append(View("local contrast", local_contrast(values), plain))
    return views


# Every attribute display_views (and what it calls: the modality LUT, the window, the presets,
# the photometric interpretation) reads: two datasets alike in these render a frame alike.
RENDERING_ATTRIBUTES = ("Modality", "SOPClassUID", "PhotometricInterpretation", "SamplesPerPixel",
                        "PlanarConfiguration", "BitsAllocated", "BitsStored", "HighBit", "PixelRepresentation",
                        "RescaleSlope", "RescaleIntercept", "RescaleType", "ModalityLUTSequence",
                        "WindowCenter", "WindowWidth", "VOILUTFunction", "VOILUTSequence")


def rendering_signature(ds: Dataset | None) -> str:
    """A digest of what the views of a frame depend on besides its pixels (RENDERING_ATTRIBUTES)."""
    import hashlib
    if ds is None:
        return "no header"
    parts = [f"{keyword}={ds.get(keyword)!r}" for keyword in RENDERING_ATTRIBUTES]
    return hashlib.blake2b("\n".join(parts).encode("utf-8", "replace"), digest_size=16).hexdigest()


def _near_same(a: np.ndarray, b: np.ndarray) -> bool:
    """Two renderings a reader could not tell apart (one costs the detector time for nothing)."""
    return float(cv2.absdiff(a, b).mean()) < NEAR_SAME


def primary(views: list[View]) -> View:
    """The view the site publishes first (own window, or the colours as stored)."""
    for view in views:
        if view.name in ("colour", "own window"):
            return view
    return views[0]
