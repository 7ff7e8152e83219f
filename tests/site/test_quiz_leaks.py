"""No quiz answer anywhere in the built site before the reader reveals it: every page, index,
manifest, sitemap and metadata file is scanned for the answer's words."""
from __future__ import annotations

import base64
import re

from site_gen.model import schema
from site_gen.model.library import load_library
from tests.conftest import REPO_ROOT

TEXT_SUFFIXES = {".html", ".json", ".xml", ".txt", ".js", ".css", ".webmanifest", ".md"}


def revealed_only(html: str) -> str:
    """The page without its sealed blocks (what a reader can read before revealing)."""
    return re.sub(r'data-sealed="[^"]*"', "", html)


def giveaways(case, others_text: str) -> list[str]:
    """The answer (diagnosis, real title, folder name) and the tags that name more than what a
    quiz shows anyway (its modalities and systems) or what visible cases say."""
    shown = {v.lower() for v in list(schema.vocabulary("modality").values()) + list(schema.vocabulary("system").values())}
    shown |= {"mri", "ct", "x-ray", "ultrasound"}
    words = [case.diagnosis, case.title, case.slug, case.slug.replace("-", " ")]
    public = [case.presentation] + [s.description or "" for s in case.studies] + \
        [f"{r.plane or ''} {r.sequence or ''}" for s in case.studies for r in s.series]
    shown_text = " ".join(public).lower()  # the question itself: history, technique
    shown |= {t.lower() for t in case.tags if t.lower() in shown_text}
    words += [t for t in case.tags if t.lower() not in others_text and t.lower() not in shown]
    return [w.lower() for w in words]


def test_no_file_of_the_site_holds_a_quiz_answer(sample_site):
    library = load_library(REPO_ROOT)
    quiz = [c for c in library.cases if c.quiz]
    assert quiz
    others_text = " ".join((c.folder / "case.yml").read_text(encoding="utf-8").lower()
                           for c in library.cases if not c.quiz)
    scanned = 0
    for path in sample_site.rglob("*"):
        if not path.is_file() or path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        text = revealed_only(path.read_text(encoding="utf-8", errors="replace")).lower()
        text = text.replace("&#34;", '"').replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&")
        scanned += 1
        for case in quiz:
            for word in giveaways(case, others_text):
                assert word not in text, f"{path.relative_to(sample_site)} gives away quiz case {case.case_id}"
    assert scanned > 30
    # The file names and addresses give nothing away either.
    names = " ".join(p.relative_to(sample_site).as_posix().lower() for p in sample_site.rglob("*"))
    for case in quiz:
        assert case.slug not in names


def test_the_sealed_answer_is_the_real_one(sample_site):
    for case in (c for c in load_library(REPO_ROOT).cases if c.quiz):
        html = (sample_site / "cases" / str(case.case_id) / "index.html").read_text(encoding="utf-8")
        sealed = re.findall(r'data-sealed="([^"]+)"', html)
        answer = " ".join(base64.b64decode(s).decode("utf-8") for s in sealed)
        assert case.diagnosis.split(" (")[0] in answer
        assert "<title>Quiz:" in html and case.title not in html
