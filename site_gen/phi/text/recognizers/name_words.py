"""Per-word evidence for personal names: how name-like a word is on its own.

A word's base score comes from the SSA/Census counts, whether it is also an ordinary English
word, the shipped international name list and the safe lists (radiology vocabulary, eponyms,
geography, drugs, published abbreviations); letter trigrams weigh words no list knows.
Capitalisation counts only where the text actually uses case (`_shape_factor`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lexicon import (allowed_geography, drug_names, eponyms, is_english_word, month_lookup, names,
                       not_name_words, radiology_vocabulary, vocabulary_prefix, word_set)
from ..nameness import nameness

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*")
_MEDICAL_SUFFIXES = ("itis", "osis", "oses", "oma", "omas", "emia", "aemia", "ectomy", "otomy", "ostomy", "plasty",
                     "graphy", "gram", "grams", "scopy", "megaly", "pathy", "algia", "ism", "ive", "ous", "ary",
                     "ic", "ics", "al", "ed", "ing", "ly", "tion", "sion", "ment", "ness", "able", "ible", "ize",
                     "ise", "ase", "ide", "ine", "ate", "ol", "one", "cin", "mab", "nib", "pril", "olol", "sartan",
                     "statin", "azole", "mycin", "cillin", "vir", "ium", "ae", "um", "oid", "ular", "ial",
                     "form", "cele", "philia", "phobia", "plasia", "trophy", "lysis", "stasis", "uria", "pnea",
                     "pnoea", "cardia", "rrhea", "rrhoea", "esis", "ectasis", "ectasia", "genic", "lith", "ist",
                     "ologist", "ology", "ometer", "metry", "tomy", "phy", "xia", "ema", "oid", "ous", "ids")
_PAREN_HEAD = re.compile(r"[ \t]*(?:\([^()\n]{1,30}\)[ \t]*)?([^\W\d_]+)")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n]|\n\s*[-*•>]+)\s*[\"'(\[]*$")
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ten", "ter",
                        "bin", "ibn", "al", "el", "dos", "das", "do", "y", "zu", "af", "av"})


# a name at least this common (log2 bucket of its SSA or Census count) is a name however it is
# spelt: the bucket the drug list leaves out too (build_drug_data.py)
_COMMON_NAME = 10
_SHORTHAND_BASE = 0.4  # below what a word alone needs to be reported (person_name._THRESHOLD)


def _shorthand(bare: str, info) -> bool:
    """Clinical shorthand that cuts a drug or medical word short ("levo", "amio", "vanco"): the start
    of a published drug name, medical word or abbreviation, no English word and no common name."""
    return len(bare) >= 3 and bare.isalpha() and \
        (info is None or max(info.first, info.surname) < _COMMON_NAME) \
        and not is_english_word(bare) and vocabulary_prefix(bare)


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    lower: str
    base: float = 0.0
    looks: float = 0.0  # the base before the shorthand cap: how name-like the word is on its own
    score: float = 0.0
    cued_score: float = 0.0  # the score from `looks`: what the word counts where a cue stands around it
    initial: bool = False
    index: int = 0


def bare_name_ok(lower: str) -> bool:
    """Not a geography word (a state that is also a name is lifted only by a title or role)."""
    return _bare(lower) not in allowed_geography()


@lru_cache(maxsize=16384)
def _bare(lower: str) -> str:
    """The word without a possessive ending: "smith's" -> "smith"."""
    return _POSSESSIVE.sub("", lower)


_POSSESSIVE = re.compile(r"(?:'s|’s|')$")


class NameWords:
    """Word lists and per-word scores (a mixin of PersonNameRecognizer)."""

    def _load_lists(self) -> None:
            self.titles = word_set("titles")
            self.credentials = word_set("credentials")
            self.relations = word_set("relations")
            self.roles = word_set("roles")
            self.cues = word_set("name_cues")
            self.followers = word_set("name_followers")
            self.strong_followers = word_set("name_followers_strong")
            self._cased = False
            self.never = not_name_words() | word_set("stopwords") | word_set("languages")
            self.heads = word_set("eponym_heads")
            self.device_heads = word_set("device_heads")
            self.org_heads = word_set("organisation_heads")
            self.journal_words = word_set("journal_words")
            self.initials_exceptions = word_set("initials_exceptions")
            self.not_after_title = word_set("stopwords") | self.followers | self.credentials | self.titles | frozenset(
                {"aware", "notified", "paged", "team", "office", "orders", "order", "note", "notes", "service", "s"})
            self.strong_cues = frozenset({"name is", "named", "called", "known as", "calls me", "seen by", "spoke with",
                                          "spoke to", "talked with", "talked to", "signed by", "dictated by", "reported by",
                                          "reviewed by", "read by", "referred by", "contact", "contacted", "attn", "dear",
                                          "patient name", "pt name", "name", "surname", "last name", "first name",
                                          "maiden name", "given name", "family name", "married to", "accompanied by",
                                          "visited by", "discussed with", "call me", "starring", "directed by",
                                          "written by", "founded by", "founders", "says", "ask for", "asked for"})
            self.role_first = frozenset(r.split()[-1] for r in self.roles)
            self.split_words = word_set("stopwords") | self.relations | self.role_first
            self.note_verbs = word_set("note_verbs")
            self.drugs = drug_names()
            nameness("load")  # load the trigram table with the other data, not on the first unknown word
            # cues after which any non-stopword is a name ("my name is ilsabet", "call me Quorvanek")
            self.naming_cues = frozenset({"name is", "names are", "named", "call me", "calls me", "known as",
                                          "name's", "names is", "call him", "call her"})

    @staticmethod
    def _shorthand_capped(base: float, lower: str) -> float:
        """"Levo", "Vanco", "Amio": the start of a drug or medical word is a name only with some
        evidence around it ("Dr Vanco", "LEVO AWARE"), never on its looks alone."""
        if base > _SHORTHAND_BASE:
            bare = _bare(lower)
            if _shorthand(bare, names().get(bare)):
                return _SHORTHAND_BASE
        return base

    def _base(self, word: str, lower: str) -> float:
        table = names()
        bare = _bare(lower)
        if bare in allowed_geography() and bare not in self.never:
            info = table.get(bare)
            return 0.25 if info is not None and info.first >= 11 and " " not in bare else 0.0  # "NURSE GEORGIA"
        if bare in self.never or bare in month_lookup() or bare in self.credentials \
                or bare in self.titles or bare in self.role_first or bare in self.relations:
            return 0.0
        if any(part in self.never for part in bare.split("-")):
            return 0.0
        if len(bare) > 3 and bare.endswith("s") and (bare[:-1] in self.never or bare[:-1] in self.role_first) \
                or _ACRONYM_PLURAL.fullmatch(word):
            return 0.0  # "EMTs", "MDIs", "RNs", "TVs": plurals of shorthand
        info = table.get(lower) or table.get(bare)
        if info is None and "-" in bare:
            parts = bare.split("-")
            infos = [table.get(p) for p in parts]
            if all(infos):
                info = max(infos, key=lambda i: max(i.first, i.surname))
        word_like = info.word if info else is_english_word(bare)
        if bare in self.drugs:
            word_like = True  # "cont on Zestril", "Ambisome": drug and brand names are words
        if info is None and word_like:
            return 0.0
        if info is not None:
            freq = max(info.first, info.surname)
            if word_like or bare in radiology_vocabulary():
                if info.first >= 14 and bare not in radiology_vocabulary():
                    return 0.45  # "JOHN STATES", "Frank": very common first names that are also words
                return 0.35 if freq >= 14 else 0.25
            return 0.85 if freq >= 10 else 0.7
        if len(bare) < 3 or not bare.replace("-", "").replace("'", "").isalpha():
            return 0.0
        if bare in radiology_vocabulary():
            return 0.05
        shape = nameness(bare)
        if bare.endswith(_MEDICAL_SUFFIXES) and shape < 0.05:
            return 0.05  # "Vrenkel", "Haldorsen" look like names, "acyclovir", "dentist" do not
        # unknown word: possibly a name the US lists lack.  Letter trigrams learned from the name
        # lists against the English/drug word lists say how name-like it looks ("Quorvanek" vs
        # "diuresing"); capitalisation is weighed in _shape_factor.
        if not bare.isascii():
            return 0.66 if shape > -0.5 else 0.45
        if shape >= 0.8:
            return 0.6
        if shape >= 0.3:
            return 0.5
        return 0.45 if shape >= -0.3 else 0.3

    def _soft_blocked(self, toks: list[_Tok], i: int, text: str) -> bool:
        """Eponyms, radiology words and device names: safe unless a title says otherwise."""
        if self._device_follows(toks, i, text):
            return True
        lower = _bare(toks[i].lower)
        parts = lower.split("-")
        always, conditional = eponyms()
        vocab = radiology_vocabulary()
        if all(p in always or p in vocab for p in parts):
            return True
        if all(p in always or p in conditional for p in parts):
            # "Smith fracture", "Colles and Smith fractures", "Baker's cyst", "Hill-Sachs lesion"
            for j in range(i + 1, min(i + 4, len(toks))):
                nxt = toks[j].lower
                if nxt in self.heads or _bare(nxt) in self.heads:
                    return True
                nxt_parts = _bare(nxt).split("-")
                if not all(p in always or p in conditional or p == "and" for p in nxt_parts):
                    break
            prev = toks[i - 1].lower if i else ""
            if prev in always or prev in conditional:
                return True
            # "Brock (PanCan) model"
            m = _PAREN_HEAD.match(text, toks[i].end)
            if m and m.group(1).lower() in self.heads:
                return True
        return False

    def _device_follows(self, toks: list[_Tok], i: int, text: str) -> bool:
        """"Penrose drain", "Quillon-Marsh valve", "on a Talbot pacer": one or two words right before
        a device word name the device (its maker or inventor), not a person at the bedside."""
        for j in (i + 1, i + 2):
            if j >= len(toks) or not re.fullmatch(r"[ \t-]{1,2}", text[toks[j - 1].end:toks[j].start]):
                return False
            if toks[j].lower in self.device_heads:
                return True
            if toks[j].text[:1].islower() != toks[i].text[:1].islower():
                return False  # the words of a device's name are written alike
        return False

    def _tokens(self, text: str) -> list[_Tok]:
        """Words; a hyphen compound with a function, relation or role word in it is split
        ("son Teo-who states", "DAUGHTER-MIRELA", "GRAND DAUGHTER-ZOFI")."""
        if "-" not in text:
            return [_Tok(m.start(), m.end(), m.group(0), m.group(0).lower()) for m in _WORD.finditer(text)]
        toks = []
        split_words = self.split_words
        for m in _WORD.finditer(text):
            word = m.group(0)
            if "-" in word:
                parts = word.split("-")
                if len(parts) > 1 and any(p.lower() in split_words for p in parts) and \
                        all(len(p) >= 3 for p in parts if p.lower() not in split_words) and \
                        not all(p.lower() in split_words for p in parts) and word.lower() not in self.relations:
                    pos = m.start()
                    for part in parts:
                        if part:
                            toks.append(_Tok(pos, pos + len(part), part, part.lower()))
                        pos += len(part) + 1
                    continue
            toks.append(_Tok(m.start(), m.end(), word, word.lower()))
        return toks

    def _after_title(self, toks: list[_Tok], i: int, text: str) -> bool:
        prev = toks[i - 1]
        return prev.lower in self.titles and bool(re.fullmatch(r"\.?\s{1,3}|\.", text[prev.end:toks[i].start]))

    @staticmethod
    def _regime(toks: list[_Tok]) -> str:
        upper = sum(1 for t in toks if len(t.text) > 1 and t.text.isupper())
        lower = sum(1 for t in toks if t.text.islower())
        title = len(toks) - upper - lower
        total = max(len(toks), 1)
        if upper > 0.6 * total:
            return "caps"
        if title + upper <= max(1, 0.04 * total) and total > 8:
            return "lower"
        return "cased"

    @staticmethod
    def _shape_factor(tok: _Tok, text: str, regime: str) -> float:
        word = tok.text
        known = names().get(_bare(tok.lower)) is not None
        if not known and not (word[0].isupper() and not word.isupper() and regime in ("cased", "lower")):
            # unknown words count only as Titlecase in cased text; in CAPS or lower-case notes
            # they are mostly abbreviations and typos
            return 0.15
        if word.isupper() and len(word) > 1:
            if regime == "caps":
                # CAPS notes: a listed name alone is weak evidence (many abbreviations are surnames)
                return 0.55 if len(word) >= 4 else 0.25
            return 0.6 if len(word) >= 4 and tok.base >= 0.7 else 0.2
        if word[0].isupper():
            starts_sentence = bool(_SENTENCE_END.search(text[max(0, tok.start - 6):tok.start]))
            if starts_sentence:
                return 0.5 if tok.base < 0.5 else 0.85
            return 1.0
        # lower case
        if regime == "lower" or regime == "caps":
            return 0.6 if tok.base >= 0.7 else 0.2
        return 0.1
