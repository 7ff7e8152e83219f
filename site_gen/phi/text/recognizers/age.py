"""Ages over 89 ("92 year old", "aged 95", "in her 90s").  Our case format writes "90+": allowed."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from .base import Pattern, PatternRecognizer

_NUM = r"(9\d|1[01]\d|12[0-5])"
_PATTERNS = (
    # 92 year old, 92-year-old, 92 yo, 92y/o, 92 yrs, 92 years of age
    Pattern("age over 89 with a unit", re.compile(r"(?<![\w.+])" + _NUM + r"(?:\.\d)?\s*-?\s*(?:years?|yrs?|y)?\.?\s*-?\s*(?:old|o\b|/o\b|\.o\.|of\s+age|yo\b|yoa\b)", re.I), 0.9),
    Pattern("age over 89 in years", re.compile(r"(?<![\w.+])" + _NUM + r"\s*(?:yo|y/o|y\.o\.|yrs?|y|years?)\b(?!\s*(?:ago|later|earlier|prior|before|after|history|of\s+(?!age)))", re.I), 0.9),
    # aged 95, age 95, age: 95, at the age of 95, turned 95
    Pattern("age over 89 after 'age'", re.compile(r"\b(?:aged?|age\s+of|turned|turns|turning|is\s+now)\s*[:=]?\s*" + _NUM + r"(?![\w+]|\.\d)", re.I), 0.9),
    # in her 90s / nineties, nonagenarian, centenarian
    Pattern("decade over 89", re.compile(r"\b(?:in\s+(?:his|her|their)\s+(?:mid-?|late-?|early-?)?\s*)(?:90'?s|nineties|100s)\b", re.I), 0.9),
    Pattern("word for an age over 89", re.compile(r"\b(?:nonagenarian|centenarian|supercentenarian)s?\b", re.I), 0.9),
)


class AgeRecognizer(PatternRecognizer):
    name = "age_over_89"
    category = Category.AGE_OVER_89

    def patterns(self):
        return _PATTERNS
