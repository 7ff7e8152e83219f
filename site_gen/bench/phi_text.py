"""Recall/precision of the PHI text detector on labelled corpora, honestly.

    python -m site_gen.bench.phi_text [--corpus ../shared/corpora] [--cv 5] [--large] [--json]

`--cv N` is the figure that counts: each corpus is split into N folds (PhysioNet notes by patient,
every other corpus by record); for each fold the model is trained and the thresholds are chosen
without that fold (site_gen/phi/text/train.py), then scored on it.  Pooled and per-fold recall and
precision are printed per corpus, with recall per gold type and precision per detected category,
and false alarms per 100 clean reports.  The shipped detector's figures on the whole split are
printed as well, labelled "tuned on": the shipped model, its thresholds and the rules were fitted
to that split, so they overstate what unseen text gets.

Scoring (site_gen/phi/text/scoring.py): a required gold span is found when any detection overlaps
it; a detection is a true positive when it overlaps required gold, neutral when it only overlaps
neutral gold and a false alarm otherwise.  Only numbers are printed, never corpus text.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from site_gen.phi.text import analyze, default_detector
from site_gen.phi.text.corpus import Doc, read_corpora
from site_gen.phi.text.scoring import Score


def evaluate_docs(docs: list[Doc], analyzer=analyze) -> Score:
    """Score the shipped detector (or any analyzer) on documents, timing the detection itself in CPU
    seconds of this process (one core; other work on a shared machine does not count)."""
    score = Score()
    for doc in docs:
        t0 = time.process_time()
        spans = analyzer(doc.text)
        score.seconds += time.process_time() - t0
        score.add(doc, spans)
    return score


def large_file_speed(docs: list[Doc], size: int = 1_100_000, analyzer=analyze) -> dict:
    """Seconds to scan one file of `size` characters made of the corpus documents, as lines and as
    a single line (the shapes that once made recognizers quadratic)."""
    text = ""
    for doc in docs:
        if len(text) >= size:
            break
        text += doc.text + "\n"
    while text and len(text) < size:
        text += text
    text = text[:size]
    out = {}
    for name, variant in (("lines", text), ("one line", text.replace("\n", " "))):
        t0, c0 = time.perf_counter(), time.process_time()
        analyzer(variant)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        out[name] = {"kb": round(len(variant) / 1024), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                     "kb_per_s": round(len(variant) / 1024 / cpu, 1)}
    return out


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def print_summary(name: str, s: dict, label: str) -> None:
    speed = f", {s['kb_per_s']} KB/s on one core (CPU time)" if s.get("kb_per_s") else ""
    print(f"\n== {name} [{label}]: {s['docs']} docs{speed}")
    print(f"   recall {_fmt(s['recall'])}  precision {_fmt(s['precision'])}  "
          f"false alarms {s['false_alarms']} ({s['false_alarms_per_100_docs']}/100 docs)")
    if s["gold"]:
        print("   gold type              n   recall")
        for k, v in s["gold"].items():
            print(f"   {k:<20} {v['n']:>4}   {_fmt(v['recall'])}")
    print("   detected category     tp    fp  neutral  precision")
    for k, v in s["detected"].items():
        print(f"   {k:<20} {v['tp']:>4} {v['fp']:>5} {v['neutral']:>8}   {_fmt(v['precision'])}")


def print_folds(name: str, folds: list[dict]) -> None:
    print(f"   per fold ({name}):")
    for i, s in enumerate(folds, start=1):
        types = "  ".join(f"{k} {_fmt(v['recall']).strip()}" for k, v in s["gold"].items())
        print(f"   fold {i}: {s['docs']:>4} docs  recall {_fmt(s['recall'])}  precision {_fmt(s['precision'])}  "
              f"FA/100 {s['false_alarms_per_100_docs']}" + (f"  | {types}" if types else ""))


def run_cv(corpora: dict[str, list[Doc]], folds: int, synthetic: int, seed: int, log) -> dict:
    from site_gen.phi.text import train

    prepared, generated = train.prepare_all(corpora, synthetic, seed, log=log)
    with tempfile.TemporaryDirectory() as work:
        results = train.cross_validate(prepared, generated, folds, Path(work), log=log)
    tables = train.cv_tables(corpora, results)
    return {"pooled": {name: t["pooled"] for name, t in tables.items()},
            "folds": {name: t["folds"] for name, t in tables.items()},
            "thresholds": [r["settings"] for r in results]}


def main(argv: list[str] | None = None) -> int:
    default = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
    parser = argparse.ArgumentParser(description="Evaluate the PHI text detector")
    parser.add_argument("--corpus", type=Path, default=default, help="folder holding text/*.jsonl")
    parser.add_argument("--cv", type=int, default=0, metavar="N",
                        help="cross-validate: train and choose thresholds without each of N folds")
    parser.add_argument("--synthetic", type=int, default=None,
                        help="synthetic training documents (with --cv; default: as the shipped model)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--large", action="store_true", help="also time one 1.1 MB file (lines and one line)")
    args = parser.parse_args(argv)
    try:
        corpora = read_corpora(args.corpus)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not corpora:
        print(f"no corpora under {args.corpus / 'text'}", file=sys.stderr)
        return 2
    log = (lambda msg: print(msg, file=sys.stderr, flush=True)) if args.json else (lambda msg: print(msg, flush=True))
    t0 = time.perf_counter()
    analyze("warm up: load data once")  # keep data loading out of the speed figure
    start_seconds = time.perf_counter() - t0
    report: dict = {"tuned_on": {}, "start_seconds": round(start_seconds, 2)}
    if default_detector().tagger is not None:
        from site_gen.phi.text.tagger import MODEL_FILE, Tagger

        t0 = time.perf_counter()
        Tagger()
        report["model"] = {"bytes": MODEL_FILE.stat().st_size, "load_seconds": round(time.perf_counter() - t0, 3)}
    if args.cv > 1:
        from site_gen.phi.text.train import SYNTHETIC_DOCS

        synthetic = SYNTHETIC_DOCS if args.synthetic is None else args.synthetic
        report["cross_validated"] = run_cv(corpora, args.cv, synthetic, args.seed, log)
    model = "rules + model" if default_detector().tagger is not None else "rules only (no model shipped)"
    for name, docs in corpora.items():
        report["tuned_on"][name] = evaluate_docs(docs).summary()
    if args.large:
        report["large_file"] = large_file_speed([d for docs in corpora.values() for d in docs])
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    if "cross_validated" in report:
        cv = report["cross_validated"]
        print(f"\n##### cross-validated, {args.cv} folds (train and thresholds without the scored fold) #####")
        for name in corpora:
            print_summary(name, cv["pooled"][name], f"cross-validated, pooled over {args.cv} folds")
            print_folds(name, cv["folds"][name])
    print(f"\n##### tuned on: the shipped detector ({model}) on the split it was fitted to #####")
    print(f"   first use (word lists and model loaded): {report['start_seconds']} s" +
          (f"; model {report['model']['bytes'] // 1024} KB, loads in {report['model']['load_seconds']} s"
           if "model" in report else ""))
    for name, s in report["tuned_on"].items():
        print_summary(name, s, "tuned on")
    for name, row in report.get("large_file", {}).items():
        print(f"\n== one {row['kb']} KB file ({name}): {row['seconds']} s wall, {row['cpu_seconds']} s CPU, "
              f"{row['kb_per_s']} KB/s on one core")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
