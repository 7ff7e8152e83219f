"""Institution names: "St Mary's Hospital", "Calvert Hospital", "Harbor Hosp", "University of X
Medical Center", and hospital acronyms after a preposition ("transferred to GH")."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import alternation, drug_names, is_english_word, radiology_vocabulary, word_set
from .base import Recognizer, case_regime

_PUBLICATION_HEADS = frozenset({"imaging", "radiology", "diagnostics", "institute", "healthcare", "health care",
                                "medical group", "medical practice"})
_FUNCTION = frozenset({"of", "and", "&", "the", "for", "de", "la", "del", "di", "st", "st.", "saint", "san", "santa", "mt", "mount"})


class InstitutionRecognizer(Recognizer):
    name = "institution"
    category = Category.INSTITUTION

    def __init__(self) -> None:
        heads = alternation("institution_heads")
        # a head word; the name is read backwards from it (up to five words)
        self.head = re.compile(r"(?<=\s)(?:" + heads + r")\b", re.I)
        # "St Mary's", "Saint Agnes" even without a head word
        self.saint = re.compile(r"\b(?:St\.?|Saint|Sainte|Santa|San)\s+[A-Z][a-z'’]+(?:'s)?", re.U)
        self.acronym = re.compile(r"\b(?i:to|at|from|in|the|into|via|by)\s+(?i:the\s+)?([A-Z]{1,3}H|[A-Z]{1,4}MC|[A-Z]{1,3}VA|VAMC|VAH|[a-z]{1,3}h)\b(?![/-]\w)")

    def find(self, text):
        yield from self._wards(text)
        yield from self._known_names(text)
        generic = word_set("institution_generic")
        lower_text = text.islower() or text.isupper()
        for m in self.head.finditer(text):
            window_start = max(0, m.start() - 80)
            window = text[window_start:m.start()]
            tokens = list(re.finditer(r"\S+", window))[-5:]
            # walk back from the head while words look like part of a name
            kept: list[re.Match[str]] = []
            for pos, tok in enumerate(reversed(tokens)):
                w = tok.group(0)
                if any(c.isdigit() for c in w):
                    break  # "T2-weighted imaging", "3T MR imaging"
                if pos == 0 and w.endswith(".") and w.strip(".").lower() not in _FUNCTION:
                    break  # "Saini S. Imaging of ...", "Fleischner Society. Radiology. 2017": a citation
                bare = w.strip(".,;:()'’\"").lower()
                bare_poss = re.sub(r"(?:'s|’s)$", "", bare)
                if not bare or w[-1] in ",;:(" or not w[:1].isalpha():
                    break
                if bare in _FUNCTION and kept:
                    kept.append(tok)
                    continue
                if bare in generic or bare_poss in generic:
                    break
                if w[:1].islower() and not lower_text:
                    break
                kept.append(tok)
            while kept and kept[-1].group(0).strip(".").lower() in _FUNCTION - {"st", "st.", "saint", "san", "santa", "mt", "mount"}:
                kept.pop()
            names = [t.group(0).strip(".,;:'’") for t in kept if t.group(0).strip(".,").lower() not in _FUNCTION]
            name_start = window_start + kept[-1].start() if kept else 0
            if not names:
                continue
            journal = word_set("journal_words") | word_set("organisation_heads")
            if any(w.lower().strip(".") in journal for w in names) and m.group(0).lower() in _PUBLICATION_HEADS:
                continue  # "Eur J Nucl Med Mol Imaging", "European Association of Cardiovascular Imaging"
            if any(w.lower().strip(".") in word_set("organisation_heads") for w in names):
                continue  # "Society of Radiology", "College of ... Medicine"
            if lower_text and all(w.lower() in word_set("never_names_extra") for w in names):
                continue
            if all(is_english_word(w) for w in names):
                # "Further imaging", "holy cross hospital" in a lower-case note: ordinary words
                # only make a name when capitalised mid-sentence in cased text.
                start = name_start
                if lower_text or re.search(r"(?:^|[.!?:\n]\s*)$", text[max(0, start - 3):start]):
                    continue
            yield self.span(name_start, m.end(), 0.85)
        for m in self.saint.finditer(text):
            yield self.span(m.start(), m.end(), 0.6)
        exceptions = word_set("hospital_acronym_exceptions")
        for m in self.acronym.finditer(text):
            value = m.group(1)
            if value.lower() in exceptions or is_english_word(value):
                continue
            if value.islower() and not text.islower():
                continue  # lower-case acronyms only count in all-lower-case notes
            yield self.span(m.start(1), m.end(1), 0.6)

    def _known_names(self, text):
        """Names many hospitals share ("holy cross", "SACRED HEART") after a place preposition."""
        for m in _known_pattern().finditer(text):
            yield self.span(m.start(1), m.end(1), 0.7)

    def _wards(self, text):
        """Named wards and buildings: "transfer to Quartermain 2" (a non-word name plus a number)."""
        never = _never_wards()
        for m in _WARD.finditer(text):
            word = m.group(1)
            if word.lower() in never or is_english_word(word) or word.lower() in radiology_vocabulary() \
                    or word.lower() in drug_names() or _DOSE.match(text, m.end()):
                continue  # "on DOBUTA 5MCG", "cont on Zestril 40mg": a drug and its dose
            if not word[0].isupper() and not (text.islower() or case_regime(text) != "cased"):
                continue
            yield self.span(m.start(1), m.end(1), 0.6)


_WARD = re.compile(r"\b(?i:to|at|from|in|into|on)\s+([A-Za-z][a-z]{4,}|[A-Z]{5,})\s*\d{1,2}(?![\d:]|[./]\d{2})")
_DOSE = re.compile(r"[\d.]*\s*(?:(?i:mcgs?|mg|g|ml|cc|units?|u|meq|mmol)\b|%)")
_KNOWN: re.Pattern[str] | None = None
_NEVER_WARDS: frozenset[str] | None = None


def _never_wards() -> frozenset[str]:
    global _NEVER_WARDS
    if _NEVER_WARDS is None:
        _NEVER_WARDS = word_set("never_names_extra") | word_set("stopwords") | word_set("not_places")
    return _NEVER_WARDS


def _known_pattern() -> re.Pattern[str]:
    global _KNOWN
    if _KNOWN is None:
        names = sorted(word_set("hospital_names"), key=len, reverse=True)
        alts = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
        _KNOWN = re.compile(r"\b(?i:to|at|from|in|into|by|of|the|via)\s+(?:(?i:the)\s+)?((?i:" + alts + r"))(?![\w'’-])")
    return _KNOWN
