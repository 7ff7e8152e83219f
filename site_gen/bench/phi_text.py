"""Recall/precision of the PHI text detector on the shared evaluation corpora.

    python -m site_gen.bench.phi_text [--corpus ../shared/corpora] [--json]

Reads text/*.jsonl (schema in the corpora README).  A gold span counts as found if any
detection overlaps it, whatever category the detector gave it.  A detection is a true positive
if it overlaps a required gold span, neutral if it only overlaps neutral gold (years alone,
GPE/ORGANIZATION/TITLE/NRP, ages up to 89) and a false alarm otherwise.  On the IU X-ray
reports every detection is a false alarm unless it overlaps an `ignore` span.
Only numbers are printed: never corpus text or detected values.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from site_gen.phi.text import analyze

REQUIRED = {
    "physionet": {"PTName", "PTNameInitial", "RelativeProxyName", "HCPName", "Date", "Location",
                  "Phone", "Age", "Other"},
    "presidio": {"PERSON", "STREET_ADDRESS", "DATE_TIME", "PHONE_NUMBER", "EMAIL_ADDRESS", "ZIP_CODE",
                 "US_SSN", "IP_ADDRESS", "US_DRIVER_LICENSE", "DOMAIN_NAME", "CREDIT_CARD", "IBAN_CODE", "AGE"},
}
_YEAR_ONLY = re.compile(r"\s*(?:19|20)\d{2}\s*")
_WEEKDAY_ONLY = re.compile(r"\s*(?:mon|tues|wednes|thurs|fri|satur|sun)day\s*", re.I)


def gold_is_required(corpus: str, span: dict, text: str) -> bool:
    """Safe Harbor view of a gold label: neutral types and allowed values return False."""
    kind = span["type"]
    family = "physionet" if corpus.startswith("physionet") else "presidio" if corpus.startswith("presidio") else ""
    if kind not in REQUIRED.get(family, set()):
        return False
    value = text[span["start"]:span["end"]]
    if kind == "DATE_TIME" and (_YEAR_ONLY.fullmatch(value) or _WEEKDAY_ONLY.fullmatch(value)):
        return False  # a year alone is allowed (as physionet's DateYear); a weekday is no date element
    if kind == "AGE":
        digits = re.findall(r"\d+", value)
        return bool(digits) and int(digits[0]) > 89
    return True


@dataclass
class CorpusResult:
    name: str
    docs: int = 0
    chars: int = 0
    seconds: float = 0.0
    gold: Counter = field(default_factory=Counter)        # required gold spans per type
    found: Counter = field(default_factory=Counter)       # of which overlapped
    det_tp: Counter = field(default_factory=Counter)      # detections per category
    det_fp: Counter = field(default_factory=Counter)
    det_neutral: Counter = field(default_factory=Counter)
    gold_chars: int = 0
    gold_chars_found: int = 0
    det_chars: int = 0
    det_chars_tp: int = 0
    misses: list = field(default_factory=list)            # (doc id, start, end, type) for debugging
    false_alarms: list = field(default_factory=list)      # (doc id, start, end, category)


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def evaluate_file(path: Path) -> CorpusResult:
    name = path.stem
    result = CorpusResult(name)
    with path.open(encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh if line.strip()]
    for doc in docs:
        text = doc["text"]
        result.docs += 1
        result.chars += len(text)
        t0 = time.perf_counter()
        spans = analyze(text)
        result.seconds += time.perf_counter() - t0
        required = [g for g in doc.get("phi", []) if gold_is_required(name, g, text)]
        neutral = [g for g in doc.get("phi", []) if not gold_is_required(name, g, text)]
        neutral += [dict(g, type="ignore") for g in doc.get("ignore", [])]
        for g in required:
            result.gold[g["type"]] += 1
            hit = any(_overlaps(s.start, s.end, g["start"], g["end"]) for s in spans)
            if hit:
                result.found[g["type"]] += 1
            else:
                result.misses.append((doc["id"], g["start"], g["end"], g["type"]))
            covered = set()
            for s in spans:
                covered.update(range(max(s.start, g["start"]), min(s.end, g["end"])))
            result.gold_chars += g["end"] - g["start"]
            result.gold_chars_found += len(covered)
        for s in spans:
            cat = s.category.value
            result.det_chars += s.end - s.start
            in_required = set()
            for g in required:
                in_required.update(range(max(s.start, g["start"]), min(s.end, g["end"])))
            result.det_chars_tp += len(in_required)
            if in_required:
                result.det_tp[cat] += 1
            elif any(_overlaps(s.start, s.end, g["start"], g["end"]) for g in neutral):
                result.det_neutral[cat] += 1
                result.det_chars -= s.end - s.start  # neutral characters count neither way
            else:
                result.det_fp[cat] += 1
                result.false_alarms.append((doc["id"], s.start, s.end, cat))
    return result


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def summary(result: CorpusResult) -> dict:
    gold_total = sum(result.gold.values())
    tp = sum(result.det_tp.values())
    fp = sum(result.det_fp.values())
    out = {
        "docs": result.docs,
        "kb_per_s": round(result.chars / 1024 / result.seconds, 1) if result.seconds else None,
        "recall": _ratio(sum(result.found.values()), gold_total),
        "precision": _ratio(tp, tp + fp),
        "char_recall": _ratio(result.gold_chars_found, result.gold_chars),
        "char_precision": _ratio(result.det_chars_tp, result.det_chars),
        "false_alarms": fp,
        "false_alarms_per_100_docs": round(100 * fp / result.docs, 2) if result.docs else None,
        "gold": {k: {"n": v, "recall": _ratio(result.found[k], v)} for k, v in sorted(result.gold.items())},
        "detected": {k: {"tp": result.det_tp[k], "fp": result.det_fp[k], "neutral": result.det_neutral[k],
                         "precision": _ratio(result.det_tp[k], result.det_tp[k] + result.det_fp[k])}
                     for k in sorted(set(result.det_tp) | set(result.det_fp) | set(result.det_neutral))},
    }
    return out


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def print_table(results: dict[str, dict]) -> None:
    for name, s in results.items():
        print(f"\n== {name}: {s['docs']} docs, {s['kb_per_s']} KB/s")
        print(f"   recall {_fmt(s['recall'])}  precision {_fmt(s['precision'])}  "
              f"char recall {_fmt(s['char_recall'])}  char precision {_fmt(s['char_precision'])}  "
              f"false alarms {s['false_alarms']} ({s['false_alarms_per_100_docs']}/100 docs)")
        if s["gold"]:
            print("   gold type              n   recall")
            for k, v in s["gold"].items():
                print(f"   {k:<20} {v['n']:>4}   {_fmt(v['recall'])}")
        print("   detected category     tp    fp  neutral  precision")
        for k, v in s["detected"].items():
            print(f"   {k:<20} {v['tp']:>4} {v['fp']:>5} {v['neutral']:>8}   {_fmt(v['precision'])}")


def main(argv: list[str] | None = None) -> int:
    default = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
    parser = argparse.ArgumentParser(description="Evaluate the PHI text detector")
    parser.add_argument("--corpus", type=Path, default=default, help="folder holding text/*.jsonl")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    files = sorted((args.corpus / "text").glob("*.jsonl"))
    if not files:
        print(f"no corpora under {args.corpus / 'text'}", file=sys.stderr)
        return 2
    analyze("warm up: load data once")  # keep data loading out of the speed figure
    results = {path.stem: summary(evaluate_file(path)) for path in files}
    total_chars = sum(r["docs"] for r in results.values())
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results)
    return 0 if total_chars else 1


if __name__ == "__main__":
    raise SystemExit(main())
