"""E-mail addresses."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from .base import Recognizer

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")


class EmailRecognizer(Recognizer):
    name = "email"
    category = Category.EMAIL

    def find(self, text):
        if "@" not in text:
            return
        for m in _EMAIL.finditer(text):
            yield self.span(m.start(), m.end(), 1.0)
