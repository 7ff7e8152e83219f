"""Letter-trigram "nameness": does an unknown word look like a personal name or like an
English/medical word?

A naive-Bayes log-odds table of letter trigrams (word boundaries marked), learned from the
shipped data: personal names (names.tsv.gz entries that are not English words) against English
words, drug names and radiology vocabulary (english-words.txt.gz, drug-names.txt.gz,
radiology-vocabulary.txt).  "Quorvanek", "Zdeňková", "Tashkinov" score high; "diuresing",
"levophed", "extubated" low.  It only weighs words that no list knows: lists decide the rest.

The table (name-trigrams.tsv.gz, log-odds x 10) is rebuilt byte-identically with

    python -m site_gen.phi.text.nameness
"""
from __future__ import annotations

import gzip
import io
import math
import unicodedata
from collections import Counter
from functools import lru_cache

from .lexicon import DATA_DIR, _read_lines, english_words, names, radiology_vocabulary

TABLE = "name-trigrams.tsv.gz"
_MIN_BUCKET = 3  # names seen at least ~8 times (log2 bucket), to skip one-off spellings


@lru_cache(maxsize=8192)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _grams(word: str) -> list[str]:
    w = "<" + _fold(word) + ">"
    return [w[i:i + 3] for i in range(len(w) - 2)]


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    table: dict[str, float] = {}
    for line in _read_lines(TABLE):
        gram, value = line.split("\t")
        table[gram] = int(value) / 10.0
    return table


@lru_cache(maxsize=16384)
def nameness(word: str) -> float:
    """Mean trigram log-odds name vs word: > 0.3 name-like, < 0 word-like (about -2.5..+2.5)."""
    grams = _grams(word)
    table = _table()
    return sum(table.get(g, 0.0) for g in grams) / len(grams) if grams else 0.0


def build() -> bytes:
    name_counts: Counter[str] = Counter()
    word_counts: Counter[str] = Counter()
    for name, info in names().items():
        if not info.word and max(info.first, info.surname) >= _MIN_BUCKET:
            name_counts.update(_grams(name))
    vocabulary = set(english_words()) | set(_read_lines("drug-names.txt.gz")) | set(radiology_vocabulary())
    for word in vocabulary:
        word_counts.update(_grams(word))
    grams = sorted(set(name_counts) | set(word_counts))
    total_n, total_w, size = sum(name_counts.values()), sum(word_counts.values()), len(grams)
    lines = ["# letter trigram log-odds x10, personal name vs English/medical word (see nameness.py)"]
    for gram in grams:
        odds = math.log((name_counts[gram] + 0.5) / (total_n + 0.5 * size)) - \
            math.log((word_counts[gram] + 0.5) / (total_w + 0.5 * size))
        value = int(round(odds * 10))
        if value and not any(c.isspace() for c in gram) and not gram.startswith("#"):
            lines.append(f"{gram}\t{value}")
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(("\n".join(lines) + "\n").encode("utf-8"))
    return raw.getvalue()


if __name__ == "__main__":
    data = build()
    (DATA_DIR / TABLE).write_bytes(data)
    print(f"{len(data)} bytes -> {DATA_DIR / TABLE}")
