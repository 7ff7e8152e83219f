"""A series' display window: the field form, the shorthands radiologists write, and whether
the numbers make sense for the images.

`window: {center: 40, width: 400}` is the format; `window: 40/400` (centre/width, the order
of the DICOM attributes Window Center and Window Width), `40,400`, `C40 W400`, `W400 L40`,
`WL 40 WW 400` or `center 40 width 400` mean the same.  A window applies to DICOM greyscale
series only, and must fall where the images' values are: the plausible ranges per modality
are in site_gen/data/window-ranges.yml, the values a file can hold come from its header.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

import yaml

NUMBER = r"[-+]?\d+(?:\.\d+)?"
_PAIR = re.compile(rf"^\s*({NUMBER})\s*(?:/|,|;|\s)\s*({NUMBER})\s*$")
_LABELLED = re.compile(rf"(centre|center|level|width|wl|ww|c|l|w)\s*[:=]?\s*({NUMBER})", re.IGNORECASE)
_LABEL_MEANS = {"centre": "center", "center": "center", "level": "center", "wl": "center", "c": "center",
                "l": "center", "width": "width", "ww": "width", "w": "width"}
SHORTHAND_HELP = ("write it as 'window: {center: 40, width: 400}', or as the shorthand 'window: 40/400' "
                  "(centre/width), 'C40 W400' or 'W400 L40'")


class WindowFormError(ValueError):
    """The window is written in a form that cannot be read; the message says how to write it."""


def parse_window(value: Any) -> tuple[float, float]:
    """(centre, width) from the field form or a shorthand string; WindowFormError otherwise."""
    if isinstance(value, dict):
        try:
            return float(value["center"]), float(value["width"])
        except (KeyError, TypeError, ValueError):
            raise WindowFormError(f"the window needs a number for 'center' and for 'width'; {SHORTHAND_HELP}") from None
    if isinstance(value, str):
        pair = _PAIR.match(value)
        if pair:
            return float(pair.group(1)), float(pair.group(2))
        found = _LABELLED.findall(value)
        rest = _LABELLED.sub("", value)
        meanings = {_LABEL_MEANS[label.lower()]: float(number) for label, number in found}
        if len(found) == 2 and set(meanings) == {"center", "width"} and not re.search(r"[A-Za-z0-9]", rest):
            return meanings["center"], meanings["width"]
    raise WindowFormError(f"the window cannot be read; {SHORTHAND_HELP}")


@dataclass(frozen=True)
class Range:
    low: float
    high: float


@lru_cache(maxsize=1)
def plausible_ranges() -> dict[str, dict[str, Range]]:
    data = yaml.safe_load(resources.files("site_gen.data").joinpath("window-ranges.yml").read_text("utf-8"))
    return {modality: {name: Range(*bounds) for name, bounds in limits.items()} for modality, limits in data.items()}


@dataclass(frozen=True)
class StoredValues:
    """What the series' pixels can hold, from the first file's header."""
    low: float
    high: float
    colour: bool
    unit: str          # "HU" for CT with a rescale to Hounsfield units, else "stored values"


def stored_values(files: Sequence[Path]) -> StoredValues | None:
    """The value range the files can hold (bits stored, sign, rescale), or None if unreadable."""
    import pydicom
    for path in files[:1]:
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True)
            bits = int(ds.get("BitsStored", ds.get("BitsAllocated", 16)) or 16)
            signed = int(ds.get("PixelRepresentation", 0) or 0) == 1
            slope = float(ds.get("RescaleSlope", 1) or 1)
            intercept = float(ds.get("RescaleIntercept", 0) or 0)
            photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).upper()
        except Exception:  # noqa: BLE001 - an unreadable header is reported by the image checks
            return None
        low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)
        ends = sorted((low * slope + intercept, high * slope + intercept))
        colour = not photometric.startswith("MONOCHROME") and photometric != "PALETTE COLOR"
        return StoredValues(ends[0], ends[1], colour, "HU" if str(ds.get("Modality", "")) == "CT" else "stored values")
    return None


def _number(value: float) -> str:
    return f"{value:g}"


def window_problems(center: float, width: float, modality: str, kind: str,
                    files: Sequence[Path] = ()) -> list[str]:
    """Plain-words reasons why this window cannot be right for these images (none: fine)."""
    if kind != "dicom":
        return ["a display window applies to DICOM images only; this series holds photographs or "
                "screenshots (PNG/JPEG), which are shown as they are: remove 'window'"]
    if modality in ("XC",):
        return ["a display window does not apply to a photograph (modality XC): remove 'window'"]
    stored = stored_values(files) if files else None
    if stored is not None and stored.colour:
        return ["these DICOM images are in colour, which is shown as it is: remove 'window'"]
    problems = []
    limits = plausible_ranges().get(modality, plausible_ranges()["default"])
    if not limits["width"].low <= width <= limits["width"].high:
        narrow = width < limits["width"].low
        problems.append(f"window width {_number(width)} is implausible for {modality} (expected "
                        f"{_number(limits['width'].low)} to {_number(limits['width'].high)})"
                        + (": so narrow a window shows the image in black and white only" if narrow else ""))
    if "center" in limits and not limits["center"].low <= center <= limits["center"].high:
        problems.append(f"window centre {_number(center)} is outside the range of {modality} values "
                        f"({_number(limits['center'].low)} to {_number(limits['center'].high)}"
                        f"{' HU' if modality == 'CT' else ''}); was it written in another unit, or swapped with the width?")
    elif stored is not None and (center + width / 2 < stored.low or center - width / 2 > stored.high):
        problems.append(f"window centre {_number(center)} and width {_number(width)} lie outside the values these "
                        f"images can hold ({_number(stored.low)} to {_number(stored.high)} {stored.unit}): "
                        "every pixel would be black or white")
    return problems
