"""Vehicle identifiers: VINs (check digit) and licence plates next to a vehicle word."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import alternation
from .base import Recognizer, contains_digit

_VIN = re.compile(r"\b[A-HJ-NPR-Z0-9]{17}\b")
_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_ok(vin: str) -> bool:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS))
    check = total % 11
    return vin[8] == ("X" if check == 10 else str(check))


class VehicleRecognizer(Recognizer):
    name = "vehicle"
    category = Category.VEHICLE

    def __init__(self) -> None:
        self.context = re.compile(
            r"\b(?:" + alternation("vehicle_context") + r")\b\.?(?:\s*(?:#|no\.?|number|is|was|:))*\s*"
            r"((?-i:[A-Z0-9]{1,4}(?:[ -]?[A-Z0-9]{1,4}){1,3}))\b", re.I)

    def find(self, text):
        if not contains_digit(text):
            return
        for m in _VIN.finditer(text):
            value = m.group(0)
            if sum(c.isdigit() for c in value) >= 3 and sum(c.isalpha() for c in value) >= 2:
                yield self.span(m.start(), m.end(), 0.9 if vin_ok(value) else 0.6)
        for m in self.context.finditer(text):
            value = m.group(1)
            if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
                yield self.span(m.start(1), m.end(1), 0.7)
