"""Device identifiers and serial numbers ("S/N: PJN123456", "pacemaker ... serial 12345")."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import alternation
from .base import Recognizer

_MAC = re.compile(r"\b(?:[0-9A-F]{2}[:-]){5}[0-9A-F]{2}\b", re.I)


class DeviceIdRecognizer(Recognizer):
    name = "device_id"
    category = Category.DEVICE_ID

    def __init__(self) -> None:
        self.context = re.compile(
            r"(?:(?<=\W)|^)(?:" + alternation("device_context") + r")(?=\W)\.?(?:\s*(?:#|no\.?|number|is|was|[:=]))*\s*"
            r"([A-Za-z0-9][A-Za-z0-9./_-]{2,30}[A-Za-z0-9])(?![\w])", re.I)

    def find(self, text):
        for m in self.context.finditer(text):
            value = m.group(1)
            # needs a digit, and not a plain measurement or a small count ("lot 2", "SN 3 mm")
            if sum(c.isdigit() for c in value) >= 2 and not re.fullmatch(r"\d{1,3}(?:\.\d+)?", value):
                yield self.span(m.start(1), m.end(1), 0.8)
        for m in _MAC.finditer(text):
            yield self.span(m.start(), m.end(), 0.8)
