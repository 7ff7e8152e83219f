"""Reading the site in a real headless Chromium: quiz, search, faceted filtering, accessibility."""
from __future__ import annotations

import json

import pytest

from site_gen.model.library import load_library
from tests.conftest import REPO_ROOT
from tests.site.conftest import save_artifact

AXE = REPO_ROOT / "tests" / "browser-deps" / "node_modules" / "axe-core" / "axe.min.js"
QUIZ_CASE = "cases/primary-spontaneous-pneumothorax/"


def test_quiz_hides_the_diagnosis_until_revealed(page, site_url):
    page.goto(site_url + QUIZ_CASE)
    heading = page.locator("h1").first.inner_text()
    assert heading.startswith("Quiz:") and "pneumothorax" not in heading.lower()
    diagnosis = page.locator(".sg-diagnosis__final")
    assert not diagnosis.is_visible()
    findings = page.locator(".sg-findings").first
    assert not findings.locator("p").first.is_visible()  # findings wait too: look at the images first
    visible_text = page.locator("article").inner_text().lower()  # what a reader sees before revealing
    assert "spontaneous pneumothorax" not in visible_text and "visceral pleural line" not in visible_text
    page.get_by_text("Reveal the diagnosis and discussion").click()
    assert diagnosis.is_visible()
    assert "pneumothorax" in diagnosis.inner_text().lower()


def test_quiz_listing_names_no_diagnosis(page, site_url):
    page.goto(site_url + "browse/quiz/")
    items = page.locator("article .sg-case-list li")
    assert items.count() >= 1
    assert "pneumothorax" not in page.locator("article .sg-case-list").inner_text().lower()


def test_search_finds_a_case_by_its_diagnosis(page, site_url):
    page.goto(site_url)
    page.wait_for_load_state("networkidle")  # the search index is loaded by a worker
    page.locator(".md-search__input").first.click()
    page.keyboard.type("thoracic vertebra", delay=20)
    result = page.locator(".md-search-result__item a").first
    result.wait_for(timeout=15000)
    assert "thoracic-vertebra-costovertebral-anatomy" in result.get_attribute("href")


def test_search_does_not_give_away_quiz_diagnoses(page, site_url):
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    page.locator(".md-search__input").first.click()
    page.keyboard.type("adenocarcinoma", delay=20)
    page.locator(".md-search-result__meta").wait_for(timeout=15000)
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__item a").all()]
    # The nodule case is a quiz: only its tags may match, never its hidden diagnosis text.
    assert not any("#diagnosis" in (h or "") for h in hrefs)


def test_search_index_holds_concise_fields_only(sample_site):
    index = json.loads((sample_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    case_text = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("cases/"))
    assert "thoracic vertebra" in case_text.lower()          # titles and diagnoses are indexed
    assert "doi.org" not in case_text and "Fleischner Society" not in case_text  # references are not
    assert "invasive adenocarcinoma" not in case_text.lower()  # nor a quiz case's hidden diagnosis


def test_finder_filters_by_two_facets(page, site_url):
    library = load_library(REPO_ROOT)
    page.goto(site_url + "browse/")
    finder = page.locator(".sg-finder")
    page.wait_for_function("() => document.querySelector('.sg-finder').dataset.results !== undefined")
    assert finder.get_attribute("data-results") == str(len(library.cases))
    page.locator("fieldset[data-facet='s'] input[value='Chest']").check()
    chest = [c for c in library.cases if "chest" in c.systems]
    assert finder.get_attribute("data-results") == str(len(chest))
    page.locator("fieldset[data-facet='m'] input[value='CT']").check()
    chest_ct = [c for c in chest if "CT" in c.modalities]
    assert 0 < len(chest_ct) < len(chest)
    assert finder.get_attribute("data-results") == str(len(chest_ct))
    links = page.locator(".sg-finder__results a")
    assert links.count() == len(chest_ct)
    links.first.click()
    page.wait_for_url("**/cases/**")
    save_artifact(page, "case-from-finder.png")
    page.go_back()
    page.goto(site_url + "browse/")
    save_artifact(page, "listing-finder.png")


@pytest.mark.parametrize("path", ["", QUIZ_CASE, "cases/solitary-pulmonary-nodule-adenocarcinoma/", "browse/"])
def test_no_serious_accessibility_violations(page, site_url, path):
    assert AXE.is_file(), "axe-core is missing: run bash .ci/install"
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
