"""A completeness score for a case, like Radiopaedia's case completeness: what a teaching case
needs beyond passing the schema, each item worth points, with what to add.

The score reads the parsed case.yml as it is (even when the schema check fails), so a draft
gets a score and a to-do list.  It is advice for the contributor and the editor, not a gate
(`site-gen check --min-score N` makes it one).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Item:
    name: str
    points: int
    earned: int
    hint: str

    @property
    def complete(self) -> bool:
        return self.earned >= self.points


@dataclass(frozen=True)
class Completeness:
    score: int
    items: tuple[Item, ...]

    @property
    def missing(self) -> list[Item]:
        return [item for item in self.items if not item.complete]

    def summary(self) -> str:
        if not self.missing:
            return f"{self.score}/100: complete"
        todo = "; ".join(f"{i.hint} (+{i.points - i.earned})" for i in self.missing)
        return f"{self.score}/100; to add: {todo}"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _share(done: int, total: int, points: int) -> int:
    return 0 if total == 0 else round(points * done / total)


def score(data: Any) -> Completeness:
    data = _dict(data)
    studies = [_dict(s) for s in _list(data.get("studies"))]
    series = [_dict(r) for s in studies for r in _list(s.get("series"))]
    patient = _dict(data.get("patient"))
    diagnosis = _dict(data.get("diagnosis"))
    differential = _list(data.get("differential"))
    references = [_dict(r) if isinstance(r, dict) else {} for r in _list(data.get("references"))]
    items = []

    def add(name: str, points: int, earned: int, hint: str) -> None:
        items.append(Item(name, points, max(0, min(points, earned)), hint))

    add("final diagnosis", 10, 10 if len(_text(diagnosis.get("final"))) >= 3 and len(_text(data.get("title"))) >= 3 else 0,
        "a title and the final diagnosis")
    add("patient", 5, (3 if patient.get("age") not in (None, "") else 0) + (2 if _text(patient.get("sex")) else 0),
        "the patient's age (rounded) and sex")
    presentation = _text(data.get("presentation"))
    add("presentation", 10, 10 if len(presentation) >= 40 else (5 if len(presentation) >= 10 else 0),
        "a clinical presentation of a sentence or two")
    add("imaging", 5, 5 if series else 0, "at least one image series (site-gen import-dicom)")
    written = sum(1 for s in studies if len(_text(s.get("findings"))) >= 40)
    add("findings", 10, _share(written, len(studies), 10) if studies else 0,
        "findings for every study (what the images show, a few sentences)")
    captioned = sum(1 for r in series if len(_text(r.get("caption"))) >= 5)
    add("captions", 10, _share(captioned, len(series), 10) if series else 0, "a caption for every series")
    add("key images", 5, 5 if any(_list(r.get("key_images")) for r in series) else 0,
        "key images (the slices worth jumping to)")
    planed = sum(1 for r in series if _text(r.get("plane")))
    add("planes", 5, _share(planed, len(series), 5) if series else 0, "the plane or projection of every series")
    add("confirmation", 5, (2 if _text(diagnosis.get("certainty")) else 0) + (3 if _list(diagnosis.get("confirmed_by")) else 0),
        "how the diagnosis was confirmed (diagnosis: confirmed_by)")
    explained = sum(1 for d in differential if isinstance(d, dict) and _text(d.get("why_not")))
    add("differential", 10, (5 if differential else 0) + (5 if differential and explained * 2 >= len(differential) else 0),
        "a differential diagnosis, with why each is less likely")
    discussion = _text(data.get("discussion"))
    add("discussion", 10, 10 if len(discussion) >= 300 else (5 if len(discussion) >= 20 else 0),
        "a discussion (background, imaging features, management; a paragraph or more)")
    add("teaching points", 5, 5 if _list(data.get("teaching_points")) else 0, "teaching points")
    linked = any(r.get("doi") or r.get("pmid") or r.get("url") for r in references)
    add("references", 5, (3 if references else 0) + (2 if linked else 0), "references, with a DOI or PubMed ID")
    add("tags", 5, 5 if _list(data.get("tags")) else 0, "a few tags (keywords)")
    total = sum(i.earned for i in items)
    return Completeness(score=total, items=tuple(items))
