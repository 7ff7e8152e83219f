"""Unique numbers: MRN/UR/accession/licence (by context), SSN, NHS, Medicare, cards, IBAN.

Checksums (Luhn, mod 97, NHS mod 11, Medicare weights) keep context-free matches precise.
"""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import alternation, word_set
from .base import Recognizer, contains_digit, words_before

_SSN = re.compile(r"(?<![\w-])(\d{3})[- ](\d{2})[- ](\d{4})(?![\w-])")
_CARD = re.compile(r"(?<![\w-])(?:\d[ -]?){11,18}\d(?![\w-])")
_IBAN = re.compile(r"(?<![\w])([A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30})(?![\w])")
_TEN_DIGITS = re.compile(r"(?<![\w-])(\d{3}[ -]?\d{3}[ -]?\d{4}|\d{4}[ -]?\d{5}[ -]?\d)(?![\w-])")
_CONTEXT = re.compile(
    r"\b(?:" + alternation("id_context") + r")\b\.?(?:\s*(?:#|no\b\.?|number\b|num\b|nr\b|id\b|is\b|was\b|of\b|[:=.-])){0,4}\s*"
    r"([A-Za-z]{0,4}[-/]?\d[A-Za-z0-9/-]{1,24})(?![\w])",
    re.IGNORECASE)
_LONG_NUMBER = re.compile(r"(?<![\w.,/-])\d{7,}(?![\w]|[.,/]\d)")


def luhn_ok(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for i, c in enumerate(digits):
        d = int(c)
        if i % 2 == parity:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_ok(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    try:
        return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1
    except ValueError:
        return False


def nhs_ok(digits: str) -> bool:
    if len(digits) != 10:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def medicare_au_ok(digits: str) -> bool:
    if len(digits) not in (10, 11) or digits[0] not in "23456":
        return False
    weights = (1, 3, 7, 9, 1, 3, 7, 9)
    return sum(int(d) * w for d, w in zip(digits[:8], weights)) % 10 == int(digits[8])


def ssn_ok(area: str, group: str, serial: str) -> bool:
    return area not in ("000", "666") and not area.startswith("9") and group != "00" and serial != "0000"


class IdNumberRecognizer(Recognizer):
    name = "id_number"
    category = Category.ID_NUMBER
    description = "an identifying number (by shape, checksum or context)"

    def find(self, text):
        if not contains_digit(text):
            return
        citation = word_set("citation_cues")
        for m in _SSN.finditer(text):
            if ssn_ok(*m.groups()):
                yield self.span(m.start(), m.end(), 0.85)
        for m in _CARD.finditer(text):
            digits = re.sub(r"\D", "", m.group(0))
            if 12 <= len(digits) <= 19 and luhn_ok(digits) and len(set(digits)) > 2:
                yield self.span(m.start(), m.end(), 0.9)
        for m in _IBAN.finditer(text):
            # the optional spaces may have taken in a following word: try shorter readings too
            value = m.group(1)
            while value:
                if iban_ok(value):
                    yield self.span(m.start(1), m.start(1) + len(value), 0.95)
                    break
                if " " not in value:
                    break
                value = value[:value.rindex(" ")]
        for m in _TEN_DIGITS.finditer(text):
            digits = re.sub(r"\D", "", m.group(0))
            before = " ".join(words_before(text, m.start(), 3))
            if ("nhs" in before and nhs_ok(digits)) or ("medicare" in before and medicare_au_ok(digits)):
                yield self.span(m.start(), m.end(), 0.95)
        for m in _CONTEXT.finditer(text):
            value = m.group(1)
            if sum(c.isdigit() for c in value) < 2 and not re.search(r"\d", value[-3:]):
                continue
            yield self.span(m.start(1), m.end(1), 0.8)
        for m in _LONG_NUMBER.finditer(text):
            # A bare long number is most likely an identifier, unless it is a citation id.
            if set(words_before(text, m.start(), 2)) & citation:
                continue
            yield self.span(m.start(), m.end(), 0.6)
