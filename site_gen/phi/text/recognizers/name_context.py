"""Context evidence for personal names: titles, relation and role words, credentials, cue words,
lists, sign-offs, organisations and journals around a group of name-like words."""
from __future__ import annotations

import re

from ..lexicon import is_english_word, names, radiology_vocabulary
from ..nameness import nameness
from .name_words import _PARTICLES, _PAREN_HEAD, _SENTENCE_END, _Tok, _bare

_CLAUSE_BREAK = re.compile(r"[.!?;\n]")
_AFTER_SENTENCE = re.compile(r"[.!?]\s+$")
_POSSESSIVE_RELATION = re.compile(r"['’]s[ \t]+([^\W\d_]+)")
_LINE_END = re.compile(r"[ \t.]*(?:\n|$)")
_LIST_GAP = re.compile(r",\s?(?:and\s|&\s)?|\s(?:and|&)\s")
# "Oskana, can I ...", "Tove, please ...": a name addressed at the start of a sentence
_VOCATIVE = re.compile(r",\s+(?:can|could|would|will|please|do|did|are|have|i|you|we|thank|thanks|listen|look|come)\b", re.I)


# a role or credential set off after a name, in brackets or between commas: "(resident)", ", RN,"
_ROLE_AFTER = re.compile(r"[ \t]*[(,][ \t]*")
_ROLE_CLOSE = re.compile(r"[ \t]*[),]")


class NameContext:
    """Evidence from the words around a group (a mixin of PersonNameRecognizer)."""

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

    def _because(self, value: float, reason: str) -> float:
        """Record why a group gained evidence (the finding's `why`), return the amount."""
        self._reasons.append(reason)
        return value

    def _evidence(self, toks: list[_Tok], text: str, group: list[_Tok]) -> float:
        self._reasons: list[str] = []
        first, last = group[0], group[-1]
        idx = first.index
        before = [t.lower for t in toks[max(0, idx - 3):idx]]
        gap_before = text[toks[idx - 1].end:first.start] if idx else ""
        evidence = 0.0
        if before and before[-1] in self.titles and re.fullmatch(r"\.?\s{0,3}", gap_before or " ") and gap_before:
            evidence += self._because(1.0, "title before")
        elif before and before[-1] in self.relations and re.fullmatch(r"[\s,:(\-\"'“]*(?:is\s+)?", gap_before or " ") \
                and not self._verbish(first, text):
            evidence += self._because(0.6, "relation word before")
        elif len(before) >= 2 and before[-2] in self.relations and before[-1] in {"is", "named", "called", "was", "s", "in-law"}:
            evidence += self._because(0.6, "relation word before")
        elif before and (before[-1] in self.roles or " ".join(before[-2:]) in self.roles) and \
                re.fullmatch(r"[\s,:(\-\"'“]*", gap_before or " ") and self._namelike(first, text):
            evidence += self._because(0.6, "role word before")
        elif before and before[-1] in self.cues | {"patient", "pt", "name", "patient name"} and re.fullmatch(r"\s*:\s*", gap_before or ""):
            evidence += self._because(0.5, "label before")  # a label: "Patient: John Smith"
        elif len(before) >= 2 and before[-2] in {"named", "call", "calls", "called", "call"} and before[-1] in {"him", "her", "me", "them", "it"}:
            # "She named him Frank", "people call me višeslav": whatever follows is the name
            evidence += self._because(1.0 if re.fullmatch(r"[ \t]{1,2}", gap_before or "") else 0.5, "naming verb before")
        elif self._coordinated(toks, text, idx):
            evidence += self._because(0.5, "listed after a title or relation")
        elif not _CLAUSE_BREAK.search(gap_before or ""):
            for size in (3, 2, 1):
                phrase = " ".join(before[-size:])
                if len(before) >= size and phrase in self.strong_cues:
                    naming = phrase in self.naming_cues or (size > 1 and " ".join(before[-2:]) in self.naming_cues)
                    # "my name is vitoria", "call me višeslav": whatever follows is the name
                    evidence += self._because(1.0 if naming and re.fullmatch(r"[\s:,\"'“]{1,3}", gap_before or "") else 0.5, "cue phrase before")
                    break
            else:
                if before and before[-1] in self.cues:
                    evidence += self._because(0.15, "cue word before")
        lidx = last.index
        after = toks[lidx + 1] if lidx + 1 < len(toks) else None
        if len(group) == 1 and _SENTENCE_END.search(text[max(0, first.start - 6):first.start]):
            if _VOCATIVE.match(text, last.end):
                evidence += self._because(0.5, "addressed by name")
            elif first.start in self._speakers and len(self._speakers) > 1:
                evidence += self._because(0.6, "dialogue label")  # dialogue: "Sigrún: What a day. | Tobias: Remember me"
        if len(group) <= 3 and last.end > self._last_line_start:  # cheap test first: only the last line
            line_start = self._last_line_start
            if (line_start > 0 and not text[line_start:first.start].strip(" \t-*>") or
                    _AFTER_SENTENCE.search(text, max(line_start, first.start - 24), first.start)) \
                    and not text[last.end:].strip(" \t.,\n"):
                evidence += self._because(0.4, "sign-off line")  # a name alone on the last line: a sign-off ("SUSAN")
        if any(t.lower in _PARTICLES and t.text.islower() for t in group[1:-1]) and group[0].text[:1].isupper() \
                and group[-1].text[:1].isupper():
            evidence += self._because(0.35, "name particle")  # "Aukje van Oost", "Ludger ten Brink": a particle between two capitalised words
        if after is not None and after.lower in ("and", "&") and last.index + 2 < len(toks) and \
                toks[last.index + 2].lower in self.titles and self._namelike(first, text):
            evidence += self._because(0.5, "listed with a titled name")  # "INA VOSS AND DRS ADEMOLA AND PRENTISS AWARE", "Smith and Dr Jones"
        if after is not None and after.lower in ("family", "families") and max(t.base for t in group) >= 0.7 and re.fullmatch(r"[ \t]{1,2}", text[last.end:after.start]):
            evidence += self._because(0.4, "family word after")  # "KEEP OYELARAN FAMILY AWARE"
        possessive = _POSSESSIVE_RELATION.match(text, max(0, last.end - 2)) if after is not None else None
        if possessive:
            rel = possessive.group(1).lower()
            if rel in self.relations:
                evidence += self._because(0.6, "relation after possessive")  # "roberto's daughter"
        if after is not None:
            gap_after = text[last.end:after.start]
            signoff = _LINE_END.match(text, after.end) is not None
            if after.lower in self.credentials and re.fullmatch(r"[\s,]{1,3}", gap_after) and (after.text.isupper() or text.islower() or signoff) \
                    and not (len(group) == 1 and first.lower in self.note_verbs):
                evidence += self._because(0.8, "credential after")  # "Imke Sollberg, RN"; not "PLEASE SEE MD NOTES"
            elif (after.lower in self.role_first or after.lower in self.credentials) and \
                    _ROLE_AFTER.fullmatch(gap_after) and _ROLE_CLOSE.match(text, after.end):
                evidence += self._because(0.6, "role after")  # "Lena Morrow (resident)", "IVO BRANDT, ATTENDING,"
            elif after.lower in self.strong_followers and re.fullmatch(r"\s{1,2}", gap_after):
                info = names().get(_bare(last.lower))
                # "Vrenkel spent", "VASCONI AWARE"; "social: bill called" (a common first name, any case)
                evidence += self._because(0.6 if len(group) == 1 and info is not None and info.first >= 11 and \
                    last.text.islower() else 0.4, "subject of a verb")
            elif after.lower in self.followers and re.fullmatch(r"\s{1,2}", gap_after):
                evidence += self._because(0.2, "verb after")
        # "J. Smith", "E PRENTISS": an initial joined to a listed name ("L NARE", "R LE" are sides)
        if any(t.initial and t.text not in "LR" for t in group) and any(t.base >= 0.35 for t in group if not t.initial):
            evidence += self._because(0.3, "initial with a listed name")
        elif any(t.initial and text[t.end:t.end + 2] == ". " and t.text not in "RL" and
                 re.search(r"(?:^|[\s(])$", text[max(0, t.start - 1):t.start]) for t in group[:-1]) and \
                any(t.base >= 0.25 and len(t.text) >= 3 for t in group if not t.initial):
            evidence += self._because(0.45, "initial before a name")  # "E. PRENTISS AWARE"
        pair = self._pair_bonus(group)
        if pair:
            evidence += self._because(pair, "first name with surname")
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
        """A word that is a name on its own: a listed non-word, or Titlecase with some name score.
        Asked where the words around make a name likely (a role word before, a titled name beside),
        so a word that only looks like shorthand counts as it looks."""
        base = max(tok.base, tok.looks)
        return base >= 0.45 or (base > 0 and tok.text[:1].isupper() and not tok.text.isupper())
