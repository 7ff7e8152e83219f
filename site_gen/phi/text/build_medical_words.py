"""Derive the medical word list the text detector ships (medical-words.txt.gz).

Usage::

    d=$(mktemp -d) && (cd "$d" && apt-get download hunspell-en-med && dpkg-deb -x hunspell-en-med_*.deb x)
    python -m site_gen.phi.text.build_medical_words "$d"/x/usr/share/hunspell/en_med_glut.dic

Input: the Debian package `hunspell-en-med` 0.0.20140410 ("Hunspell Dictionary of English Medical
Terms", merged from OpenMedSpel by e-MedTools and MTH-Med-Spel-Chek by MT-Herald; GPL-3+): 90k
drug names, anatomical, surgical, device and ICD terms.

Output: one lower-case word a line (affix flags dropped), minus ordinary English words (known
already).  Used as vocabulary: the model may learn what such a word means in notes ("Foley",
"Levophed"), and a word of this list is never carried over as a repeated name.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from .lexicon import DATA_DIR, gzip_bytes, english_words

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{1,40}")


def build(source: Path, out: Path) -> int:
    lines = source.read_text(encoding="utf-8", errors="replace").split("\n")[1:]  # first line: the count
    english = english_words()
    words = sorted({w.lower() for w in (line.split("/")[0].strip() for line in lines)
                    if _WORD.fullmatch(w) and w.lower() not in english})
    header = "# medical words, lower case: hunspell-en-med 0.0.20140410 (GPL-3+); see text-data.README.md\n"
    out.write_bytes(gzip_bytes(header + "\n".join(words) + "\n"))
    return len(words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="en_med_glut.dic from the Debian package")
    parser.add_argument("--out", type=Path, default=DATA_DIR / "medical-words.txt.gz")
    args = parser.parse_args(argv)
    print(f"{build(args.source, args.out)} medical words -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
