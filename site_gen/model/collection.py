"""Curated collections (playlists) of cases, defined as files in collections/."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import schema
from .problems import Problem
from .quoting import shown
from .yamlsource import load_yaml

COLLECTION_SCHEMA = "collection.schema.json"


@dataclass
class Collection:
    slug: str
    title: str
    description: str
    cases: list[str]
    curators: list[str]


def load_collections(root: Path, case_slugs: set[str], usernames: set[str]) -> tuple[list[Collection], list[Problem]]:
    collections, problems = [], []
    folder = root / "collections"
    if not folder.is_dir():
        return collections, problems
    for path in sorted(folder.glob("*.yml")):
        doc = load_yaml(path, path.relative_to(root).as_posix())
        found = doc.problems or schema.validate(doc, COLLECTION_SCHEMA)
        if not found:
            for index, slug in enumerate(doc.data["cases"]):
                if slug not in case_slugs:
                    found.append(doc.problem(("cases", index), f"there is no case {shown(f'cases/{slug}')}"))
            for index, name in enumerate(doc.data.get("curators", [])):
                if name not in usernames:
                    found.append(doc.problem(("curators", index), f"curator {shown(name, known=usernames)} has no "
                                             "profile in users/"))
        problems.extend(found)
        if not found:
            data = doc.data
            collections.append(Collection(slug=path.stem, title=data["title"], description=data["description"],
                                          cases=list(data["cases"]), curators=list(data.get("curators", []))))
    return collections, problems
