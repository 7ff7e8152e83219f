"""The list of text recognizers and the code that runs them all and merges their spans."""
from __future__ import annotations

from functools import lru_cache

from site_gen.phi.finding import Span

from .recognizers.address import AddressRecognizer
from .recognizers.age import AgeRecognizer
from .recognizers.base import Recognizer
from .recognizers.biometric import BiometricRecognizer
from .recognizers.date import DateRecognizer
from .recognizers.device_id import DeviceIdRecognizer
from .recognizers.email import EmailRecognizer
from .recognizers.id_number import IdNumberRecognizer
from .recognizers.institution import InstitutionRecognizer
from .recognizers.person_name import PersonNameRecognizer
from .recognizers.phone import PhoneRecognizer
from .recognizers.url_ip import UrlIpRecognizer
from .recognizers.vehicle import VehicleRecognizer

RECOGNIZER_CLASSES: tuple[type[Recognizer], ...] = (
    EmailRecognizer, UrlIpRecognizer, PhoneRecognizer, IdNumberRecognizer, DateRecognizer,
    AgeRecognizer, AddressRecognizer, InstitutionRecognizer, VehicleRecognizer,
    DeviceIdRecognizer, BiometricRecognizer, PersonNameRecognizer,
)


@lru_cache(maxsize=1)
def recognizers() -> tuple[Recognizer, ...]:
    """One instance of each recognizer, built once (their data loads on first use)."""
    return tuple(cls() for cls in RECOGNIZER_CLASSES)


def run_all(text: str) -> list[Span]:
    spans: list[Span] = []
    for recognizer in recognizers():
        spans.extend(s for s in recognizer.find(text) if s.end > s.start)
    return merge(spans)


def merge(spans: list[Span]) -> list[Span]:
    """Merge overlapping spans into their union; the strongest (then longest) names the category."""
    if not spans:
        return []
    spans = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    group = [spans[0]]
    end = spans[0].end
    for span in spans[1:]:
        if span.start < end:
            group.append(span)
            end = max(end, span.end)
            continue
        merged.append(_union(group, end))
        group, end = [span], span.end
    merged.append(_union(group, end))
    return merged


def _union(group: list[Span], end: int) -> Span:
    best = max(group, key=lambda s: (s.score, s.end - s.start))
    return Span(group[0].start, end, best.category, best.detector, best.score)
