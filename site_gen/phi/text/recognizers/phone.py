"""Telephone, fax and pager numbers."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import alternation
from . import filters
from .base import Pattern, PatternRecognizer

# North American and international shapes that are phone numbers without any context.
_SHAPED = re.compile(
    r"(?<![\w.+/])(?<!\d-)(?:"
    r"(?:\+?1[\s.-]?)?\(\d{3}\)\s*\d{3}[\s.-]?\d{4}"                 # (602)272-9781
    r"|(?:\+?1[\s.-])?\d{3}[\s./-]\s?\d{3}[\s.-]\s?\d{4}"              # 201-948-1927, 410 202-6694
    r"|(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)\s?)?\d{1,5}(?:[\s.-]?\d{2,5}){1,5}"  # +41 (0)96 471 07 95
    r"|0\d{1,4}[\s.-]\d{2,4}(?:[\s.-]\d{2,4}){1,3}"                  # 0490 75 40 81, 03.93.92.16.85
    r"|\d{3}-\d{4}"                                                   # 555-1234
    r"|\d{3}/\d{3}/\d{4}|\(?\d{6}-\d{4}\)?"                                # 201/324/1423, (240444-1243)
    r")(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?(?![\w/]|[.,-]\d)",
    re.IGNORECASE)

# Any group of 4-15 digits (with separators) right after a phone word: "Pager 83554".
_CONTEXT_WORDS = alternation("phone_context")
_WITH_CONTEXT = re.compile(
    r"\b(?:" + _CONTEXT_WORDS + r")\b(?:\s*(?:#|no\.?|number|num|nr|[:#=-]))*\s*"
    r"(\(?\+?\d[\d\s().-]{2,22}\d(?:\s?(?:x|ext\.?)\s?\d{1,6})?)(?![\w/])",
    re.IGNORECASE)
_AFTER_NUMBER = re.compile(
    r"(?<![\w.+/-])(\+?\d[\d\s().-]{5,20}\d)\s*[-,(]?\s*(?:office|mobile|cell|home|fax|work|desk|pager)\b",
    re.IGNORECASE)


# Digit groups that read as a phone number in words around it: "call me on 9472 7916",
# "answering at 71-33-52-22", "messages to 699 956 915", "(301 273 45166)".
_GROUPS = re.compile(r"(?<![\w.,/:+-])\(?\d{2,5}\)?(?:[ -]\d{2,6}){1,4}(?![\w/]|[.,:-]\d)")

_PATTERNS = (
    Pattern("phone number shape", _SHAPED, 0.8, filters=(filters.measurement_range,)),
    Pattern("number after a phone word", _WITH_CONTEXT, 0.7, group=1,
            filters=(filters.clock_time, filters.decimal_measure)),
    Pattern("digit groups read as a phone number", _GROUPS, 0.6,
            filters=(filters.years_only, filters.clock_then_value, filters.measurement_range,
                     filters.loose_digit_groups)),
    Pattern("number before a phone word", _AFTER_NUMBER, 0.7, group=1),
)
_DIGIT_RANGE = {_PATTERNS[0]: (7, 15), _PATTERNS[1]: (4, 15), _PATTERNS[2]: (7, 13), _PATTERNS[3]: (6, 15)}


class PhoneRecognizer(PatternRecognizer):
    """Telephone, fax and pager numbers: shapes that are phone numbers on their own, numbers next to a
    phone word, and digit groups in words around them; measurement ranges, clock times and years are
    filtered out (filters.py)."""

    name = "phone"
    category = Category.PHONE

    def patterns(self):
        return _PATTERNS

    def validate(self, value: str, pattern: Pattern) -> float | None:
        low, high = _DIGIT_RANGE[pattern]
        return pattern.score if low <= sum(c.isdigit() for c in value) <= high else None
