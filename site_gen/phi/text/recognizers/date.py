"""Dates more specific than a year (a year alone is allowed by Safe Harbor).

Numeric m/d pairs clash with scores, ratios and levels ("pain 3/10", "2/6 murmur", "L4/5"):
the blocker word lists in text_rules.yml veto those.
"""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import month_lookup, word_set
from .base import Recognizer, words_after, words_before

_ORD = r"(?:st|nd|rd|th)?"
_TIME = r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[ap]\.?m\.?)?)?"

_ISO = re.compile(r"(?<![\w./-])(?:19|20)\d{2}([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])" + _TIME + r"(?![\w/]|[.-]\d)")
_DICOM = re.compile(r"(?<![\w.-])(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:\d{6}(?:\.\d+)?)?(?![\w-]|\.\d)")
_MDY = re.compile(r"(?<![\w./-])(\d{1,2})([-/.])(\d{1,2})\2((?:19|20)?\d{2})" + _TIME + r"(?![\w/]|[.-]\d)")
_MD = re.compile(r"(?<![\w./:])(\d{1,2})/(\d{1,2})(?![\w/]|[.:]\d)")
_MY = re.compile(r"(?<![\w./:-])(0?[1-9]|1[0-2])/((?:19|20)\d{2}|\d{2})(?![\w/]|[.:-]\d)")
_ENTRY_START = re.compile(r"(?:^|\n|[|:]|[A-Za-z]-)[ \t]*$")
_COMMON_FRACTIONS = {(1, 2), (1, 3), (2, 3), (1, 4), (3, 4)}
_DATE_VERBS = frozenset({"d/c", "d/c'd", "dc", "dc'd", "dced", "d/ced", "started", "stopped", "placed", "removed",
                         "inserted", "pulled", "changed", "drawn", "sent", "given", "done", "performed"})
# Ventilator settings read like m/d: "PSV 10/5", "on 5/5, 40%", "CPAP/PS 16/5/40%", "flowby 6/3".
_VENT_WORDS = frozenset({"peep", "cpap", "bipap", "bi-pap", "psv", "ps", "simv", "imv", "flowby", "fio2", "settings",
                         "setting", "ventilation", "prvc", "ipap", "epap", "niv", "ventilator",
                         "cpap/ps", "cpap/psv", "psv/cpap", "ps/cpap", "simv/ps", "ac/ps"})
_LINKS = frozenset({"on", "to", "at", "of", "from", "with", "increased", "decreased", "changed", "down", "up"})
_PERCENT_AFTER = re.compile(r"\s*[,&]?\s*(?:\d{1,3}\s?%|/\s?\.?\d)")
_PERCENT_BEFORE = re.compile(r"\d\s?%\s*[,&]?\s*$")
_DATE_CUES = frozenset({"on", "since", "dated", "until", "till", "from", "of", "date", "dos", "dob", "seen", "admitted", "discharged"})


def _month_pattern() -> str:
    forms = sorted(month_lookup(), key=len, reverse=True)
    return r"(?:" + "|".join(re.escape(f) for f in forms) + r")\.?"


_WRITTEN: list[re.Pattern[str]] | None = None


def _written() -> list[re.Pattern[str]]:
    global _WRITTEN
    if _WRITTEN is None:
        m = _month_pattern()
        day = r"(?:0?[1-9]|[12]\d|3[01])" + _ORD
        flags = re.IGNORECASE
        _WRITTEN = [
            # May 16, 2015 / March 3rd / Sept. 12 '98
            re.compile(r"\b" + m + r"\s+(?:the\s+)?" + day + r"(?:,?\s+(?:of\s+)?(?:(?:19|20)\d{2}|'\d{2}))?(?![\w/.]\d|\w)", flags),
            # 16 May 2015 / 3rd of May / 16-May-2015 / 16May2015
            re.compile(r"(?<![\w.])" + day + r"(?:\s+of\s+|[\s-]?)" + m + r"(?:[\s,-]*(?:(?:19|20)\d{2}|'\d{2}))?\b", flags),
            # March 2022, march of 2022, Jan-2019, 05/2019 is numeric (handled below)
            re.compile(r"\b" + m + r"(?:\s+of|,)?[\s-]*(?:(?:19|20)\d{2}|'\d{2})\b", flags),
        ]
    return _WRITTEN


_AMBIGUOUS_MONTHS = frozenset({"may", "mar", "march", "jan", "jun", "june", "dec", "sept", "sep", "aug", "april", "august", "oct", "nov", "mai", "mars"})


class DateRecognizer(Recognizer):
    name = "date"
    category = Category.DATE

    def _blocked(self, text: str, start: int, end: int) -> bool:
        raw_before = words_before(text, start, 1)
        if raw_before and raw_before[0] in _DATE_VERBS:
            return False  # "IABP d/c 7/26", "dc'd 8/22": a discontinuation date
        before = [w for word in words_before(text, start, 2) for w in word.split("/")]
        after = words_after(text, end, 1)
        if before and before[-1] in word_set("date_blockers_before"):
            return True
        if len(before) >= 2 and " ".join(before[-2:]) in word_set("date_blockers_before"):
            return True
        if after and after[0] in word_set("date_blockers_after"):
            return True
        # "x2(2/21, 4/21)" keeps; "1 2/3" (mixed fraction) and "+1/2" do not.
        prev = text[max(0, start - 3):start]
        return bool(re.search(r"(?:[+±*]|(?<![A-Za-z])[x×])\s?$", prev))  # "x2", not "fx 5/97"

    @staticmethod
    def _ventilator(text: str, start: int, end: int, a: int, b: int) -> bool:
        if a > 30 or b > 25:
            return False
        before = words_before(text, start, 3)
        if before and before[-1] in _DATE_VERBS | {"since", "dated", "date", "dos", "dob", "until", "till"}:
            return False
        # the setting word right before (or before "on/to/at": "PSV increased to 10/5") or right after
        near = before[-1:] + (before[-3:-1] if before and before[-1] in _LINKS else [])
        if set(near) & _VENT_WORDS or set(words_after(text, end, 1)) & _VENT_WORDS:
            return True
        return bool(_PERCENT_AFTER.match(text, end) or _PERCENT_BEFORE.search(text[max(0, start - 8):start]))

    def find(self, text):
        has_digit = any(c.isdigit() for c in text)
        if has_digit:
            for m in _ISO.finditer(text):
                yield self.span(m.start(), m.end(), 0.95)
            for m in _DICOM.finditer(text):
                yield self.span(m.start(), m.end(), 0.9)
            for m in _MDY.finditer(text):
                a, b = int(m.group(1)), int(m.group(3))
                if (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31):
                    if m.group(2) == "." and len(m.group(4)) == 2 and self._blocked(text, m.start(), m.end()):
                        continue
                    if text[m.end():m.end() + 1] == "%":
                        continue  # "10/5/40%": PS/PEEP/FiO2
                    yield self.span(m.start(), m.end(), 0.9)
            for m in _MD.finditer(text):
                a, b = int(m.group(1)), int(m.group(2))
                if not (1 <= a <= 12 and 1 <= b <= 31):
                    continue
                if self._blocked(text, m.start(), m.end()):
                    continue
                if self._ventilator(text, m.start(), m.end(), a, b):
                    continue
                # fractions, pain scores (n/10) and strength grades (n/5) unless a date cue precedes
                # or the pair opens a line or an entry ("9/10 PROCAN DCED", "UO-9/10 LASIX")
                scoreish = (a, b) in _COMMON_FRACTIONS or (b == 10 and a <= 10) or (b == 5 and a <= 5)
                if scoreish and not (set(words_before(text, m.start(), 1)) & _DATE_CUES) and \
                        not ((a, b) not in _COMMON_FRACTIONS and _ENTRY_START.search(text, max(0, m.start() - 8), m.start())):
                    continue
                if text[max(0, m.start() - 1):m.start()] == "#":
                    continue
                yield self.span(m.start(), m.end(), 0.7)
            for m in _MY.finditer(text):
                year = m.group(2)
                if len(year) == 2 and int(year) <= 31:
                    continue  # that is m/d, handled above
                if self._blocked(text, m.start(), m.end()):
                    continue
                yield self.span(m.start(), m.end(), 0.7)
            for pattern in _written():
                for m in pattern.finditer(text):
                    value = m.group(0)
                    word = re.sub(r"[^a-z]", "", value.lower())
                    month = next((w for w in re.findall(r"[A-Za-z]+", value) if w.lower() in month_lookup()), "")
                    if month.lower() in _AMBIGUOUS_MONTHS and month.islower() and not re.search(r"\d{4}|'\d\d|\d(?:st|nd|rd|th)", value):
                        # lower-case "may 2" is usually the verb: need a year or an ordinal
                        continue
                    if not word:
                        continue
                    yield self.span(m.start(), m.end(), 0.9)
        # Holidays pin a day of the year; weekdays alone do not (not a Safe Harbor date element).
        for m in _holiday_pattern().finditer(text):
            yield self.span(m.start(), m.end(), 0.6)


_HOLIDAY: re.Pattern[str] | None = None


def _holiday_pattern() -> re.Pattern[str]:
    global _HOLIDAY
    if _HOLIDAY is None:
        words = sorted(word_set("holidays"), key=len, reverse=True)
        _HOLIDAY = re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\b", re.I)
    return _HOLIDAY
