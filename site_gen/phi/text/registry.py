"""The list of text recognizers and the code that runs them all and merges their spans."""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from site_gen.phi.finding import Category, Span

from .lexicon import (allowed_geography, medical_words, not_name_words, drug_names, eponyms, is_english_word, month_lookup, radiology_vocabulary,
                      word_set)
from .recognizers.address import AddressRecognizer
from .recognizers.age import AgeRecognizer
from .recognizers.base import Recognizer
from .recognizers.context_id import context_id_recognizers
from .recognizers.date import DateRecognizer
from .recognizers.email import EmailRecognizer
from .recognizers.id_number import IdNumberRecognizer
from .recognizers.institution import InstitutionRecognizer
from .recognizers.name_shapes import DicomNameRecognizer, DottedInitialsRecognizer
from .recognizers.person_name import PersonNameRecognizer
from .recognizers.phone import PhoneRecognizer
from .recognizers.url_ip import UrlIpRecognizer

RECOGNIZER_CLASSES: tuple[type[Recognizer], ...] = (
    EmailRecognizer, UrlIpRecognizer, PhoneRecognizer, IdNumberRecognizer, DateRecognizer,
    AgeRecognizer, AddressRecognizer, InstitutionRecognizer, PersonNameRecognizer, DicomNameRecognizer,
    DottedInitialsRecognizer,
)


@lru_cache(maxsize=1)
def recognizers() -> tuple[Recognizer, ...]:
    """One instance of each recognizer, built once (their data loads on first use)."""
    return tuple(cls() for cls in RECOGNIZER_CLASSES) + context_id_recognizers()


def run_all(text: str) -> list[Span]:
    spans: list[Span] = []
    for recognizer in recognizers():
        spans.extend(s for s in recognizer.find(text) if s.end > s.start)
    merged = merge(spans)
    return merge(merged + _repeats(text, spans, merged))


_PROPAGATE = (Category.NAME, Category.INSTITUTION, Category.ADDRESS)
_NAME_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{4,}(?![^\W\d_])")


def _repeats(text: str, spans: list[Span], merged: list[Span]) -> list[Span]:
    """A name found once marks its other mentions in the same text: "DR VASCONI ... W. VASCONI
    AWARE", "transfer to Brackenridge 3 ... F-MICU/BRACKENRIDGE/CCU".  Only words no dictionary
    knows (not English, clinical, geography or month words) are carried over."""
    words: dict[str, Category] = {}
    lower_source: set[str] = set()
    for span in spans:
        if span.category not in _PROPAGATE or span.score < (0.7 if span.category == Category.NAME else 0.6):
            continue
        for m in _NAME_WORD.finditer(text, span.start, span.end):
            lower = m.group(0).lower()
            if _carried(lower):
                words.setdefault(lower, span.category)
                if m.group(0).islower():
                    lower_source.add(lower)
    if not words:
        return []
    covered_starts = [s.start for s in merged]  # merged spans are sorted and disjoint
    covered_ends = [s.end for s in merged]
    out = []
    low = text.lower()
    for lower, category in words.items():
        pos = low.find(lower)
        while pos >= 0:
            end = pos + len(lower)
            word = text[pos:end]
            if not (pos and (low[pos - 1].isalpha())) and not (end < len(low) and low[end].isalpha()) \
                    and not _inside(pos, covered_starts, covered_ends) \
                    and not (word.islower() and lower not in lower_source):  # "Xxxxx" found: not every "xxxxx"
                out.append(Span(pos, end, category, "repeat", 0.5, "another mention of a name or place found in this text"))
            pos = low.find(lower, end)
    return out


def _inside(pos: int, starts: list[int], ends: list[int]) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and pos < ends[i]


@lru_cache(maxsize=4096)
def _carried(word: str) -> bool:
    if not word.strip("x") or is_english_word(word) or word in radiology_vocabulary() or word in drug_names() \
            or word in medical_words() \
            or word in allowed_geography() or word in month_lookup():
        return False
    return word not in _blocked_words()


@lru_cache(maxsize=1)
def _blocked_words() -> frozenset[str]:
    return (not_name_words() | word_set("stopwords") | word_set("titles") | word_set("credentials")
            | word_set("relations") | word_set("not_places") | word_set("languages") | eponyms()[0] | eponyms()[1])


def merge(spans: list[Span]) -> list[Span]:
    """Merge overlapping spans into their union; the strongest (then longest) names the category."""
    if not spans:
        return []
    spans = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    group = [spans[0]]
    end = spans[0].end
    for span in spans[1:]:
        if span.start < end:
            group.append(span)
            end = max(end, span.end)
            continue
        merged.append(_union(group, end))
        group, end = [span], span.end
    merged.append(_union(group, end))
    return merged


def _union(group: list[Span], end: int) -> Span:
    best = max(group, key=lambda s: (s.score, s.end - s.start))
    return Span(group[0].start, end, best.category, best.detector, best.score, best.why)
