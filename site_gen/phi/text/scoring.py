"""How detections are scored against gold labels (shared by the benchmark and the trainer).

A required gold span counts as found when any detection overlaps it, whatever category the
detection names.  A detection is a true positive when it overlaps required gold, neutral when it
only overlaps neutral gold (a year alone, places Safe Harbor allows, ages up to 89, `ignore`
spans) and a false alarm otherwise.  Only counts leave this module, never text.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from site_gen.phi.finding import Span

from .corpus import Doc


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


@dataclass
class Score:
    docs: int = 0
    chars: int = 0
    seconds: float = 0.0
    gold: Counter = field(default_factory=Counter)        # required gold spans per gold type
    found: Counter = field(default_factory=Counter)       # of which some detection overlapped
    det_tp: Counter = field(default_factory=Counter)      # detections per category
    det_fp: Counter = field(default_factory=Counter)
    det_neutral: Counter = field(default_factory=Counter)
    misses: list = field(default_factory=list)            # (doc id, start, end, gold type): offsets only
    false_alarms: list = field(default_factory=list)      # (doc id, start, end, category)

    def add(self, doc: Doc, spans: Iterable[Span]) -> None:
        spans = list(spans)
        self.docs += 1
        self.chars += len(doc.text)
        for start, end, kind in doc.required:
            self.gold[kind] += 1
            if any(_overlaps(s.start, s.end, start, end) for s in spans):
                self.found[kind] += 1
            else:
                self.misses.append((doc.id, start, end, kind))
        for s in spans:
            cat = s.category.value
            if any(_overlaps(s.start, s.end, a, b) for a, b, _ in doc.required):
                self.det_tp[cat] += 1
            elif any(_overlaps(s.start, s.end, a, b) for a, b, _ in doc.neutral):
                self.det_neutral[cat] += 1
            else:
                self.det_fp[cat] += 1
                self.false_alarms.append((doc.id, s.start, s.end, cat))

    def merge(self, other: "Score") -> None:
        self.docs += other.docs
        self.chars += other.chars
        self.seconds += other.seconds
        for name in ("gold", "found", "det_tp", "det_fp", "det_neutral"):
            getattr(self, name).update(getattr(other, name))
        self.misses += other.misses
        self.false_alarms += other.false_alarms

    @property
    def recall(self) -> float | None:
        total = sum(self.gold.values())
        return sum(self.found.values()) / total if total else None

    @property
    def precision(self) -> float | None:
        tp, fp = sum(self.det_tp.values()), sum(self.det_fp.values())
        return tp / (tp + fp) if tp + fp else None

    @property
    def false_alarms_per_100(self) -> float | None:
        return 100 * sum(self.det_fp.values()) / self.docs if self.docs else None

    def summary(self) -> dict:
        def ratio(a: int, b: int) -> float | None:
            return a / b if b else None

        return {
            "docs": self.docs,
            "kb_per_s": round(self.chars / 1024 / self.seconds, 1) if self.seconds else None,
            "recall": self.recall,
            "precision": self.precision,
            "false_alarms": sum(self.det_fp.values()),
            "false_alarms_per_100_docs": round(self.false_alarms_per_100, 2) if self.docs else None,
            "gold": {k: {"n": v, "recall": ratio(self.found[k], v)} for k, v in sorted(self.gold.items())},
            "detected": {k: {"tp": self.det_tp[k], "fp": self.det_fp[k], "neutral": self.det_neutral[k],
                             "precision": ratio(self.det_tp[k], self.det_tp[k] + self.det_fp[k])}
                         for k in sorted(set(self.det_tp) | set(self.det_fp) | set(self.det_neutral))},
        }
