"""Personal names (patients, relatives, clinicians).

Neighbouring name-like words (name_words.py) form a group; the group is reported when its best
word plus the evidence around it (name_context.py: titles, credentials, relation and cue words,
"Surname, Given", lists, sign-offs) reaches a threshold.  Name shapes that need no word lists
(DICOM SURNAME^GIVEN, dotted initials) are recognizers of their own (name_shapes.py).
"""
from __future__ import annotations

import re

from site_gen.phi.finding import Category

from ..lexicon import names
from .base import Recognizer
from .name_context import NameContext
from .name_words import _PARTICLES, _SENTENCE_END, _SHORTHAND_BASE, NameWords, _bare, _Tok, bare_name_ok

_THRESHOLD = 0.62
# after a title any word is a name ("DR. QUARRY CAME BY"): scored above every sure score the
# trainer may choose (train.SURE_GRID), so the model never vetoes it
_TITLED_SCORE = 0.96
_CUE_EVIDENCE = 0.5  # a title, relation, role or label word, a cue phrase, a titled name beside
# titles that are also clinical abbreviations (mitral regurgitation, morphine sulphate): "3+ MR. Given"
_CLINICAL_TITLES = frozenset({"mr", "ms"})
_LEAD_INITIAL = re.compile(r"(?:^|(?<=[\s(\-]))([A-Za-z])\.[ \t]{1,2}$")
_SPEAKER = re.compile(r"(?m)^[ \t>|]*([^\W\d_][^\W\d_'’-]{1,30})[ \t]*:[ \t]*[\"“A-Z]")


class PersonNameRecognizer(NameWords, NameContext, Recognizer):
    name = "person_name"
    category = Category.NAME
    description = "name-like words with context evidence"

    def __init__(self) -> None:
        self._load_lists()

    def find(self, text):
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
            if tok.lower == "o" and 0 < i < len(toks) - 1 and self._after_title(toks, i, text) and \
                    text[tok.end:toks[i + 1].start] in (" ", "'", "’") and toks[i + 1].text[:1].isalpha():
                tok.initial = True  # "Dr. o halloran": the Irish O of a surname written apart
            # "2U REG", "6Livf", "10mg": a word glued to a number is a unit or shorthand
            tok.looks = 0.0 if glued else self._base(tok.text, tok.lower)
            base = self._shorthand_capped(tok.looks, tok.lower)
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
            # with a cue around it, a word that only looks like shorthand scores as it looks
            tok.cued_score = tok.score if base != _SHORTHAND_BASE else tok.looks * self._shape_factor(tok, text, regime)
            if 0 < base < 0.5 and tok.text[:1].isupper() and not tok.text.isupper() and len(tok.text) >= 3:
                info = table.get(_bare(tok.lower))
                if info is not None and info.first >= 9 and bare_name_ok(tok.lower) and \
                        not _SENTENCE_END.search(text[max(0, tok.start - 6):tok.start]):
                    # "give Idony his address", "supportive to pt, John.": a common first name
                    # capitalised mid-sentence, all the more where the writer seldom capitalises
                    tok.score = max(tok.score, 0.5 if regime == "cased" else 0.6)
        yield from self._groups(toks, text, regime)

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
        reasons: dict[int, list[str]] = {}  # first token's start -> why the group is a name
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
            reasons[group[0].start] = self._reasons
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
            best = max(max(max(t.score, t.cued_score) if evidence >= _CUE_EVIDENCE else t.score for t in words), 0.0)
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
                    reasons.setdefault(keep[0].start, []).append("listed with a name")
                    index(new)
                    changed = True
        for a, b in zip(pending, pending[1:]):
            if a[1] > 0 and b[1] > 0 and a[1] + b[1] >= 0.75 and self._listed(text, a[0], b[0]) and \
                    (a[0][0].base >= 0.45 or b[0][0].base >= 0.45) and \
                    all(t.base >= 0.35 and len(t.text) >= 4 for t in a[0] + b[0] if not t.initial):
                found.extend([(a[0], a[1] + 0.3), (b[0], b[1] + 0.3)])  # "Tashkinov and Pellew were"
                for item in (a, b):
                    reasons.setdefault(item[0][0].start, []).append("two name-like words listed together")
        for keep, total in found:
            why = self._why(reasons, keep)
            score = min(0.99, 0.5 + total / 4)
            if "title before" in why and keep[0].index and toks[keep[0].index - 1].lower not in _CLINICAL_TITLES:
                score = max(score, _TITLED_SCORE)
            lead = _LEAD_INITIAL.search(text, max(0, keep[0].start - 6), keep[0].start)
            if lead:  # "s. ilario rrt", "SUCRALFATE-W. VASCONI": the initial belongs to the name
                yield self.span(lead.start(1), keep[-1].end, score, why=why)
                continue
            yield self.span(keep[0].start, keep[-1].end, score, why=why)

    @staticmethod
    def _why(reasons: dict[int, list[str]], keep: list[_Tok]) -> str:
        found = [r for t in keep for r in reasons.get(t.start, ())]
        unique = list(dict.fromkeys(found))
        return "name-like words" + (": " + ", ".join(unique) if unique else "")
