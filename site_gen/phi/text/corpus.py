"""Labelled text corpora (the JSON-lines format of ../shared/corpora/text) for training and evaluation.

Each line: {"id", "text", "phi": [{"start", "end", "type"}], "ignore"?: [...], "patient"?: int}.
A gold span is *required* when Safe Harbor asks for its removal (the corpus family decides which
types count, and a year or weekday alone never does); other gold spans are *neutral*: finding them
is neither a hit nor a false alarm.  The same rules feed the trainer (labels) and the benchmark
(scores), so both read labels the same way.

Folds: PhysioNet notes are split by patient (notes of one patient never straddle training and
test), every other corpus by record.  The assignment is a fixed hash, so every run and every
machine gets the same folds.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED = {
    "physionet": {"PTName", "PTNameInitial", "RelativeProxyName", "HCPName", "Date", "Location",
                  "Phone", "Age", "Other"},
    "presidio": {"PERSON", "STREET_ADDRESS", "DATE_TIME", "PHONE_NUMBER", "EMAIL_ADDRESS", "ZIP_CODE",
                 "US_SSN", "IP_ADDRESS", "US_DRIVER_LICENSE", "DOMAIN_NAME", "CREDIT_CARD", "IBAN_CODE", "AGE"},
    # the project's own labels (synthetic training text, a deployment's labelled text)
    "site": {"NAME", "DATE", "LOCATION", "PHONE", "AGE", "ID", "CONTACT"},
}
# Gold type -> the label the sequence model learns (see tagger.LABELS).
MODEL_LABEL = {
    "PTName": "NAME", "PTNameInitial": "NAME", "RelativeProxyName": "NAME", "HCPName": "NAME",
    "Date": "DATE", "Location": "LOCATION", "Phone": "PHONE", "Age": "AGE", "Other": "ID",
    "PERSON": "NAME", "STREET_ADDRESS": "LOCATION", "ZIP_CODE": "LOCATION", "DATE_TIME": "DATE",
    "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "CONTACT", "DOMAIN_NAME": "CONTACT", "IP_ADDRESS": "CONTACT",
    "US_SSN": "ID", "US_DRIVER_LICENSE": "ID", "CREDIT_CARD": "ID", "IBAN_CODE": "ID", "AGE": "AGE",
    "NAME": "NAME", "DATE": "DATE", "LOCATION": "LOCATION", "PHONE": "PHONE", "AGE": "AGE", "ID": "ID",
    "CONTACT": "CONTACT",
}
_YEAR_ONLY = re.compile(r"\s*(?:19|20)\d{2}\s*")
_WEEKDAY_ONLY = re.compile(r"\s*(?:mon|tues|wednes|thurs|fri|satur|sun)day\s*", re.I)


def family(corpus: str) -> str:
    for name in ("physionet", "presidio"):
        if corpus.startswith(name):
            return name
    return "site" if not corpus.startswith("iu-") else ""


def gold_is_required(corpus: str, span: dict, text: str) -> bool:
    """Safe Harbor view of a gold label: neutral types and allowed values return False."""
    kind = span["type"]
    if kind not in REQUIRED.get(family(corpus), set()):
        return False
    value = text[span["start"]:span["end"]]
    if kind in ("DATE_TIME", "DATE") and (_YEAR_ONLY.fullmatch(value) or _WEEKDAY_ONLY.fullmatch(value)):
        return False  # a year alone is allowed (as physionet's DateYear); a weekday is no date element
    if kind in ("AGE", "Age"):
        digits = re.findall(r"\d+", value)
        return bool(digits) and int(digits[0]) > 89
    return True


@dataclass
class Doc:
    id: str
    text: str
    corpus: str
    required: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, gold type)
    neutral: list[tuple[int, int, str]] = field(default_factory=list)
    group: str = ""  # what the folds split by: the patient, or the record itself

    def fold(self, folds: int) -> int:
        return int(hashlib.sha256(self.group.encode()).hexdigest()[:8], 16) % folds


def read_docs(path: Path) -> list[Doc]:
    """Read one corpus file; a line that is no valid record names the file and line."""
    corpus = path.stem
    docs = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                spans = record.get("phi", [])
                doc = Doc(str(record["id"]), text, corpus)
                for g in spans:
                    item = (int(g["start"]), int(g["end"]), str(g["type"]))
                    (doc.required if gold_is_required(corpus, g, text) else doc.neutral).append(item)
                doc.neutral += [(int(g["start"]), int(g["end"]), "ignore") for g in record.get("ignore", [])]
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a labelled text record ({exc.__class__.__name__}: {exc})") from None
            patient = record.get("patient")
            doc.group = f"{corpus}/patient/{patient}" if patient is not None else f"{corpus}/record/{doc.id}"
            docs.append(doc)
    return docs


def read_corpora(folder: Path) -> dict[str, list[Doc]]:
    """Every text/*.jsonl under `folder` (or `folder` itself when it holds the .jsonl files)."""
    base = folder / "text" if (folder / "text").is_dir() else folder
    return {path.stem: read_docs(path) for path in sorted(base.glob("*.jsonl"))}


def split(docs: list[Doc], fold: int, folds: int) -> tuple[list[Doc], list[Doc]]:
    """(training docs, held-out docs) for one fold."""
    train = [d for d in docs if d.fold(folds) != fold]
    held = [d for d in docs if d.fold(folds) == fold]
    return train, held
