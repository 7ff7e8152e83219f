"""Derive the compact name and word data the text detector ships.

Usage::

    python -m site_gen.phi.text.build_name_data /path/to/shared/name-lists \
        [--words /usr/share/dict/american-english --words /usr/share/dict/british-english] \
        [--out site_gen/phi/data]

Inputs (public domain, see site_gen/phi/data/text-data.README.md):
  first-names-ssa.csv       SSA baby names: first_name,sex,max_births_in_a_year,year
  surnames-census-2010.csv  2010 US Census surnames: last_name,count
Optional word lists (SCOWL, Debian packages `wamerican`/`wbritish`) mark names that are
also ordinary English words and give the detector a common-word vocabulary.

Outputs:
  names.tsv.gz     name<TAB>first<TAB>surname<TAB>word   (counts as log2 buckets, 0 = absent)
  english-words.txt.gz  lower-case English words, one a line (from the word lists)
"""
from __future__ import annotations

import argparse
import csv
import gzip
import math
import sys
from pathlib import Path


def _bucket(count: int) -> int:
    # log2 buckets keep the file small; ambiguity weighting only needs orders of magnitude.
    return max(1, int(round(math.log2(max(count, 1)))))


def _read_counts(path: Path, name_col: str, count_col: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = (row.get(name_col) or "").strip().lower()
            if not name or not name.replace("'", "").replace("-", "").isalpha():
                continue
            try:
                count = int(float(row[count_col]))
            except (TypeError, ValueError):
                continue
            counts[name] = max(count, counts.get(name, 0))
    return counts


def _read_words(paths: list[Path]) -> set[str]:
    words: set[str] = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
            word = line.strip()
            # Lower-case entries are ordinary words; capitalised ones are proper nouns.
            if word and word.isalpha() and word.islower():
                words.add(word)
    return words


def build(source: Path, word_lists: list[Path], out: Path) -> tuple[int, int]:
    first = _read_counts(source / "first-names-ssa.csv", "first_name", "max_births_in_a_year")
    last = _read_counts(source / "surnames-census-2010.csv", "last_name", "count")
    words = _read_words(word_lists)
    out.mkdir(parents=True, exist_ok=True)
    names = sorted(set(first) | set(last))
    lines = ["# name\tfirst\tsurname\tword  (log2 count buckets; sources in text-data.README.md)"]
    for name in names:
        f = _bucket(first[name]) if name in first else 0
        s = _bucket(last[name]) if name in last else 0
        lines.append(f"{name}\t{f}\t{s}\t{1 if name in words else 0}")
    # mtime=0 keeps the output byte-identical between runs (reproducible builds).
    with gzip.GzipFile(out / "names.tsv.gz", "wb", mtime=0, compresslevel=9) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
    if words:
        with gzip.GzipFile(out / "english-words.txt.gz", "wb", mtime=0, compresslevel=9) as fh:
            fh.write(("\n".join(sorted(words)) + "\n").encode("utf-8"))
    return len(names), len(words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder with first-names-ssa.csv and surnames-census-2010.csv")
    parser.add_argument("--words", type=Path, action="append", default=[],
                        help="plain word list (one word a line); repeatable")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data")
    args = parser.parse_args(argv)
    n_names, n_words = build(args.source, args.words, args.out)
    print(f"wrote {n_names} names, {n_words} English words to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
