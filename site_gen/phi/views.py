"""A frame as readers will see it: every window the site publishes, and any window they pick.

The site shows a greyscale series at its own window (the file's, else the modality default) and,
for CT, at the presets of `site_gen/data/window-presets.yml`; the viewer also lets readers change
window and level.  Text that is invisible at one window can be plain at another (a name written
5 HU above the air around it is black at a soft-tissue window and white at a narrow one).  So the
guard looks at:

* "own window": the window the site renders by default;
* one view per window preset of the modality (CT: soft tissue, lung, bone, brain);
* "full range": lowest to highest value (burned-in annotation usually sits at an extreme);
* "local contrast": each pixel relative to the mean and spread of its 31x31 neighbourhood (the
  spread never taken below three times the image noise), in the areas the published view shows
  as plain.  This is the contrast-normalised view: a mark that stands out of a plain surrounding
  shows at full strength whatever its absolute value, which is what the narrowest window a
  reader could pick would show.

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
LOCAL_GAIN = 48.0      # grey levels per local standard deviation
NOISE_FLOOR = 3.0
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


def image_noise(values: np.ndarray) -> float:
    """Noise level (standard deviation) from neighbouring-pixel differences where there are any."""
    sample = values[::2] if values.shape[0] > 256 else values
    steps = np.abs(np.diff(sample.astype(np.float32), axis=1))
    steps = steps[steps > 0]
    return 1.4826 * float(np.median(steps)) / np.sqrt(2.0) if steps.size else 0.0


def local_contrast(values: np.ndarray, shown: np.ndarray | None = None, noise: float | None = None) -> np.ndarray:
    """(value - local mean) / local spread, mapped around mid-grey.

    With `shown` (the published 8-bit view), only where that view looks plain (local spread
    under FLAT_SPREAD grey levels): hidden text is by definition where the published window
    shows nothing, and busy texture (speckle, anatomy) is already judged in the other views.
    """
    values = values.astype(np.float32)
    span = float(values.max() - values.min())
    if span <= 0:
        return np.full(values.shape, 128, dtype=np.uint8)
    values = (values - float(values.min())) / span
    size = (LOCAL_WINDOW, LOCAL_WINDOW)
    mean = cv2.blur(values, size, borderType=cv2.BORDER_REFLECT)
    square = cv2.blur(values * values, size, borderType=cv2.BORDER_REFLECT)
    # Noise is not text: contrast is measured against at least NOISE_FLOOR times the image's noise
    # (estimated from neighbouring-pixel differences where there are any), so a mark must stand
    # out of the noise the way print does to be seen, and plain noise stays grey.
    noise = (image_noise(values) if noise is None else noise / span)
    spread = np.maximum(np.sqrt(np.maximum(square - mean * mean, 0.0)), NOISE_FLOOR * noise) + 1e-4
    return np.clip(128.0 + LOCAL_GAIN * (values - mean) / spread, 0, 255).astype(np.uint8)


def plain_areas(image: np.ndarray) -> np.ndarray:
    """Where an 8-bit view is nearly uniform (local standard deviation under FLAT_SPREAD)."""
    grey = image if image.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY)
    grey = grey.astype(np.float32)
    size = (PLAIN_WINDOW, PLAIN_WINDOW)
    mean = cv2.blur(grey, size)
    square = cv2.blur(grey * grey, size)
    return (square - mean * mean) < FLAT_SPREAD * FLAT_SPREAD


def display_views(frame: np.ndarray, ds: Dataset, *, presets: bool = True, contrast: bool = True,
                  window: tuple[float, float] | None = None, noise: float | None = None) -> list[View]:
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
            views.append(View("local contrast", local_contrast(values, noise=noise), plain))
    return views


def _near_same(a: np.ndarray, b: np.ndarray) -> bool:
    """Two renderings a reader could not tell apart (one costs the detector time for nothing)."""
    return float(cv2.absdiff(a, b).mean()) < NEAR_SAME


def primary(views: list[View]) -> View:
    """The view the site publishes first (own window, or the colours as stored)."""
    for view in views:
        if view.name in ("colour", "own window"):
            return view
    return views[0]
