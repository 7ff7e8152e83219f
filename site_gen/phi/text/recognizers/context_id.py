"""Identifiers that only a word before them reveals: device serials, vehicle plates and VINs,
biometric template ids ("S/N: PJN123456", "plate ABC 123", "fingerprint ID FP-004217").

One recognizer, configured three times: the context words come from text_rules.yml
(device_context, vehicle_context, biometric_context), the value shape and validator from the
table below.  VINs carry their own check digit (ISO 3779) and MAC addresses their own shape.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from site_gen.phi.finding import Category

from ..lexicon import alternation
from .base import Pattern, PatternRecognizer

_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_ok(vin: str) -> bool:
    """The ISO 3779 check digit (position 9) of a 17-character vehicle identification number."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS))
    check = total % 11
    return vin[8] == ("X" if check == 10 else str(check))


@dataclass(frozen=True)
class Kind:
    category: Category
    context_key: str      # the text_rules.yml list of context words
    between: str          # what may stand between the context word and the value
    value: str            # the value's shape (group 1)
    score: float
    why: str


_LINK = r"(?:\s*(?:#|no\.?|number|is|was|[:=]))"
KINDS = {
    "device": Kind(Category.DEVICE_ID, "device_context", _LINK + r"*\s*",
                   r"([A-Za-z0-9][A-Za-z0-9./_-]{2,30}[A-Za-z0-9])(?![\w])", 0.8, "serial number after a device word"),
    "vehicle": Kind(Category.VEHICLE, "vehicle_context", r"\.?" + _LINK + r"*\s*",
                    r"((?-i:[A-Z0-9]{1,4}(?:[ -]?[A-Z0-9]{1,4}){1,3}))\b", 0.7, "plate after a vehicle word"),
    "biometric": Kind(Category.BIOMETRIC, "biometric_context",
                      r"(?:\s*(?:scan|template|record|sample|hash|code|image|data))?(?:\s*(?:id|identifier|#|no\.?|number|ref|is|was|[:=]))+\s*",
                      r"([A-Za-z0-9][A-Za-z0-9._:/-]{2,64}[A-Za-z0-9])(?![\w])", 0.85, "identifier after a biometric word"),
}
_VIN = Pattern("17-character vehicle identification number", re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b"), 0.9)
_MAC = Pattern("MAC address of a device", re.compile(r"\b(?:[0-9A-F]{2}[:-]){5}[0-9A-F]{2}\b", re.I), 0.8)
_MEASUREMENT = re.compile(r"\d{1,3}(?:\.\d+)?")


class ContextIdRecognizer(PatternRecognizer):
    def __init__(self, kind: str) -> None:
        self.kind = KINDS[kind]
        self.name = {"device": "device_id", "vehicle": "vehicle", "biometric": "biometric"}[kind]
        self.category = self.kind.category
        context = Pattern(self.kind.why, re.compile(
            r"(?:(?<=\W)|^)(?:" + alternation(self.kind.context_key) + r")(?=\W|$)" + self.kind.between + self.kind.value,
            re.I), self.kind.score, group=1)
        extra = {"device": (_MAC,), "vehicle": (_VIN,), "biometric": ()}[kind]
        self._patterns = (context,) + extra

    def patterns(self) -> tuple[Pattern, ...]:
        return self._patterns

    def validate(self, value: str, pattern: Pattern) -> float | None:
        digits = sum(c.isdigit() for c in value)
        if pattern is _VIN:
            if digits < 3 or sum(c.isalpha() for c in value) < 2:
                return None
            return pattern.score if vin_ok(value) else 0.6
        if pattern is _MAC:
            return pattern.score
        if self.category == Category.DEVICE_ID:
            # needs two digits, and not a plain measurement or a small count ("lot 2", "SN 3 mm")
            return pattern.score if digits >= 2 and not _MEASUREMENT.fullmatch(value) else None
        if self.category == Category.VEHICLE:
            return pattern.score if digits and any(c.isalpha() for c in value) else None
        return pattern.score if digits else None


def context_id_recognizers() -> tuple[ContextIdRecognizer, ...]:
    return tuple(ContextIdRecognizer(kind) for kind in KINDS)
