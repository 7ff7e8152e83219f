"""The case viewer in a real headless Chromium, on the built sample site."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from site_gen.model.library import load_library
from tests.conftest import REPO_ROOT
from tests.site.conftest import recorded_page, save_artifact

CASES = {c.slug: c for c in load_library(REPO_ROOT).cases}
ECHO = f"cases/{CASES['echocardiography-apical-four-chamber'].case_id}/"        # 15-frame cine
CT = f"cases/{CASES['thoracic-vertebra-costovertebral-anatomy'].case_id}/"       # two series, presets
CHEST = f"cases/{CASES['multiple-pulmonary-metastases-chest-radiograph'].case_id}/"
QUIZ = f"cases/{CASES['non-ossifying-fibroma-distal-tibia'].case_id}/"
CENTRE_PIXEL = """() => {
  const s = document.querySelector('.sg-stack:not([hidden])');
  const canvas = s.querySelector('.sg-stack__canvas');
  const source = canvas && !canvas.hidden ? canvas : s.querySelector('img');
  const c = document.createElement('canvas');
  c.width = source.width || source.naturalWidth; c.height = source.height || source.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(source, 0, 0, c.width, c.height);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let sum = 0; for (let i = 0; i < d.length; i += 4) sum += d[i];
  return sum / (d.length / 4);
}"""


def visible_stack(page):
    return page.locator(".sg-stack:not([hidden])").first


def viewport_of(page):
    return visible_stack(page).locator(".sg-stack__viewport")


@pytest.fixture
def desktop(browser, site_url):
    with recorded_page(browser, height=800) as page:
        yield page


@pytest.mark.parametrize("path", [CHEST, QUIZ, CT, ECHO])
def test_the_image_is_visible_without_scrolling_at_1280x800(desktop, site_url, path):
    desktop.goto(site_url + path)
    box = viewport_of(desktop).bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800, box
    assert box["height"] >= 300 and box["width"] >= 500
    findings = desktop.locator(".sg-findings:not([hidden])").first.bounding_box()
    assert findings["x"] > box["x"] + box["width"] - 1 and findings["y"] < 800  # beside the image
    save_artifact(desktop, f"case-{path.strip('/').replace('/', '-')}-1280.png")


def test_phone_layout_puts_the_image_first_and_findings_below(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + CHEST)
    box = viewport_of(page).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] < 844
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    findings = page.locator(".sg-findings:not([hidden])").first.bounding_box()
    assert findings["y"] > box["y"] + box["height"]
    save_artifact(page, "case-phone.png")
    context.close()


def test_cine_plays_at_the_header_frame_rate_by_itself(desktop, site_url):
    desktop.goto(site_url + ECHO)
    stack = visible_stack(desktop)
    assert float(stack.get_attribute("data-frame-ms")) == pytest.approx(66.666, abs=0.01)
    first = stack.get_attribute("data-current")
    stack.locator(".sg-stack__play").click()
    desktop.wait_for_timeout(700)  # about 10 frames at 66.7 ms
    moved = int(stack.get_attribute("data-current"))
    assert moved != int(first) and stack.get_attribute("data-playing") == "true"
    viewport_of(desktop).focus()
    desktop.keyboard.press("Space")  # pause
    paused = stack.get_attribute("data-current")
    desktop.wait_for_timeout(300)
    assert stack.get_attribute("data-current") == paused and stack.get_attribute("data-playing") == "false"


def test_right_drag_changes_the_window_from_16_bit_values_and_reset_restores(desktop, site_url):
    desktop.goto(site_url + CT)
    stack = visible_stack(desktop)
    desktop.wait_for_function("() => document.querySelector('.sg-stack:not([hidden]) img').complete")
    before = desktop.evaluate(CENTRE_PIXEL)
    box = viewport_of(desktop).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    desktop.mouse.move(x, y)
    with desktop.expect_response(lambda r: r.url.endswith("v0001.png")) as values:
        desktop.mouse.down(button="right")
        desktop.mouse.move(x - 150, y + 120, steps=6)
        desktop.mouse.up(button="right")
    assert values.value.status == 200
    desktop.wait_for_function("() => document.querySelector('.sg-stack:not([hidden])').dataset.windowed === 'true'")
    after = desktop.evaluate(CENTRE_PIXEL)
    assert abs(after - before) > 10, (before, after)
    readout = stack.locator(".sg-stack__readout").inner_text()
    assert readout.startswith("W ") and " L " in readout
    stack.locator(".sg-stack__reset").click()
    assert stack.locator(".sg-stack__canvas").is_hidden()


def test_ctrl_drag_windows_images_without_16_bit_values_too(desktop, site_url):
    desktop.goto(site_url + ECHO)  # colour ultrasound: brightness and contrast of its pixels
    desktop.wait_for_function("() => document.querySelector('.sg-stack:not([hidden]) img').complete")
    before = desktop.evaluate(CENTRE_PIXEL)
    box = viewport_of(desktop).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    desktop.mouse.move(x, y)
    desktop.keyboard.down("Control")
    desktop.mouse.down()
    desktop.mouse.move(x - 200, y - 100, steps=5)
    desktop.mouse.up()
    desktop.keyboard.up("Control")
    desktop.wait_for_function("() => document.querySelector('.sg-stack:not([hidden])').dataset.windowed === 'true'")
    assert abs(desktop.evaluate(CENTRE_PIXEL) - before) > 5


def test_zoom_pan_and_double_click_to_fit(desktop, site_url):
    desktop.goto(site_url + CHEST)
    stack = visible_stack(desktop)
    viewport = viewport_of(desktop)
    box = viewport.bounding_box()
    desktop.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    desktop.keyboard.down("Control")
    desktop.mouse.wheel(0, -400)
    desktop.keyboard.up("Control")
    desktop.wait_for_function("() => parseFloat(document.querySelector('.sg-stack:not([hidden])').dataset.zoom) > 1")
    layer = stack.locator(".sg-stack__layer")
    assert "scale(" in layer.get_attribute("style")
    assert layer.evaluate("l => l.getBoundingClientRect().width") > box["width"] * 1.2
    before = layer.evaluate("l => l.getBoundingClientRect().left")
    desktop.mouse.down()
    desktop.mouse.move(box["x"] + box["width"] / 2 + 80, box["y"] + box["height"] / 3, steps=4)
    desktop.mouse.up()
    assert layer.evaluate("l => l.getBoundingClientRect().left") > before + 40  # dragging pans when zoomed
    viewport.dblclick()
    assert float(stack.get_attribute("data-zoom")) == 1


def test_scroll_keys_slider_and_key_images(desktop, site_url):
    desktop.goto(site_url + ECHO)
    stack = visible_stack(desktop)
    counter = stack.locator(".sg-stack__counter")
    assert counter.inner_text() == "1 / 15"
    viewport_of(desktop).hover()
    desktop.mouse.wheel(0, 120)
    assert counter.inner_text() == "2 / 15"
    viewport_of(desktop).focus()
    desktop.keyboard.press("End")
    assert counter.inner_text() == "15 / 15"
    assert stack.locator("img").first.get_attribute("src").endswith("0015.webp")
    desktop.keyboard.press("Home")
    desktop.keyboard.press("PageDown")
    assert counter.inner_text() == "3 / 15"
    stack.locator(".sg-stack__slider").fill("10")
    assert counter.inner_text() == "10 / 15"
    stack.locator("button[data-key='6']").click()
    assert counter.inner_text() == "6 / 15"


def test_series_strip_presets_and_the_help_overlay(desktop, site_url):
    desktop.goto(site_url + CT)
    strip = desktop.locator(".sg-series__item")
    assert strip.count() == 2
    assert "day 0" in strip.nth(0).inner_text() and "Axial" in strip.nth(0).inner_text()
    first_id = visible_stack(desktop).get_attribute("id")
    strip.nth(1).click()
    # the click's handler shows the other series; wait for it rather than race it
    desktop.wait_for_function("id => document.querySelector('.sg-stack:not([hidden])').id !== id", arg=first_id,
                              timeout=5000)
    assert strip.nth(1).get_attribute("aria-current") == "true"
    assert desktop.evaluate("location.hash") == "#" + visible_stack(desktop).get_attribute("id")
    stack = visible_stack(desktop)
    stack.locator("button[data-window='bone']").click()
    assert stack.locator("img").first.get_attribute("src").endswith("0001.webp")
    assert stack.get_attribute("data-window") == "bone"
    viewport_of(desktop).focus()
    desktop.keyboard.press("?")
    dialog = desktop.locator("dialog.sg-help")
    assert dialog.is_visible() and "Space" in dialog.inner_text() and "window" in dialog.inner_text()
    desktop.keyboard.press("Escape")
    assert not dialog.is_visible()


def test_back_to_top_never_covers_the_image(desktop, site_url):
    desktop.goto(site_url + CHEST)
    desktop.mouse.wheel(0, 1500)
    desktop.wait_for_timeout(300)
    desktop.mouse.wheel(0, -1300)  # Material shows "back to top" when scrolling up
    desktop.wait_for_timeout(500)
    viewport = viewport_of(desktop).bounding_box()
    top = desktop.locator(".md-top")
    if top.count() and top.is_visible():
        button = top.bounding_box()
        overlap_x = button["x"] < viewport["x"] + viewport["width"] and viewport["x"] < button["x"] + button["width"]
        overlap_y = button["y"] < viewport["y"] + viewport["height"] and viewport["y"] < button["y"] + button["height"]
        assert not (overlap_x and overlap_y)


def test_full_screen_keeps_the_caption_readable(desktop, site_url):
    desktop.goto(site_url + CHEST)
    desktop.locator(".sg-viewer__fullscreen").click()
    desktop.wait_for_function("() => document.fullscreenElement !== null")
    colour = desktop.evaluate("() => getComputedStyle(document.querySelector('.sg-stack:not([hidden]) figcaption')).color")
    background = desktop.evaluate("() => getComputedStyle(document.fullscreenElement).backgroundColor")
    assert background == "rgb(0, 0, 0)"
    red, green, blue = [int(v) for v in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]
    assert min(red, green, blue) > 180, colour  # light text on black


def test_plane_abbreviations_keep_their_case(desktop, site_url):
    desktop.goto(site_url + CHEST)
    label = visible_stack(desktop).locator(".sg-stack__label").inner_text()
    assert "PA" in label and "Pa." not in label


def test_every_image_has_alternative_text_and_works_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + CT)
    images = page.locator(".sg-stack img")
    assert images.count() == 2
    for index in range(images.count()):
        img = images.nth(index)
        img.scroll_into_view_if_needed()
        assert img.get_attribute("alt")
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
    context.close()


def test_instant_navigation_reinitialises_the_viewer(page, site_url):
    page.goto(site_url + "browse/diagnoses/")
    page.evaluate("() => { window.__samePage = true; }")  # survives only an instant (XHR) navigation
    page.locator(f"a[href$='{ECHO}']").first.click()
    page.wait_for_url("**/" + ECHO)
    counter = visible_stack(page).locator(".sg-stack__counter")
    counter.wait_for()
    assert page.evaluate("() => window.__samePage === true")
    assert counter.inner_text() == "1 / 15"


def test_no_request_leaves_the_site(page, site_url):
    for path in ("", CHEST, "browse/systems/", "contributors/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    origin = urlsplit(site_url).netloc
    outside = {urlsplit(url).netloc for url in page.requests if urlsplit(url).scheme in ("http", "https")} - {origin}
    assert outside == set()
    assert len(page.requests) > 10
