"""Telephone, fax and pager numbers."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import alternation
from .base import Recognizer

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
_WEAK_CUES = re.compile(
    r"(?:\b(?:call(?:ed|ing)?|ring|reach(?:ed)?|text|txt|sms|dial(?:ed)?|phone|number|answering|messages?|"
    r"contact(?:ed)?|fax(?:ed)?|me|us|him|her|them|on|at|to|is|\#)\s*[:\-]?\s*|\()$", re.I)


_CLOCK = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d")
_MEASURE = re.compile(r"\d\.\d{2}\b")  # "PH 7.44-7.46": a pH, not a phone extension
_RANGE = re.compile(r"\(?(\d{3,4})\)?\s?-\s?(\d{4})")
_PHONE_WORD = re.compile(r"\b(?:" + _CONTEXT_WORDS + r")\b\W{0,4}$", re.I)


def _range(value: str, text: str, start: int) -> bool:
    """A low-high range of a measurement ("VT 900-1300", "SVR 954-1183"), not a 7-digit number:
    the second part is larger than the first but not three times larger."""
    m = _RANGE.fullmatch(value.strip())
    if not m:
        return False
    low, high = int(m.group(1)), int(m.group(2))
    if not low < high <= 3 * low:
        return False
    before = text[max(0, start - 24):start]
    if _PHONE_WORD.search(before):
        return False
    # a measurement word right before: "VT", "SVR", "HR", "volumes", "in the", "improved to"
    prev = re.search(r"([A-Za-z]+)\W{0,3}$", before)
    if not prev:
        return False
    word = prev.group(1)
    return (word.isupper() and len(word) <= 4) or word.lower() in _MEASURE_WORDS


_MEASURE_WORDS = frozenset({"the", "to", "between", "from", "range", "volumes", "volume", "vols", "vt", "tv",
                            "svr", "hr", "bp", "approx", "approximately", "about"})


def _digits(value: str) -> int:
    return sum(c.isdigit() for c in value)


class PhoneRecognizer(Recognizer):
    name = "phone"
    category = Category.PHONE

    def find(self, text):
        for m in _SHAPED.finditer(text):
            digits = _digits(m.group(0))
            if 7 <= digits <= 15 and not _range(m.group(0), text, m.start()):
                yield self.span(m.start(), m.end(), 0.8)
        for m in _WITH_CONTEXT.finditer(text):
            value = m.group(1)
            digits = _digits(value)
            if 4 <= digits <= 15 and not re.fullmatch(r"\d{1,2}[:.]\d{2}", value.strip()) \
                    and not _MEASURE.search(value):
                yield self.span(m.start(1), m.end(1), 0.7)
        for m in _GROUPS.finditer(text):
            value = m.group(0)
            digits = _digits(value)
            groups = re.findall(r"\d+", value)
            if not 7 <= digits <= 13 or all(re.fullmatch(r"(?:19|20)\d\d", g) for g in groups):
                continue
            if len(groups) == 2 and _CLOCK.fullmatch(groups[0]) and len(groups[1]) <= 4 and "-" not in value:
                continue  # "AT 1800 116", "since 0000 1135": a clock time and a value
            if _range(value, text, m.start()):
                continue
            wide = sum(len(g) >= 3 for g in groups)
            if len(groups) >= 3 and digits >= 8 and wide >= 2 or _WEAK_CUES.search(text[max(0, m.start() - 16):m.start()]):
                yield self.span(m.start(), m.end(), 0.6)
        for m in _AFTER_NUMBER.finditer(text):
            if 6 <= _digits(m.group(1)) <= 15:
                yield self.span(m.start(1), m.end(1), 0.7)
