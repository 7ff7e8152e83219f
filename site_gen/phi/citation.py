"""The parts of a Vancouver-style citation that look like personal information but are not.

`allowed_spans(citation)` gives (start, end, categories): the author list at the start ("Smith
AB, Jones CD, et al."), the publication year and month, volume, issue and pages, DOI and
PubMed identifiers.  A finding lying wholly inside one, of one of its categories, is not
reported; everything else in the citation is (see data/citation.yml).
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

Allowed = tuple[int, int, frozenset[str]]
# a surname may read as a place to the model ("Berg", "Nguyen-Tran"); the author shape holds no
# digits or street words, so a real address cannot hide there
_AUTHOR_CATEGORIES = frozenset({"NAME", "INITIALS", "ADDRESS"})
_SEPARATOR = re.compile(r"[,.;]")


@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[str], frozenset[str], tuple[tuple[re.Pattern, frozenset[str]], ...]]:
    data = yaml.safe_load(resources.files("site_gen.phi").joinpath("data", "citation.yml").read_text("utf-8"))
    allowed = tuple((re.compile(rule["pattern"], re.IGNORECASE), frozenset(rule["categories"]))
                    for rule in data["allowed"])
    return frozenset(data["particles"]), frozenset(w.lower().rstrip(".") for w in data["et_al"]), allowed


def _is_initials(word: str) -> bool:
    letters = word.replace("-", "")
    return 1 <= len(letters) <= 4 and letters.isalpha() and letters.isupper()


def _is_surname_word(word: str, particles: frozenset[str]) -> bool:
    if word.lower() in particles:
        return True
    core = word.replace("-", "").replace("'", "").replace("\u2019", "")
    return bool(core) and core.isalpha() and word[0].isupper()


def is_author(chunk: str) -> bool:
    """'Smith AB', 'van der Berg J', 'Nguyen-Tran TH': surname words then initials."""
    particles, _, _ = _rules()
    words = chunk.split()
    if not 2 <= len(words) <= 6 or not _is_initials(words[-1]):
        return False
    surname = words[:-1]
    return all(_is_surname_word(w, particles) for w in surname) and any(w[0].isupper() for w in surname)


def author_list_end(text: str) -> int:
    """Offset just after the author list that opens a citation (0: none)."""
    _, et_al, _ = _rules()
    position, end = 0, 0
    while True:
        separator = _SEPARATOR.search(text, position)
        stop = separator.start() if separator else len(text)
        chunk = text[position:stop].strip()
        if chunk.lower().rstrip(".") in et_al:
            end = stop
            break
        if not is_author(chunk):
            break
        end = stop
        if separator is None or separator.group() != ",":
            break
        position = separator.end()
    return end


_YEAR_VOLUME = re.compile(r"\b(?:1[89]|20)\d{2}(?:\s+[A-Za-z]{3,9}(?:\s+\d{1,2})?)?\s*;\s*\d")
_JOURNAL_CATEGORIES = frozenset({"NAME", "INITIALS", "INSTITUTION", "ADDRESS"})


def journal_span(text: str, after: int) -> tuple[int, int] | None:
    """The journal title: the sentence just before 'Year;Volume' ('J Am Soc Echocardiogr. 2015;28')."""
    match = _YEAR_VOLUME.search(text, after)
    if not match:
        return None
    end = match.start()
    while end > after and text[end - 1] in " .":
        end -= 1
    boundary = text.rfind(". ", after, end)
    start = boundary + 2 if boundary != -1 else after
    if end - start > 120 or start >= end:  # a journal title is short; anything longer is not one
        return None
    return start, end


def allowed_spans(text: str) -> list[Allowed]:
    _, _, rules = _rules()
    spans: list[Allowed] = []
    end = author_list_end(text)
    if end:
        spans.append((0, end, _AUTHOR_CATEGORIES))
        journal = journal_span(text, end)
        if journal:
            spans.append((*journal, _JOURNAL_CATEGORIES))
    for pattern, categories in rules:
        spans.extend((m.start(), m.end(), categories) for m in pattern.finditer(text))
    return spans
