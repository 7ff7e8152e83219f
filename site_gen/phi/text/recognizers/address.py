"""Street addresses, PO boxes, postal codes and places smaller than a state.

Countries and states are allowed (Safe Harbor), so the place heuristic skips
geography-allowed.txt; everything else needs an address shape or a cue ("lives in").
"""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import (allowed_geography, alternation, clinical_abbreviations, drug_names, eponyms, is_english_word,
                       medical_words, place_heads, places, region_alternation,
                       radiology_vocabulary, rules, word_set)
from .base import Recognizer, case_regime, contains_digit

# a percentage or a decimal value: a line of findings ("RCA 90% ...", "T 100.8"), never an address line
_MEASUREMENT = re.compile(r"\d\s?%|\d\.\d")


def _clinical_term(lower: str) -> bool:
    """A drug, a medical word or a clinical abbreviation that is not an ordinary English word
    (English words such as "main" or "oak" name streets)."""
    return not is_english_word(lower) and (lower in drug_names() or lower in medical_words()
                                           or lower in clinical_abbreviations())


_CAP = r"[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’.-]{0,40}"
_WORDISH = r"[\w\u00C0-\u024F][\w\u00C0-\u024F'’.-]{0,40}"

_UK_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}|GIR\s?0AA)\b")
_PO_BOX = re.compile(r"\b(?:P\.?\s?O\.?\s*Box|Post\s+Office\s+Box|PSC|Box|Private\s+Bag|Locked\s+Bag|GPO\s+Box)\s*#?\s*\d+\b"
                     r"(?:,?\s*Box\s+\d+)?", re.I)
_CAP_WORD = re.compile(r"(?<![\w'’])[A-Z\u00C0-\u00DE][^\W\d_]*(?:['’][^\W\d_]+)?")
_HOUSE_NUMBER = re.compile(r"(?<![\w/.,-])\d{1,6}[ \t]+$")
_LETTERS = re.compile(r"[^\W\d_]+")
_COMPOUND_ENDINGS = (
    "strasse", "straße", "gasse", "weg", "vej", "veien", "vegen", "gata", "gatan", "gade", "katu", "kuja", "polku",
    "laan", "straat", "gracht", "dijk", "plein", "allee", "platz", "damm", "ufer", "torget", "stien", "tie", "vägen",
    "väg", "braut", "straeti", "stræti", "stræde", "vænget", "utca", "cesta", "ulica", "ulice", "iela", "gatve", "tänav")
# States that are also cities: "lives in DC"
_CITY_STATES = frozenset({"dc", "d.c", "washington dc", "washington", "new york", "district of columbia"})
# "lives at 4410 Rua das Gaivotas 212, Quelvora", "drops you off at 5120 nordbakken 44 st.": after an
# address cue, a house number and what follows it up to the end of the clause
_CUED_ADDRESS = re.compile(r"\b(?i:lives|live|living|lived|resides|reside|residing|located|address(?:\s+is)?|"
                           r"drops?\s+you\s+off|mail\s+it|send\s+it|deliver(?:ed)?\s+it|moved)\s+(?i:at|to|is|:)?\s*"
                           r"(\d{1,6}[A-Za-z]?(?:[ \t]+[^\s,;!?()]+){1,7})")
# "support Brightvane in Holmvik 4471 in its mission": a postal code after a place name
_IN_PLACE_CODE = re.compile(r"\b(?i:in|of)\s+((?:[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’-]{1,40}|[a-z\u00C0-\u024F]{3,})(?:[ \t]+"
                            r"(?:[A-Z\u00C0-\u024F]?[\w\u00C0-\u024F'’-]{1,40})){0,2})[ \t]+(\d{4,5})\s+(?=(?i:in|to|at|and|for)\b)")
_ADDRESS_CUE_GATE = re.compile(r"liv|resid|locat|address|drop|mail|send|deliver|moved")
_FOUR_DIGITS = re.compile(r"\d{4}")
# a house or flat number is never a percentage or the whole part of a decimal ("FLAT. 100%", "Na ... 7.35")
_NOT_A_VALUE = r"(?!\s?%|[.,]\d)"
_MILITARY = re.compile(r"\b(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}\b", re.I)


class AddressRecognizer(Recognizer):
    name = "address"
    category = Category.ADDRESS
    description = "an address or a place smaller than a state"

    def __init__(self) -> None:
        # Suffixes must start with a capital ("Ashgrove St", "Kastanienstrasse"): lower-case
        # "st", "u", "rd" are too common in clinical shorthand.
        suffix = "|".join(
            f"{re.escape(w[:1].upper())}(?i:{re.escape(w[1:])})" for w in sorted(word_set("street_suffixes"), key=len, reverse=True))
        unit = alternation("unit_words")
        zipctx = alternation("zip_context")
        # 12 Ashgrove St, 318 Larkspur St., 11 Fennick Road, 4021 Rantakatu 9 (an optional second
        # number first: "712 40 Harrow Terrace").  Never across a line break.
        self.number_street = re.compile(
            r"(?<![\w/.-])(?:\d{1,6}[ \t]+)?\d{1,6}[A-Za-z]?(?:[-/]\d{1,4})?,?[ \t]+((?:(?:" + _CAP + r")[ \t]+){1,4}?)(?:" + suffix + r")\b\.?"
            r"(?:[ \t]+\d{1,5}[A-Za-z]?\b)?")
        # Kastanienstrasse 12, ul. Jaskółcza 4, Rua das Gaivotas 212, 58 Ermou Str.
        self.street_number = re.compile(
            r"\b(?:" + _CAP + r"[ \t]+){1,3}?(?:" + suffix + r")\b\.?[ \t]+\d{1,5}[A-Za-z]?\b")
        # "Laugavegurstraeti 7", "310 birkevej 18": a word + number, the word ending like a street
        self.compound_street = re.compile(
            r"(?<![\w\u00C0-\u024F'’-])([^\W\d_][\w\u00C0-\u024F'’-]{3,})\.?[ \t]+\d{1,5}[A-Za-z]?\b")
        prefixes = ("rua|avenida|av\\.|avda\\.|calle|carrer|via|viale|rue|avenue|chemin|ul\\.|ulica|trg|plac|piazza|"
                    "largo|travessa|rambla|paseo|camino|strada|cesta|náměstí|pod|nad|na")
        # Capital first letter required and the rest lower case ("Via Roma 12", not "via ett 79"
        # nor "VIA OGT"), except "ul." and "rua"
        prefix_alts = "|".join(f"{p[0].upper()}{p[1:]}" for p in prefixes.split("|")) + "|ul\\.|rua|avenida|calle"
        self.prefix_street = re.compile(
            r"\b(?:" + prefix_alts + r")[ \t]+(?:" + _CAP + r")(?:[ \t]+" + _WORDISH + r"){0,4}?[ \t]+\d{1,5}[A-Za-z]?\b"
            + _NOT_A_VALUE)
        # house number, a street name that is no English word, a number: "3071 Lindholm 12"
        self.number_name_number = re.compile(
            r"(?<![\w/.,:-])(\d{1,6})[ \t]+([A-Z\u00C0-\u024F][\w\u00C0-\u024F'’-]{1,40}(?:[ \t]+[\w\u00C0-\u024F'’.-]{1,40}){0,3}?)[ \t]+\d{1,5}[A-Za-z]?(?![\w/,:-]|[.,]\d|\.\w)")
        self.unit = re.compile(r"\b(?:" + unit + r")\.?\s*#?\s*\d{1,5}[A-Za-z]?\b" + _NOT_A_VALUE, re.I)
        # a state code and the postal code of that state's country ("OR 97201", "NSW 2000", "ON K1A 0B1")
        shapes = rules()["postal_code_shapes"]
        self.state_zip = re.compile("|".join(
            r"\b(?:" + region_alternation(country, parts=("code",)) + r")\.?,?\s+(" + shape + r")(?![\w-]|[.,]\d)"
            for country, shape in shapes.items()))
        us_states = region_alternation("US", case="lower")
        self.state_gate = re.compile(us_states)
        # "this ashwick maryland's facility": a lower-case town before a state
        self.lower_town_state = re.compile(r"\b([a-z]{4,})(?:,\s*|\s+)(?i:" + us_states + r")\b")
        self.zip_context = re.compile(r"\b(?:" + zipctx + r")\b\s*(?:is|:|#)?\s*([A-Za-z]{0,2}[\d][\dA-Za-z -]{1,8}[\dA-Za-z])\b", re.I)
        # a 3-5 digit code alone on a line or after a capitalised place at the end of a line
        self.line_end_code = re.compile(r"(?m)(?:[A-Za-z\u00C0-\u024F)]\s*,?\s+|^\s*)(\d{3}(?:[ -]?\d{2,3})?|\d{4,5}(?:-\d{3,4})?)(?:\s+[A-Z]{2})?\s*$")
        # a postal code after a capitalised word or two: "Sweden 41266", "Bergen NO 5003"
        self.word_code = re.compile(
            r"\b([A-Z\u00C0-\u024F][\w\u00C0-\u024F'’-]{1,40}(?:[ \t]+[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’-]{1,40}){0,2}),?[ \t]+(?:[A-Z]{1,2}[ \t]+)?"
            r"(\d{4,6}|\d{2,3}-\d{3}|\d{4}-\d{3})(?![\w/.-]|[.,]\d)")
        cues = alternation("address_cues")
        self.place_after_cue = re.compile(
            r"\b(?P<cue>" + cues + r")\s+(?P<place>(?:[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’.-]{0,40})(?:[\s-]+(?:[A-Z\u00C0-\u024F][\w\u00C0-\u024F'’.-]{0,40})){0,2})",
            re.I)
        self.languages = word_set("languages")
        self.place_cue_words = word_set("address_cues") | word_set("place_cues_extra")
        self.word_re = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
        self.clinical = word_set("never_names_extra") | word_set("stopwords")
        self.not_places = word_set("not_places") | word_set("languages") | self.clinical

    def find(self, text):
        has_digit = contains_digit(text)
        regime = case_regime(text)
        street_spans: list[tuple[int, int]] = []
        if has_digit:
            for pattern, score in ((self.number_street, 0.8), (self.street_number, 0.7), (self.compound_street, 0.8),
                                   (self.prefix_street, 0.7), (_PO_BOX, 0.8), (_MILITARY, 0.9)):
                for m in pattern.finditer(text):
                    if pattern is self.number_street and not self._plausible_street(m, regime):
                        continue
                    if pattern is self.street_number and regime == "caps" and not self._caps_street_ok(m.group(0)):
                        continue
                    if pattern is self.compound_street and not m.group(1).lower().endswith(_COMPOUND_ENDINGS):
                        continue
                    start = m.start()
                    if pattern is not self.number_street:
                        # a house number in front: "21 Kirkevænget 8", "903 Via Solferino 14"
                        lead = _HOUSE_NUMBER.search(text, max(0, start - 9), start)
                        if lead:
                            start = lead.start()
                    street_spans.append((start, m.end()))
                    yield self.span(start, m.end(), score)
            low = text.lower()
            for m in (_CUED_ADDRESS.finditer(text) if _ADDRESS_CUE_GATE.search(low) else ()):
                value = re.split(r"\.(?:\s|$)", m.group(1))[0].rstrip(" .")
                parts = value.split()
                if len(parts) < 2 or (parts[1].islower() and is_english_word(parts[1])) or \
                        parts[1].lower() in self.clinical:
                    continue  # "lives at 4 weeks post-op", "2 flights of stairs"
                street_spans.append((m.start(1), m.start(1) + len(value)))
                yield self.span(m.start(1), m.start(1) + len(value), 0.75)
            for m in (_IN_PLACE_CODE.finditer(text) if _FOUR_DIGITS.search(text) else ()):
                words = m.group(1).split()
                if not re.fullmatch(r"(?:19|20)\d\d", m.group(2)) and \
                        not any(w.lower() in self.clinical and len(w) > 1 for w in words) and \
                        not all(is_english_word(w) for w in words):
                    yield self.span(m.start(1), m.end(2), 0.6)
            for m in self.number_name_number.finditer(text):
                if self._foreign_street(m.group(2), regime):
                    street_spans.append((m.start(), m.end()))
                    yield self.span(m.start(), m.end(), 0.65)
            for m in self.unit.finditer(text):
                if re.match(r"(?i)(?:floor|fl|room|rm|lot|box|unit)\b", m.group(0)) and not self._near_address(text, m.start()):
                    continue
                street_spans.append((m.start(), m.end()))
                yield self.span(m.start(), m.end(), 0.6)
            for m in self.state_zip.finditer(text):
                # one country's alternative matched; its postal code is the only group it has
                yield self.span(m.start(m.lastindex), m.end(m.lastindex), 0.9)
            for m in self.zip_context.finditer(text):
                yield self.span(m.start(1), m.end(1), 0.8)
            for m in _UK_POSTCODE.finditer(text):
                yield self.span(m.start(), m.end(), 0.7)
            yield from self._word_codes(text)
            if "\n" in text or len(text) < 200:
                for m in self.line_end_code.finditer(text):
                    if any(0 <= m.start(1) - end <= 150 for _, end in street_spans):
                        yield self.span(m.start(1), m.end(1), 0.6)
            if street_spans and "\n" in text:
                yield from self._address_block(text, street_spans)
        yield from self._places(text, regime)
        yield from self._gazetteer(text, regime)
        # "this ashwick maryland's facility": a lower-case town before a state
        gazetteer = places()
        low = text.lower()
        for m in (self.lower_town_state.finditer(text) if self.state_gate.search(low) else ()):
            if m.group(1) in gazetteer and not is_english_word(m.group(1)):
                yield self.span(m.start(1), m.end(1), 0.6)

    def _word_codes(self, text: str):
        """A postal code after a country, state or town: "Sweden 41266", "Bergen NO 5003"."""
        geography = allowed_geography()
        gazetteer = places()
        for m in self.word_code.finditer(text):
            words = m.group(1).split()
            code = m.group(2)
            if re.fullmatch(r"(?:19|20)\d\d", code):
                continue  # "Sweden 2019": a year
            for k in range(len(words)):
                phrase = " ".join(words[k:]).lower()
                if phrase in geography or phrase in gazetteer:
                    start = m.start(1) + m.group(1).index(words[k]) if phrase in gazetteer else m.start(2)
                    yield self.span(start, m.end(2), 0.9)
                    break

    def _address_block(self, text: str, street_spans: list[tuple[int, int]]):
        """Lines of an address block: the short lines just before and after a street line."""
        geography = allowed_geography()
        lines = list(re.finditer(r"[^\n]+", text))
        hit = {i for i, line in enumerate(lines) for s, e in street_spans if line.start() <= s < line.end()}
        near = set()
        for i in hit:
            near.update(j for j in range(i - 1, i + 4) if 0 <= j < len(lines) and j not in hit)
        for j in sorted(near):
            line = lines[j]
            body = line.group(0)
            content = re.sub(r"^[\s>|*#?-]+", "", body).rstrip()
            if not content or len(content) > 45 or len(content.split()) > 5 or re.search(r"[.!?;:]\s|[:=@]", content) \
                    or _MEASUREMENT.search(content):
                continue
            lower_words = [w for w in content.split() if w[:1].islower() and w not in ("nan", "de", "la", "del", "do", "da", "nad", "pod")]
            if lower_words or (not re.search(r"\d", content) and not all(w[:1].isupper() for w in content.split())):
                continue
            offset = line.start() + body.index(content)
            for w in re.finditer(r"[\w\u00C0-\u024F'’.-]+", content):
                bare = w.group(0).strip(".")
                if bare.lower() in geography or bare.lower() == "nan":
                    continue
                yield self.span(offset + w.start(), offset + w.start() + len(bare), 0.55)

    def _foreign_street(self, words: str, regime: str) -> bool:
        """The middle of "3071 Lindholm 12": a street name, not clinical words ("3 Mass 4")."""
        blocked = self.clinical
        parts = re.findall(r"[\w\u00C0-\u024F'’-]+", words)
        if regime != "cased" or not parts:
            return False
        if any(p.lower() in blocked or any(c.isdigit() for c in p) for p in parts):
            return False
        return not is_english_word(parts[0]) and parts[0].lower() not in radiology_vocabulary() and \
            not parts[0].isupper()

    def _caps_street_ok(self, value: str) -> bool:
        """In an ALL-CAPS note, a street's words are no clinical vocabulary: "HR 90-104 NSR ST" and
        "10/3 PERSANTINE THALLIUM ST" are a rhythm and a stress test, not streets."""
        blocked = self.clinical
        words = re.findall(r"[A-Za-z]+", value)[:-1]
        return bool(words) and not any(w.lower() in blocked or len(w) < 3 or _clinical_term(w.lower())
                                       for w in words)

    def _plausible_street(self, m: re.Match[str], regime: str) -> bool:
        # "3 cm lateral st..." style false hits: need a capitalised word or a real suffix word.
        words = m.group(0).split()
        if not (len(words) >= 3 or any(w[:1].isupper() for w in words[1:])):
            return False
        names = m.group(1).split()
        if re.fullmatch(r"(?i)st|nd|rd|th", names[0]):
            return False  # "1 ST DEGREE AV block"
        if regime == "caps":
            # CAPS notes: "HR 90-110 SR TO ST", "20 MEQ KCL VIA NGT" are clinical shorthand
            return self._caps_street_ok(m.group(0))
        return True

    @staticmethod
    def _near_address(text: str, pos: int, window: int = 80) -> bool:
        chunk = text[max(0, pos - window):pos]
        return bool(re.search(r"\d{1,6}\s+\w+|\b(?:suite|apt|box|street|road|st\.|ave|address|lives)\b", chunk, re.I)) and \
            bool(re.search(r"[A-Za-z]", chunk))

    def _places(self, text, regime):
        geography = allowed_geography()
        blocked = self.not_places
        always, conditional = eponyms()
        strong = word_set("address_cues_strong")
        for m in self.place_after_cue.finditer(text):
            cue = re.sub(r"\s+", " ", m.group("cue").lower())
            is_strong = cue in strong
            if not is_strong:
                continue  # weak cues ("in X", "from X") count only with a known place: _gazetteer
            kept: list[str] = []
            for w in re.findall(r"[\w\u00C0-\u024F'’.-]+", m.group("place")):
                bare = w.strip(".'’")
                if "." in bare:
                    break
                if not bare or bare.lower() in blocked or bare.lower() in always:
                    break  # (a common-name eponym after "lives in" is a town: "LIVES IN PARKINSON")
                if regime == "cased" and not (bare[0].isupper() and not bare.isupper() or bare.isupper() and len(bare) > 3
                                              or bare.lower() in _CITY_STATES):
                    break
                if any(c.isdigit() for c in bare):
                    break
                kept.append(bare)
            if not kept:
                continue
            phrase = " ".join(kept).lower()
            if (phrase in geography or kept[0].lower() in geography) and phrase not in _CITY_STATES:
                continue
            all_words = all(is_english_word(w) for w in kept)
            if all_words and regime != "cased":
                continue
            start = m.start("place")
            yield self.span(start, self._extent(text, start, kept), 0.7)

    def _gazetteer(self, text, regime):
        """Towns and cities from the GeoNames list after a place cue ("in Ashwickton", "FROM ROME")
        or before a state ("Harrowgate, MD", "Springfield, Illinois")."""
        gazetteer = places()
        heads = place_heads()
        geography = allowed_geography()
        cue_words = self.place_cue_words
        word_re = _CAP_WORD if regime == "cased" else self.word_re
        for w in word_re.finditer(text):
            lower = w.group(0).lower()
            longest = heads.get(lower)
            if longest is None or lower in self.languages:
                continue
            end = 0
            if longest > 1:
                tail = list(self.word_re.finditer(text, w.end(), min(len(text), w.end() + 60)))[:longest - 1]
                for size in range(len(tail), 0, -1):
                    parts = [w] + tail[:size]
                    if any(text[a.end():b.start()] not in (" ", "-") for a, b in zip(parts, parts[1:])):
                        continue
                    if " ".join(x.group(0).lower() for x in parts) in gazetteer:
                        end = parts[-1].end()
                        break
            if not end:
                if lower not in gazetteer:
                    continue
                end = w.end()
            capitalised = w.group(0)[0].isupper()
            before = text[max(0, w.start() - 40):w.start()]
            cue = False
            stripped = before.rstrip(" \t")
            if stripped != before and stripped[-1:].isalpha():
                prev_words = _LETTERS.findall(stripped[-30:])[-2:]
                if prev_words and stripped.endswith(prev_words[-1]):
                    prev = prev_words[-1].lower()
                    cue = prev in cue_words or " ".join(prev_words).lower() in cue_words
            after = text[end:end + 30]
            state = re.match(r",?\s+([A-Za-z][A-Za-z. ]{1,20})", after)
            before_state = False
            if state and capitalised and not self._sentence_start(text, w.start()):
                follow = state.group(1).strip(" .").lower()
                parts = re.split(r"[ '’]", follow)
                before_state = follow in geography or parts[0] in geography and len(parts[0]) > 3 or \
                    " ".join(parts[:2]) in geography
            multi = end > w.end() and capitalised and regime == "cased"
            if cue or before_state or multi:
                yield self.span(w.start(), end, 0.65)

    @staticmethod
    def _sentence_start(text: str, pos: int) -> bool:
        return bool(re.search(r"(?:^|[.!?:\n])\s*$", text[max(0, pos - 4):pos]))

    @staticmethod
    def _extent(text: str, start: int, kept: list[str]) -> int:
        pos = start
        for w in kept:
            idx = text.find(w, pos)
            if idx < 0:
                break
            pos = idx + len(w)
        return pos
