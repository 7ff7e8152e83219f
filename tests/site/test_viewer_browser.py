"""The stack viewer in a real headless Chromium, on the built sample site."""
from __future__ import annotations

from urllib.parse import urlsplit


from tests.site.conftest import save_artifact

NODULE = "cases/solitary-pulmonary-nodule-adenocarcinoma/"


def first_stack(page):
    return page.locator(".sg-stack:not([hidden])").first


def test_wheel_keys_slider_and_key_images_scroll_the_stack(page, site_url):
    page.goto(site_url + NODULE)
    stack = first_stack(page)
    counter = stack.locator(".sg-stack__counter")
    image = stack.locator(".sg-stack__viewport img")
    assert counter.inner_text() == "13 / 25"
    first_src = image.get_attribute("src")

    stack.locator(".sg-stack__viewport").hover()
    page.mouse.wheel(0, 120)
    assert counter.inner_text() == "14 / 25"
    assert image.get_attribute("src") != first_src

    stack.locator(".sg-stack__viewport").focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert counter.inner_text() == "12 / 25"
    page.keyboard.press("End")
    assert counter.inner_text() == "25 / 25"
    assert image.get_attribute("src").endswith("0025.webp")
    page.keyboard.press("Home")
    page.keyboard.press("PageDown")
    assert counter.inner_text() == "4 / 25"

    stack.locator(".sg-stack__slider").fill("20")
    assert counter.inner_text() == "20 / 25"
    stack.locator("button[data-key='13']").click()
    assert counter.inner_text() == "13 / 25"
    page.wait_for_function("() => document.querySelector('.sg-stack:not([hidden]) img').complete")
    natural_width = image.evaluate("img => img.naturalWidth")
    assert natural_width > 0  # the image really loaded from the site
    save_artifact(page, "case-page.png")


def test_switch_series_and_window_preset(page, site_url):
    page.goto(site_url + NODULE)
    viewer = page.locator(".sg-viewer").first
    series_buttons = viewer.locator(".sg-series__item")
    assert series_buttons.count() == 2
    visible = viewer.locator(".sg-stack:not([hidden])")
    assert visible.count() == 1
    first_id = visible.get_attribute("id")
    series_buttons.nth(1).click()
    assert visible.get_attribute("id") != first_id
    assert series_buttons.nth(1).get_attribute("aria-pressed") == "true"

    stack = first_stack(page)
    before = stack.locator("img").first.get_attribute("src")
    stack.locator("button[data-window='bone']").click()
    after = stack.locator(".sg-stack__viewport img").get_attribute("src")
    assert after != before and after.endswith("0013.webp")
    assert stack.get_attribute("data-window") == "bone"
    assert stack.locator("button[data-window='bone']").get_attribute("aria-pressed") == "true"


def test_every_image_has_alternative_text_and_works_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + NODULE)
    images = page.locator(".sg-stack img")
    assert images.count() == 3
    for index in range(images.count()):
        img = images.nth(index)
        assert img.get_attribute("alt")
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")
    context.close()


def test_instant_navigation_reinitialises_the_viewer(page, site_url):
    page.goto(site_url + "browse/diagnoses/")
    page.evaluate("() => { window.__samePage = true; }")  # survives only an instant (XHR) navigation
    page.locator(f"a[href$='{NODULE}']").first.click()
    page.wait_for_url("**/" + NODULE)
    counter = first_stack(page).locator(".sg-stack__counter")
    counter.wait_for()
    assert page.evaluate("() => window.__samePage === true")
    assert counter.inner_text() == "13 / 25"


def test_no_request_leaves_the_site(page, site_url):
    for path in ("", NODULE, "browse/systems/", "contributors/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    origin = urlsplit(site_url).netloc
    outside = {urlsplit(url).netloc for url in page.requests if urlsplit(url).scheme in ("http", "https")} - {origin}
    assert outside == set()
    assert len(page.requests) > 10
