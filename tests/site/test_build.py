"""Full builds with the real `mkdocs build`, checked on the generated HTML."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit


from site_gen.model.library import load_library
from site_gen.site.build import generate_site
from tests.conftest import CASE_YAML, REPO_ROOT
from tests.site.conftest import mkdocs_build


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value); nothing fetched by rel
        self.canonical: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "link" and dict(attrs).get("rel") in ("canonical", "alternate"):
            self.canonical.append(dict(attrs).get("href", ""))  # names the page, loads nothing
            return
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, name, value))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def page_of(site: Path, url: str) -> Path:
    path = site / url
    return path / "index.html" if url.endswith("/") or path.is_dir() else path


def test_samples_meet_the_content_minimum():
    library = load_library(REPO_ROOT)
    assert library.problems == []
    assert len(library.cases) >= 6
    assert len({s for c in library.cases for s in c.systems}) >= 4
    assert len({m for c in library.cases for m in c.modalities}) >= 3
    assert any(len(c.studies) > 1 for c in library.cases)
    assert len(library.users) >= 2


def test_every_case_page_shows_diagnosis_and_its_images(sample_site):
    library = load_library(REPO_ROOT)
    for case in library.cases:
        page = sample_site / "cases" / case.slug / "index.html"
        html = page.read_text(encoding="utf-8")
        assert case.diagnosis.replace("'", "&#39;") in html or case.diagnosis in html
        images = [value for tag, _, value in parse(page).refs if tag == "img"]
        series_count = sum(len(study.series) for study in case.studies)
        assert len(images) == series_count
        for src in images:
            assert (page.parent / src).resolve().is_file(), src
        for user in case.authors:
            assert f"../../contributors/{user}/" in html


def test_listings_link_every_case(sample_site):
    library = load_library(REPO_ROOT)
    targets = {f"cases/{c.slug}/" for c in library.cases}
    for listing in ("browse/diagnoses/", "", "browse/systems/", "browse/modalities/"):
        page = page_of(sample_site, listing)
        assert page.is_file(), listing
    linked = {}
    for folder in ("browse/systems", "browse/modalities", "browse/tags"):
        for page in (sample_site / folder).rglob("index.html"):
            for _, _, href in parse(page).refs:
                url = urljoin("/" + page.relative_to(sample_site).parent.as_posix() + "/", href)
                linked.setdefault(folder, set()).add(url.lstrip("/"))
    for folder in ("browse/systems", "browse/modalities"):
        assert targets <= linked[folder], folder
    diagnoses = page_of(sample_site, "browse/diagnoses/")
    hrefs = {urljoin("/browse/diagnoses/", h).lstrip("/") for _, _, h in parse(diagnoses).refs}
    assert targets <= hrefs


def test_no_broken_internal_links_and_nothing_from_third_parties(sample_site):
    for page in sample_site.rglob("*.html"):
        base = "/" + page.relative_to(sample_site).as_posix()
        for tag, attr, value in parse(page).refs:
            parts = urlsplit(value)
            if parts.scheme in ("http", "https"):
                # Outbound links are fine; loading anything from elsewhere is not.
                assert tag == "a", f"{page}: {tag} loads {value}"
                continue
            if parts.scheme or value.startswith("#") or not parts.path:
                continue
            target = urljoin(base, parts.path)
            path = sample_site / target.lstrip("/")
            assert path.exists() or (path / "index.html").exists(), f"{page}: broken {value}"


def test_case_pages_stay_out_of_the_navigation(sample_site):
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    nav_links = re.findall(r'<a href="([^"]*)" class="md-nav__link', home)
    assert "browse/systems/" in nav_links and "contributors/" in nav_links
    assert not [link for link in nav_links if link.startswith("cases/")]
    assert "cases/" in home  # the cases are linked from the page body instead


def test_search_index_lists_cases(sample_site):
    index = (sample_site / "search" / "search_index.json").read_text(encoding="utf-8")
    for case in load_library(REPO_ROOT).cases:
        assert f"cases/{case.slug}/" in index


def test_case_text_cannot_inject_markup(repo, tmp_path):
    hostile = (CASE_YAML.replace("title: Primary spontaneous pneumothorax",
                                 'title: "Pneumothorax <script>alert(1)</script>"')
               .replace("Sudden right-sided", "<img src=x onerror=alert(2)> Sudden right-sided")
               .replace("- Look for the visceral pleural line.", "- \"[click](javascript:alert(3))\""))
    repo.case(text=hostile)
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "docs", repo.root / "docs")
    out = tmp_path / "out"
    result = mkdocs_build(repo.root, out, tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    html = (out / "cases" / "pneumothorax" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "javascript:" not in html


def test_problems_stop_the_build_with_every_message_and_no_traceback(repo, tmp_path):
    repo.case("one", text=CASE_YAML.replace("authors: [adoe]", "authors: [nobody]"))
    repo.case("two", text="title: [unclosed\n")
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "docs", repo.root / "docs")
    result = mkdocs_build(repo.root, tmp_path / "out", tmp_path / "cache")
    assert result.returncode == 1
    assert "cases/one/case.yml:3:11: author 'nobody' has no profile" in result.stderr
    assert re.search(r"cases/two/case\.yml:\d+:\d+: this file is not valid YAML", result.stderr)
    assert "Traceback" not in result.stderr


def test_rebuild_reuses_converted_series(repo, tmp_path):
    repo.case("one")
    repo.case("two", text=CASE_YAML.replace("Primary spontaneous", "Tension"), images={"xr": 2})
    cache = tmp_path / "cache"
    first = generate_site(repo.root, cache)
    assert (first.converted, first.reused) == (2, 0)
    second = generate_site(repo.root, cache)
    assert (second.converted, second.reused) == (0, 2)
    # One changed image: only that series is converted again.
    from tests.conftest import write_png
    write_png(repo.root / "cases/two/xr/02.png", value=7)
    third = generate_site(repo.root, cache)
    assert (third.converted, third.reused) == (1, 1)
    assert set(first.pages) == set(third.pages)


def test_ct_series_get_window_presets_without_duplicating_their_own(repo, tmp_path):
    from site_gen.bench.synthetic import write_ct_series
    from site_gen.site.build import convert_library_media

    text = (CASE_YAML.replace("modality: CR", "modality: CT").replace("path: xr", "path: ct")
            .replace("plane: PA", "plane: axial"))
    repo.case(text=text, images={})
    write_ct_series(repo.root / "cases/pneumothorax/ct", slices=3, size=32, nodule_mm=None)
    library = load_library(repo.root)
    assert library.problems == []
    converted, problems = convert_library_media(library.cases, repo.root, tmp_path / "cache", jobs=1)
    assert problems == []
    [renditions] = converted.values()
    # The file's own soft-tissue window comes first; the identical preset is not repeated.
    assert [r.name for r in renditions] == ["default", "lung", "bone", "brain"]
    assert renditions[0].converted.window == (40.0, 400.0)
    assert [r.converted.window for r in renditions[1:]] == [(-600.0, 1500.0), (400.0, 1800.0), (40.0, 80.0)]
    assert all(len(r.converted.frames) == 3 for r in renditions)
    again, _ = convert_library_media(library.cases, repo.root, tmp_path / "cache", jobs=1)
    assert all(r.converted.from_cache for r in next(iter(again.values())))


def test_site_wide_quiz_mode_hides_every_diagnosis(repo, tmp_path):
    repo.case()
    normal = generate_site(repo.root, tmp_path / "cache").pages["cases/pneumothorax.md"]
    quiz = generate_site(repo.root, tmp_path / "cache", quiz_all=True).pages["cases/pneumothorax.md"]
    assert "## Diagnosis" in normal and "<details" not in normal
    assert 'title: "Quiz: 25 years, male (X-ray)"' in quiz
    assert "## Answer" in quiz and '<details class="sg-answer" data-search-exclude>' in quiz
    # The diagnosis is still in the page, but only inside the closed answer.
    answer = quiz[quiz.index("## Answer"):]
    assert "Primary spontaneous pneumothorax" not in quiz[:quiz.index("## Answer")].split("---", 2)[2]
    assert "Primary spontaneous pneumothorax" in answer
