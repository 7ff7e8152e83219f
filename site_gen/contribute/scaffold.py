"""A new case.yml: the essentials filled in, the rest left as guided blanks or commented examples.

Required fields that were not given are written empty (`presentation: ""`), so `site-gen check`
and `site-gen validate` point at the exact line to fill in; optional sections are written as
commented-out examples that the editor's autocompletion (the schema comment on line 1) helps
complete.  `site-gen import-dicom` later appends the studies and their series.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model.library import CASE_FILE, SLUG_ALLOWED
from ..model.schema import CASE_SCHEMA, load_schema

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../site_gen/data/case.schema.json"
SEXES = ("female", "male", "other", "not stated")
DEFAULT_CERTAINTY = "probable"
DEFAULT_LICENCE = "CC BY-NC-SA 4.0"
EMPTY = '""'


class ScaffoldError(Exception):
    """A plain-words reason the case cannot be created."""


def systems() -> list[str]:
    return list(load_schema(CASE_SCHEMA)["$defs"]["system"]["enum"])


def certainties() -> list[str]:
    return list(load_schema(CASE_SCHEMA)["properties"]["diagnosis"]["properties"]["certainty"]["enum"])


def licences() -> list[str]:
    return list(load_schema(CASE_SCHEMA)["$defs"]["licence"]["enum"])


def modalities() -> list[str]:
    return list(load_schema(CASE_SCHEMA)["$defs"]["modality"]["enum"])


def slugify(text: str) -> str:
    """'Primary spontaneous pneumothorax' -> 'primary-spontaneous-pneumothorax'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug)[:80].strip("-")


def check_slug(slug: str) -> str | None:
    """A plain-words problem with a case folder name, or None."""
    if not slug:
        return "the case name is empty; use lower-case words joined by hyphens, e.g. 'lung-abscess'"
    if not set(slug) <= SLUG_ALLOWED or slug.startswith("-") or slug.endswith("-"):
        return (f"'{slug}' is not a valid case name: use only lower-case letters, digits and hyphens, "
                "e.g. 'lung-abscess'")
    if len(slug) > 80:
        return "the case name is too long (at most 80 characters)"
    return None


def parse_age(text: str | int | None):
    """'47' -> 47 (the schema check will ask to round it), '90+' stays, '6 months' stays."""
    if text is None or text == "":
        return None
    if isinstance(text, int):
        return text
    text = str(text).strip()
    if text.isdigit():
        return int(text)
    return text


@dataclass
class Essentials:
    slug: str
    title: str = ""
    authors: list[str] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    age: int | str | None = None
    sex: str = ""
    presentation: str = ""
    diagnosis: str = ""
    certainty: str = DEFAULT_CERTAINTY
    licence: str = DEFAULT_LICENCE
    case_id: int | None = None  # permanent number; create_case assigns the next free one

    def problems(self) -> list[str]:
        """Values given that cannot be right (wrong vocabulary); blanks are not problems here."""
        found = []
        slug_problem = check_slug(self.slug)
        if slug_problem:
            found.append(slug_problem)
        known = systems()
        for system in self.systems:
            if system not in known:
                found.append(f"system '{system}' is not one of: {', '.join(known)}")
        if self.sex and self.sex not in SEXES:
            found.append(f"sex '{self.sex}' is not one of: {', '.join(SEXES)}")
        if self.certainty and self.certainty not in certainties():
            found.append(f"certainty '{self.certainty}' is not one of: {', '.join(certainties())}")
        if self.licence not in licences():
            found.append(f"licence '{self.licence}' is not one of: {', '.join(licences())}")
        for author in self.authors:
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}", author):
                found.append(f"'{author}' is not a username (letters, digits and hyphens)")
        return found


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;()'/+-]*")


def _scalar(value) -> str:
    """A YAML scalar: plain when that reads back as the same text, else a JSON string (valid YAML)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow_list(values: list[str]) -> str:
    return "[" + ", ".join(v if re.fullmatch(r"[a-z0-9][a-z0-9-]*", v) else _scalar(v) for v in values) + "]"


def render_case(essentials: Essentials) -> str:
    e = essentials
    lines = [
        SCHEMA_COMMENT,
        "# A teaching case. Fields are described in docs/case-format.md; your editor completes them",
        "# (VS Code with the YAML extension). Never write a name, date, record number or hospital.",
        *([f"id: {e.case_id}  # the case's permanent number (its web address): never change it"]
          if e.case_id is not None else []),
        f"title: {_scalar(e.title)}",
        f"authors: {_flow_list(e.authors)}",
        f"systems: {_flow_list(e.systems)}",
        f"tags: {_flow_list(e.tags)}",
        "patient:",
        "  # age in years, adults rounded to 5 (45, not 47); \"90+\" above 89; \"6 months\" for infants",
        "  age: " + (_scalar(e.age) if e.age is not None else EMPTY),
        "  sex: " + (_scalar(e.sex) if e.sex else EMPTY) + "  # female, male, other or not stated",
        "# One or two sentences of history, as at the time of imaging.",
        f"presentation: {_scalar(e.presentation)}",
        "diagnosis:",
        f"  final: {_scalar(e.diagnosis or e.title)}",
        f"  certainty: {_scalar(e.certainty)}  # possible, probable, almost certain, certain, not applicable",
        "  # confirmed_by: [histology]  # cytology, surgery, follow-up imaging, clinical course, ...",
        "# differential:",
        "#   - diagnosis: Another diagnosis",
        "#     why_not: The feature that makes it less likely.",
        "# discussion: |",
        "#   Background, imaging features and management (Markdown).",
        "# teaching_points:",
        "#   - The one thing to remember.",
        "# references:",
        "#   - citation: Authors. Title. Journal Year;Volume(Issue):Pages.",
        "#     doi: 10.xxxx/xxxxx",
        f"# licence: {e.licence}  # of the case text",
        "# Imaging studies in time order (the first is 'day 0'). `site-gen import-dicom SRC --case "
        f"{e.slug}`",
        "# adds a study with its image series here; write the findings of each study.",
        "studies: []",
    ]
    if e.licence != DEFAULT_LICENCE:
        lines[lines.index(f"# licence: {e.licence}  # of the case text")] = f"licence: {_scalar(e.licence)}"
    return "\n".join(lines) + "\n"


def create_case(root: Path, essentials: Essentials) -> Path:
    """Write cases/<slug>/case.yml; refuses an existing case folder (any spelling of it)."""
    problems = essentials.problems()
    if problems:
        raise ScaffoldError("; ".join(problems))
    cases = root / "cases"
    folder = cases / essentials.slug
    if cases.is_dir():
        for existing in cases.iterdir():
            if existing.name.lower().replace("_", "-") == essentials.slug:
                raise ScaffoldError(f"a case named '{existing.name}' already exists (cases/{existing.name}); "
                                    "choose another name, or edit that case")
    if essentials.case_id is None:
        from ..model.case_ids import next_case_id
        essentials.case_id = next_case_id(root)
    folder.mkdir(parents=True, exist_ok=False)
    path = folder / CASE_FILE
    path.write_text(render_case(essentials), encoding="utf-8")
    return path
