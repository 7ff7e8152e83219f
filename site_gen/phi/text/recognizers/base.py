"""The one interface every text recognizer shares, a declarative pattern recognizer, and context helpers.

`PatternRecognizer` follows Microsoft Presidio's PatternRecognizer: a recognizer is a list of
named patterns with a score each, optional context words that raise the score when they stand
just before a match, a validator (checksums, plausible ranges) and false-positive filters in the
manner of detect-secrets' heuristic filters (small named functions in filters.py).  Every span
carries `why`: the pattern's name plus what raised or confirmed it, never the value itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from site_gen.phi.finding import Category, Span

_WORD = re.compile(r"[^\W_]+(?:[/'’-][^\W_]+)*|#")

# A filter gets the text and a match's span and returns True when the match is a false positive.
Filter = Callable[[str, int, int], bool]


class Recognizer:
    """A detector for one category: `find` gets normalised text and yields spans in it."""

    name: str = "recognizer"
    category: Category = Category.CANNOT_VERIFY
    description: str = ""  # the default `why` of its spans

    def find(self, text: str) -> Iterable[Span]:  # pragma: no cover - interface
        raise NotImplementedError

    def span(self, start: int, end: int, score: float = 1.0, category: Category | None = None, why: str = "") -> Span:
        return Span(start, end, category or self.category, self.name, score, why or self.description or self.name)


@dataclass(frozen=True)
class Pattern:
    """One shape of an identifier: `name` says what it is ("ISO date"), `group` which part is reported."""

    name: str
    regex: re.Pattern[str]
    score: float
    group: int = 0
    filters: tuple[Filter, ...] = ()  # false-positive filters for this pattern only


class PatternRecognizer(Recognizer):
    """Patterns + context words + validator + named false-positive filters."""

    context_words: frozenset[str] = frozenset()
    context_boost: float = 0.1
    filters: tuple[Filter, ...] = ()
    gate: str | None = None  # a character the text must hold for any pattern to match ("@")

    def patterns(self) -> tuple[Pattern, ...]:  # pragma: no cover - interface
        raise NotImplementedError

    def validate(self, value: str, pattern: Pattern) -> float | None:
        """The score to report for a matched value (pattern.score by default), None to drop it."""
        return pattern.score

    def find(self, text: str) -> Iterable[Span]:
        if self.gate is not None and self.gate not in text:
            return
        for pattern in self.patterns():
            for m in pattern.regex.finditer(text):
                start, end = m.span(pattern.group)
                if start < 0 or end <= start:
                    continue
                score = self.validate(text[start:end], pattern)
                if score is None:
                    continue
                dropped = next((f for f in self.filters + pattern.filters if f(text, start, end)), None)
                if dropped is not None:
                    continue
                why = pattern.name
                if self.context_words:
                    cue = next((w for w in words_before(text, start, 3) if w in self.context_words), None)
                    if cue:
                        score, why = min(1.0, score + self.context_boost), f"{why} after a context word"
                yield self.span(start, end, score, why=why)


def words_before(text: str, pos: int, count: int = 3, window: int = 60) -> list[str]:
    """The last `count` words before `pos`, lower-case, nearest last."""
    chunk = text[max(0, pos - window):pos]
    return [w.lower() for w in _WORD.findall(chunk)][-count:]


def words_after(text: str, pos: int, count: int = 3, window: int = 60) -> list[str]:
    chunk = text[pos:pos + window]
    return [w.lower() for w in _WORD.findall(chunk)][:count]


_CASE_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")


def contains_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None


@lru_cache(maxsize=64)
def case_regime(text: str) -> str:
    """'caps' (shouting notes), 'lower' (no capitals used) or 'cased' (capitals carry meaning)."""
    return words_regime(_CASE_WORD.findall(text))


def words_regime(words: Iterable[str]) -> str:
    """case_regime of words already split (letters only)."""
    upper = lower = title = 0
    for w in words:
        if w.isupper():
            if len(w) > 1:
                upper += 1
        elif w.islower():
            lower += 1
        else:
            title += 1
    total = upper + lower + title
    if total and upper > 0.6 * total:
        return "caps"
    if total > 8 and title + upper <= max(1, 0.04 * total):
        return "lower"
    return "cased"
