"""False-positive filters: small named heuristics in the manner of detect-secrets' filters.

Each takes the (normalised) text and a match's [start, end) and returns True when the match is
NOT an identifier.  A recognizer lists the filters it applies, so every dropped match has a name.
"""
from __future__ import annotations

import re

from ..lexicon import allowed_geography, alternation, is_english_word, names, word_set

_RANGE = re.compile(r"\(?(\d{3,4})\)?\s?-\s?(\d{4})")
_CLOCK = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d")
_DIGIT_GROUP = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_MEASURE_WORDS = frozenset({"the", "to", "between", "from", "range", "volumes", "volume", "vols", "vt", "tv",
                            "svr", "hr", "bp", "approx", "approximately", "about"})
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W{0,3}$")
_PHONE_WORD: re.Pattern[str] | None = None
# words right before digit groups that make them a phone number: "call me on 9472 7916"
_WEAK_CUES = re.compile(
    r"(?:\b(?:call(?:ed|ing)?|ring|reach(?:ed)?|text|txt|sms|dial(?:ed)?|phone|number|answering|messages?|"
    r"contact(?:ed)?|fax(?:ed)?|me|us|him|her|them|on|at|to|is|\#)\s*[:\-]?\s*|\()$", re.I)


def _phone_word() -> re.Pattern[str]:
    global _PHONE_WORD
    if _PHONE_WORD is None:
        _PHONE_WORD = re.compile(r"\b(?:" + alternation("phone_context") + r")\b\W{0,4}$", re.I)
    return _PHONE_WORD


def measurement_range(text: str, start: int, end: int) -> bool:
    """A low-high range of a measurement ("VT 900-1300"), not a 7-digit number: the second part is
    larger than the first but not three times larger, after a measurement word and no phone word."""
    m = _RANGE.fullmatch(text[start:end].strip())
    if not m:
        return False
    low, high = int(m.group(1)), int(m.group(2))
    if not low < high <= 3 * low:
        return False
    before = text[max(0, start - 24):start]
    if _phone_word().search(before):
        return False
    prev = _WORD_BEFORE.search(before)
    if not prev:
        return False
    word = prev.group(1)
    return (word.isupper() and len(word) <= 4) or word.lower() in _MEASURE_WORDS


def clock_time(text: str, start: int, end: int) -> bool:
    """"12:30", "7.45": a time or a score, not a number to call."""
    return re.fullmatch(r"\d{1,2}[:.]\d{2}", text[start:end].strip()) is not None


def decimal_measure(text: str, start: int, end: int) -> bool:
    """"PH 7.44-7.46": a value with two decimals is a measurement, not an extension."""
    return re.search(r"\d\.\d{2}\b", text[start:end]) is not None


_VALUE_BEFORE = re.compile(r"\d\.\d+\s?([-/])\s?$")


def value_series(text: str, start: int, end: int) -> bool:
    """"pH 7.37 - 33 - 98 - 20": numbers that continue a series of measurements begun by a
    decimal value and joined by the same separator (a blood gas, a set of labs), not a number to call."""
    m = _VALUE_BEFORE.search(text, max(0, start - 12), start)
    return m is not None and m.group(1) in text[start:end]


def years_only(text: str, start: int, end: int) -> bool:
    """"1998 2004": years side by side."""
    return all(_YEAR.fullmatch(g) for g in _DIGIT_GROUP.findall(text[start:end]))


def clock_then_value(text: str, start: int, end: int) -> bool:
    """"AT 1800 116": a clock time and a value."""
    value = text[start:end]
    groups = _DIGIT_GROUP.findall(value)
    return len(groups) == 2 and _CLOCK.fullmatch(groups[0]) is not None and len(groups[1]) <= 4 and "-" not in value


def loose_digit_groups(text: str, start: int, end: int) -> bool:
    """Digit groups are a phone number only with three wide groups or a calling word before them."""
    groups = _DIGIT_GROUP.findall(text[start:end])
    digits = sum(len(g) for g in groups)
    wide = sum(len(g) >= 3 for g in groups)
    if len(groups) >= 3 and digits >= 8 and wide >= 2:
        return False
    return not _WEAK_CUES.search(text[max(0, start - 16):start])


_SPINE_LEVEL = re.compile(r"(?<![\w])[CTLS]$")
_LEVEL_NUMBERS = re.compile(r"[\d\s,/-]+")


def spine_levels(text: str, start: int, end: int) -> bool:
    """"T10 11 12", "C5 6 7": vertebral levels after a spine letter, not a date."""
    value = text[start:end]
    if not _LEVEL_NUMBERS.fullmatch(value) or not _SPINE_LEVEL.search(text[max(0, start - 2):start]):
        return False
    return all(int(n) <= 12 for n in re.findall(r"\d+", value))


def allowed_geography_only(text: str, start: int, end: int) -> bool:
    """"lives in Texas", "from Brazil": a state, province or country alone, which Safe Harbor
    allows (geography-allowed.txt, regions.tsv); a town or a street is never on that list."""
    words = re.sub(r"[^\w\s'-]", " ", text[start:end]).split()
    return bool(words) and " ".join(words).lower() in allowed_geography()


_KEY_BEFORE = re.compile(r"([A-Za-z_]+)\s*[:=]\s*\{?\s*$")


def setting_value(text: str, start: int, end: int) -> bool:
    """"center: 11000", "width=400": a bare number given as the value of a setting is not a postal
    code unless the setting is one ("zip: ...")."""
    if not text[start:end].strip().isdigit():
        return False
    line_start = text.rfind("\n", 0, start) + 1
    key = _KEY_BEFORE.search(text[line_start:start])
    return key is not None and key.group(1).lower() not in word_set("postal_setting_keys")


def lower_case_words(text: str, start: int, end: int) -> bool:
    """"date, editor and...": ordinary lower-case English words that are no one's first name or
    surname are not a name, however name-like their neighbours make them."""
    words = re.findall(r"[^\W\d_]+", text[start:end])
    if not words or any(not w.islower() or not is_english_word(w) for w in words):
        return False
    table = names()
    return all((info := table.get(w)) is None or info.word for w in words)
