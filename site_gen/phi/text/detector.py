"""Rules and the trained model together: one `Detector` per model and threshold set.

The rule recognizers run first; their verdicts are features of the model (so the model learns
when a rule is right), and their spans are kept unless the model gives their label less than the
category's veto probability ("Foley to gravity": a surname to the rules, a catheter to the model).
The model adds the tokens whose label probability reaches the category's model threshold.  Both
thresholds per category are chosen by cross-validation (train.py) and shipped in text-model.json;
without a model the rules alone decide (every rule span is kept).
"""
from __future__ import annotations

import bisect

from dataclasses import dataclass, field

from site_gen.phi.finding import Category, Span

from .recognizers import filters
from .registry import merge, run_all
from .tagger import CATEGORY_LABEL, Tagger, Token, rule_marks, spans_from_probabilities, tokenize


# Shapes the model is not asked to judge: never vetoed (initials after a cue, DICOM SURNAME^GIVEN).
_SHAPE_SCORE = 0.95
# False-positive filters for the model's own spans, per category.
MODEL_FILTERS = {Category.DATE: (filters.spine_levels,)}


@dataclass
class Analysis:
    """What the slow steps produce for one text; `combine` turns it into spans for any thresholds."""

    text: str
    rules: list[Span]
    tokens: list[Token] = field(default_factory=list)
    probabilities: list[dict[str, float]] = field(default_factory=list)


def combine(analysis: Analysis, settings: dict) -> list[Span]:
    """Rule spans that the model does not veto (a veto: its probability of that label on the span's
    words stays below the category's veto threshold), plus the model's own spans."""
    model_min = settings.get("model_thresholds", {})
    veto = settings.get("veto_thresholds", {})
    have_model = bool(analysis.tokens and analysis.probabilities)
    starts = [t.start for t in analysis.tokens] if have_model else []
    kept = []
    for s in analysis.rules:
        label = CATEGORY_LABEL.get(s.category, "")
        if have_model and veto.get(label, 0.0) > 0 and s.category != Category.INITIALS and s.score < _SHAPE_SCORE \
                and _model_support(analysis, starts, s, label) < veto[label]:
            continue
        kept.append(s)
    if have_model:
        rule_starts = [r.start for r in analysis.rules]  # run_all's spans are sorted and disjoint
        for m in spans_from_probabilities(analysis.text, analysis.tokens, analysis.probabilities, model_min):
            if not any(f(analysis.text, m.start, m.end) for f in MODEL_FILTERS.get(m.category, ())):
                kept.append(_refined(m, analysis.rules, rule_starts))
    return merge(kept)


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


def _model_support(analysis: Analysis, starts: list[int], span: Span, label: str) -> float:
    """The model's highest probability of `label` on the words of a rule span."""
    i = max(bisect.bisect_right(starts, span.start) - 1, 0)
    best = 0.0
    while i < len(analysis.tokens) and analysis.tokens[i].start < span.end:
        if analysis.tokens[i].end > span.start:
            best = max(best, analysis.probabilities[i].get(label, 0.0))
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
