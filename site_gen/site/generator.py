"""Turn a Library into pages (Markdown with HTML blocks) and media files.

Nothing here knows about MkDocs: a builder asks for `generate(...)` and gets page sources
and the files to copy.  Listings link every case; case pages are reached through them.
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup

from ..media.convert import Rendition
from ..model import schema
from ..model.case import Case, Series
from ..model.collection import Collection
from ..model.library import Library
from ..people import contact
from ..people.settings import Settings
from . import safe_text
from .history import CaseDates, dates_for
from .related import related_cases
from .urls import Urls

ConvertFn = Callable[[Case, Series], list[Rendition]]

POSITION_LABELS = {
    "consultant radiologist": "Consultant radiologist", "registrar/resident": "Registrar / resident",
    "fellow": "Fellow", "radiographer/technologist": "Radiographer / technologist",
    "sonographer": "Sonographer", "medical student": "Medical student",
    "other clinician": "Clinician", "other": "Contributor",
}


@dataclass
class GeneratedSite:
    pages: dict[str, str] = field(default_factory=dict)     # src_uri -> Markdown source
    files: dict[str, bytes] = field(default_factory=dict)   # dest URI -> generated content (JSON...)
    media: dict[str, Path] = field(default_factory=dict)    # dest URI -> file to copy
    converted: int = 0                                      # series rendered in this build
    reused: int = 0                                         # series taken from the cache


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("site_gen.site", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)
    env.filters["md"] = safe_text.render
    env.filters["md_inline"] = safe_text.render_inline
    # Front matter values: a JSON string is a valid YAML scalar; the caller escapes HTML first.
    env.filters["json"] = lambda value: Markup(json.dumps(str(value), ensure_ascii=False))
    return env


def slugify(value: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in value)
    return "-".join(part for part in out.split("-") if part) or "item"


def window_label(name: str, window: tuple[float, float] | None) -> str:
    """'lung', (-600, 1500) -> 'Lung (C -600, W 1500)'; the series' own window comes first."""
    label = "Own window" if name == "default" else name.capitalize()
    return f"{label} (C {round(window[0])}, W {round(window[1])})" if window else label


def age_group(age: int | str) -> str:
    """Facet for the finder: ages are already rounded or bucketed in the case file."""
    if isinstance(age, str):
        return "Older adult (65+)" if age == "90+" else "Child (0-17)"
    if age < 18:
        return "Child (0-17)"
    return "Adult (18-64)" if age < 65 else "Older adult (65+)"


def case_address(case: Case, quiz: bool = False) -> str:
    """The case's name in its web address: its permanent number.  A case without one (see
    site_gen.model.case_ids) gets a provisional name: its folder name, or for a quiz case
    (whose folder name is often the answer) a digest of it."""
    if case.case_id is not None:
        return str(case.case_id)
    if quiz:
        return "q" + hashlib.sha256(case.slug.encode("utf-8")).hexdigest()[:10]
    return case.slug


def case_src(case: Case, quiz: bool = False) -> str:
    return f"cases/{case_address(case, quiz)}.md"


def plane_label(plane: str | None) -> str:
    """'axial' -> 'Axial'; abbreviations and names as written ('PA', 'MIP', '3D')."""
    if not plane:
        return ""
    return plane[:1].upper() + plane[1:] if plane[:1].islower() else plane


def seal(html: str) -> str:
    """Quiz answers travel base64-encoded and are decoded only when the reader reveals them,
    so no text of the answer is in the page, the search index or a crawler's view."""
    return base64.b64encode(html.encode("utf-8")).decode("ascii")


def user_src(username: str) -> str:
    return f"contributors/{username}.md"


class SiteGenerator:
    def __init__(self, library: Library, convert: ConvertFn, *, use_directory_urls: bool = True,
                 site_name: str = "Open Radiology Teaching Cases", site_url: str = "",
                 quiz_all: bool = False, dates: dict[str, CaseDates] | None = None,
                 collections: list[Collection] | None = None, people: Settings | None = None):
        self.library = library
        self.quiz_all = quiz_all
        self.dates = dates or {}
        self.collections = collections or []
        self.people = people or Settings()
        self.related = related_cases(library.cases)
        self.convert = convert
        self.urls = Urls(use_directory_urls)
        self.site_name = site_name
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.env = _environment()
        self.systems = schema.vocabulary("system")
        self.modalities = schema.vocabulary("modality")
        self.licences = schema.vocabulary("licence")
        self.thumbs: dict[str, str] = {}  # case slug -> site URI of its key-image thumbnail

    # -- entry point -------------------------------------------------------------------
    def generate(self) -> GeneratedSite:
        site = GeneratedSite()
        self._people_links(site)  # contact forms and report links, used by case and profile pages
        # Every case's images first, then the pages: a page lists related cases with their
        # thumbnails, whichever comes first in the library.
        contexts = [self._case_context(case, site) for case in self.library.cases]
        for src, context in contexts:
            site.pages[src] = self._case_markdown(src, context)
        self._listings(site)
        self._finder(site)
        self._collections(site)
        self._contributors(site)
        self._statistics(site)
        site.pages["index.md"] = self._render("index.md.j2", "index.md", cases=self.library.cases,
                                              counts=self._counts())
        return site

    # -- helpers -----------------------------------------------------------------------
    def _render(self, template: str, src: str, **context) -> str:
        def link(target_src: str) -> str:
            return self.urls.link(src, target_src)
        return self.env.get_template(template).render(
            link=link, case_src=self.case_src, user_src=user_src, thumb=lambda case: self.thumb(src, case),
            plane_label=plane_label, site_name=self.site_name,
            system_labels=self.systems, modality_labels=self.modalities, users=self.library.users,
            slugify=slugify, position_labels=POSITION_LABELS, display_title=self.display_title, **context)

    def case_src(self, case: Case) -> str:
        return case_src(case, self.is_quiz(case))

    def thumb(self, from_src: str, case: Case) -> str:
        """Relative address of the case's key-image thumbnail ('' if it has none)."""
        uri = self.thumbs.get(case.slug, "")
        return self.urls.relative(from_src, uri) if uri else ""

    def is_quiz(self, case: Case) -> bool:
        return case.quiz or self.quiz_all

    def display_title(self, case: Case) -> str:
        """Quiz cases get a neutral title: the real one is the diagnosis."""
        if not self.is_quiz(case):
            return case.title
        modalities = ", ".join(dict.fromkeys(self.modalities[m] for m in case.modalities))
        return f"Quiz: {case.age_label}, {case.sex} ({modalities})"

    def _counts(self) -> dict[str, int]:
        cases = self.library.cases
        return {"cases": len(cases),
                "systems": len({s for c in cases for s in c.systems}),
                "modalities": len({self.modalities[m] for c in cases for m in c.modalities}),
                "contributors": len({a for c in cases for a in c.authors})}

    def _case_context(self, case: Case, site: GeneratedSite) -> tuple[str, dict]:
        """A case page's address and everything its template is given; records the case's
        thumbnail (`self.thumbs`) for the pages that list it."""
        src = self.case_src(case)
        quiz = self.is_quiz(case)
        studies, stacks = [], []
        for s_index, study in enumerate(case.studies, start=1):
            label = f"Study {s_index}" if len(case.studies) > 1 else ""
            entry = {"study": study, "number": s_index, "label": label, "stacks": []}
            for r_index, series in enumerate(study.series, start=1):
                stack = self._stack(case, study, series, src, site, s_index, r_index, len(stacks) + 1, quiz)
                entry["stacks"].append(stack)
                stacks.append(stack)
            studies.append(entry)
        key = stacks[0] if stacks else None
        if key and key["thumbs"]:
            self.thumbs[case.slug] = key["thumb_uri"]
        authors = [self.library.users[a] for a in case.authors if a in self.library.users]
        dates = dates_for(self.dates, case.slug)
        context = dict(case=case, studies=studies, stacks=stacks, authors=authors, quiz=quiz,
                       licence_url=self.licences.get(case.licence, ""), dates=dates,
                       related=self.related.get(case.slug, []),
                       collections=[c for c in self.collections if case.slug in c.cases],
                       case_number=case_address(case, quiz),
                       page_url=(self.site_url + self.urls.page_url(src)) if self.site_url else "")
        return src, context

    def _case_markdown(self, src: str, context: dict) -> str:
        """A case page from its context (everything else it reads: the generator's options, the
        contributors, and the thumbnails of the cases it lists, `self.thumbs`)."""
        if context["quiz"]:  # rendered apart, then sealed: nothing of it is readable in the page
            context["sealed_answer"] = seal(self._render("_answer.html.j2", src, **context))
            context["sealed_findings"] = {entry["number"]: seal(self._render(
                "_findings.html.j2", src, entry=entry, **context)) for entry in context["studies"]}
        return self._render("case.md.j2", src, **context)

    def _stack(self, case: Case, study, series: Series, src: str, site: GeneratedSite,
               s_index: int, r_index: int, number: int, quiz: bool) -> dict:
        """One series for the viewer: its renditions' addresses, thumbnails, cine and values."""
        renditions = self.convert(case, series)
        windows = []
        for rendition in renditions:
            converted = rendition.converted
            if converted.from_cache:
                site.reused += 1
            else:
                site.converted += 1
            base = f"media/{converted.key[:20]}/"
            for name in converted.frames:
                site.media[base + name] = converted.folder / name
            windows.append({"name": rendition.name, "base": self.urls.relative(src, base),
                            "label": window_label(rendition.name, converted.window),
                            "c": converted.window[0] if converted.window else None,
                            "w": converted.window[1] if converted.window else None})
        main = renditions[0].converted
        base = f"media/{main.key[:20]}/"
        count = len(main.frames)
        keys = [k for k in series.key_images if k <= count] or [(count + 1) // 2]
        thumb_uri = ""
        if main.thumbs:
            thumb_name = main.thumbs[keys[0] - 1]
            thumb_uri = base + thumb_name
            site.media[thumb_uri] = main.folder / thumb_name
        values = None
        if main.values:
            for name in main.values:
                site.media[base + name] = main.folder / name
            scales = [list(pair) for pair in main.value_scale]
            values = {"scale": scales[0] if all(p == scales[0] for p in scales) else scales,
                      "invert": main.invert}
        plane = plane_label(series.plane)
        title = " · ".join(part for part in (plane, series.sequence) if part) or f"Series {r_index}"
        # A quiz's captions may name the answer: its images are described neutrally.
        alt = (f"{self.modalities[study.modality]} {title}, {study.timing}" if quiz else series.caption)
        return {"series": series, "id": f"s{s_index}-{r_index}", "study": s_index, "number": number,
                "count": count, "start": keys[0], "key_images": keys, "base": windows[0]["base"],
                "windows": windows, "title": title, "alt": alt, "plane": plane,
                "ext": main.frames[0].rsplit(".", 1)[-1] if main.frames else "webp",
                "width": main.width, "height": main.height, "window": main.window,
                "frame_ms": main.frame_ms, "raw": values, "thumbs": bool(main.thumbs),
                "thumb_uri": thumb_uri, "thumb": self.urls.relative(src, thumb_uri) if thumb_uri else "",
                "licence_url": self.licences.get(series.licence, ""),
                "modality": self.modalities[study.modality], "timing": study.timing}

    def _listings(self, site: GeneratedSite) -> None:
        cases = self.library.cases
        by_system: dict[str, list[Case]] = defaultdict(list)
        by_modality: dict[str, list[Case]] = defaultdict(list)
        by_tag: dict[str, list[Case]] = defaultdict(list)
        for case in cases:
            for system in case.systems:
                by_system[system].append(case)
            for modality in {self.modalities[m] for m in case.modalities}:
                by_modality[modality].append(case)
            if not self.is_quiz(case):  # a quiz case's tags would give its answer away
                for tag in case.tags:
                    by_tag[tag].append(case)

        def facet(folder: str, heading: str, groups: dict[str, list[Case]], labels: dict[str, str],
                  order: list[str]) -> None:
            entries = []
            for key in order:
                if key not in groups:
                    continue
                src = f"browse/{folder}/{slugify(key)}.md"
                label = labels.get(key, key)
                entries.append({"label": label, "src": src, "count": len(groups[key])})
                site.pages[src] = self._render("listing.md.j2", src, heading=f"{heading}: {label}",
                                               cases=sorted(groups[key], key=lambda c: c.title.lower()),
                                               parent=f"browse/{folder}/index.md", parent_label=heading)
            index_src = f"browse/{folder}/index.md"
            site.pages[index_src] = self._render("facets.md.j2", index_src, heading=heading, entries=entries)

        facet("systems", "Cases by system", by_system, self.systems, list(self.systems))
        modality_order = list(dict.fromkeys(self.modalities.values()))
        facet("modalities", "Cases by modality", by_modality, {}, modality_order)
        facet("tags", "Cases by tag", by_tag, {}, sorted(by_tag))
        letters: dict[str, list[Case]] = defaultdict(list)
        for case in sorted((c for c in cases if not self.is_quiz(c)), key=lambda c: c.diagnosis.lower()):
            first = case.diagnosis[:1].upper()
            letters[first if first.isalpha() else "#"].append(case)
        site.pages["browse/diagnoses.md"] = self._render("diagnoses.md.j2", "browse/diagnoses.md",
                                                         letters=dict(sorted(letters.items())))

    def _people_links(self, site: GeneratedSite) -> None:
        """Contact forms (sealed messages, never mailto) and report links for the templates;
        see site_gen.people.contact and templates/_contact.md.j2."""
        settings = self.people
        desk = contact.contact_desk(self.library.root, self.library.users.values(), settings)
        site.files.update(contact.site_files(desk, self.library.users.values()))
        self.env.globals["contact_choice"] = desk.choice
        # The case number, not the folder name: a quiz case's folder name may be its answer.
        self.env.globals["report_link"] = lambda case: contact.report_link(
            case_address(case, self.is_quiz(case)), settings)
        self.env.globals["privacy_src"] = "privacy.md"

    def _finder(self, site: GeneratedSite) -> None:
        """Newest and quiz listings, and the filterable list of all cases with its JSON manifest."""
        cases = self.library.cases
        newest = sorted(cases, key=lambda c: (dates_for(self.dates, c.slug).added, c.slug), reverse=True)
        site.pages["browse/newest.md"] = self._render(
            "newest.md.j2", "browse/newest.md", cases=newest[:100],
            added={c.slug: dates_for(self.dates, c.slug).added for c in newest})
        quiz = [c for c in cases if self.is_quiz(c)]
        site.pages["browse/quiz.md"] = self._render("quiz.md.j2", "browse/quiz.md", cases=quiz)
        manifest = [{
            "t": self.display_title(c), "u": self.urls.page_url(self.case_src(c)),
            "s": [self.systems[s] for s in c.systems],
            "m": list(dict.fromkeys(self.modalities[m] for m in c.modalities)),
            "a": age_group(c.age), "g": [] if self.is_quiz(c) else c.tags, "q": self.is_quiz(c),
            "i": self.thumbs.get(c.slug, ""), "x": f"{c.age_label}, {c.sex}"} for c in cases]
        site.files["assets/case-library/cases.json"] = json.dumps(
            manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        site.pages["browse/index.md"] = self._render("finder.md.j2", "browse/index.md", count=len(cases),
                                                     manifest_url=self.urls.relative(
                                                         "browse/index.md", "assets/case-library/cases.json"))

    def _collections(self, site: GeneratedSite) -> None:
        by_slug = {c.slug: c for c in self.library.cases}
        for collection in self.collections:
            src = f"collections/{collection.slug}.md"
            site.pages[src] = self._render("collection.md.j2", src, collection=collection,
                                           cases=[by_slug[s] for s in collection.cases if s in by_slug])
        covers = {c.slug: by_slug[s] for c in self.collections for s in c.cases[:1] if s in by_slug}
        site.pages["collections/index.md"] = self._render("collections.md.j2", "collections/index.md",
                                                          collections=self.collections, covers=covers)

    def _contributors(self, site: GeneratedSite) -> None:
        country_labels = schema.load_schema(schema.USER_SCHEMA)["properties"]["country"]["x-labels"]
        users = sorted(self.library.users.values(), key=lambda u: (u.surname.lower(), u.first_name.lower()))
        entries = [{"user": u, "count": len(self.library.cases_by_author(u.username))} for u in users]
        site.pages["contributors/index.md"] = self._render("contributors.md.j2", "contributors/index.md",
                                                           entries=entries)
        for user in users:
            src = user_src(user.username)
            site.pages[src] = self._render("contributor.md.j2", src, user=user, country_labels=country_labels,
                                           cases=self.library.cases_by_author(user.username))

    def _statistics(self, site: GeneratedSite) -> None:
        from ..people.statistics import THRESHOLD, library_statistics
        country_labels = schema.load_schema(schema.USER_SCHEMA)["properties"]["country"]["x-labels"]
        position_labels = schema.load_schema(schema.USER_SCHEMA)["properties"]["position"]["x-labels"]
        tables = library_statistics(self.library, position_labels, country_labels, self.systems, self.modalities)
        site.pages["statistics.md"] = self._render("statistics.md.j2", "statistics.md", tables=tables,
                                                   threshold=THRESHOLD)
