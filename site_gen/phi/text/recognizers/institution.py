"""Institution names: "St Idony's Hospital", "Ashcombe Hospital", "Fenwick Hosp", "University of X
Medical Center", "U of MD", "ASHCOMBE MEDICAL", "North Campus", hospital acronyms after a preposition
("transferred to GH", "leave GH", "GH EW"), a one-word destination after a transfer verb ("went to
Harbor"), employers ("works for X", "CEO OF X"), regions ("the Western Hills") and named wards
("Brackenridge 3 RN")."""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import (allowed_geography, alternation, region_alternation, drug_names, eponyms, is_english_word, names,
                       radiology_vocabulary, word_set)
from ..nameness import nameness
from .base import Recognizer, case_regime

_PUBLICATION_HEADS = frozenset({"imaging", "radiology", "diagnostics", "institute", "healthcare", "health care",
                                "medical group", "medical practice"})
_FUNCTION = frozenset({"of", "and", "&", "the", "for", "de", "la", "del", "di", "st", "st.", "saint", "san", "santa", "mt", "mount"})


class InstitutionRecognizer(Recognizer):
    name = "institution"
    category = Category.INSTITUTION
    description = "a hospital, ward or institution name"

    def __init__(self) -> None:
        heads = alternation("institution_heads")
        # a head word; the name is read backwards from it (up to five words)
        self.head = re.compile(r"(?<=\s)(?:" + heads + r")\b", re.I)
        # "St Idony's", "Saint Osric" even without a head word
        self.saint = re.compile(r"\b(?:St\.?|Saint|Sainte|Santa|San)\s+[A-Z][a-z'’]+(?:'s)?", re.U)
        self.acronym = re.compile(r"\b(?i:to|at|from|in|the|into|via|by)\s+(?i:the\s+)?([A-Z]{1,3}H|[A-Z]{1,4}MC|[A-Z]{1,3}VA|VAMC|VAH|[a-z]{1,3}h)\b(?![/-]\w)")

    def find(self, text):
        yield from self._wards(text)
        yield from self._known_names(text)
        yield from self._shapes(text)
        generic = word_set("institution_generic")
        lower_text = text.islower() or text.isupper()
        stopwords = word_set("stopwords")
        for m in self.head.finditer(text):
            if m.group(0).lower() in _ADJECTIVE_HEADS:
                nxt = _NEXT_WORD.match(text, m.end())
                if nxt and nxt.group(1).lower() not in stopwords and nxt.group(1).lower() not in _SITE_WORDS \
                        and is_english_word(nxt.group(1)):
                    continue  # "supportive medical care", "HOUSE STAFF": an adjective, not a name
            window_start = max(0, m.start() - 80)
            window = text[window_start:m.start()]
            tokens = list(_NONSPACE.finditer(window))[-5:]
            # walk back from the head while words look like part of a name
            kept: list[re.Match[str]] = []
            for pos, tok in enumerate(reversed(tokens)):
                w = tok.group(0)
                if any(c.isdigit() for c in w):
                    break  # "T2-weighted imaging", "3T MR imaging"
                if pos == 0 and w.endswith(".") and w.strip(".").lower() not in _FUNCTION:
                    break  # "Saini S. Imaging of ...", "Fleischner Society. Radiology. 2017": a citation
                if "\n" in window[tok.end():(kept[-1].start() if kept else len(window))] or \
                        (pos and w[-1] in ".!?" and w.strip(".").lower() not in _FUNCTION and len(w) > 3) or "/" in w:
                    break  # a name does not run over a line break or a sentence end
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
            if any(w.lower().strip(".") in word_set("organisation_heads") for w in names) and \
                    m.group(0).lower() not in _HOSPITAL_HEADS:
                continue  # "Society of Radiology", "College of ... Medicine" (but "UNION HOSPITAL")
            if lower_text and all(w.lower() in word_set("never_names_extra") for w in names):
                continue
            if all(is_english_word(w) for w in names):
                # "Further imaging", "holy cross hospital" in a lower-case note: ordinary words
                # only make a name when capitalised mid-sentence in cased text.
                start = name_start
                moved = _MOVED.search(text, max(0, start - 40), start)
                if (lower_text or re.search(r"(?:^|[.!?:\n]\s*)$", text[max(0, start - 3):start])) and not moved:
                    continue  # ("TAKEN TO ASHCOMBE MEDICAL": a destination is a name even in ordinary words)
            yield self.span(name_start, m.end(), 0.85)
            other = _AND_OTHER.match(text, m.end())
            if other and not is_english_word(other.group(1)) and other.group(1).lower() not in _never_wards():
                yield self.span(other.start(1), other.end(1), 0.6)  # "HARROWGATE REHAB AND PELLEW"
        for m in self.saint.finditer(text):
            yield self.span(m.start(), m.end(), 0.6)
        exceptions = word_set("hospital_acronym_exceptions")
        for m in _ACRONYM_ER.finditer(text):
            if m.group(1).lower() not in exceptions and not is_english_word(m.group(1)):
                yield self.span(m.start(1), m.end(1), 0.6)  # "GH EW", "MGH ER"
        for m in self.acronym.finditer(text):
            value = m.group(1)
            if value.lower() in exceptions or is_english_word(value):
                continue
            if value.islower() and not text.islower() and not re.fullmatch(r"[a-z]{1,2}h", value):
                continue  # lower-case acronyms only count in all-lower-case notes ("to gh" anywhere)
            yield self.span(m.start(1), m.end(1), 0.6)

    def _shapes(self, text):
        """University of X, U of MD, employers ("works for X", "CEO OF X"), regions ("the Western
        Fells") and a one-word destination after a transfer ("went to Fenwick", "leave GH")."""
        low = text.lower()
        for m in (_UNIV_OF.finditer(text) if "univ" in low else ()):
            yield self.span(m.start(), m.end(), 0.8)
        for m in (_U_OF.finditer(text) if "U" in text else ()):
            yield self.span(m.start(), m.end(), 0.7)
        for m in (_REGION.finditer(text) if _REGION_GATE.search(low) else ()):
            yield self.span(m.start(), m.end(), 0.7, Category.ADDRESS)
        never = _never_wards()
        cased = case_regime(text) == "cased"
        for m in (_EMPLOYER.finditer(text) if _EMPLOYER_GATE.search(low) else ()):
            words = []
            for w in re.finditer(r"[A-Za-z][\w&'’.-]*", text[m.end():m.end() + 40]):
                if words and text[m.end() + words[-1].end():m.end() + w.start()].strip() not in ("", "&"):
                    break
                bare = w.group(0).strip(".'’").lower()
                if bare in never or bare in ("the", "a", "an", "and", "his", "her", "their") or len(words) >= 3:
                    break
                if cased and not w.group(0)[:1].isupper():
                    break
                words.append(w)
                if w.group(0)[-1] in ".,;:":
                    break
            if words:
                end = m.end() + words[-1].end()
                while text[end - 1] in ".,;:":
                    end -= 1
                yield self.span(m.end() + words[0].start(), end, 0.7)
        for m in (_MOVED_TO.finditer(text) if _MOVED_GATE.search(low) else ()):
            group = "place" if m.group("place") else "acr"
            word = m.group(group)
            lower = word.lower()
            if group == "place" and lower in never or lower in _DESTINATION_WORDS or lower in allowed_geography() \
                    or lower in radiology_vocabulary() \
                    or group == "acr" and is_english_word(word) or lower in drug_names() or len(word) < 2:
                continue
            if word.isupper() and len(word) <= 4:
                if not re.fullmatch(r"[A-Z]{0,3}H|[A-Z]{1,4}MC|VA\w*", word) or \
                        lower in word_set("hospital_acronym_exceptions"):
                    continue  # "sent to CT", "back to OR"
            elif word.islower() and len(word) >= 6 and not is_english_word(word) and re.search(r"\d", m.group(0)):
                pass  # "transferred to 209 brackenridge": a name no dictionary knows, even in lower case
            elif not cased:
                if is_english_word(word) or (word.islower() and not re.fullmatch(r"[a-z]{1,3}h", word)):
                    continue  # "WENT TO SLEEP"; "to gh 7/22" in a lower-case note is kept
                if word.islower() and lower in word_set("hospital_acronym_exceptions"):
                    continue
            elif not word[:1].isupper() or word.isupper():
                continue
            nxt = re.match(r"[ \t]+([A-Za-z]+)", text[m.end(group):m.end(group) + 20])
            if nxt and nxt.group(1).lower() in _AFTER_KIND:
                continue  # "transfer to Cardiac floor", "sent to Step down unit"
            yield self.span(m.start(group), m.end(group), 0.6)

    def _known_names(self, text):
        """Names many hospitals share ("holy cross", "SACRED HEART") after a place preposition."""
        for m in _known_pattern().finditer(text):
            yield self.span(m.start(1), m.end(1), 0.7)

    def _wards(self, text):
        """Named wards and buildings: "transfer to Brackenridge 2" (a non-word name plus a number)."""
        never = _never_wards()
        always, conditional = eponyms()
        for m in _WARD_AFTER.finditer(text):
            word = m.group(1)
            lower = word.lower()
            if lower in never or is_english_word(word) or lower in radiology_vocabulary() or lower in drug_names() \
                    or lower in always or lower in conditional or len(word) < 6:
                continue
            yield self.span(m.start(1), m.end(1), 0.6)
        for m in _WARD.finditer(text):
            word = m.group(1)
            if word.lower() in never or is_english_word(word) or word.lower() in radiology_vocabulary() \
                    or word.lower() in drug_names() or _DOSE.match(text, m.end()):
                continue  # "on DOBUTA 5MCG", "cont on Zestril 40mg": a drug and its dose
            if not word[0].isupper() and not (text.islower() or case_regime(text) != "cased") and \
                    nameness(word) < 0 and names().get(word.lower()) is None:
                continue
            yield self.span(m.start(1), m.end(1), 0.6)


_AND_OTHER = re.compile(r"[ \t]+(?i:and|or|&)[ \t]+([A-Z][A-Za-z]{3,})(?![\w'’-])")
_ACRONYM_ER = re.compile(r"\b([A-Z]{1,3}H|[A-Z]{1,4}MC)[ \t]+(?:EW|ER|ED)\b")
_NONSPACE = re.compile(r"\S+")
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z]+)")
_SITE_WORDS = frozenset({"er", "ed", "ew", "icu", "center", "centre", "ctr", "campus", "hospital", "hosp"})
# a word after a destination that makes it a kind of place: "transfer to Cardiac floor"
_AFTER_KIND = frozenset({"floor", "floors", "unit", "units", "team", "service", "staff", "bed", "beds", "room", "ward",
                         "icu", "level", "side", "step", "stepdown", "down", "up", "care", "surgery", "clinic",
                         "department", "dept", "lab", "suite", "cath", "rehab"})
_ADJECTIVE_HEADS = frozenset({"medical", "general", "regional", "house"})
_HOSPITAL_HEADS = frozenset({"hospital", "hospitals", "hosp", "medical center", "medical centre", "infirmary",
                             "clinic", "memorial", "regional", "general"})
def _state_names() -> str:
    """"U of MD", "U Mass", "U Penn": US states by name, short form or postal code (regions.tsv)."""
    return region_alternation("US", ("name", "short"), "title") + "|" + region_alternation("US", ("code",))


_UNIV_OF = re.compile(r"\b(?i:university|univ\.?)\s+(?i:of)\s+(?:(?i:the)\s+)?[A-Za-z][\w'’.-]{0,40}"
                         r"(?:\s+(?i:medical\s+(?:center|centre|ctr|system|school)|med\.?\s+(?:center|ctr)|hospitals?|"
                         r"hosp\.?|medical|health(?:\s+system)?))?")
_U_OF = re.compile(r"(?<![\w/])(?<!\d\s)U(?:\.\s?|\s+)(?:(?i:of)\s+[A-Z][A-Za-z]+|(?:" + _state_names() + r"))\b(?:\s+(?i:med(?:ical)?\.?\s+(?:center|centre|ctr)|"
                   r"hosp(?:ital)?|medical|med|er|ed))?(?!\s*/)")
# quick gates (on the lower-cased text) before the slower patterns
_MOVED_GATE = re.compile(r"transf|taken|sent|went|go|admit|brought|receiv|reciev|came|moved|return|discharg|surgeon|"
                         r"meeting|back|leave|left")
_REGION_GATE = re.compile(r"shore|coast|valley|side|hills|highlands|plains|panhandle|heights|peninsula|end")
_EMPLOYER_GATE = re.compile(r"work|employ|ceo|president|owner|owns|job|retired|business|company")


def _region_pattern() -> re.Pattern[str]:
    """"the Western Fells", "NORTH SHORE": a compass word and a landform (text_rules.yml region_words)."""
    directions, landforms = word_set("region_directions"), word_set("region_landforms")
    title = "(?:" + "|".join(sorted(w.title() for w in directions)) + r")\s+(?:" + \
        "|".join(sorted(w.title() for w in landforms)) + ")"
    upper = "(?:" + "|".join(sorted(w.upper() for w in directions)) + r")\s+(?:" + \
        "|".join(sorted(w.upper() for w in landforms)) + ")"
    return re.compile(r"\b(?:" + title + "|" + upper + r")\b")


_REGION = _region_pattern()
_EMPLOYER = re.compile(r"\b(?i:works\s+(?:for|at)|worked\s+(?:for|at)|working\s+(?:for|at)|employed\s+(?:by|at)|"
                       r"employee\s+of|employer\s*(?:is|:)?|ceo\s+of|president\s+of|owner\s+of|owns|job\s+at|"
                       r"retired\s+from|his\s+business|her\s+business|company)\s+(?:(?i:the)\s+)?")
_MOVED = re.compile(r"\b(?i:transferred|transfered|transfer|taken|sent|went|go|going|admitted|brought|received|"
                    r"recieved|came|moved|returned|readmitted|discharged|leave|left|surgeon|seen)\s+(?:(?i:to|from|at|back\s+to)\s+)?"
                    r"(?:(?i:the)\s+)?$")
_MOVED_TO = re.compile(r"\b(?i:transferred|transfered|transfer|taken|sent|went|go|going|admitted|brought|received|"
                       r"recieved|came|moved|returned|readmitted|discharged|surgeon|meeting|back)\s+(?i:to|from|at)\s+"
                       r"(?:(?i:the)\s+)?(?:\d{1,4}[ \t]+)?(?P<place>[A-Za-z][a-z]*|[A-Z]{2,})(?=[\s.,;:)]|$)(?!\s+(?i:hospital|hosp|medical|"
                       r"clinic|center|centre|rehab|campus|house)|\s+[A-Z])"
                       r"|\b(?i:leave|left)\s+(?P<acr>[A-Z]{1,3}H)\b")
# destinations that name a place in the hospital or a kind of place, not an institution
_DESTINATION_WORDS = frozenset({
    "bed", "bedside", "chair", "commode", "sleep", "floor", "unit", "room", "home", "work", "rehab", "hospital",
    "nursing", "ward", "ct", "mri", "or", "ir", "ep", "cath", "lab", "er", "ed", "ew", "icu", "ccu", "micu", "sicu",
    "csru", "pacu", "ctsicu", "tsicu", "nicu", "picu", "step", "stepdown", "telemetry", "tele", "surgery", "radiology",
    "dialysis", "hospice", "pacu", "clinic", "school", "church", "bathroom", "shower", "toilet", "sleep",
    "dinner", "lunch", "breakfast", "bed", "prison", "jail", "court", "town", "city", "heaven", "baseline", "me", "us",
    "them", "him", "her", "you", "it", "this", "that", "there", "here", "which", "what", "a", "an", "his", "their",
    "our", "my", "your", "its", "no", "not", "same", "outside", "another", "other", "osh", "facility", "morgue",
    "vent", "trach", "mask", "nc", "nrb", "face", "tent", "cpap", "bipap", "psv", "simv", "ac", "ps", "cmv", "prvc",
    "afib", "sinus", "nsr", "st", "sr", "sb", "vt", "vf", "af", "pvc", "pacing", "normal", "right", "left", "family",
    "pt", "patient", "md", "rn", "np", "team", "service", "medicine", "cardiology", "neurology", "neurosurgery",
    "ortho", "psych", "oncology", "pulmonary", "renal", "gi", "surgical", "medical", "one", "two", "three",
    "zero", "none", "all", "each", "both", "some", "any", "more", "less", "about", "around", "be", "see", "get",
    "have", "do", "make", "take", "give", "put", "keep", "hold", "help", "start", "stop", "allow", "follow", "check",
    "ultrasound", "theatre", "theater", "theatres", "recovery", "holding", "endoscopy", "fluoroscopy", "fluoro", "angio",
    "angiography", "interventional", "nuclear", "pathology", "pharmacy", "laboratory", "labs", "triage", "resus",
    "resuscitation", "xray", "x-ray", "imaging", "mammography", "scanner", "scan", "ward", "wards", "icu", "hdu",
    "emergency", "casualty", "outpatients", "inpatients", "reception", "admissions", "physio", "physiotherapy",
})
_WARD = re.compile(r"\b(?i:to|at|from|in|into|on)\s+([A-Za-z][a-z]{4,}|[A-Z]{5,})\s*\d{1,2}(?![\d:]|[./]\d{2})")
# "Per Brackenridge 3 RN", "PLAN: BRACKENRIDGE 2 WHEN BED AVAIL": a ward with a staff or bed word after it
_WARD_AFTER = re.compile(r"\b([A-Z][a-z]{4,}|[A-Z]{5,})[ \t]\d\b(?=[ \t]+(?i:rn|rns|nurse|nurses|team|staff|when|bed|beds|"
                         r"at|today|tomorrow|tonight|or|and|with|for|to|post|after|once|if)\b)")
_DOSE = re.compile(r"[\d.]{0,12}\s*(?:(?i:mcgs?|mg|g|ml|cc|units?|u|meq|mmol)\b|%)")
_KNOWN: re.Pattern[str] | None = None
_NEVER_WARDS: frozenset[str] | None = None


def _never_wards() -> frozenset[str]:
    global _NEVER_WARDS
    if _NEVER_WARDS is None:
        _NEVER_WARDS = word_set("never_names_extra") | word_set("stopwords") | word_set("not_places") | \
            word_set("languages")
    return _NEVER_WARDS


def _known_pattern() -> re.Pattern[str]:
    global _KNOWN
    if _KNOWN is None:
        names = sorted(word_set("hospital_names"), key=len, reverse=True)
        alts = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
        heads = alternation("institution_heads")
        _KNOWN = re.compile(r"(?:\b(?i:to|at|from|in|into|by|of|the|via)\s+|\()(?:(?i:the)\s+)?((?i:" + alts + r")"
                            r"(?:[ \t]+(?i:" + heads + r"))?)(?![\w'’-])")
    return _KNOWN
