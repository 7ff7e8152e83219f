"""Street addresses, PO boxes, postal codes and places smaller than a state.

Countries and states are allowed (Safe Harbor), so the place heuristic skips
geography-allowed.txt; everything else needs an address shape or a cue ("lives in").
"""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import allowed_geography, alternation, eponyms, is_english_word, word_set
from .base import Recognizer, case_regime

_CAP = r"[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’.-]*"
_WORDISH = r"[\w\u00C0-\u024F][\w\u00C0-\u024F'’.-]*"

_US_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
              "NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR|"
              "NSW|VIC|QLD|WA|SA|TAS|ACT|NT|ON|QC|BC|AB|MB|SK|NS|NB|NL|PE")
_UK_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}|GIR\s?0AA)\b")
_PO_BOX = re.compile(r"\b(?:P\.?\s?O\.?\s*Box|Post\s+Office\s+Box|PSC|Box|Private\s+Bag|Locked\s+Bag|GPO\s+Box)\s*#?\s*\d+\b"
                     r"(?:,?\s*Box\s+\d+)?", re.I)
_MILITARY = re.compile(r"\b(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}\b", re.I)


class AddressRecognizer(Recognizer):
    name = "address"
    category = Category.ADDRESS

    def __init__(self) -> None:
        # Suffixes must start with a capital ("Clover St", "Villacher Strasse"): lower-case
        # "st", "u", "rd" are too common in clinical shorthand.
        suffix = "|".join(
            f"{re.escape(w[:1].upper())}(?i:{re.escape(w[1:])})" for w in sorted(word_set("street_suffixes"), key=len, reverse=True))
        unit = alternation("unit_words")
        zipctx = alternation("zip_context")
        # 12 Clover St, 2450 Crown St., 11 Souterhead Road, 6750 Koskikatu 25
        self.number_street = re.compile(
            r"(?<![\w/.-])\d{1,6}[A-Za-z]?(?:[-/]\d{1,4})?,?\s+(?:(?:" + _CAP + r")\s+){1,4}?(?:" + suffix + r")\b\.?"
            r"(?:\s+\d{1,5}[A-Za-z]?\b)?")
        # Villacher Strasse 89, ul. Słowicza 10, Rua do Arenque 1634, 136 Filadelfeos Str.
        self.street_number = re.compile(
            r"\b(?:" + _CAP + r"\s+){1,3}?(?:" + suffix + r")\b\.?\s+\d{1,5}[A-Za-z]?\b")
        self.compound_street = re.compile(
            r"\b[\w\u00C0-\u024F'’-]{2,}(?:strasse|straße|gasse|weg|vej|veien|vegen|gata|gatan|gade|katu|"
            r"kuja|polku|laan|straat|gracht|dijk|plein|allee|platz|damm|ufer|torget|stien)\b\.?\s+\d{1,5}[A-Za-z]?\b", re.I)
        prefixes = ("rua|avenida|av\\.|calle|carrer|via|viale|rue|avenue|chemin|ul\\.|ulica|trg|plac|piazza|"
                    "largo|travessa|rambla|paseo|camino|strada|cesta|náměstí")
        # Capital first letter required ("Via Roma 12", not "via ett 79"), except "ul." and "rua"
        prefix_alts = "|".join(f"{p[0].upper()}(?i:{p[1:]})" for p in prefixes.split("|")) + "|ul\\.|rua|avenida|calle"
        self.prefix_street = re.compile(
            r"\b(?:" + prefix_alts + r")\s+(?:" + _WORDISH + r"\s+){0,4}?\d{1,5}[A-Za-z]?\b")
        self.unit = re.compile(r"\b(?:" + unit + r")\.?\s*#?\s*\d{1,5}[A-Za-z]?\b", re.I)
        self.state_zip = re.compile(r"(?:\b(?:" + _US_STATES + r")\.?,?\s+)(\d{4,5}(?:-\d{4})?)(?![\w-])")
        self.zip_context = re.compile(r"\b(?:" + zipctx + r")\b\s*(?:is|:|#)?\s*([A-Za-z]{0,2}[\d][\dA-Za-z -]{1,8}[\dA-Za-z])\b", re.I)
        # a 3-5 digit code alone on a line or after a capitalised place at the end of a line
        self.line_end_code = re.compile(r"(?m)(?:[A-Za-z\u00C0-\u024F)]\s*,?\s+|^\s*)(\d{3}(?:[ -]?\d{2,3})?|\d{4,5}(?:-\d{3,4})?)(?:\s+[A-Z]{2})?\s*$")
        cues = alternation("address_cues")
        self.place_after_cue = re.compile(
            r"\b(?P<cue>" + cues + r")\s+(?P<place>(?:[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’.-]*)(?:[\s-]+(?:[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’.-]*)){0,2})",
            re.I)

    def find(self, text):
        has_digit = any(c.isdigit() for c in text)
        street_ends: list[int] = []
        if has_digit:
            for pattern, score in ((self.number_street, 0.8), (self.street_number, 0.7), (self.compound_street, 0.8),
                                   (self.prefix_street, 0.7), (_PO_BOX, 0.8), (_MILITARY, 0.9)):
                for m in pattern.finditer(text):
                    if pattern is self.number_street and not self._plausible_street(m.group(0)):
                        continue
                    street_ends.append(m.end())
                    yield self.span(m.start(), m.end(), score)
            for m in self.unit.finditer(text):
                if re.match(r"(?i)(?:floor|fl|room|rm|lot|box)\b", m.group(0)) and not self._near_address(text, m.start()):
                    continue
                yield self.span(m.start(), m.end(), 0.6)
            for m in self.state_zip.finditer(text):
                yield self.span(m.start(1), m.end(1), 0.8)
            for m in self.zip_context.finditer(text):
                yield self.span(m.start(1), m.end(1), 0.8)
            for m in _UK_POSTCODE.finditer(text):
                yield self.span(m.start(), m.end(), 0.7)
            if "\n" in text or len(text) < 200:
                for m in self.line_end_code.finditer(text):
                    if any(0 <= m.start(1) - end <= 150 for end in street_ends):
                        yield self.span(m.start(1), m.end(1), 0.6)
        yield from self._places(text)

    @staticmethod
    def _plausible_street(value: str) -> bool:
        # "3 cm lateral st..." style false hits: need a capitalised word or a real suffix word.
        words = value.split()
        return len(words) >= 3 or any(w[:1].isupper() for w in words[1:])

    @staticmethod
    def _near_address(text: str, pos: int, window: int = 80) -> bool:
        chunk = text[max(0, pos - window):pos]
        return bool(re.search(r"\d{1,6}\s+\w+|\b(?:suite|apt|box|street|road|st\.|ave|address|lives)\b", chunk, re.I)) and \
            bool(re.search(r"[A-Za-z]", chunk))

    def _places(self, text):
        geography = allowed_geography()
        blocked = word_set("not_places") | word_set("never_names_extra") | word_set("stopwords")
        always, conditional = eponyms()
        strong = word_set("address_cues_strong")
        regime = case_regime(text)
        for m in self.place_after_cue.finditer(text):
            cue = re.sub(r"\s+", " ", m.group("cue").lower())
            is_strong = cue in strong
            if not is_strong and regime != "cased":
                continue  # "in X", "to X" in CAPS or lower-case notes is mostly clinical shorthand
            kept: list[str] = []
            for w in re.findall(r"[\w\u00C0-\u024F'’.-]+", m.group("place")):
                bare = w.strip(".'’")
                if "." in bare:
                    break
                if not bare or bare.lower() in blocked or bare.lower() in always or bare.lower() in conditional:
                    break
                if regime == "cased" and not (bare[0].isupper() and not bare.isupper() or is_strong and bare.isupper() and len(bare) > 3):
                    break
                if any(c.isdigit() for c in bare):
                    break
                kept.append(bare)
            if not kept:
                continue
            phrase = " ".join(kept).lower()
            if phrase in geography or kept[0].lower() in geography:
                continue
            all_words = all(is_english_word(w) for w in kept)
            if all_words and (regime != "cased" or not is_strong):
                continue
            if not is_strong and (is_english_word(kept[0]) or len(kept[0]) < 3):
                continue
            start = m.start("place")
            yield self.span(start, self._extent(text, start, kept), 0.7 if is_strong else 0.55)

    @staticmethod
    def _extent(text: str, start: int, kept: list[str]) -> int:
        pos = start
        for w in kept:
            idx = text.find(w, pos)
            if idx < 0:
                break
            pos = idx + len(w)
        return pos
