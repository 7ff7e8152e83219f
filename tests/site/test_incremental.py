"""Builds skip work whose inputs did not change, and the result is the same as building afresh."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest


from site_gen.model.library import load_library
from site_gen.site import generator as site_generator
from site_gen.site.build import BuildTimings, generate_site
from tests.conftest import CASE_YAML, REPO_ROOT, write_png
from tests.site.conftest import mkdocs_build

SECOND_CASE = CASE_YAML.replace("title: Primary spontaneous pneumothorax", "title: Tension pneumothorax") \
    .replace("tags: [pneumothorax]", "tags: [pneumothorax, emergency]")


def site_repo(repo):
    repo.case("pneumothorax")
    repo.case("tension", text=SECOND_CASE, images={"xr": 2})
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "docs", repo.root / "docs")
    return repo


def files_of(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and not p.name.endswith(".gz")}


def test_a_changed_library_is_generated_again_and_equals_a_fresh_generation(repo, tmp_path):
    site_repo(repo)
    cache = tmp_path / "cache"
    timings = BuildTimings()
    first = generate_site(repo.root, cache, timings=timings)
    assert timings.steps["pages_rendered"] == len(first.pages) and not timings.steps["whole_site_unchanged"]
    # A title change reaches the case page, the listings and the related case's page.
    case_file = repo.root / "cases/tension/case.yml"
    case_file.write_text(case_file.read_text().replace("title: Tension pneumothorax", "title: Tension pneumothorax, left"))
    timings = BuildTimings()
    second = generate_site(repo.root, cache, timings=timings)
    assert not timings.steps["whole_site_unchanged"]
    assert second.pages == generate_site(repo.root, tmp_path / "other-cache").pages
    assert second.pages != first.pages
    assert any("Tension pneumothorax, left" in page for src, page in second.pages.items() if "tension" not in src)


UNRELATED_CASE = CASE_YAML.replace("title: Primary spontaneous pneumothorax", "title: Colloid cyst") \
    .replace("systems: [chest, trauma]", "systems: [neuroradiology]").replace("tags: [pneumothorax]", "tags: [cyst]") \
    .replace("final: Primary spontaneous pneumothorax", "final: Colloid cyst of the third ventricle")


def test_an_edit_makes_again_only_the_case_pages_that_show_what_changed(repo, tmp_path):
    site_repo(repo)
    repo.case("cyst", text=UNRELATED_CASE)
    cache = tmp_path / "cache"
    timings = BuildTimings()
    generate_site(repo.root, cache, timings=timings)
    assert timings.steps["case_pages_rendered"] == 3
    case_file = repo.root / "cases/tension/case.yml"
    case_file.write_text(case_file.read_text().replace("title: Tension pneumothorax", "title: Tension pneumothorax, right"))
    timings = BuildTimings()
    edited = generate_site(repo.root, cache, timings=timings)
    # the edited case and the related case that lists it; the cyst case comes from the memo
    assert timings.steps["case_pages_rendered"] == 2
    assert edited.pages == generate_site(repo.root, tmp_path / "fresh").pages
    # new images of a listed case change its thumbnail in the pages that list it (the
    # pneumothorax case, made before the tension case's page, which lists it)
    for image in (repo.root / "cases/pneumothorax").rglob("*.png"):
        write_png(image, value=200)
    timings = BuildTimings()
    again = generate_site(repo.root, cache, timings=timings)
    assert again.pages == generate_site(repo.root, tmp_path / "fresh-2").pages


def test_what_the_generator_reads_besides_its_arguments_counts_too(repo, tmp_path, monkeypatch):
    site_repo(repo)
    cache = tmp_path / "cache"
    generate_site(repo.root, cache)
    for change in (lambda: (repo.root / "users" / "editors.recipients").write_text("age1example\n"),
                   lambda: (repo.root / "cases" / "tension" / "notes.md").write_text("A note.\n")):
        change()
        timings = BuildTimings()
        generate_site(repo.root, cache, timings=timings)
        assert not timings.steps["whole_site_unchanged"]
    from site_gen.site import incremental
    monkeypatch.setattr(incremental, "today", lambda: "2099-01-01")
    timings = BuildTimings()
    generate_site(repo.root, cache, timings=timings)
    assert not timings.steps["whole_site_unchanged"]  # undated cases show today's date


def test_an_unchanged_library_is_not_generated_again(repo, tmp_path, monkeypatch):
    site_repo(repo)
    first = generate_site(repo.root, tmp_path / "cache")

    def no_generation(self):
        raise AssertionError("the generator ran although nothing changed")

    monkeypatch.setattr(site_generator.SiteGenerator, "generate", no_generation)
    timings = BuildTimings()
    second = generate_site(repo.root, tmp_path / "cache", timings=timings)
    assert timings.steps["whole_site_unchanged"] and timings.steps["pages_rendered"] == 0
    assert (second.pages, second.files, second.media) == (first.pages, first.files, first.media)
    with pytest.raises(AssertionError, match="the generator ran"):  # any change: generated again
        generate_site(repo.root, tmp_path / "cache", quiz_all=True)


def test_cached_case_files_are_read_again_when_they_change(repo, tmp_path):
    site_repo(repo)
    cache = tmp_path / "cache"
    assert load_library(repo.root, cache_dir=cache).problems == []
    assert list((cache / "library").glob("*.json"))
    case_file = repo.root / "cases/tension/case.yml"
    case_file.write_text(case_file.read_text().replace("age: 25", "age: 47"))
    for _ in range(2):  # the problem is found from the file, then from the cache, with its position
        problems = [str(p) for p in load_library(repo.root, cache_dir=cache).problems]
        assert len(problems) == 1 and re.match(r"cases/tension/case\.yml:\d+:\d+: round adult ages", problems[0])
    case_file.write_text(case_file.read_text().replace("age: 47", "age: 45"))
    assert load_library(repo.root, cache_dir=cache).problems == []


def test_checks_against_the_file_system_still_run_for_cached_cases(repo, tmp_path):
    site_repo(repo)
    cache = tmp_path / "cache"
    assert load_library(repo.root, cache_dir=cache).problems == []
    shutil.rmtree(repo.root / "cases/tension/xr")  # case.yml unchanged: its images are gone
    problems = [str(p) for p in load_library(repo.root, cache_dir=cache).problems]
    assert len(problems) == 1 and "image path 'xr' does not exist" in problems[0]


def test_tracked_library_takes_over_unchanged_cases_only(repo, tmp_path):
    site_repo(repo)
    first = load_library(repo.root, track=True)
    second = load_library(repo.root, previous=first, track=True)
    assert {c.slug: id(c) for c in second.cases} == {c.slug: id(c) for c in first.cases}
    write_png(repo.root / "cases/tension/xr/02.png", value=99)  # an image changed: that case is read again
    third = load_library(repo.root, previous=second, track=True)
    by_slug = {c.slug: c for c in third.cases}
    assert by_slug["pneumothorax"] is second.case("pneumothorax")
    assert by_slug["tension"] is not second.case("tension")
    repo.user("bsmith")  # the contributors changed: everything is checked again
    fourth = load_library(repo.root, previous=third, track=True)
    assert all(c is not third.case(c.slug) for c in fourth.cases)


def test_unchanged_series_are_found_without_reading_their_images(repo, tmp_path, monkeypatch):
    site_repo(repo)
    cache = tmp_path / "cache"
    generate_site(repo.root, cache)
    from site_gen.media import convert

    def no_reading(*args, **kwargs):
        raise AssertionError("an unchanged series was read again")

    monkeypatch.setattr(convert, "_content_digest", no_reading)
    site = generate_site(repo.root, cache)
    assert site.converted == 0 and site.reused == 2
    monkeypatch.undo()
    write_png(repo.root / "cases/tension/xr/01.png", value=3)
    site = generate_site(repo.root, cache)
    assert site.converted == 1


def test_warm_build_keeps_placed_images_and_drops_those_of_removed_cases(repo, tmp_path):
    site_repo(repo)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert mkdocs_build(repo.root, out, cache).returncode == 0
    placed = {p.relative_to(out).as_posix(): p.stat().st_ino for p in (out / "media").rglob("*.webp")}
    assert len(placed) >= 3  # 3 frames (and their thumbnails)
    result = mkdocs_build(repo.root, out, cache)
    assert result.returncode == 0, result.stderr
    again = {p.relative_to(out).as_posix(): p.stat().st_ino for p in (out / "media").rglob("*.webp")}
    assert again == placed  # the same files, moved back rather than placed again
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # nothing hidden left in the site

    write_png(repo.root / "cases/tension/xr/02.png", value=201)  # a changed image
    shutil.rmtree(repo.root / "cases/pneumothorax")               # a removed case
    result = mkdocs_build(repo.root, out, cache)
    assert result.returncode == 0, result.stderr
    now = {p.relative_to(out).as_posix() for p in (out / "media").rglob("*.webp")}
    fresh = tmp_path / "fresh"
    assert mkdocs_build(repo.root, fresh, tmp_path / "fresh-cache").returncode == 0
    assert now == {p.relative_to(fresh).as_posix() for p in (fresh / "media").rglob("*.webp")}
    assert set(placed) - now  # the removed case's images and the changed image's old renderings are gone
    assert files_of(out) == files_of(fresh)


def test_images_are_placed_again_when_the_placement_record_is_lost(repo, tmp_path):
    site_repo(repo)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert mkdocs_build(repo.root, out, cache).returncode == 0
    for record in (cache / "placements").iterdir():  # as after a build stopped halfway
        record.unlink()
    victim = next((out / "media").rglob("*.webp"))
    victim.unlink()
    assert mkdocs_build(repo.root, out, cache).returncode == 0
    assert victim.is_file()


def test_leak_scan_skips_only_content_it_already_found_clean(repo, tmp_path):
    site_repo(repo)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert mkdocs_build(repo.root, out, cache).returncode == 0
    case_file = repo.root / "cases/tension/case.yml"
    original = case_file.read_text()
    case_file.write_text(original.replace("at rest.", "at rest, write to someone@example.org"))  # phi: allow made-up
    for _ in range(2):  # still refused on the next build: a leaking file is never remembered as clean
        result = mkdocs_build(repo.root, out, cache)
        assert result.returncode == 1 and "e-mail address" in result.stderr
        assert "someone@example.org" not in result.stderr
    case_file.write_text(original)
    assert mkdocs_build(repo.root, out, cache).returncode == 0


def test_pages_of_another_site_do_not_evict_the_library_pages(repo, tmp_path):
    site_repo(repo)
    cache = tmp_path / "cache"
    generate_site(repo.root, cache)
    generate_site(repo.root, cache, site_url="http://127.0.0.1:8000/")  # e.g. mkdocs serve
    timings = BuildTimings()
    generate_site(repo.root, cache, timings=timings)
    assert timings.steps["whole_site_unchanged"]


def test_related_cases_show_their_thumbnails_whichever_comes_first(repo, tmp_path):
    """The pneumothorax page is made before the tension case's, yet lists it with its picture."""
    site_repo(repo)
    pages = generate_site(repo.root, tmp_path / "cache").pages
    first = next(c for c in load_library(repo.root).cases if c.slug == "pneumothorax")
    page = pages[site_generator.case_src(first, False)]
    item = page[page.index('class="sg-case-item__thumb"'):]
    item = item[:item.index("</a>")]
    assert "<img src=" in item and "/t0" in item


def test_under_serve_only_the_cases_whose_inputs_changed_are_made_again(repo, tmp_path):
    """`mkdocs serve` keeps one state: a case whose case, images, authors, dates, related cases
    and collections are the very objects of the last generation is not made again; after every
    kind of edit the site equals a fresh generation."""
    from site_gen.site.build import Incremental
    from site_gen.site.incremental import PageMemo
    site_repo(repo)
    repo.case("cyst", text=UNRELATED_CASE)
    cache = tmp_path / "cache"
    state = Incremental(PageMemo(cache), track=True)
    generate_site(repo.root, cache, state=state, save_pages=False)
    tension = repo.root / "cases/tension/case.yml"
    edits = [
        # the edited case and the related case whose page lists its title
        (lambda: tension.write_text(tension.read_text().replace("title: Tension pneumothorax", "title: Tension, left")), 2),
        # new pixels of a listed case: its own page, and the page that shows its thumbnail
        (lambda: [write_png(p, value=210) for p in (repo.root / "cases/pneumothorax").rglob("*.png")], 2),
        # an author's profile: every page that names the author
        (lambda: (repo.root / "users/adoe.yml").write_text(
            (repo.root / "users/adoe.yml").read_text().replace("surname: Author", "surname: Writer")), 3),
        (lambda: None, 0),
    ]
    for number, (edit, remade) in enumerate(edits):
        edit()
        timings = BuildTimings()
        served = generate_site(repo.root, cache, state=state, save_pages=False, timings=timings)
        fresh_cache = tmp_path / f"fresh-{number}"
        fresh = generate_site(repo.root, fresh_cache)
        assert (served.pages, served.files) == (fresh.pages, fresh.files), number
        assert ({uri: path.relative_to(cache) for uri, path in served.media.items()}
                == {uri: path.relative_to(fresh_cache) for uri, path in fresh.media.items()}), number
        assert (served.converted + served.reused) == (fresh.converted + fresh.reused)
        if remade:
            assert timings.steps["case_contexts_made"] == remade, number
        # the memo written when serve stops still holds every case page, for the next build
        kept = {page for page in state.memo.bundle.entries.values() if isinstance(page, str)}
        assert all(page in kept for src, page in served.pages.items() if src.startswith("cases/")), number


def test_the_memo_stores_each_page_once(repo, tmp_path):
    """The whole-site snapshot names the entries the pages already have; a page stored twice
    doubled the memo on disk and in memory."""
    import json
    site_repo(repo)
    cache = tmp_path / "cache"
    site = generate_site(repo.root, cache)
    (bundle,) = (cache / "pages").rglob("*.json")
    entries = json.loads(bundle.read_text("utf-8"))
    pages = [value for value in entries.values() if isinstance(value, str)]
    assert len(pages) == len(set(pages)) and set(site.pages.values()) <= set(pages)
    timings = BuildTimings()
    assert generate_site(repo.root, cache, timings=timings).pages == site.pages
    assert timings.steps["whole_site_unchanged"]
