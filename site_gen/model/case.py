"""Typed view of a validated case.yml and a contributor profile."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .window import parse_window

DEFAULT_LICENCE = "CC BY-NC-SA 4.0"


@dataclass
class Series:
    path: str                      # relative to the case folder, as written
    caption: str
    source: str
    licence: str
    plane: str | None = None
    sequence: str | None = None
    key_images: list[int] = field(default_factory=list)
    window: tuple[float, float] | None = None  # (centre, width) override, from fields or shorthand

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Series":
        window = data.get("window")
        return cls(path=data["path"], caption=data["caption"], source=data["source"],
                   licence=data["licence"], plane=data.get("plane"), sequence=data.get("sequence"),
                   key_images=list(data.get("key_images", [])),
                   window=parse_window(window) if window is not None else None)


@dataclass
class Study:
    modality: str
    timing: str
    findings: str
    series: list[Series]
    description: str | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Study":
        return cls(modality=data["modality"], timing=data["timing"], findings=data["findings"],
                   description=data.get("description"),
                   series=[Series.from_data(s) for s in data["series"]])


@dataclass
class Reference:
    citation: str
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None


@dataclass
class Case:
    slug: str
    folder: Path
    title: str
    authors: list[str]
    systems: list[str]
    tags: list[str]
    age: int | str
    sex: str
    presentation: str
    studies: list[Study]
    diagnosis: str
    certainty: str
    confirmed_by: list[str]
    differential: list[tuple[str, str | None]]
    discussion: str
    teaching_points: list[str]
    references: list[Reference]
    licence: str
    quiz: bool = False
    case_id: int | None = None  # permanent number (id: in case.yml): the web address and citation

    @classmethod
    def from_data(cls, slug: str, folder: Path, data: dict[str, Any]) -> "Case":
        diagnosis = data["diagnosis"]
        differential = [(d, None) if isinstance(d, str) else (d["diagnosis"], d.get("why_not"))
                        for d in data.get("differential", [])]
        return cls(
            slug=slug, folder=folder, title=data["title"], authors=list(data["authors"]),
            systems=list(data["systems"]), tags=list(data.get("tags", [])),
            age=data["patient"]["age"], sex=data["patient"]["sex"],
            presentation=data["presentation"],
            studies=[Study.from_data(s) for s in data["studies"]],
            diagnosis=diagnosis["final"], certainty=diagnosis["certainty"],
            confirmed_by=list(diagnosis.get("confirmed_by", [])),
            differential=differential, discussion=data.get("discussion", ""),
            teaching_points=list(data.get("teaching_points", [])),
            references=[Reference(citation=r["citation"], doi=r.get("doi"),
                                  pmid=str(r["pmid"]) if r.get("pmid") is not None else None,
                                  url=r.get("url")) for r in data.get("references", [])],
            licence=data.get("licence", DEFAULT_LICENCE), quiz=bool(data.get("quiz", False)),
            case_id=data.get("id"))

    @property
    def modalities(self) -> list[str]:
        seen: list[str] = []
        for study in self.studies:
            if study.modality not in seen:
                seen.append(study.modality)
        return seen

    @property
    def age_label(self) -> str:
        if isinstance(self.age, int):
            return f"{self.age} years"
        return "90+ years" if self.age == "90+" else self.age


@dataclass
class Strike:
    """A takedown of one of the member's cases or series (recorded by `site-gen takedown`)."""
    case: str
    reason: str          # phi | copyright | other
    date: str            # YYYY-MM-DD
    series: str | None = None          # the series taken down, when not the whole case
    guard_passed: bool | None = None   # phi: did the guard pass the material? (None: not recorded)

    @property
    def counts_towards_suspension(self) -> bool:
        """Patient information the guard would have refused: the contributor got past a warning."""
        return self.reason == "phi" and self.guard_passed is not True


@dataclass
class User:
    username: str
    first_name: str
    surname: str
    position: str
    country: str
    title: str | None = None
    city: str | None = None
    institution: str | None = None
    public: list[str] = field(default_factory=list)
    email: str | None = None          # ASCII-armored age message; never the address itself
    key: str | None = None            # the member's own recipient (age1... or SSH public key)
    contact: bool = True              # readers may send them sealed messages (site_gen.people.contact)
    contact_via: str = "issue"        # issue (the Git host's issue form) | copy (shown for copying)
    contact_copy_editors: bool = False  # messages are sealed to the editors' keys too
    newsletter: bool = False          # opt-in
    role: str = "member"              # member | editor
    systems: list[str] = field(default_factory=list)  # systems an editor covers (empty: all)
    status: str = "active"            # active | suspended
    strikes: list[Strike] = field(default_factory=list)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "User":
        return cls(username=data["username"], first_name=data["first_name"], surname=data["surname"],
                   position=data["position"], country=data["country"], title=data.get("title"),
                   city=data.get("city"), institution=data.get("institution"),
                   public=list(data.get("public", [])), email=data.get("email"), key=data.get("key"),
                   contact=bool(data.get("contact", True)), newsletter=bool(data.get("newsletter", False)),
                   contact_via=data.get("contact_via", "issue"),
                   contact_copy_editors=bool(data.get("contact_copy_editors", False)),
                   role=data.get("role", "member"), systems=list(data.get("systems", [])),
                   status=data.get("status", "active"),
                   strikes=[Strike(case=s["case"], reason=s["reason"], date=str(s["date"]),
                                   series=s.get("series"), guard_passed=s.get("guard_passed"))
                            for s in data.get("strikes", [])])

    @property
    def display_name(self) -> str:
        prefix = f"{self.title} " if self.title and "title" in self.public else ""
        return f"{prefix}{self.first_name} {self.surname}"

    @property
    def is_editor(self) -> bool:
        return self.role == "editor"

    @property
    def is_suspended(self) -> bool:
        return self.status == "suspended"

    @property
    def phi_strikes(self) -> int:
        """Patient-information strikes that count towards suspension (site_gen.people.moderation)."""
        return sum(1 for strike in self.strikes if strike.counts_towards_suspension)

    def public_fields(self) -> dict[str, str]:
        """Optional fields the member chose to show, in display order."""
        shown = {}
        for name in ("institution", "city", "country"):
            value = getattr(self, name)
            if value and name in self.public:
                shown[name] = value
        return shown
