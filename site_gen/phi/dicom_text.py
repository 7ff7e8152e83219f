"""The free-text check of kept DICOM attribute values, shared by the guard and the de-identifier.

`spans_for(keyword, value)` is the text detector's spans with the exceptions of
`data/dicom-text-rules.yml`: company, product and version names in equipment attributes, and
"^"-joined protocol paths in descriptors, are not reported as names (see the data file for the
reasoning).  Everything else the detector finds is kept.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from .finding import Category, Span
from .ocr import text_spans

_NAMEISH = {Category.NAME, Category.INITIALS, Category.INSTITUTION}
_PRODUCT_WORD = re.compile(r"(?=.*\d)(?=.*[A-Za-z])|[a-z][A-Z]|[A-Z]{2,}[a-z]")


@lru_cache(maxsize=1)
def _rules() -> dict:
    text = resources.files("site_gen.phi").joinpath("data/dicom-text-rules.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def _manufacturer_words() -> frozenset[str]:
    return frozenset(str(w).lower() for w in _rules()["manufacturer_words"])


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    words = frozenset(str(w).lower() for w in _rules()["protocol_words"])
    try:
        from .text.lexicon import radiology_vocabulary
        return words | frozenset(radiology_vocabulary())
    except Exception:  # noqa: BLE001 - the text package's list is a bonus, not a requirement
        return words


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\^,;/()\[\]'\"_\-]+", text) if w]


def _is_company_or_product(text: str) -> bool:
    words = _words(text)
    return bool(words) and all(w.lower().strip(".") in _manufacturer_words() or w.lower() in _manufacturer_words()
                               or _PRODUCT_WORD.search(w) for w in words)


def _is_protocol_path(text: str) -> bool:
    if "^" not in text:
        return False
    words = [w.lower() for w in _words(text) if any(c.isalpha() for c in w)]
    vocabulary = _vocabulary()
    return bool(words) and all(w in vocabulary or w.isdigit() for w in words)


def spans_for(keyword: str, value: str, *, coded: bool = False) -> list[Span]:
    """Spans of identifying text in one kept attribute value.  `coded` (CS, AE: upper case by
    definition): the value is also read in title case, where a name looks like a name."""
    spans = text_spans(value)
    if coded and value.isupper():
        seen = {(s.start, s.end, s.category) for s in spans}
        spans += [s for s in text_spans(value.title()) if (s.start, s.end, s.category) not in seen]
    equipment = _rules()["equipment"].get(keyword)
    descriptor = keyword in _rules()["descriptors"]
    if not equipment and not descriptor:
        return spans
    kept = []
    for span in spans:
        raw = value[span.start:span.end]
        if equipment:
            if span.category.value in equipment["not_applied"]:
                continue
            if span.category in _NAMEISH and _is_company_or_product(raw):
                continue
        if descriptor and span.category is Category.NAME and _is_protocol_path(raw):
            continue
        kept.append(span)
    return kept
