"""Rules and the trained model together: one `Detector` per model and threshold set.

The rule recognizers run first; their verdicts are features of the model (so the model learns
when a rule is right), and their spans are kept unless the model gives their words less than the
category's veto probability of being an identifier of any kind ("Foley to gravity": a surname to
the rules, a catheter to the model; "called from Wexmoor": a name to the rules, a town to the
model, kept).
The model adds the tokens whose label probability reaches the category's model threshold.  Both
thresholds per category are chosen by cross-validation (train.py) and shipped in text-model.json;
without a model the rules alone decide (every rule span is kept).
"""
from __future__ import annotations

import bisect
import re

from dataclasses import dataclass, field

from site_gen.phi.finding import Category, Span

from .recognizers import filters
from .registry import merge, run_all
from .tagger import CATEGORY_LABEL, Tagger, Token, most_likely, rule_marks, spans_from_probabilities, tokenize


# Rule spans below this score rest on weak evidence (a name-like word, no cue): their veto
# threshold ("weak_veto_thresholds") may be stricter than that of the category's other spans.
WEAK_RULE_SCORE = 0.75
# Shapes the model is not asked to judge: never vetoed (initials after a cue, DICOM SURNAME^GIVEN).
# A category's "sure_scores" (chosen by cross-validation) may lower this: rule spans on strong
# evidence (a title or relation word right before a listed name) are then kept whatever the model says.
_SHAPE_SCORE = 0.95
# False-positive filters for the model's own spans, per category.
MODEL_FILTERS = {Category.DATE: (filters.spine_levels,),
                 Category.ADDRESS: (filters.allowed_geography_only, filters.setting_value),
                 Category.NAME: (filters.lower_case_words,),
                 Category.PHONE: (filters.value_series, filters.loose_digit_groups)}


@dataclass
class Analysis:
    """What the slow steps produce for one text; `combine` turns it into spans for any thresholds."""

    text: str
    rules: list[Span]
    tokens: list[Token] = field(default_factory=list)
    probabilities: list[dict[str, float]] = field(default_factory=list)
    _best: list[tuple[str, float]] | None = field(default=None, repr=False)
    _candidates: dict[float, list[int]] = field(default_factory=dict, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)

    def most_likely(self) -> list[tuple[str, float]]:
        """Per token, its most probable label and probability (computed once: threshold search
        reads the same analysis hundreds of times)."""
        if self._best is None:
            self._best = most_likely(self.probabilities)
        return self._best

    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [t.start for t in self.tokens]
        return self._starts

    def candidates(self, floor: float) -> list[int]:
        """Indexes of the tokens whose most probable label reaches `floor`."""
        if floor not in self._candidates:
            self._candidates[floor] = [i for i, (_, p) in enumerate(self.most_likely()) if p >= floor]
        return self._candidates[floor]


def combine(analysis: Analysis, settings: dict) -> list[Span]:
    """Rule spans that the model does not veto (a veto: its probability that the span's words are
    an identifier of any kind stays below the category's veto threshold; spans scored at least
    the category's sure score are never vetoed), plus the model's own spans."""
    model_min = settings.get("model_thresholds", {})
    veto = settings.get("veto_thresholds", {})
    weak_veto = settings.get("weak_veto_thresholds", {})
    sure = settings.get("sure_scores", {})
    have_model = bool(analysis.tokens and analysis.probabilities)
    starts = analysis.starts() if have_model else []
    kept, vetoed = [], []
    for s in analysis.rules:
        label = CATEGORY_LABEL.get(s.category, "")
        limit = veto.get(label, 0.0)
        if s.score < WEAK_RULE_SCORE:
            limit = max(limit, weak_veto.get(label, 0.0))
        if have_model and limit > 0 and s.category != Category.INITIALS and s.score < sure.get(label, _SHAPE_SCORE) \
                and _model_support(analysis, starts, s) < limit:
            vetoed.append(s)
            continue
        kept.append(s)
    if have_model:
        rule_starts = [r.start for r in analysis.rules]  # run_all's spans are sorted and disjoint
        floor = min(model_min.values(), default=0.5)
        for m in spans_from_probabilities(analysis.text, analysis.tokens, analysis.probabilities, model_min,
                                          analysis.most_likely(), analysis.candidates(floor)):
            if not any(f(analysis.text, m.start, m.end) for f in MODEL_FILTERS.get(m.category, ())):
                kept.append(_refined(m, analysis.rules, rule_starts))
    if vetoed:
        kept += _names_kept_by_company(analysis.text, vetoed, kept)
    return merge(kept)


_MAX_JOINT = 12  # ", and " with spaces to spare
_LIST_JOINT = re.compile(r"\s*(?:,|;|&|/|,?\s*(?:and|or|und|et|y|e|og)\b)\s*", re.IGNORECASE)


def _names_kept_by_company(text: str, vetoed: list[Span], kept: list[Span]) -> list[Span]:
    """Vetoed name spans that stand for the same person as a kept one, or beside kept names in a
    list: the model judges each word in its context, and a name it knows elsewhere in the text
    ("PELLEGRO called back"), or the third of "Dorval, Barton and Reed", is still that name."""
    names = [s for s in kept if s.category == Category.NAME]
    if not names:
        return []
    known = {_folded(text[s.start:s.end]) for s in names}
    waiting = [s for s in vetoed if s.category == Category.NAME]
    out: list[Span] = []
    while waiting:  # a list is taken up name by name ("A, B and C": C joins B once B joined A)
        ends, starts = sorted(n.end for n in names), sorted(n.start for n in names)
        joined = [s for s in waiting if _folded(text[s.start:s.end]) in known or _listed_with(text, s, ends, starts)]
        if not joined:
            break
        out += joined
        names += joined
        known |= {_folded(text[s.start:s.end]) for s in joined}
        waiting = [s for s in waiting if s not in joined]
    return out


def _listed_with(text: str, span: Span, ends: list[int], starts: list[int]) -> bool:
    """Whether a name (`ends`, `starts`: sorted ends and starts of the names) stands right before
    or after `span`, joined by a comma or a conjunction."""
    i = bisect.bisect_right(ends, span.start)  # ends[i - 1]: the last name to end before the span
    if i > 0 and span.start - ends[i - 1] <= _MAX_JOINT and _LIST_JOINT.fullmatch(text[ends[i - 1]:span.start]):
        return True
    j = bisect.bisect_left(starts, span.end)    # starts[j]: the first name to start after it
    return (j < len(starts) and starts[j] - span.end <= _MAX_JOINT
            and _LIST_JOINT.fullmatch(text[span.end:starts[j]]) is not None)


def _folded(value: str) -> str:
    return " ".join(value.split()).casefold()


def _refined(model_span: Span, rules: list[Span], rule_starts: list[int]) -> Span:
    """The model's labels are coarse (LOCATION covers addresses and hospitals): an overlapping rule
    span of the same kind names the finer category."""
    label = CATEGORY_LABEL.get(model_span.category)
    i = max(bisect.bisect_right(rule_starts, model_span.start) - 1, 0)
    for r in rules[i:bisect.bisect_left(rule_starts, model_span.end)]:
        if r.start < model_span.end and model_span.start < r.end and CATEGORY_LABEL.get(r.category) == label \
                and r.category != model_span.category:
            return Span(model_span.start, model_span.end, r.category, model_span.detector, model_span.score,
                        model_span.why)
    return model_span


def _model_support(analysis: Analysis, starts: list[int], span: Span) -> float:
    """The model's highest probability, on the words of a rule span, that a word is an identifier
    of any kind (1 - P(no identifier)): a rule's "name" that the model reads as a town is still
    an identifier and no veto."""
    i = max(bisect.bisect_right(starts, span.start) - 1, 0)
    best = 0.0
    while i < len(analysis.tokens) and analysis.tokens[i].start < span.end:
        if analysis.tokens[i].end > span.start:
            best = max(best, sum(analysis.probabilities[i].values()))
        i += 1
    return best


class Detector:
    def __init__(self, tagger: Tagger | None, settings: dict | None = None) -> None:
        self.tagger = tagger
        self.settings = settings if settings is not None else (tagger.settings if tagger else {})

    def analysis(self, text: str) -> Analysis:
        rules = run_all(text)
        if self.tagger is None:
            return Analysis(text, rules)
        tokens = tokenize(text)
        marks = rule_marks(tokens, rules)
        return Analysis(text, rules, tokens, self.tagger.probabilities(text, tokens, marks))

    def find(self, text: str) -> list[Span]:
        """Spans in (already normalised) text."""
        if self.tagger is None:
            return self.analysis(text).rules
        return combine(self.analysis(text), self.settings)
