"""Rules and the trained model together: one `Detector` per model and threshold set.

The rule recognizers run first; their verdicts are features of the model (so the model learns
when a rule is right), and their spans are kept when their score reaches the category's rule
threshold.  The model adds the tokens whose label probability reaches the category's model
threshold.  Both thresholds per category are chosen by cross-validation (train.py) and shipped in
text-model.json; without a model the rules alone decide (every rule span is kept).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from site_gen.phi.finding import Span

from .registry import merge, run_all
from .tagger import CATEGORY_LABEL, Tagger, Token, rule_marks, spans_from_probabilities, tokenize


@dataclass
class Analysis:
    """What the slow steps produce for one text; `combine` turns it into spans for any thresholds."""

    text: str
    rules: list[Span]
    tokens: list[Token] = field(default_factory=list)
    probabilities: list[dict[str, float]] = field(default_factory=list)


def combine(analysis: Analysis, settings: dict) -> list[Span]:
    rule_min = settings.get("rule_thresholds", {})
    model_min = settings.get("model_thresholds", {})
    kept = [s for s in analysis.rules if s.score >= rule_min.get(CATEGORY_LABEL.get(s.category, ""), 0.0)]
    if analysis.tokens and analysis.probabilities:
        kept += spans_from_probabilities(analysis.text, analysis.tokens, analysis.probabilities, model_min)
    return merge(kept)


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
