"""Undo Unicode tricks before detection, keeping a map back to the original offsets.

Why: "J\u200bohn", full-width "０２０ ７９４６", Arabic-Indic or Devanagari digits "١٢/٠٣/٢٠٢٤", Cyrillic "Jаne", dates and phone numbers written
with en dashes or U+2010 hyphens (what word processors insert: "12\u201303\u20132019") and
spaced-out digits ("0 2 0  7 9 4 6  0 9 5 8") look like PHI to a reader but slip past ASCII
regexes.  We fold them to plain text and remember, for every character of the folded text,
where it came from.  Runs of more than eight whitespace characters are cut to eight, so no
pattern ever has to walk a long run of blanks (keeps every recognizer linear).
"""
from __future__ import annotations

import unicodedata
import re
from dataclasses import dataclass
from functools import lru_cache

# Removed outright: zero-width space/joiners, word joiner, BOM, soft hyphen, bidi marks.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2061\u2062\u2063\u2064\u180e")

# Cyrillic and Greek letters that render like Latin ones (Unicode confusables, the common subset).
_HOMOGLYPHS = {
    # Cyrillic lower / upper
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g",
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ї": "I", "Ј": "J", "Һ": "H",
    "Ԛ": "Q", "Ԝ": "W",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ι": "i", "κ": "k", "ν": "v",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "α": "a",
}


@dataclass(frozen=True)
class Normalized:
    """Folded text plus `origin[i]` = offset in the original text of folded char i."""

    text: str
    origin: tuple[int, ...] | None  # None: identical to the original (fast path)
    original_length: int
    origin_end: tuple[int, ...] | None = None  # end (exclusive) in the original of folded char i

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded [start, end) span to the original text."""
        if self.origin is None:
            return start, end
        if end <= start:
            pos = self.origin[start] if start < len(self.origin) else self.original_length
            return pos, pos
        return self.origin[start], self.origin_end[end - 1]


# Dashes (Unicode category Pd, the minus sign, small and full-width forms) read as "-"; fraction and
# division slashes as "/"; every kind of space as " ".
_SLASHES = frozenset("\u2044\u2215\u29f8")
_MINUS = frozenset("\u2212\u2043\u02d7\u2796")
_MAX_BLANKS = 8
# a run of single digits each apart from the next ("1 4 / 0 3 / 2 0 1 9", "0 2 0  7 9 4 6"): 6+ digits
_SPACED_DIGITS = re.compile(r"(?<![\w])\d(?:(?:[ \t]{1,3}|[ \t]{0,3}[/.\-][ \t]{0,3})\d(?!\d)){5,}")
_NEEDS_WORK = re.compile(r"\s{9}|(?<![\w])\d[ \t]{1,3}\d[ \t]{1,3}\d")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    digit = unicodedata.decimal(ch, None)
    if digit is not None:  # Arabic-Indic, Persian, Devanagari, Bengali, Thai... digits: one each
        return str(digit)
    if ch in _SLASHES:
        return "/"
    if ch in _MINUS or unicodedata.category(ch) == "Pd":
        return "-"
    if unicodedata.category(ch) == "Zs":
        return " "
    folded = unicodedata.normalize("NFKC", ch)
    return "".join("-" if unicodedata.category(c) == "Pd" else _HOMOGLYPHS.get(c, c)
                   for c in folded if c not in _INVISIBLE)


def normalize(text: str) -> Normalized:
    if text.isascii() and not _NEEDS_WORK.search(text):
        return Normalized(text, None, len(text))
    out: list[str] = []
    origin: list[int] = []
    ends: list[int] = []
    if text.isascii():  # only blanks or spaced digits to squeeze
        out, origin, ends = list(text), list(range(len(text))), list(range(1, len(text) + 1))
        out, origin, ends = _squeeze(out, origin, ends)
        return Normalized("".join(out), tuple(origin), len(text), tuple(ends))
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch)
            origin.append(i)
            ends.append(i + 1)
            continue
        folded = _fold_char(ch)
        if not folded:
            continue
        if unicodedata.combining(folded[0]) and out:
            # A combining accent: attach it to the previous character (keeps "é" one letter).
            merged = unicodedata.normalize("NFC", out[-1] + folded)
            if len(merged) == 1:
                out[-1] = merged
                ends[-1] = i + 1
                continue
        for c in folded:
            out.append(c)
            origin.append(i)
            ends.append(i + 1)
    out, origin, ends = _squeeze(out, origin, ends)
    return Normalized("".join(out), tuple(origin), len(text), tuple(ends))


def _squeeze(out: list[str], origin: list[int], ends: list[int]) -> tuple[list[str], list[int], list[int]]:
    """Drop the blanks inside spaced-out digits (a gap of two or three blanks stays one space) and
    cut whitespace runs to _MAX_BLANKS characters."""
    drop: set[int] = set()
    folded = "".join(out)
    for m in _SPACED_DIGITS.finditer(folded):
        for gap in re.finditer(r"[ \t]+", m.group(0)):
            start = m.start() + gap.start()
            drop.update(range(start + (1 if len(gap.group(0)) > 1 and not _beside_separator(folded, start, gap.end() + m.start()) else 0),
                              m.start() + gap.end()))
    run = 0
    for i, c in enumerate(out):
        run = run + 1 if c.isspace() else 0
        if run > _MAX_BLANKS:
            drop.add(i)
    if not drop:
        return out, origin, ends
    keep = [i for i in range(len(out)) if i not in drop]
    return [out[i] for i in keep], [origin[i] for i in keep], [ends[i] for i in keep]


def _beside_separator(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1] in "/.-") or (end < len(text) and text[end] in "/.-")
