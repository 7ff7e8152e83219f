"""Undo Unicode tricks before detection, keeping a map back to the original offsets.

Why: "J\u200bohn", full-width "０２０ ７９４６" and Cyrillic "Jаne" look like PHI to a reader
but slip past ASCII regexes.  We fold them to plain text and remember, for every character of
the folded text, where it came from.
"""
from __future__ import annotations

import unicodedata
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


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    return "".join(_HOMOGLYPHS.get(c, c) for c in folded if c not in _INVISIBLE)


def normalize(text: str) -> Normalized:
    if text.isascii():
        return Normalized(text, None, len(text))
    out: list[str] = []
    origin: list[int] = []
    ends: list[int] = []
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
    return Normalized("".join(out), tuple(origin), len(text), tuple(ends))
