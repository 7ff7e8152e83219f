"""Dates more specific than a year (a year alone is allowed by Safe Harbor).

Numeric m/d pairs clash with scores, ratios and levels ("pain 3/10", "2/6 murmur", "L4/5"):
the blocker word lists in text_rules.yml veto those, within the same clause only.  Also: two-digit
years with an apostrophe ("'09 PTCA", "CVA 74'") or next to an event in a past-history section
("PMH: NQWMI 13."), "on the 11th", a month after a time preposition ("in sept."), a score-like
pair next to a date ("8/2 - 8/10") and odd forms ("11/21.93", "10/03/10/04").
"""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import month_lookup, word_set
from .base import Recognizer, contains_digit, words_after, words_before

_ORD = r"(?:st|nd|rd|th)?"
_TIME = r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[ap]\.?m\.?)?)?"

_ISO = re.compile(r"(?<![\w./-])(?:19|20)\d{2}([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])" + _TIME + r"(?![\w/]|[.-]\d)")
_DICOM = re.compile(r"(?<![\w.-])(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:\d{6}(?:\.\d+)?)?(?![\w-]|\.\d)")
_MDY = re.compile(r"(?<![\w/])(?<!\d[.:-])(\d{1,2})([-/.])(\d{1,2})\2((?:19|20)?\d{2})" + _TIME + r"(?![\w/]|[.-]\d)")
_MD = re.compile(r"(?<![\w/])(?<!\d[.:-])(\d{1,2})/(\d{1,2})(?![\w/]|[.:]\d)")
# "seen on4/3", "dc'd6/20", "DOB3/14/31": a date glued to the word that introduces it
_GLUED_CUE = re.compile(r"(?i:\b(?:on|seen|since|from|dated|dob|dos|dc|dc'd|adm|admitted|until|till|rec'd))"
                        r"(\d{1,2})([/.-])(\d{1,2})(?:\2((?:19|20)?\d{2}))?(?![\w/]|[.-]\d)")
# month/year; also glued to the word before it ("fx4/98", "CABG3/2001"), where the year cannot be a day
_MY = re.compile(r"(?<![\d_./:-])(0?[1-9]|1[0-2])/((?:19|20)\d{2}|\d{2})(?![\w/]|[.:-]\d)")
_ENTRY_START = re.compile(r"(?:^|\n|[|:]|[A-Za-z]-|[A-Za-z]\.)[ \t]*$")
# "'09 PTCA", "CVA 74'.", "prostate CA'88": a two-digit year with an apostrophe (notes' past history)
_APOS_YEAR = re.compile(r"(?<![\w'’])['’]\d{2}(?![\w'’%]|[.,]\d)|(?<![\w'’.,/-])\d{2}['’](?![\w'’])")
# "on the 11th", "since the 3rd": a day of the month
_ORDINAL = re.compile(r"(?<![\w.])(?:[12]?\d|3[01])(?i:st|nd|rd|th)\b")
_ORDINAL_CUE = re.compile(r"\b(?i:on|since|from|until|till|by|before|after)\s+the\s+$")
_ORDINAL_END = re.compile(r"(?=\s*(?:[.,;:)!?]|$)|\s+(?i:at|in|and|or|when|with|to|of|he|she|pt|but|for|was|is|we)\b)")
# n/5 is a strength grade (or a ventilator setting) only near such words
_SCORE_CONTEXT = re.compile(r"(?i)\b(?:strength|strong|motor|power|grip|grasp|weak\w*|ue|le|ues|les|bue|ble|bles|bues|rue|"
                            r"lue|rle|lle|extremit\w*|arms?|legs?|hands?|feet|foot|mae|moves?|moving|flex\w*|exten\w*|"
                            r"push\w*|pull\w*|plantar|dorsi\w*|quad\w*|deltoid\w*|biceps|triceps|hip|knee|ankle|wrist|"
                            r"shoulder|elbow|bilat\w*|sided?|left|right|l|r|reflex\w*|score|grade|scale|murmur|x|"
                            r"vent\w*|wean\w*|trial|ps|peep|cpap|psv|bipap|settings?|extubat\w*|intubat\w*|sbt|rsbi)\b")
_FRACTION_OF = re.compile(r"\s+(?:of|the|th|ths|fifths?)\b", re.I)  # "3/5 of the gland width"
_ODD_DATE = re.compile(r"(?<![\w/.])(\d{1,2})/(\d{1,2})(?:\.(\d{2})(?!\d)|/(\d{1,2})/(\d{1,2}))(?![\w/%]|\.\d)")
_HISTORY = re.compile(r"(?i)\b(?:pmh|pmhx|psh|pshx|past medical history|past surgical history|medical history|"
                      r"past history)\s*[:\-]")
# events of a past history that carry a year: "NQWMI 13.", "09 PTCA", "CVA 74'", "'13 stent"
_EVENTS = (r"(?:mi|nqwmi|imi|ami|stemi|nstemi|cva|tia|cabg|cabgx\d|ptca|pci|stents?|dvt|pe|chf|ca|cancer|surgery|"
           r"appy|appendectomy|chole|cholecystectomy|tah|thr|tkr|orif|fx|fracture|hernia|repair|turp|avr|mvr|ppm|"
           r"aicd|pacemaker|icd|lumpectomy|mastectomy|colectomy|nephrectomy|resection|transplant|amputation|"
           r"cath|angioplasty|ablation|dx|diagnosed|niddm|iddm|dm|htn|copd|pna|pneumonia|sepsis|seizure|stroke)")
_EVENT_BEFORE = re.compile(r"(?i)(?<![\w/])" + _EVENTS + r"[ \t]*[:,-]?[ \t]*$")
_EVENT_AFTER = re.compile(r"(?i)[ \t]*[:,-]?[ \t]*" + _EVENTS + r"\b")
_BARE_YEAR = re.compile(r"(?i)(?<![\w./%'’+-])\d{2}(?![\w%/'’]|\.\d|\s*(?:%|mg|mcg|cm|mm|ml|cc|kg|lbs?|yrs?|years?|"
                        r"y/?o|pack|pk|ppd|units?|hrs?|hours?|days?|wks?|weeks?|months?|mos?|x\b))")
_MEASURE_BEFORE = re.compile(r"(?i)\b(?:ef|lvef|hr|bp|sbp|rr|temp|t|cr|bun|k|na|hct|hgb|plt|wbc|inr|ptt|bmi|a1c|"
                             r"age|aged|x|of|gcs|grade|class|stage|type|fr|french|size|#|no|nyha)\s*[:=]?\s*$")
# a clause break: blockers ("pain", "s/s") before it do not reach a date after it
_CLAUSE = re.compile(r"[\n;]|\.\s")
_DATE_PHRASES = re.compile(r"\b(?i:am|pm|morning|night|evening|eve|afternoon|day|week|weekend|noc|night)\s+of\s*$")
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
    description = "a date more specific than a year"

    def _blocked(self, text: str, start: int, end: int) -> bool:
        if _DATE_PHRASES.search(text, max(0, start - 16), start):
            return False  # "on am of 8/28"
        cut = max((m.end() for m in _CLAUSE.finditer(text, max(0, start - 60), start)), default=max(0, start - 60))
        text_before = text[cut:start]
        raw_before = words_before(text_before, len(text_before), 1)
        if raw_before and raw_before[0] in _DATE_VERBS:
            return False  # "IABP d/c 7/26", "dc'd 8/22": a discontinuation date
        before = [w for word in words_before(text_before, len(text_before), 2) for w in word.split("/")]
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

    def _history_years(self, text: str):
        """"PMH: CAD: NQWMI 13. ... 09 PTCA to LCX": in a past-history section a two-digit number
        next to a diagnosis or procedure abbreviation is the year it happened."""
        for section in _HISTORY.finditer(text):
            end = text.find("\n\n", section.end())
            end = min(len(text), section.end() + 400) if end < 0 else min(end, section.end() + 400)
            for m in _BARE_YEAR.finditer(text, section.end(), end):
                before = text[max(section.end(), m.start() - 12):m.start()]
                after = text[m.end():m.end() + 12]
                if _MEASURE_BEFORE.search(before):
                    continue  # "EF 50", "HR 80"
                if _EVENT_BEFORE.search(before) or _EVENT_AFTER.match(after):
                    yield self.span(m.start(), m.end(), 0.5)

    def find(self, text):
        has_digit = contains_digit(text)
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
            found: list[tuple[int, int]] = []
            deferred: list[tuple[int, int]] = []
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
                if scoreish and b == 5 and (a, b) not in _COMMON_FRACTIONS and not _SCORE_CONTEXT.search(
                        text, max(0, m.start() - 50), min(len(text), m.end() + 40)) and \
                        not _FRACTION_OF.match(text, m.end()):
                    scoreish = False  # "diaphoresis 3/5 at rehab": n/5 is a strength grade only near motor words
                if text[max(0, m.start() - 1):m.start()] == "#":
                    continue
                if scoreish and not (set(words_before(text, m.start(), 1)) & _DATE_CUES) and \
                        not ((a, b) not in _COMMON_FRACTIONS and _ENTRY_START.search(text, max(0, m.start() - 8), m.start())):
                    deferred.append((m.start(), m.end()))
                    continue
                found.append((m.start(), m.end()))
                yield self.span(m.start(), m.end(), 0.7)
            # "rec'd 8/2 - 8/10", "8/9 or 8/10": a score-like pair next to a date is a date
            for start, end in deferred:
                if any(_RANGE.fullmatch(text[e:start]) or _RANGE.fullmatch(text[end:s0]) for s0, e in found):
                    yield self.span(start, end, 0.6)
            for m in _ODD_DATE.finditer(text):
                a, b = int(m.group(1)), int(m.group(2))
                pair_ok = 1 <= a <= 12 and 1 <= b <= 31
                second_ok = m.group(4) is None or (1 <= int(m.group(4)) <= 12 and 1 <= int(m.group(5)) <= 31)
                if pair_ok and second_ok and not self._blocked(text, m.start(), m.end()) and \
                        not self._ventilator(text, m.start(), m.end(), a, b):
                    yield self.span(m.start(), m.end(), 0.6)  # "11/21.93", "10/03/10/04"
            low = text.lower()
            if ("pmh" in low or "psh" in low or "history" in low) and _HISTORY.search(text):
                yield from self._history_years(text)
            for m in (_APOS_YEAR.finditer(text) if "'" in text or "’" in text else ()):
                if m.group(0)[0].isdigit() and re.search(r"(?i)(?:\b(?:hob|x|at|of|to|by|elevated|degrees?|>|<)|[<>=~])\s*$",
                                                         text[max(0, m.start() - 12):m.start()]):
                    continue  # "HOB 30'", "X 30'": degrees and minutes
                yield self.span(m.start(), m.end(), 0.5)
            for m in _GLUED_CUE.finditer(text):
                a, b = int(m.group(1)), int(m.group(3))
                if (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31):
                    yield self.span(m.start(1), m.end(), 0.7, why="a date glued to the word before it")
            for m in _ORDINAL.finditer(text):
                if _ORDINAL_CUE.search(text, max(0, m.start() - 16), m.start()) and _ORDINAL_END.match(text, m.end()):
                    yield self.span(m.start(), m.end(), 0.6)
            for m in _MY.finditer(text):
                year = m.group(2)
                if len(year) == 2 and int(year) <= 31:
                    continue  # that is m/d, handled above
                if m.start() and text[m.start() - 1].isalpha() and text[m.end():m.end() + 1] == "%":
                    continue  # "RA4/96%": a saturation glued to its label
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
        for m in _month_alone().finditer(text):
            month = m.group(1)
            bare = month.rstrip(".").lower()
            if bare in ("may", "mai", "mar", "mars") or (bare == "march" and month.islower()):
                continue  # "in may", "in march" are usually verbs
            if len(bare) <= 3 and not (month[:1].isupper() and (month[1:2].islower() or text.isupper())):
                continue  # "no change in dec", "jun"
            yield self.span(m.start(1), m.end(1), 0.55)
        # Holidays pin a day of the year; weekdays alone do not (not a Safe Harbor date element).
        for m in _holiday_pattern().finditer(text):
            yield self.span(m.start(), m.end(), 0.6)


_HOLIDAY: re.Pattern[str] | None = None
_MONTH_ALONE: re.Pattern[str] | None = None
_RANGE = re.compile(r"\s*(?:-|–|to|or|and|&|,|thru|through)\s*", re.I)


def _month_alone() -> re.Pattern[str]:
    """"in sept.", "since January", "late Oct": a month (with the year implied) after a time preposition."""
    global _MONTH_ALONE
    if _MONTH_ALONE is None:
        _MONTH_ALONE = re.compile(r"\b(?i:in|since|during|until|till|by|early|late|mid|mid-|last|this|next|of|"
                                  r"before|after|from|through|thru)[ \t]+(?:(?i:early|late|mid)[ \t-]+)?(" + _month_pattern() +
                                  r")(?![\w'’-]|\.\w|\s+\d)", re.I)
    return _MONTH_ALONE


def _holiday_pattern() -> re.Pattern[str]:
    global _HOLIDAY
    if _HOLIDAY is None:
        words = sorted(word_set("holidays"), key=len, reverse=True)
        _HOLIDAY = re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\b", re.I)
    return _HOLIDAY
