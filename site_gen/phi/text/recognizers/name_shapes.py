"""Name shapes that need no word lists: DICOM person names (FAMILY^GIVEN^MIDDLE) and dotted
initials after a cue ("initials J.S.") or before a capitalised word."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import word_set
from .base import Pattern, PatternRecognizer

# DICOM PN: FAMILY^GIVEN^MIDDLE^PREFIX^SUFFIX, no spaces around the carets; the family and given
# names begin and end with a letter (a caret in shorthand, "bp^'ing", "gi-^gastric", is "up")
_L = "A-Za-z\u00C0-\u024F"
_DICOM_NAME = re.compile(rf"(?<![\w^'’-])[{_L}][{_L}'’-]{{0,38}}[{_L}]\^[{_L}](?:[{_L}'’-]{{0,38}}[{_L}])?"
                         rf"(?:\^[{_L}'’.-]{{0,20}}){{0,3}}(?![\w^])")
_DOTTED_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){2,3}(?![\w])")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*")
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")


class DicomNameRecognizer(PatternRecognizer):
    """DICOM PN: FAMILY^GIVEN^MIDDLE^PREFIX^SUFFIX, no spaces around the carets."""

    name = "person_name"
    category = Category.NAME
    gate = "^"
    _patterns = (Pattern("DICOM person name FAMILY^GIVEN", _DICOM_NAME, 0.95),)

    def patterns(self):
        return self._patterns

    def validate(self, value: str, pattern: Pattern) -> float | None:
        return pattern.score if _TWO_LETTERS.search(value) else None


class DottedInitialsRecognizer(PatternRecognizer):
    """"J.S.": initials, when a cue word stands before them or a capitalised word follows
    ("C.O.", "G.I." alone are note shorthand)."""

    name = "person_name"
    category = Category.INITIALS
    _patterns = (Pattern("dotted initials", _DOTTED_INITIALS, 0.5),)

    def __init__(self) -> None:
        self.exceptions = word_set("initials_exceptions")
        # "per H.O.", "given by R.T.": a role or credential spelt with dots is the person's job
        self.jobs = frozenset(w for w in word_set("roles") | word_set("credentials") if w.isalpha())
        self.cues = word_set("titles") | word_set("relations") | {"initials", "patient", "pt", "by", "name"}
        self.filters = (self.abbreviation, self.no_cue)

    def patterns(self):
        return self._patterns

    def abbreviation(self, text: str, start: int, end: int) -> bool:
        """A dotted abbreviation ("e.g.", "p.r.n.", "U.S.") or job ("H.O.", "R.N."), not initials."""
        dotted = text[start:end].strip().lower().replace(" ", "")
        return dotted in self.exceptions or dotted.replace(".", "") in self.jobs

    def no_cue(self, text: str, start: int, end: int) -> bool:
        before = [w.lower() for w in _WORD.findall(text[max(0, start - 30):start])][-2:]
        rest = end + (1 if text[end:end + 1] == " " else 0)
        after = _WORD.match(text, rest)
        named = after is not None and after.group(0)[:1].isupper() and not after.group(0).isupper()
        return not (set(before) & self.cues or named)

    def find(self, text):
        for span in super().find(text):
            value = text[span.start:span.end]
            stripped = value.rstrip()
            yield self.span(span.start, span.start + len(stripped), span.score, why="dotted initials")
