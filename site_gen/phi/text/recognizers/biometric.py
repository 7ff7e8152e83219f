"""Biometric identifiers: an id, hash or template number next to a biometric word."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import alternation
from .base import Recognizer


class BiometricRecognizer(Recognizer):
    name = "biometric"
    category = Category.BIOMETRIC

    def __init__(self) -> None:
        self.context = re.compile(
            r"\b(?:" + alternation("biometric_context") + r")\b"
            r"(?:\s*(?:scan|template|record|sample|hash|code|image|data))?"
            r"(?:\s*(?:id|identifier|#|no\.?|number|ref|is|was|[:=]))+\s*"
            r"([A-Za-z0-9][A-Za-z0-9._:/-]{2,64}[A-Za-z0-9])(?![\w])", re.I)

    def find(self, text):
        for m in self.context.finditer(text):
            if any(c.isdigit() for c in m.group(1)):
                yield self.span(m.start(1), m.end(1), 0.85)
