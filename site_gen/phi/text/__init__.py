"""PHI detection in free text: `analyze(text)` returns spans of suspected PHI.

Offsets refer to the ORIGINAL string (end exclusive), even though detection runs on a
normalised copy (NFKC, zero-width characters removed, Cyrillic/Greek look-alikes folded, Unicode
dashes made ASCII).  Rule recognizers and the trained model (tagger.py) work together
(detector.py).  Never print what a span covers; use `site_gen.phi.finding.mask` for display.
"""
from __future__ import annotations

from functools import lru_cache

from site_gen.phi.finding import Span

from .detector import Detector
from .normalize import normalize
from .registry import merge, recognizers
from .tagger import shipped_tagger

__all__ = ["analyze", "recognizers", "default_detector"]


@lru_cache(maxsize=1)
def default_detector() -> Detector:
    """The rules plus the model shipped inside the package."""
    return Detector(shipped_tagger())


def analyze(text: str, detector: Detector | None = None) -> list[Span]:
    if not text or not text.strip():
        return []
    folded = normalize(text)
    spans = (detector or default_detector()).find(folded.text)
    if folded.origin is None:
        return spans
    mapped = []
    for span in spans:
        start, end = folded.to_original(span.start, span.end)
        mapped.append(Span(start, end, span.category, span.detector, span.score, span.why))
    return merge(mapped)
