"""E-mail addresses."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from .base import Pattern, PatternRecognizer

_PATTERNS = (
    Pattern("e-mail address", re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"), 1.0),
)


class EmailRecognizer(PatternRecognizer):
    name = "email"
    category = Category.EMAIL
    gate = "@"

    def patterns(self):
        return _PATTERNS
