"""Ages over 89 ("92 year old", "aged 95", "in her 90s").  Our case format writes "90+": allowed."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from .base import Recognizer

_NUM = r"(9\d|1[01]\d|12[0-5])"
_PATTERNS = [
    # 92 year old, 92-year-old, 92 yo, 92y/o, 92 yrs, 92 years of age
    re.compile(r"(?<![\w.+])" + _NUM + r"(?:\.\d)?\s*-?\s*(?:years?|yrs?|y)?\.?\s*-?\s*(?:old|o\b|/o\b|\.o\.|of\s+age|yo\b|yoa\b)", re.I),
    re.compile(r"(?<![\w.+])" + _NUM + r"\s*(?:yo|y/o|y\.o\.|yrs?|y|years?)\b(?!\s*(?:ago|later|earlier|prior|before|after|history|of\s+(?!age)))", re.I),
    # aged 95, age 95, age: 95, at the age of 95, turned 95
    re.compile(r"\b(?:aged?|age\s+of|turned|turns|turning|is\s+now)\s*[:=]?\s*" + _NUM + r"(?![\w+]|\.\d)", re.I),
    # in her 90s / nineties, nonagenarian, centenarian
    re.compile(r"\b(?:in\s+(?:his|her|their)\s+(?:mid-?|late-?|early-?)?\s*)(?:90'?s|nineties|100s)\b", re.I),
    re.compile(r"\b(?:nonagenarian|centenarian|supercentenarian)s?\b", re.I),
]


class AgeRecognizer(Recognizer):
    name = "age_over_89"
    category = Category.AGE_OVER_89

    def find(self, text):
        for pattern in _PATTERNS:
            for m in pattern.finditer(text):
                yield self.span(m.start(), m.end(), 0.9)
