"""Telephone, fax and pager numbers."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import alternation
from .base import Recognizer

# North American and international shapes that are phone numbers without any context.
_SHAPED = re.compile(
    r"(?<![\w.+/-])(?:"
    r"(?:\+?1[\s.-]?)?\(\d{3}\)\s*\d{3}[\s.-]?\d{4}"                 # (602)272-9781
    r"|(?:\+?1[\s.-])?\d{3}[\s./-]\s?\d{3}[\s.-]\s?\d{4}"              # 201-948-1927, 410 202-6694
    r"|(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)\s?)?\d{1,5}(?:[\s.-]?\d{2,5}){1,5}"  # +41 (0)96 471 07 95
    r"|0\d{1,4}[\s.-]\d{2,4}(?:[\s.-]\d{2,4}){1,3}"                  # 0490 75 40 81, 03.93.92.16.85
    r"|\d{3}-\d{4}"                                                   # 555-1234
    r")(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?(?![\w/]|[.,-]\d)",
    re.IGNORECASE)

# Any group of 4-15 digits (with separators) right after a phone word: "Pager 83554".
_CONTEXT_WORDS = alternation("phone_context")
_WITH_CONTEXT = re.compile(
    r"\b(?:" + _CONTEXT_WORDS + r")\b\s*(?:#|no\.?|number|num|nr)?\s*[:#=-]?\s*[\n\s]*"
    r"(\(?\+?\d[\d\s().-]{2,22}\d(?:\s?(?:x|ext\.?)\s?\d{1,6})?)(?![\w/])",
    re.IGNORECASE)
_AFTER_NUMBER = re.compile(
    r"(?<![\w.+/-])(\+?\d[\d\s().-]{5,20}\d)\s*[-,(]?\s*(?:office|mobile|cell|home|fax|work|desk|pager)\b",
    re.IGNORECASE)


def _digits(value: str) -> int:
    return sum(c.isdigit() for c in value)


class PhoneRecognizer(Recognizer):
    name = "phone"
    category = Category.PHONE

    def find(self, text):
        for m in _SHAPED.finditer(text):
            digits = _digits(m.group(0))
            if 7 <= digits <= 15:
                yield self.span(m.start(), m.end(), 0.8)
        for m in _WITH_CONTEXT.finditer(text):
            value = m.group(1)
            digits = _digits(value)
            if 4 <= digits <= 15 and not re.fullmatch(r"\d{1,2}[:.]\d{2}", value.strip()):
                yield self.span(m.start(1), m.end(1), 0.7)
        for m in _AFTER_NUMBER.finditer(text):
            if 6 <= _digits(m.group(1)) <= 15:
                yield self.span(m.start(1), m.end(1), 0.7)
