"""The one small interface every text recognizer shares, plus context helpers."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from site_gen.phi.finding import Category, Span

_WORD = re.compile(r"[^\W_]+(?:[/'’-][^\W_]+)*|#")


class Recognizer:
    """A detector for one category: `find` gets normalised text and yields spans in it."""

    name: str = "recognizer"
    category: Category = Category.CANNOT_VERIFY

    def find(self, text: str) -> Iterable[Span]:  # pragma: no cover - interface
        raise NotImplementedError

    def span(self, start: int, end: int, score: float = 1.0, category: Category | None = None) -> Span:
        return Span(start, end, category or self.category, self.name, score)


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
    upper = lower = title = 0
    for w in _CASE_WORD.findall(text):
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
