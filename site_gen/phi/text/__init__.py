"""PHI detection in free text: `analyze(text)` returns spans of suspected PHI.

Offsets refer to the ORIGINAL string (end exclusive), even though detection runs on a
normalised copy (NFKC, zero-width characters removed, Cyrillic/Greek look-alikes folded).
Never print what a span covers; use `site_gen.phi.finding.mask` for display.
"""
from __future__ import annotations

from site_gen.phi.finding import Span

from .normalize import normalize
from .registry import merge, recognizers, run_all

__all__ = ["analyze", "recognizers"]


def analyze(text: str) -> list[Span]:
    if not text or not text.strip():
        return []
    folded = normalize(text)
    spans = run_all(folded.text)
    if folded.origin is None:
        return spans
    mapped = []
    for span in spans:
        start, end = folded.to_original(span.start, span.end)
        mapped.append(Span(start, end, span.category, span.detector, span.score))
    return merge(mapped)
