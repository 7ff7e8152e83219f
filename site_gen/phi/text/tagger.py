"""The trained sequence model beside the rules: a linear-chain CRF over word tokens.

Why a CRF (python-crfsuite) and not a neural tagger: it trains in minutes on two shared cores,
the model is a few MB, it loads in milliseconds, tags well over 100 KB/s in one core and needs no
download; with lexicon and rule features its cross-validated recall matches what small neural
taggers reach on notes of this size (see docs/text-model.md for the figures).

Each token gets features of its own shape and case, its membership in the shipped word lists
(names, places, clinical vocabulary, abbreviations, titles, relation and cue words), the rule
recognizers' verdict on it, and the same for its neighbours.  The model gives, per token, the
probability of each label; `Tagger.spans` turns runs of tokens whose label probability passes the
category's threshold into spans.
"""
from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from site_gen.phi.finding import Category, Span

from .lexicon import (DATA_DIR, WORLD_KINDS, allowed_geography, clinical_abbreviations, drug_names, english_words,
                      eponyms, is_english_word, medical_words, month_lookup, names, place_heads, radiology_vocabulary,
                      vocabulary_prefix, word_set, world_names)
from .nameness import nameness
from .recognizers.base import words_regime

MODEL_FILE = DATA_DIR / "text-model.crfsuite"
SETTINGS_FILE = DATA_DIR / "text-model.json"
LABELS = ("NAME", "DATE", "LOCATION", "PHONE", "AGE", "ID", "CONTACT")
LABEL_CATEGORY = {
    "NAME": Category.NAME, "DATE": Category.DATE, "LOCATION": Category.ADDRESS, "PHONE": Category.PHONE,
    "AGE": Category.AGE_OVER_89, "ID": Category.ID_NUMBER, "CONTACT": Category.URL_IP,
}
CATEGORY_LABEL = {
    Category.NAME: "NAME", Category.INITIALS: "NAME", Category.DATE: "DATE", Category.ADDRESS: "LOCATION",
    Category.INSTITUTION: "LOCATION", Category.PHONE: "PHONE", Category.AGE_OVER_89: "AGE",
    Category.ID_NUMBER: "ID", Category.VEHICLE: "ID", Category.DEVICE_ID: "ID", Category.BIOMETRIC: "ID",
    Category.EMAIL: "CONTACT", Category.URL_IP: "CONTACT",
}
# letters and digits apart ("12May2020" -> 12 / May / 2020), each other character on its own
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_")
_SEGMENT_TOKENS = 400  # training and tagging work on runs of whole lines of about this size


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def segments(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Token index ranges of whole lines, about _SEGMENT_TOKENS long (a line longer than that is cut)."""
    out = []
    begin = 0
    for i in range(1, len(tokens) + 1):
        size = i - begin
        at_line_end = i == len(tokens) or "\n" in text[tokens[i - 1].end:tokens[i].start]
        if i == len(tokens) or (size >= _SEGMENT_TOKENS and at_line_end) or size >= 4 * _SEGMENT_TOKENS:
            out.append((begin, i))
            begin = i
    return out


def _shape(word: str) -> str:
    out = []
    for c in word:
        s = "X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out)[:6]


def _script(c: str) -> str:
    if c.isascii():
        return "ascii"
    name = unicodedata.name(c, "other")
    return name.split(" ")[0].lower()


@lru_cache(maxsize=1)
def _word_lists() -> dict[str, frozenset[str]]:
    lists = {key: word_set(key) for key in ("titles", "credentials", "relations", "name_cues", "name_followers",
                                            "street_suffixes", "unit_words", "stopwords", "languages",
                                            "weekdays", "holidays", "id_context", "phone_context",
                                            "section_headings")}
    lists["roles"] = frozenset(r.split()[-1] for r in word_set("roles"))
    lists["institution"] = frozenset(w.split()[-1] for w in word_set("institution_heads"))
    lists["age_units"] = frozenset(w.split()[0] for w in word_set("age_units"))
    return lists


@lru_cache(maxsize=1)
def _lexicon_features() -> tuple[tuple[str, object], ...]:
    """(feature, word set): a word in the set has the feature (the shipped lexicons)."""
    always, conditional = eponyms()
    return (("radiology", radiology_vocabulary()), ("drug", drug_names()), ("abbr", clinical_abbreviations()),
            ("medword", medical_words()), ("eponym", always | conditional), ("geo", allowed_geography()),
            ("place", place_heads()), ("month", month_lookup()))


@lru_cache(maxsize=65536)
def word_features(word: str) -> tuple[str, ...]:
    """What a word says on its own: identity, shape, case, script and list membership."""
    lower = word.lower()
    feats = ["s=" + _shape(word)]
    if word[0].isdigit():
        feats.append(f"dlen={min(len(word), 9)}")
        value = int(word[:4])
        if len(word) <= 2:
            feats.append("day" if 1 <= value <= 31 else "num2")
            if 1 <= value <= 12:
                feats.append("month#")
        elif len(word) == 4:
            feats.append("year" if 1900 <= value <= 2099 else "num4")
        return tuple(feats)
    if not word[0].isalpha():
        return ("p=" + word,)
    if public_word(lower):
        # Word identity only for public vocabulary: the model file must never hold a name (or a
        # fragment of one) from the text it was trained on, whoever retrains it.
        feats.append("w=" + lower[:24])
        if len(lower) > 3:
            feats += ["suf3=" + lower[-3:], "pre3=" + lower[:3]]
    feats.append(f"len={min(len(word), 8)}")
    script = _script(word[0])
    if script != "ascii":
        feats.append("script=" + script)
    info = names().get(lower)
    if info is not None:
        if info.first:
            feats.append(f"first={min(info.first // 3, 5)}")
        if info.surname:
            feats.append(f"last={min(info.surname // 3, 5)}")
        if info.word:
            feats.append("nameword")
    world = world_names().get(lower, 0)
    if world:
        feats += ["world=" + kind for i, kind in enumerate(WORLD_KINDS) if world >> i & 1]
    english = is_english_word(lower)
    if english:
        feats.append("english")
    feats += [name for name, words in _lexicon_features() if lower in words]
    for key, words in _word_lists().items():
        if lower in words:
            feats.append("list=" + key)
    if info is None and not english and len(lower) >= 3:
        feats.append(f"nameness={max(-2, min(2, round(nameness(lower))))}")
        if not world and script != "ascii":
            feats.append("unknown=" + script)  # a word of this script that no list knows
    if not english and not public_word(lower):
        if len(lower) >= 4 and vocabulary_prefix(lower):
            feats.append("vpre")  # shorthand for a drug or medical word ("vanco", "levo")
        if info is None or max(info.first, info.surname) < 6:
            near = near_vocabulary(lower)
            if near:
                feats.append("near=" + near)  # a misspelt ordinary or medical word ("dauther")
    return tuple(feats)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def near_vocabulary(lower: str) -> str | None:
    """'english' or 'medical' when one letter added, dropped, changed or two swapped make the word
    an English or medical word; None otherwise (and for short or non-ASCII words)."""
    if len(lower) < 5 or not (lower.isascii() and lower.isalpha()):
        return None
    english, medical, drugs = english_words(), medical_words(), drug_names()
    n = len(lower)
    candidates = {lower[:i] + lower[i + 1:] for i in range(n)}
    candidates |= {lower[:i] + lower[i + 1] + lower[i] + lower[i + 2:] for i in range(n - 1)}
    candidates |= {lower[:i] + c + lower[i + 1:] for i in range(n) for c in _LETTERS if c != lower[i]}
    candidates |= {lower[:i] + c + lower[i:] for i in range(n + 1) for c in _LETTERS}
    if not candidates.isdisjoint(english):
        return "english"
    if not (candidates.isdisjoint(medical) and candidates.isdisjoint(drugs)):
        return "medical"
    return None


@lru_cache(maxsize=65536)
def public_word(lower: str) -> bool:
    """A word of the shipped non-name vocabulary (English, medical, drugs, abbreviations, rule word
    lists, months, states and countries, eponyms); names and towns are not."""
    if is_english_word(lower) or lower in radiology_vocabulary() or lower in drug_names() or lower in medical_words() \
            or lower in clinical_abbreviations() or lower in month_lookup() or lower in allowed_geography():
        return True
    always, conditional = eponyms()
    return lower in always or lower in conditional or any(lower in words for words in _word_lists().values())


_CONTEXT_KEEP = ("w=", "s=", "list=", "first=", "last=", "p=", "month", "english", "day", "year", "dlen=", "drug",
                 "medword", "abbr", "vpre", "near=")
_FAR_KEEP = ("list=", "p=")  # what a word three places away tells


@lru_cache(maxsize=131072)
def _context_features(word: str, offset: int) -> tuple[str, ...]:
    """A neighbour's features as seen from `offset` words away ("-1w=dr")."""
    keep = _CONTEXT_KEEP if abs(offset) < 3 else _FAR_KEEP
    return tuple(f"{offset}{f}" for f in word_features(word) if f.startswith(keep))


def rule_marks(tokens: Sequence[Token], spans: Iterable[Span]) -> list[str | None]:
    """For each token, the strongest rule verdict covering it: "CATEGORY:score-bucket" or None."""
    marks: list[str | None] = [None] * len(tokens)
    best: list[float] = [0.0] * len(tokens)
    starts = [t.start for t in tokens]
    for span in spans:
        i = bisect.bisect_right(starts, span.start) - 1
        i = max(i, 0)
        while i < len(tokens) and tokens[i].start < span.end:
            if tokens[i].end > span.start and span.score >= best[i]:
                best[i] = span.score
                marks[i] = f"{CATEGORY_LABEL.get(span.category, 'ID')}:{min(9, int(span.score * 10))}"
            i += 1
    return marks


def words_written_lower(tokens: Iterable[Token]) -> frozenset[str]:
    """The words a text writes in lower case (for the feature "lower elsewhere")."""
    return frozenset(t.text for t in tokens if len(t.text) > 2 and t.text.islower())


def features(text: str, tokens: Sequence[Token], marks: Sequence[str | None],
             vocabulary: frozenset[str] = frozenset(), lowered: frozenset[str] = frozenset()) -> list[list[str]]:
    """The feature strings of every token (the model's input).  `vocabulary`: the words the
    training text taught as ordinary (learned_vocabulary in train.py), known by their identity
    like the public vocabulary.  `lowered`: the words the whole text writes in lower case
    (words_written_lower): a capitalised word that the same note also writes in lower case is
    more often shorthand (a drug at the start of a line, then again mid-sentence) than a name,
    which keeps its capital."""
    regime = "regime=" + words_regime(t.text for t in tokens if t.text[0].isalpha())
    n = len(tokens)
    own = [word_features(t.text) for t in tokens]
    learned = [_learned(t.text, vocabulary) for t in tokens] if vocabulary else [None] * n
    out = []
    section = None
    for i, tok in enumerate(tokens):
        f = list(own[i])
        f.append(regime)
        if tok.text[0].isalpha():
            f.append("case=" + ("upper" if tok.text.isupper() else "lower" if tok.text.islower()
                                else "title" if tok.text[0].isupper() else "mixed"))
        gap_before = text[tokens[i - 1].end:tok.start] if i else "\n"
        gap_after = text[tok.end:tokens[i + 1].start] if i + 1 < n else "\n"
        if "\n" in gap_before:
            f.append("bol")
            section = _section(tokens, i)
        elif i and tokens[i - 1].text == "." and tok.text.isupper():
            section = _section(tokens, i) or section  # "... called. ID: on ..."
        if section:
            f.append(section)
        if "\n" in gap_after:
            f.append("eol")
        if not gap_before:
            f.append("glued<")
        if not gap_after:
            f.append("glued>")
        if learned[i]:
            f.append("w=" + learned[i])
        if lowered and tok.text[0].isupper() and tok.text.lower() in lowered:
            f.append("lower_elsewhere")
        mark = marks[i]
        if mark:
            f.append("r=" + mark)
            f.append("r=" + mark.split(":")[0])
        for k in (-3, -2, -1, 1, 2, 3):
            j = i + k
            if 0 <= j < n:
                f.extend(_context_features(tokens[j].text, k))
                if learned[j] and abs(k) < 3:
                    f.append(f"{k}w=" + learned[j])
                if k in (-1, 1) and marks[j]:
                    f.append(f"{k}r=" + marks[j].split(":")[0])
            else:
                f.append(f"{k}edge")
        if i and public_word(tokens[i - 1].text.lower()) and public_word(tok.text.lower()):
            f.append("bi=" + tokens[i - 1].text.lower()[:12] + "|" + tok.text.lower()[:12])
        out.append(f)
    return out


def _learned(word: str, vocabulary: frozenset[str]) -> str | None:
    """The word's identity when the learned vocabulary holds it and no public list does (public
    words have their identity already)."""
    lower = word.lower()
    return lower if lower in vocabulary and not public_word(lower) else None


def _section(tokens: Sequence[Token], i: int) -> str | None:
    """The heading a line starts with ("SOCIAL:", "Neuro -", "ID="), as a feature of its words:
    what a section is about says what its words are (relatives under SOCIAL, drugs under ID)."""
    word = tokens[i].text
    if i + 1 < len(tokens) and word[0].isalpha() and tokens[i + 1].text in (":", "-", "=") \
            and word.lower() in _word_lists()["section_headings"]:
        return "sect=" + word.lower()[:12]
    return None


class Tagger:
    """A trained model plus the per-category thresholds chosen by cross-validation."""

    def __init__(self, model: Path | None = None, settings: dict | None = None,
                 vocabulary: Iterable[str] | None = None) -> None:
        import pycrfsuite  # imported here: the rules alone work without the model

        self.model_path = model or MODEL_FILE
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(self.model_path))
        if settings is None:
            settings = json.loads(SETTINGS_FILE.read_text(encoding="utf-8")) if SETTINGS_FILE.exists() else {}
        self.settings = settings
        self.vocabulary = frozenset(settings.get("vocabulary", ()) if vocabulary is None else vocabulary)
        self.labels = [label for label in self._tagger.labels() if label != "O"]

    def probabilities(self, text: str, tokens: list[Token], marks: list[str | None]) -> list[dict[str, float]]:
        """Per token, the probability of each label (the model's marginals)."""
        out: list[dict[str, float]] = []
        tagger = self._tagger
        labels = self.labels
        lowered = words_written_lower(tokens)
        for begin, end in segments(text, tokens):
            xseq = features(text, tokens[begin:end], marks[begin:end], self.vocabulary, lowered)
            tagger.set(xseq)
            for pos in range(end - begin):
                out.append({label: tagger.marginal(label, pos) for label in labels})
        return out

    def spans(self, text: str, tokens: list[Token], marks: list[str | None], thresholds: dict[str, float]) -> list[Span]:
        """Runs of tokens whose probability of one label passes its threshold."""
        probs = self.probabilities(text, tokens, marks)
        return spans_from_probabilities(text, tokens, probs, thresholds)


def most_likely(probs: Sequence[dict[str, float]]) -> list[tuple[str, float]]:
    """Per token, its most probable label and that probability."""
    return [max(p.items(), key=_second) if p else ("", 0.0) for p in probs]


def _second(pair: tuple[str, float]) -> float:
    return pair[1]


def spans_from_probabilities(text: str, tokens: Sequence[Token], probs: Sequence[dict[str, float]],
                             thresholds: dict[str, float], best: Sequence[tuple[str, float]] | None = None,
                             candidates: Sequence[int] | None = None) -> list[Span]:
    """Runs of tokens on one line whose most probable label passes its threshold, trimmed of the
    punctuation at their edges and kept only when they hold what such an identifier is made of
    (`_anchored`): a date holds a digit or a month, a phone number a digit, a name a word.

    `best` (most_likely(probs)) and `candidates` (the indexes of the tokens whose best probability
    reaches the lowest threshold, in order) may be passed when the same probabilities are read
    with many thresholds."""
    best = most_likely(probs) if best is None else best
    if candidates is None:
        floor = min(thresholds.values(), default=0.5)
        candidates = [i for i, (_, p) in enumerate(best) if p >= floor]
    out: list[Span] = []
    run: list[int] = []  # token indexes of the current run
    run_label, run_best = "", 0.0

    def close() -> None:
        inner = [i for i in run if tokens[i].text[0].isalnum()]
        if inner and _anchored(run_label, [tokens[i].text for i in run]):
            out.append(Span(tokens[inner[0]].start, tokens[inner[-1]].end, LABEL_CATEGORY[run_label], "model",
                            round(run_best, 3), why=f"trained model: {run_label.lower()} with probability {run_best:.2f}"))

    for i in candidates:
        label, probability = best[i]
        if probability < thresholds.get(label, 0.5):
            continue
        if run and (i != run[-1] + 1 or label != run_label or "\n" in text[tokens[run[-1]].end:tokens[i].start]):
            close()
            run = []
        if not run:
            run_label, run_best = label, probability
        run.append(i)
        run_best = max(run_best, probability)
    if run:
        close()
    return out


_DIGIT = re.compile(r"\d")


def _anchored(label: str, words: list[str]) -> bool:
    """Does a run the model labelled hold something an identifier of that kind is made of?"""
    if label in ("PHONE", "AGE", "ID"):
        return any(_DIGIT.search(w) for w in words)
    if label == "DATE":
        if any(_DIGIT.search(w) or _is_date_word(w.lower()) for w in words):
            return True
        letters = "".join(w.lower() for w in words if w[0].isalpha())
        return any(holiday in letters for holiday in _holidays())
    if label == "CONTACT":
        return any(_DIGIT.search(w) for w in words) or any(w in ".@:/" for w in words)
    if label == "NAME":
        return any(w[0].isalpha() for w in words)
    return any(w[0].isalnum() for w in words)


@lru_cache(maxsize=4096)
def _is_date_word(lower: str) -> bool:
    return lower in month_lookup() or lower in _word_lists()["weekdays"]


@lru_cache(maxsize=1)
def _holidays() -> tuple[str, ...]:
    """Holiday names as letters only ("newyearsday"), to find them in a run of words."""
    return tuple(re.sub(r"[^a-z]", "", h) for h in _word_lists()["holidays"])


@lru_cache(maxsize=1)
def shipped_tagger() -> Tagger | None:
    """The model inside the package, or None when the package has none (rules alone then)."""
    if not MODEL_FILE.exists():
        return None
    return Tagger()
