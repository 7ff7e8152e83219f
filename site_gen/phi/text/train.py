"""Train the text model and choose its thresholds by cross-validation; reproducible.

    python -m site_gen.phi.text.train ../shared/corpora [--folds 5] [--synthetic 2500] [--out DIR]

1. Reads every labelled corpus under the folder (text/*.jsonl, format in corpus.py) and generates
   synthetic training text from the shipped name and place lists (synthetic.py, fixed seed).
2. Cross-validation: for each fold k, the per-category thresholds are chosen inside the other
   folds (each of them is labelled by a model trained on the rest; the thresholds are chosen on
   those predictions); a model trained on every fold but k is then scored on k with
   them (the figures `python -m site_gen.bench.phi --cv` prints).
3. Ships a model trained on everything with thresholds chosen on the held-out predictions of the
   five fold models: site_gen/phi/data/text-model.crfsuite and text-model.json (thresholds, data,
   CV figures).

Same inputs, same seed -> the same model file.  A deployment retrains with its own labelled text by
adding its .jsonl files to the folder (docs/text-model.md).  Nothing here prints corpus text.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from site_gen.phi.finding import Span

from .corpus import MODEL_LABEL, Doc, read_corpora
from .detector import Analysis, combine
from .lexicon import allowed_geography
from .normalize import Normalized, normalize
from .registry import merge, run_all
from .scoring import Score
from .tagger import (LABELS, MODEL_FILE, SETTINGS_FILE, Tagger, Token, features, public_word,
                     rule_marks, segments, tokenize, words_written_lower)

TRAINER_PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 60, "feature.possible_transitions": True,
                  "feature.minfreq": 2}
MODEL_GRID = (0.08, 0.12, 0.18, 0.25, 0.35, 0.5, 0.65, 0.8, 0.9, 0.95)
VETO_GRID = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5)
SURE_GRID = (0.8, 0.85, 0.9, 0.95)  # rule spans scored this high are never vetoed
VOCABULARY_MIN_GROUPS = 5  # a word the model may know by identity: in the text of this many patients (records)
SYNTHETIC_DOCS = 2500   # the shipped model's synthetic share: about one synthetic document per corpus note
RECALL_WEIGHT = 4.0      # one point of recall is worth four of precision (the guard fails closed)
FALSE_ALARM_COST = 0.02  # per false alarm per 100 clean reports
# default thresholds, used until cross-validation chose better ones
DEFAULT_SETTINGS = {"model_thresholds": {label: 0.5 for label in LABELS},
                    "veto_thresholds": {label: 0.0 for label in LABELS},
                    "weak_veto_thresholds": {label: 0.0 for label in LABELS},
                    "sure_scores": {label: 0.95 for label in LABELS}}


@dataclass
class Prepared:
    """A document with everything that does not depend on the model: rules, tokens, labels."""

    doc: Doc
    folded: Normalized
    rules: list[Span]
    tokens: list[Token]
    marks: list[str | None]
    labels: list[str]

    def xy(self, vocabulary: frozenset[str] = frozenset()):
        lowered = words_written_lower(self.tokens)
        for begin, end in segments(self.folded.text, self.tokens):
            yield (features(self.folded.text, self.tokens[begin:end], self.marks[begin:end], vocabulary, lowered),
                   self.labels[begin:end])


def _gold_label(doc: Doc, kind: str, value: str, required: bool) -> str:
    if required:
        return MODEL_LABEL.get(kind, "O")
    if kind == "GPE" and value.strip().lower() not in allowed_geography():
        return "LOCATION"  # a town (neutral in the presidio scoring); countries and states stay O
    return "O"


def prepare(doc: Doc) -> Prepared:
    folded = normalize(doc.text)
    rules = run_all(folded.text)
    tokens = tokenize(folded.text)
    marks = rule_marks(tokens, rules)
    gold = [(a, b, _gold_label(doc, kind, doc.text[a:b], True)) for a, b, kind in doc.required]
    gold += [(a, b, _gold_label(doc, kind, doc.text[a:b], False)) for a, b, kind in doc.neutral]
    gold = [g for g in gold if g[2] != "O"]
    labels = []
    for tok in tokens:
        start, end = folded.to_original(tok.start, tok.end)
        label = next((lab for a, b, lab in gold if a < end and start < b), "O")
        labels.append(label)
    return Prepared(doc, folded, rules, tokens, marks, labels)


def learned_vocabulary(prepared: list[Prepared], min_groups: int = VOCABULARY_MIN_GROUPS) -> frozenset[str]:
    """Words of the training text that are ordinary there: written in the notes of at least
    `min_groups` patients (records) and never inside a labelled span, gold or neutral, anywhere.
    The model then knows them by identity, as it knows the public vocabulary: ward shorthand and
    abbreviations that the public lists lack ("the drip of X was raised") stop looking like
    surnames.  A word labelled an identifier even once is left out, and a word must be shared by
    many patients' notes, so the list holds no patient's or clinician's name; public words are
    left out (they have their identity already)."""
    groups: dict[str, set[str]] = {}
    labelled: set[str] = set()
    for p in prepared:
        spans = [(a, b) for a, b, _ in p.doc.required + p.doc.neutral]
        for tok, label in zip(p.tokens, p.labels):
            word = tok.text.lower()
            if not (tok.text.isalpha() and len(word) >= 2):
                continue
            start, end = p.folded.to_original(tok.start, tok.end)
            if label != "O" or any(a < end and start < b for a, b in spans):
                labelled.add(word)
            else:
                groups.setdefault(word, set()).add(p.doc.group)
    return frozenset(w for w, g in groups.items()
                     if len(g) >= min_groups and w not in labelled and not public_word(w))


def train_model(prepared: list[Prepared], path: Path, params: dict | None = None,
                vocabulary: frozenset[str] = frozenset()) -> Path:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for p in prepared:
        for xseq, yseq in p.xy(vocabulary):
            trainer.append(xseq, yseq)
    trainer.set_params(dict(TRAINER_PARAMS, **(params or {})))
    trainer.train(str(path))
    return path


def analyse(tagger: Tagger, prepared: list[Prepared]) -> list[Analysis]:
    out = []
    for p in prepared:
        probs = tagger.probabilities(p.folded.text, p.tokens, p.marks)
        out.append(Analysis(p.folded.text, p.rules, p.tokens, probs))
    return out


def spans_in_original(p: Prepared, spans: list[Span]) -> list[Span]:
    if p.folded.origin is None:
        return spans
    out = []
    for s in spans:
        start, end = p.folded.to_original(s.start, s.end)
        out.append(Span(start, end, s.category, s.detector, s.score, s.why))
    return merge(out)


def score(prepared: list[Prepared], analyses: list[Analysis], settings: dict) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for p, a in zip(prepared, analyses):
        scores.setdefault(p.doc.corpus, Score()).add(p.doc, spans_in_original(p, combine(a, settings)))
    return scores


def objective(scores: dict[str, Score]) -> float:
    value = 0.0
    for s in scores.values():
        if s.gold:
            value += RECALL_WEIGHT * (s.recall or 0.0) + (s.precision or 0.0)
        else:  # clean text: every detection is a false alarm
            value -= FALSE_ALARM_COST * (s.false_alarms_per_100 or 0.0)
    return value


def choose_thresholds(prepared: list[Prepared], analyses: list[Analysis], rounds: int = 2) -> dict:
    """Coordinate search, one category at a time, over the model and rule threshold grids."""
    settings = json.loads(json.dumps(DEFAULT_SETTINGS))
    best = objective(score(prepared, analyses, settings))
    for _ in range(rounds):
        for label in LABELS:
            for key, grid in (("model_thresholds", MODEL_GRID), ("veto_thresholds", VETO_GRID),
                              ("weak_veto_thresholds", VETO_GRID), ("sure_scores", SURE_GRID)):
                for value in grid:
                    trial = json.loads(json.dumps(settings))
                    trial[key][label] = value
                    result = objective(score(prepared, analyses, trial))
                    if result > best + 1e-9:
                        best, settings = result, trial
    return settings


def _fold_of(p: Prepared, folds: int) -> int:
    return p.doc.fold(folds)


def inner_thresholds(prepared: list[Prepared], synthetic: list[Prepared], folds: int, workdir: Path,
                     name: str) -> dict:
    """Thresholds for a model trained on `prepared`, chosen on predictions it never trained on:
    each of its folds is labelled by a model trained on its other folds (plus the synthetic text),
    and the thresholds are chosen on all those predictions together (every training document
    once).  Inner models trained on all but one fold are nearly as sure of themselves as the model
    the thresholds are for; models trained on half the data were not, and their thresholds
    carried over badly."""
    ids = sorted({_fold_of(p, folds) for p in prepared})
    if len(ids) > 1:
        parts = [[p for p in prepared if _fold_of(p, folds) == i] for i in ids]
    else:  # one training fold (two-fold CV): deal its documents by position
        parts = [prepared[side::2] for side in (0, 1)]
    validation, analyses = [], []
    for k, held in enumerate(parts):
        rest = [p for j, part in enumerate(parts) if j != k for p in part]
        vocabulary = learned_vocabulary(rest + synthetic)
        model = train_model(rest + synthetic, workdir / f"{name}-inner{k}.crfsuite", vocabulary=vocabulary)
        validation += held
        analyses += analyse(Tagger(model, DEFAULT_SETTINGS, vocabulary), held)
    return choose_thresholds(validation, analyses)


def cross_validate(prepared: list[Prepared], synthetic: list[Prepared], folds: int, workdir: Path,
                   log=print) -> list[dict]:
    """Per outer fold k: thresholds chosen inside the other folds (inner_thresholds), a model trained
    on the other folds, both scored once on fold k.  Each result keeps the fold's analyses, so the
    shipped thresholds can be chosen on every fold's held-out predictions (ship_thresholds)."""
    results = []
    for k in range(folds):
        t0 = time.perf_counter()
        training = [p for p in prepared if _fold_of(p, folds) != k]
        settings = inner_thresholds(training, synthetic, folds, workdir, f"inner-{k}")
        held = [p for p in prepared if _fold_of(p, folds) == k]
        vocabulary = learned_vocabulary(training + synthetic)
        outer = Tagger(train_model(training + synthetic, workdir / f"outer-{k}.crfsuite", vocabulary=vocabulary),
                       settings, vocabulary)
        t1 = time.perf_counter()
        held_analyses = analyse(outer, held)
        seconds = time.perf_counter() - t1
        scores = score(held, held_analyses, settings)
        for s in scores.values():
            s.seconds = seconds * s.chars / max(1, sum(x.chars for x in scores.values()))
        log(f"fold {k + 1}/{folds}: thresholds chosen inside the other folds, {time.perf_counter() - t0:.0f} s")
        results.append({"fold": k, "settings": settings, "scores": scores, "held": held, "analyses": held_analyses})
    return results


def ship_thresholds(results: list[dict]) -> dict:
    """Thresholds for the model trained on everything: chosen on the held-out predictions of every
    fold's model (each document labelled by a model that never saw it)."""
    held = [p for r in results for p in r["held"]]
    analyses = [a for r in results for a in r["analyses"]]
    return choose_thresholds(held, analyses)


def cv_tables(corpora: dict[str, list[Doc]], results: list[dict]) -> dict:
    """Per corpus: the pooled summary and one summary per fold."""
    summary = {}
    for name in corpora:
        pooled = Score()
        per_fold = []
        for r in results:
            s = r["scores"].get(name, Score())
            pooled.merge(s)
            per_fold.append(s.summary())
        summary[name] = {"pooled": pooled.summary(), "folds": per_fold}
    return summary


def report_cv(corpora: dict[str, list[Doc]], results: list[dict], folds: int) -> dict:
    """Print the cross-validated table (pooled and per fold, per category); return it as data."""
    from site_gen.bench.phi_text import print_folds, print_summary

    summary = cv_tables(corpora, results)
    for name, table in summary.items():
        print_summary(name, table["pooled"], f"cross-validated, pooled over {folds} folds")
        print_folds(name, table["folds"])
    return summary


def prepare_all(corpora: dict[str, list[Doc]], synthetic_count: int, seed: int, log=print):
    from .synthetic import generate

    t0 = time.perf_counter()
    prepared = [prepare(doc) for docs in corpora.values() for doc in docs]
    synthetic = [prepare(doc) for doc in generate(synthetic_count, seed)]
    log(f"prepared {len(prepared)} corpus documents and {len(synthetic)} synthetic ones "
        f"({sum(len(p.tokens) for p in prepared + synthetic)} tokens) in {time.perf_counter() - t0:.0f} s")
    return prepared, synthetic


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the PHI text model (CRF) and choose its thresholds by CV")
    parser.add_argument("corpora", type=Path, help="folder with labelled text/*.jsonl (e.g. ../shared/corpora)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (0: no CV, default thresholds)")
    parser.add_argument("--synthetic", type=int, default=SYNTHETIC_DOCS,
                        help=f"synthetic training documents to generate (default {SYNTHETIC_DOCS})")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=MODEL_FILE.parent, help="where to write the model files")
    args = parser.parse_args(argv)
    corpora = read_corpora(args.corpora)
    if not corpora:
        print(f"no labelled .jsonl files under {args.corpora}", file=sys.stderr)
        return 2
    prepared, synthetic = prepare_all(corpora, args.synthetic, args.seed)
    settings = json.loads(json.dumps(DEFAULT_SETTINGS))
    cv_summary = {}
    with tempfile.TemporaryDirectory() as work:
        if args.folds > 1:
            results = cross_validate(prepared, synthetic, args.folds, Path(work))
            settings = ship_thresholds(results)
            cv_summary = report_cv(corpora, results, args.folds)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    vocabulary = learned_vocabulary(prepared + synthetic)
    train_model(prepared + synthetic, args.out / MODEL_FILE.name, vocabulary=vocabulary)
    print(f"final model trained in {time.perf_counter() - t0:.0f} s -> {args.out / MODEL_FILE.name}")
    settings.update({
        "trained_on": {name: len(docs) for name, docs in corpora.items()} | {"synthetic": len(synthetic)},
        "seed": args.seed, "folds": args.folds, "trainer": TRAINER_PARAMS, "cross_validated": cv_summary,
        "vocabulary": sorted(vocabulary),
    })
    (args.out / SETTINGS_FILE.name).write_text(json.dumps(settings, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
