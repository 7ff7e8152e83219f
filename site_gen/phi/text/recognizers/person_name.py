"""Personal names (patients, relatives, clinicians) and initials.

Each word gets a base "nameness" from the SSA/Census counts, whether it is also an ordinary
English word, and safe lists (radiology vocabulary, eponyms, geography).  Neighbouring
name-like words form a group; the group is reported when its best word plus the evidence
around it (titles, credentials, relation and cue words, SURNAME^GIVEN, "Surname, Given")
reaches a threshold.  Capitalisation counts only when the text actually uses case.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from site_gen.phi.finding import Category

from ..lexicon import (allowed_geography, not_name_words, drug_names, eponyms, is_english_word, month_lookup, names,
                       radiology_vocabulary, word_set)
from ..nameness import nameness
from .base import Recognizer

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*")
# DICOM PN: FAMILY^GIVEN^MIDDLE^PREFIX^SUFFIX, no spaces around the carets
_DICOM_NAME = re.compile(r"(?<![\w^])[A-Za-z\u00C0-\u024F'’-]{2,40}\^[A-Za-z\u00C0-\u024F'’-]{1,40}(?:\^[A-Za-z\u00C0-\u024F'’.-]{0,20}){0,3}(?![\w^])")
_DOTTED_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){2,3}(?![\w])")
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
_THRESHOLD = 0.62
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")
_CLAUSE_BREAK = re.compile(r"[.!?;\n]")
_AFTER_SENTENCE = re.compile(r"[.!?]\s+$")
_POSSESSIVE_RELATION = re.compile(r"['’]s[ \t]+([^\W\d_]+)")
_LINE_END = re.compile(r"[ \t.]*(?:\n|$)")
_LEAD_INITIAL = re.compile(r"(?:^|(?<=[\s(\-]))([A-Za-z])\.[ \t]{1,2}$")
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ten", "ter",
                        "bin", "ibn", "al", "el", "dos", "das", "do", "y", "zu", "af", "av"})
_LIST_GAP = re.compile(r",\s?(?:and\s|&\s)?|\s(?:and|&)\s")
# "Oskana, can I ...", "Tove, please ...": a name addressed at the start of a sentence
_VOCATIVE = re.compile(r",\s+(?:can|could|would|will|please|do|did|are|have|i|you|we|thank|thanks|listen|look|come)\b", re.I)
_SPEAKER = re.compile(r"(?m)^[ \t>|]*([^\W\d_][^\W\d_'’-]{1,30})[ \t]*:[ \t]*[\"“A-Z]")


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    lower: str
    base: float = 0.0
    score: float = 0.0
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


class PersonNameRecognizer(Recognizer):
    name = "person_name"
    category = Category.NAME

    def __init__(self) -> None:
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

    # ---- per-word scoring -------------------------------------------------
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
        """Eponyms and radiology words: safe unless a title says otherwise."""
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

    def _journal(self, toks: list[_Tok], group: list[_Tok]) -> bool:
        """"Eur J Nucl Med Mol Imaging": journal-title abbreviations around the group."""
        journal = self.journal_words
        if not all(t.lower in journal for t in group):
            return False
        prev = toks[group[0].index - 1].lower if group[0].index else ""
        nxt = toks[group[-1].index + 1].lower if group[-1].index + 1 < len(toks) else ""
        return prev in journal or nxt in journal

    def _organisation(self, toks: list[_Tok], text: str, last: _Tok) -> bool:
        """"British Thoracic Society", "Brock (PanCan) model": a name inside an organisation,
        guideline or model name is not a person."""
        pos = last.end
        m = _PAREN_HEAD.match(text, pos)
        if m and m.group(1).lower() in self.org_heads:
            return True
        for k in range(last.index + 1, min(last.index + 4, len(toks))):
            tok = toks[k]
            if not re.fullmatch(r"[ \t-]{1,2}", text[toks[k - 1].end:tok.start]) or not tok.text[:1].isupper():
                return False
            if tok.lower in self.org_heads:
                return True
        return False

    # ---- main ---------------------------------------------------------------
    def find(self, text):
        yield from self._dicom_names(text)
        yield from self._dotted_initials(text)
        toks = self._tokens(text)
        if not toks:
            return
        regime = self._regime(toks)
        self._cased = regime == "cased"
        content_end = len(text.rstrip())
        self._last_line_start = text.rfind("\n", 0, content_end) + 1  # start of the last line with content
        # speaker labels of a dialogue, kept when one of them is a listed first name
        labels = {m.start(1): m.group(1).lower() for m in _SPEAKER.finditer(text)} if ":" in text else {}
        table = names()
        if len(labels) > 1 and any((info := table.get(w)) is not None and (info.first >= 11 or info.first >= 7 and not info.word)
                                   for w in labels.values()):
            self._speakers = labels
        else:
            self._speakers = {}
        for i, tok in enumerate(toks):
            glued = tok.start > 0 and text[tok.start - 1].isdigit()
            tok.initial = len(tok.text) == 1 and tok.text.isupper() and not glued and \
                not (tok.text in "AIUWP" and text[tok.end:tok.end + 1] != ".")  # "A PRIEST", "I DON'T", "FAIR U/O", "S/P"
            if len(tok.text) == 1 and tok.text.islower() and tok.text not in "aixolr" and 0 < i < len(toks) - 1 and \
                    text[toks[i - 1].end:tok.start] == " " and text[tok.end:toks[i + 1].start] in (" ", ". ") and \
                    toks[i - 1].text.islower() and toks[i + 1].text.islower() and \
                    (prev_info := table.get(toks[i - 1].lower)) is not None and not prev_info.word and \
                    prev_info.first >= 4 and (next_info := table.get(toks[i + 1].lower)) is not None and \
                    not next_info.word and next_info.surname >= 8:
                tok.initial = True  # "arvo k lindgren", "ilario p benedetti"
            # "2U REG", "6Livf", "10mg": a word glued to a number is a unit or shorthand
            base = 0.0 if glued else self._base(tok.text, tok.lower)
            if tok.lower == "st" and not re.match(r"\.?[ \t]+[A-Z]", text[tok.end:tok.end + 3]):
                base = 0.0  # "Fennick Avenue St.": a street suffix, not "St Agnes"
            if base and self._soft_blocked(toks, i, text):
                base = -1.0  # blocked unless a title is right before it
            if i and self._after_title(toks, i, text):
                # "DR VELLO", "Dr. Mercer", "Dr.Quill": after a title any word is a name
                title = toks[i - 1].text
                ambiguous = title.lower() in ("ms", "miss", "doctor", "doctors") and not title[0].isupper()
                # "Dr Will Cole": a stop word that opens a Titlecase name
                opens_name = tok.text.istitle() and i + 1 < len(toks) and toks[i + 1].text.istitle() and \
                    text[tok.end:toks[i + 1].start] == " " and table.get(toks[i + 1].lower) is not None
                if len(tok.text) >= 2 and (tok.lower not in self.not_after_title or opens_name) and tok.text[0].isalpha() \
                        and not ambiguous and not (title.lower() == "ms" and (title.isupper() or tok.text.isupper())) \
                        and (tok.text[0].isupper() or regime != "cased"):
                    base = max(base, 0.5)
            tok.base = base
            tok.score = base * self._shape_factor(tok, text, regime) if base > 0 else base
            if 0 < base < 0.5 and tok.text[:1].isupper() and not tok.text.isupper() and len(tok.text) >= 3:
                info = table.get(_bare(tok.lower))
                if info is not None and info.first >= 9 and bare_name_ok(tok.lower) and \
                        not _SENTENCE_END.search(text[max(0, tok.start - 6):tok.start]):
                    # "give Idony his address", "supportive to pt, John.": a common first name
                    # capitalised mid-sentence, all the more where the writer seldom capitalises
                    tok.score = max(tok.score, 0.5 if regime == "cased" else 0.6)
        yield from self._groups(toks, text, regime)

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

    def _joinable(self, text: str, a: _Tok, b: _Tok) -> bool:
        gap = text[a.end:b.start]
        if self._cased and a.text[:1].isupper() and b.text.islower() and b.lower not in _PARTICLES:
            return False  # "Pellinkoski began writing": a verb after a name is not part of it
        if self._cased and a.text.islower() and b.text[:1].isupper() and a.lower not in _PARTICLES:
            return False  # "reach Teo"
        if b.lower in self.strong_followers and not b.text[:1].isupper() | a.text.isupper():
            return False
        if b.lower in self.strong_followers and a.text.isupper() and b.text.isupper():
            return False  # "JOHN STATES", "VASCONI AWARE"
        if gap in (" ", "  ", ". ", ".", " . ") and (gap.strip() != "." or a.initial or b.initial or len(a.text) <= 2):
            return True
        if gap == ", " and a.base >= 0.5 and b.base >= 0.5 and a.text[0].isupper() and b.text[0].isupper():
            return True  # "Smith, John"
        return gap == " " or (gap == ". " and a.initial)

    def _groups(self, toks: list[_Tok], text: str, regime: str):
        i = 0
        n = len(toks)
        found: list[tuple[list[_Tok], float]] = []
        pending: list[tuple[list[_Tok], float]] = []
        for k, t in enumerate(toks):
            t.index = k
        while i < n:
            tok = toks[i]
            if tok.base == 0 and not tok.initial:
                i += 1
                continue
            # grow a group of adjacent name-like words / initials
            j = i
            while j + 1 < n:
                nxt = toks[j + 1]
                if (nxt.base != 0 or nxt.initial) and self._joinable(text, toks[j], nxt):
                    j += 1
                elif nxt.lower in _PARTICLES and nxt.text.islower() and j + 2 < n and toks[j].text[:1].isupper() and \
                        toks[j + 2].text[:1].isupper() and toks[j + 2].base > 0 and toks[j].base > 0 and \
                        text[toks[j].end:nxt.start] == " " and text[nxt.end:toks[j + 2].start] == " ":
                    j += 2  # "Aukje ten Brink", "Ludger van Oost"
                else:
                    break
            group = toks[i:j + 1]
            i = j + 1
            # trim initials that do not touch a real word, and blocked words at the edges
            words = [t for t in group if not t.initial]
            if not words:
                continue
            evidence = self._evidence(toks, text, group)
            if evidence < 1.0 and (self._organisation(toks, text, group[-1]) or self._journal(toks, group)):
                continue
            listed_eponym = False
            if any(t.base < 0 for t in words):
                unblocked = self._eponym_in_name(toks, text, group)
                if unblocked:
                    for t in words:
                        if t.base < 0:
                            t.base, t.score = 0.35, 0.35
                elif evidence < 1.0:  # only a title makes "Dr. Hill" a name
                    if regime == "cased" and len(words) == 1 and words[0].text[:1].isupper() \
                            and not words[0].text.isupper() and not self._head_follows(toks, group):
                        listed_eponym = True  # "founders: Szalai, Parkinson and Ibarra" (rescued by a list only)
                    else:
                        continue
            best = max(max(t.score for t in words), 0.0)
            if listed_eponym:
                pending.append((group, 0.0))
                continue
            if best <= 0 and evidence < 1.0:
                continue
            namey = [t for t in words if t.score >= 0.3 or (t.base >= 0.3 and t.text[:1].isupper() and regime == "cased")]
            bonus = 0.2 * max(0, len(namey) - 1)
            total = best + evidence + bonus
            # the reported span: from the first to the last name-ish word (initials included)
            keep = [t for t in group if t.initial or t.base > 0 or (t.base < 0 and (evidence >= 1.0 or listed_eponym))]
            while keep and keep[0].initial and len(keep) > 1 and keep[0] is group[0] and evidence < 1.0 and not self._joinable(text, keep[0], keep[1]):
                keep.pop(0)
            if not keep:
                continue
            if total < _THRESHOLD:
                if regime == "cased" and all(t.text[:1].isupper() and not t.text.isupper() for t in words) \
                        and not any(t.base < 0 for t in words):
                    pending.append((keep, total))
                continue
            found.append((keep, total))
        # "Tashkinov and Pellew", "founders: Lavergne, Parkinson and Kiely": Titlecase words listed with a
        # name are names too
        # Only groups at most two tokens apart can be listed together ("A, B", "A and B"): index the
        # found groups by their first and last token so each check looks at its neighbours only.
        by_first: dict[int, list[tuple[list[_Tok], float]]] = {}
        by_last: dict[int, list[tuple[list[_Tok], float]]] = {}

        def index(item: tuple[list[_Tok], float]) -> None:
            by_first.setdefault(item[0][0].index, []).append(item)
            by_last.setdefault(item[0][-1].index, []).append(item)

        for item in found:
            index(item)
        changed = True
        while changed and pending and found:
            changed = False
            for item in list(pending):
                keep, total = item
                known = all(names().get(_bare(t.lower)) is not None for t in keep if not t.initial)
                first, last = keep[0].index, keep[-1].index
                neighbours = [o for k in (first - 1, first - 2) for o in by_last.get(k, ())] + \
                    [o for k in (last + 1, last + 2) for o in by_first.get(k, ())]
                support = [strength for other, strength in neighbours
                           if strength >= (0.7 if known else 0.85) and self._listed(text, keep, other)]
                if support:
                    pending.remove(item)
                    new = (keep, max(total + 0.5, min(support)))
                    found.append(new)
                    index(new)
                    changed = True
        for a, b in zip(pending, pending[1:]):
            if a[1] > 0 and b[1] > 0 and a[1] + b[1] >= 0.75 and self._listed(text, a[0], b[0]) and \
                    (a[0][0].base >= 0.45 or b[0][0].base >= 0.45) and \
                    all(t.base >= 0.35 and len(t.text) >= 4 for t in a[0] + b[0] if not t.initial):
                found.extend([(a[0], a[1] + 0.3), (b[0], b[1] + 0.3)])  # "Tashkinov and Pellew were"
        for keep, total in found:
            lead = _LEAD_INITIAL.search(text, max(0, keep[0].start - 6), keep[0].start)
            if lead:  # "s. ilario rrt", "SUCRALFATE-W. VASCONI": the initial belongs to the name
                yield self.span(lead.start(1), keep[-1].end, min(0.99, 0.5 + total / 4))
                continue
            yield self.span(keep[0].start, keep[-1].end, min(0.99, 0.5 + total / 4))

    def _head_follows(self, toks: list[_Tok], group: list[_Tok]) -> bool:
        """An eponym head within three words after the group ("Parkinson and Huntington disease")."""
        for k in range(group[-1].index + 1, min(group[-1].index + 4, len(toks))):
            if _bare(toks[k].lower) in self.heads and toks[k].lower not in ("and", "-", "/"):
                return True
        return False

    def _eponym_in_name(self, toks: list[_Tok], text: str, group: list[_Tok]) -> bool:
        """"Ottó Parkinson": a blocked eponym next to a common first name, with no head word after
        and no eponym before, is a person ("Arnold Chiari malformation" keeps its head word)."""
        words = [t for t in group if not t.initial]
        if len(words) < 2 or self._head_follows(toks, group):
            return False
        vocab = radiology_vocabulary()
        if any(t.base < 0 and _bare(t.lower) in vocab for t in words):
            return False  # "Cine Short Axis": a radiology word, not an eponym
        table = names()
        for t in words:
            if t.base >= 0:
                info = table.get(_bare(t.lower))
                if t.base >= 0.6 and (info is None or not info.word) and t.text[:1].isupper():
                    return True
        return False

    @staticmethod
    def _listed(text: str, a: list[_Tok], b: list[_Tok]) -> bool:
        """a and b are neighbours in a list: "A, B", "A and B", "A & B", "A, and B"."""
        if a[-1].end <= b[0].start:
            gap = text[a[-1].end:b[0].start]
        elif b[-1].end <= a[0].start:
            gap = text[b[-1].end:a[0].start]
        else:
            return False
        return bool(_LIST_GAP.fullmatch(gap))

    def _evidence(self, toks: list[_Tok], text: str, group: list[_Tok]) -> float:
        first, last = group[0], group[-1]
        idx = first.index
        before = [t.lower for t in toks[max(0, idx - 3):idx]]
        gap_before = text[toks[idx - 1].end:first.start] if idx else ""
        evidence = 0.0
        if before and before[-1] in self.titles and re.fullmatch(r"\.?\s{0,3}", gap_before or " ") and gap_before:
            evidence += 1.0
        elif before and before[-1] in self.relations and re.fullmatch(r"[\s,:(\-\"'“]*(?:is\s+)?", gap_before or " ") \
                and not self._verbish(first, text):
            evidence += 0.6
        elif len(before) >= 2 and before[-2] in self.relations and before[-1] in {"is", "named", "called", "was", "s", "in-law"}:
            evidence += 0.6
        elif before and (before[-1] in self.roles or " ".join(before[-2:]) in self.roles) and \
                re.fullmatch(r"[\s,:(\-\"'“]*", gap_before or " ") and self._namelike(first, text):
            evidence += 0.6
        elif before and before[-1] in self.cues | {"patient", "pt", "name", "patient name"} and re.fullmatch(r"\s*:\s*", gap_before or ""):
            evidence += 0.5  # a label: "Patient: John Smith"
        elif len(before) >= 2 and before[-2] in {"named", "call", "calls", "called", "call"} and before[-1] in {"him", "her", "me", "them", "it"}:
            # "She named him Frank", "people call me višeslav": whatever follows is the name
            evidence += 1.0 if re.fullmatch(r"[ \t]{1,2}", gap_before or "") else 0.5
        elif self._coordinated(toks, text, idx):
            evidence += 0.5
        elif not _CLAUSE_BREAK.search(gap_before or ""):
            for size in (3, 2, 1):
                phrase = " ".join(before[-size:])
                if len(before) >= size and phrase in self.strong_cues:
                    naming = phrase in self.naming_cues or (size > 1 and " ".join(before[-2:]) in self.naming_cues)
                    # "my name is vitoria", "call me višeslav": whatever follows is the name
                    evidence += 1.0 if naming and re.fullmatch(r"[\s:,\"'“]{1,3}", gap_before or "") else 0.5
                    break
            else:
                if before and before[-1] in self.cues:
                    evidence += 0.15
        lidx = last.index
        after = toks[lidx + 1] if lidx + 1 < len(toks) else None
        if len(group) == 1 and _SENTENCE_END.search(text[max(0, first.start - 6):first.start]):
            if _VOCATIVE.match(text, last.end):
                evidence += 0.5
            elif first.start in self._speakers and len(self._speakers) > 1:
                evidence += 0.6  # dialogue: "Sigrún: What a day. | Tobias: Remember me"
        if len(group) <= 3 and last.end > self._last_line_start:  # cheap test first: only the last line
            line_start = self._last_line_start
            if (line_start > 0 and not text[line_start:first.start].strip(" \t-*>") or
                    _AFTER_SENTENCE.search(text, max(line_start, first.start - 24), first.start)) \
                    and not text[last.end:].strip(" \t.,\n"):
                evidence += 0.4  # a name alone on the last line: a sign-off ("SUSAN")
        if any(t.lower in _PARTICLES and t.text.islower() for t in group[1:-1]) and group[0].text[:1].isupper() \
                and group[-1].text[:1].isupper():
            evidence += 0.35  # "Aukje van Oost", "Ludger ten Brink": a particle between two capitalised words
        if after is not None and after.lower in ("and", "&") and last.index + 2 < len(toks) and \
                toks[last.index + 2].lower in self.titles and self._namelike(first, text):
            evidence += 0.5  # "INA VOSS AND DRS ADEMOLA AND PRENTISS AWARE", "Smith and Dr Jones"
        if after is not None and after.lower in ("family", "families") and max(t.base for t in group) >= 0.7 and re.fullmatch(r"[ \t]{1,2}", text[last.end:after.start]):
            evidence += 0.4  # "KEEP OYELARAN FAMILY AWARE"
        possessive = _POSSESSIVE_RELATION.match(text, max(0, last.end - 2)) if after is not None else None
        if possessive:
            rel = possessive.group(1).lower()
            if rel in self.relations:
                evidence += 0.6  # "roberto's daughter"
        if after is not None:
            gap_after = text[last.end:after.start]
            signoff = _LINE_END.match(text, after.end) is not None
            if after.lower in self.credentials and re.fullmatch(r"[\s,]{1,3}", gap_after) and (after.text.isupper() or text.islower() or signoff) \
                    and not (len(group) == 1 and first.lower in self.note_verbs):
                evidence += 0.8  # "Imke Sollberg, RN"; not "PLEASE SEE MD NOTES"
            elif after.lower in self.strong_followers and re.fullmatch(r"\s{1,2}", gap_after):
                info = names().get(_bare(last.lower))
                # "Vrenkel spent", "VASCONI AWARE"; "social: bill called" (a common first name, any case)
                evidence += 0.6 if len(group) == 1 and info is not None and info.first >= 11 and \
                    last.text.islower() else 0.4
            elif after.lower in self.followers and re.fullmatch(r"\s{1,2}", gap_after):
                evidence += 0.2
        # "J. Smith", "E PRENTISS": an initial joined to a listed name ("L NARE", "R LE" are sides)
        if any(t.initial and t.text not in "LR" for t in group) and any(t.base >= 0.35 for t in group if not t.initial):
            evidence += 0.3
        elif any(t.initial and text[t.end:t.end + 2] == ". " and t.text not in "RL" and
                 re.search(r"(?:^|[\s(])$", text[max(0, t.start - 1):t.start]) for t in group[:-1]) and \
                any(t.base >= 0.25 and len(t.text) >= 3 for t in group if not t.initial):
            evidence += 0.45  # "E. PRENTISS AWARE"
        evidence += self._pair_bonus(group)
        return evidence

    def _verbish(self, tok: _Tok, text: str) -> bool:
        """After a relation word, an ordinary word that is no common first name is what the relative
        did, not who they are: "wife said", "SON SEEMS", "daughter present" (but "son Teo", "son bill")."""
        bare = _bare(tok.lower)
        info = names().get(bare)
        if info is not None and info.first >= 9:
            return False
        return (info is not None and info.word) or is_english_word(bare) or bare in self.drugs

    def _pair_bonus(self, group: list[_Tok]) -> float:
        """A known first name next to a known surname ("John Smith", "Smith John"): a name."""
        words = [t for t in group if not t.initial and t.base > 0]
        group = [t for t in group if t.initial or t.base > 0]
        if len(words) < 2:
            return 0.0
        table = names()
        infos = [table.get(_bare(t.lower)) for t in words]
        middle = any(t.initial for t in group[1:-1])
        for a, b, ia, ib in zip(words, words[1:], infos, infos[1:]):
            if a.text.islower() and b.text.islower() and ia and \
                    (not ia.word and ia.first >= (4 if middle else 7) or ia.first >= 11) and \
                    ((ib and not ib.word and ib.surname >= 7) or (ib is None and nameness(b.lower) >= 0.3)):
                return 0.55  # "ines varga lives", "olga petrenko's", "arvo k lindgren": a lower-case full name
            if not (ia and ib):
                continue
            cased = a.text[0].isupper() and b.text[0].isupper()
            if not cased:
                continue
            first_last = ia.first >= 9 and ib.surname >= 9
            last_first = ia.surname >= 9 and ib.first >= 9
            if first_last or last_first:
                return 0.3
        return 0.0

    def _coordinated(self, toks: list[_Tok], text: str, idx: int) -> bool:
        """"DRS ADEMOLA AND PRENTISS", "Sons Kofi, Lars and Emeka": a list after a cue."""
        if not self._namelike(toks[idx], text):
            return False
        j = idx - 1
        for _ in range(4):
            if j < 1:
                return False
            if toks[j].lower in ("and", "&"):
                j -= 1
            elif text[toks[j].end:toks[j + 1].start].strip() not in (",", "&", "/"):
                return False
            # the item before: name-like words back to a title, relation or role word
            k = j
            while k >= 0 and (toks[k].base > 0 or toks[k].initial) and j - k < 3:
                k -= 1
            if k == j or k < 0:
                return False
            word = toks[k].lower
            gap = text[toks[k].end:toks[k + 1].start]
            if (word in self.titles or word in self.relations or word in self.role_first) and len(gap) <= 3:
                return True
            if not (word in ("and", "&") or text[toks[k].end:toks[k + 1].start].strip() in (",", "&", "/")):
                return False
            j = k
        return False

    @staticmethod
    def _namelike(tok: _Tok, text: str) -> bool:
        """A word that is a name on its own: a listed non-word, or Titlecase with some name score."""
        return tok.base >= 0.45 or (tok.base > 0 and tok.text[:1].isupper() and not tok.text.isupper())

    # ---- shapes -----------------------------------------------------------
    def _dicom_names(self, text: str):
        if "^" not in text:
            return
        for m in _DICOM_NAME.finditer(text):
            value = m.group(0).strip()
            if re.search(r"[A-Za-z]{2}", value):
                start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
                yield self.span(start, start + len(value), 0.95)

    def _dotted_initials(self, text: str):
        for m in _DOTTED_INITIALS.finditer(text):
            value = m.group(0).strip()
            if value.lower().replace(" ", "") in self.initials_exceptions:
                continue
            # "C.O.", "G.I." are note shorthand: initials need a cue before or a name after
            before = [w.lower() for w in _WORD.findall(text[max(0, m.start() - 30):m.start()])][-2:]
            after = _WORD.match(text, m.end() + (1 if text[m.end():m.end() + 1] == " " else 0))
            cue = bool(set(before) & (self.titles | self.relations | {"initials", "patient", "pt", "by", "name"}))
            named = after is not None and after.group(0)[:1].isupper() and not after.group(0).isupper()
            if not (cue or named):
                continue
            yield self.span(m.start(), m.start() + len(value), 0.5, Category.INITIALS)
