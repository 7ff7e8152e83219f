"""Known places of burned-in patient details: header/footer bands and scanner rectangles.

The rules are data (`site_gen/phi/data/pixel-regions.yml`, transcribed from RSNA CTP's
DicomPixelAnonymizer script, source named there); this module only loads and matches them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

import yaml
from pydicom.dataset import Dataset

from .pixel_text import Bands

SECONDARY_CAPTURE_PREFIX = "1.2.840.10008.5.1.4.1.1.7"


@dataclass(frozen=True)
class RegionRule:
    name: str
    when: tuple
    regions: tuple[tuple[int, int, int, int], ...]


@lru_cache(maxsize=1)
def _table() -> dict:
    text = resources.files("site_gen.phi").joinpath("data/pixel-regions.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def rules() -> tuple[RegionRule, ...]:
    return tuple(RegionRule(rule["name"], tuple(_freeze(c) for c in rule["when"]),
                            tuple(tuple(int(v) for v in box) for box in rule["regions"]))
                 for rule in _table()["rules"])


def _freeze(condition: dict):
    if "any" in condition:
        return ("any", tuple(_freeze(c) for c in condition["any"]))
    op = "contains" if "contains" in condition else "equals"
    return (str(condition["attribute"]), op, str(condition[op]))


def _value(ds: Dataset, attribute: str) -> str | None:
    try:
        if len(attribute) == 8 and all(c in "0123456789abcdefABCDEF" for c in attribute):
            elem = ds.get(int(attribute, 16))
            value = None if elem is None else elem.value
        else:
            value = ds.get(attribute)
    except Exception:  # noqa: BLE001 - an unreadable value matches nothing
        return None
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return value.decode("latin-1", "replace")
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return "\\".join(str(v) for v in value)
    return str(value)


def _holds(ds: Dataset, condition) -> bool:
    if condition[0] == "any":
        return any(_holds(ds, c) for c in condition[1])
    attribute, op, wanted = condition
    value = _value(ds, attribute)
    if value is None:
        return False
    if op == "contains":
        return wanted.lower() in value.lower()
    return value.strip() == wanted


def matching_rules(ds: Dataset) -> list[RegionRule]:
    return [rule for rule in rules() if all(_holds(ds, c) for c in rule.when)]


def known_rectangles(ds: Dataset) -> list[tuple[int, int, int, int]]:
    """Scanner rectangles (left, top, width, height) that hold patient details in this file."""
    return [box for rule in matching_rules(ds) for box in rule.regions]


def _bands(key: str) -> Bands:
    entry = _table()["bands"][key]
    return Bands(float(entry["header"]), float(entry["footer"]), str(entry["what"]))


def bands_for(ds: Dataset | None) -> Bands | None:
    """The header/footer band rule for a DICOM dataset (None: not a kind of image that has them)."""
    if ds is None:
        return _bands("photograph")
    modality = str(ds.get("Modality", "") or "").strip().upper()
    table = _table()["bands"]
    if modality in table:
        return _bands(modality)
    sop_class = str(ds.get("SOPClassUID", "") or getattr(getattr(ds, "file_meta", None), "MediaStorageSOPClassUID", "") or "")
    if sop_class.startswith(SECONDARY_CAPTURE_PREFIX):
        return _bands("secondary-capture")
    return None


def photograph_bands() -> Bands:
    return _bands("photograph")


def overlaps_any(box, rectangles: Iterable[tuple[int, int, int, int]]) -> bool:
    return any(box[0] < r[0] + r[2] and r[0] < box[0] + box[2] and box[1] < r[1] + r[3] and r[1] < box[1] + box[3]
               for r in rectangles)
