"""Reading the site in a real headless Chromium: quiz, search, faceted filtering, accessibility."""
from __future__ import annotations

import json

import pytest

from site_gen.model.library import load_library
from tests.conftest import REPO_ROOT
from tests.site.conftest import save_artifact

AXE = REPO_ROOT / "tests" / "browser-deps" / "node_modules" / "axe-core" / "axe.min.js"
CASES = {c.slug: c for c in load_library(REPO_ROOT).cases}
QUIZ_CASE = f"cases/{CASES['non-ossifying-fibroma-distal-tibia'].case_id}/"
CHEST_CASE = f"cases/{CASES['multiple-pulmonary-metastases-chest-radiograph'].case_id}/"
CSP_LISTENER = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


def search(page, site_url, words):
    page.goto(site_url)
    page.wait_for_load_state("networkidle")  # the search index is loaded by a worker
    page.locator(".md-search__input").first.click()
    page.keyboard.type(words, delay=20)
    page.locator(".md-search-result__meta").wait_for(timeout=15000)
    page.wait_for_timeout(300)
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__item > a").all()]
    return [h.split("?")[0].split("#")[0] for h in hrefs if h]


def test_quiz_hides_the_diagnosis_until_revealed(page, site_url):
    page.goto(site_url + QUIZ_CASE)
    heading = page.locator("h1").first.inner_text()
    assert heading.startswith("Quiz:") and "fibroma" not in heading.lower()
    assert "fibroma" not in page.title().lower()
    visible_text = page.locator("article").inner_text().lower()  # what a reader sees before revealing
    assert "fibroma" not in visible_text and "multiloculated" not in visible_text
    assert "fibroma" not in page.content().lower()  # not even hidden in the page
    page.get_by_text("Show the findings").click()
    assert "multiloculated" in page.locator(".sg-findings").first.inner_text()
    page.get_by_text("Reveal the diagnosis and discussion").click()
    diagnosis = page.locator(".sg-diagnosis__final")
    assert diagnosis.is_visible() and "non-ossifying fibroma" in diagnosis.inner_text().lower()


def test_quiz_listing_names_no_diagnosis(page, site_url):
    page.goto(site_url + "browse/quiz/")
    items = page.locator("article .sg-case-list li")
    assert items.count() >= 2
    assert "fibroma" not in page.locator("article .sg-case-list").inner_text().lower()


@pytest.mark.parametrize("words, slug", [("cannonball", "multiple-pulmonary-metastases-chest-radiograph"),
                                         ("metastases", "multiple-pulmonary-metastases-chest-radiograph"),
                                         ("vertebra", "thoracic-vertebra-costovertebral-anatomy"),
                                         ("scintigraphy", "normal-bone-scintigraphy-lossy-compression")])
def test_a_diagnosis_word_finds_its_case_first(page, site_url, words, slug):
    hrefs = search(page, site_url, words)
    assert hrefs and hrefs[0].rstrip("/").endswith(f"cases/{CASES[slug].case_id}"), hrefs
    assert not any("browse/" in h or h == site_url for h in hrefs)  # listings are not results
    snippet = page.locator(".md-search-result__item").first.inner_text()
    assert CASES[slug].presentation.split(".")[0][:30].lower() in snippet.lower()


def test_search_does_not_give_away_quiz_diagnoses(page, site_url):
    hrefs = search(page, site_url, "fibroma")
    quiz = {f"cases/{c.case_id}/" for c in CASES.values() if c.quiz}
    assert not any(h and any(q in h for q in quiz) for h in hrefs)


def test_search_index_holds_concise_fields_only(sample_site):
    index = json.loads((sample_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    case_text = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("cases/"))
    assert "thoracic vertebra" in case_text.lower() and "basivertebral" in case_text.lower()  # findings
    assert "doi.org" not in case_text and "Seo JB" not in case_text  # references are not
    assert "fibroma" not in json.dumps(index).lower()  # nor a quiz case's hidden diagnosis


def test_finder_filters_by_two_facets_and_keeps_them_in_the_address(page, site_url):
    library = load_library(REPO_ROOT)
    page.goto(site_url + "browse/")
    finder = page.locator(".sg-finder")
    page.wait_for_function("() => document.querySelector('.sg-finder').dataset.results !== undefined")
    assert finder.get_attribute("data-results") == str(len(library.cases))
    page.locator("fieldset[data-facet='s'] input[value='Musculoskeletal']").check()
    msk = [c for c in library.cases if "musculoskeletal" in c.systems]
    assert finder.get_attribute("data-results") == str(len(msk))
    page.locator("fieldset[data-facet='m'] input[value='X-ray']").check()
    msk_xr = [c for c in msk if "CR" in c.modalities or "DX" in c.modalities]
    assert 0 < len(msk_xr) < len(msk)
    assert finder.get_attribute("data-results") == str(len(msk_xr))
    shared = page.url
    assert "s=Musculoskeletal" in shared and "m=X-ray" in shared
    links = page.locator(".sg-finder__results .sg-case-item__text a")
    assert links.count() == len(msk_xr)
    assert page.locator(".sg-finder__results img").count() == len(msk_xr)  # key-image thumbnails
    page.go_back()  # Back undoes the last filter
    page.wait_for_function(f"() => document.querySelector('.sg-finder').dataset.results === '{len(msk)}'")
    page.goto(shared)  # a shared address shows the same filtered view
    page.wait_for_function(f"() => document.querySelector('.sg-finder').dataset.results === '{len(msk_xr)}'")
    assert page.locator("fieldset[data-facet='m'] input[value='X-ray']").is_checked()
    save_artifact(page, "listing-finder.png")


def test_finder_on_a_phone_shows_results_first(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(site_url + "browse/")
    page.wait_for_function("() => document.querySelector('.sg-finder').dataset.results !== undefined")
    first = page.locator(".sg-finder__results li").first.bounding_box()
    assert first["y"] + first["height"] <= 844
    assert not page.locator(".sg-facet").first.is_visible()  # the filters are folded away
    page.locator(".sg-finder__panel > summary").click()
    assert page.locator(".sg-facet").first.is_visible()
    save_artifact(page, "finder-phone.png")
    context.close()


@pytest.mark.parametrize("path", ["", CHEST_CASE, QUIZ_CASE, "browse/", "contributors/adoe/", "browse/diagnoses/"])
def test_content_security_policy_is_strict_and_never_violated(browser, site_url, sample_site, path):
    html = (sample_site / (path + "index.html")).read_text(encoding="utf-8")
    policy = html.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    assert "script-src 'self';" in policy and "unsafe" not in policy and "default-src 'none'" in policy
    assert "<script>" not in html  # no inline script at all
    context = browser.new_context()
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    page.locator("form[data-md-component='palette'] label:visible").first.click()  # colour scheme (palette.js)
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    if path == QUIZ_CASE:
        page.get_by_text("Reveal the diagnosis and discussion").click()
    page.locator(".md-search__input").first.click()  # search runs in a worker
    page.keyboard.type("vertebra", delay=10)
    page.locator(".md-search-result__meta").wait_for(timeout=15000)
    assert page.evaluate("window.__csp") == []
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
    context.close()


@pytest.mark.parametrize("path", ["", QUIZ_CASE, CHEST_CASE, "browse/"])
def test_no_serious_accessibility_violations(browser, site_url, path):
    assert AXE.is_file(), "axe-core is missing: run bash .ci/install"
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    context.close()
    assert serious == []
