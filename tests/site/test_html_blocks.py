"""HTML regions of generated pages skip Markdown and come out exactly as Markdown would make them."""
from __future__ import annotations

import markdown
import pytest
from mkdocs.config import load_config

from site_gen.site import html_blocks
from site_gen.site.build import generate_site
from site_gen.site.html_blocks import BLOCK_END, BLOCK_START, BlockLost, put_back, set_aside
from tests.conftest import REPO_ROOT


def test_a_marked_region_is_replaced_by_one_placeholder_and_comes_back():
    page = f"# Title\n\nSome *text*.\n\n{BLOCK_START}\n<ul>\n<li>*not emphasis*</li>\n</ul>\n{BLOCK_END}\n\nAfter."
    text, blocks = set_aside(page, "n0nce")
    assert "<li>" not in text and "# Title" in text and "After." in text
    assert list(blocks) == ['<div data-case-library-block="n0nce-0"></div>']
    html = markdown.markdown(text)
    restored = put_back(html, blocks)
    assert "<li>*not emphasis*</li>" in restored and "<em>text</em>" in restored
    assert "data-case-library-block" not in restored


def test_blank_lines_at_the_edges_of_a_region_go_as_markdown_drops_them():
    page = f"Text.\n\n{BLOCK_START}\n\n  \n<ul>\n<li>a</li>\n</ul>\n\n<p>b</p>\n \n\n{BLOCK_END}\n"
    text, blocks = set_aside(page, "n")
    plain = "\n".join(line for line in page.split("\n") if line not in (BLOCK_START, BLOCK_END))
    assert put_back(markdown.markdown(text), blocks) == markdown.markdown(plain)


def test_placeholders_differ_between_builds_so_page_text_cannot_forge_one():
    page = f"{BLOCK_START}\n<p>x</p>\n{BLOCK_END}"
    first, second = set_aside(page)[1], set_aside(page)[1]
    assert list(first) != list(second)


@pytest.mark.parametrize("page", [
    f"{BLOCK_START}\n<p>a</p>",
    f"{BLOCK_START}\n<p>a</p>\n{BLOCK_START}\n<p>b</p>\n{BLOCK_END}",
    f"text {BLOCK_START} inline\n<p>a</p>\n{BLOCK_END}",
])
def test_unbalanced_or_inline_markers_leave_the_region_to_markdown(page):
    text, blocks = set_aside(page, "n")
    if blocks:  # only the well-formed inner region of the nested example
        assert list(blocks.values()) == ["<p>b</p>"]
    assert "<p>a</p>" in text


def test_a_placeholder_that_did_not_come_through_is_refused():
    text, blocks = set_aside(f"{BLOCK_START}\n<p>x</p>\n{BLOCK_END}", "n")
    with pytest.raises(BlockLost):
        put_back("<p>Markdown lost it</p>", blocks)
    with pytest.raises(BlockLost):  # twice is as wrong as never
        put_back(markdown.markdown(text) * 2, blocks)


def _site_markdown() -> markdown.Markdown:
    config = load_config(str(REPO_ROOT / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


def test_every_generated_page_renders_the_same_with_its_regions_set_aside(tmp_path):
    """The sample library's pages: Markdown over the whole page without the markers (as MkDocs
    without the plugin renders it) and Markdown over the page with its regions set aside give
    the same HTML, byte for byte."""
    site = generate_site(REPO_ROOT, tmp_path / "cache")
    md = _site_markdown()
    marked = 0
    for src, page in site.pages.items():
        body = page.split("\n---\n", 1)[-1] if page.startswith("---\n") else page
        text, blocks = set_aside(body)
        marked += bool(blocks)
        plain = "\n".join(line for line in body.split("\n") if line.strip() not in (BLOCK_START, BLOCK_END))
        whole = md.reset().convert(plain)
        assert put_back(md.reset().convert(text), blocks) == whole, src
    assert marked >= 5  # listings, the home page, newest, contributors, diagnoses


def test_the_built_listing_holds_every_case_and_no_placeholder(tmp_path):
    from tests.site.conftest import mkdocs_build
    out = tmp_path / "site"
    result = mkdocs_build(REPO_ROOT, out, tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    listing = (out / "browse" / "newest" / "index.html").read_text("utf-8")
    assert "data-case-library-block" not in listing and BLOCK_START not in listing
    cases = list((REPO_ROOT / "cases").iterdir())
    assert listing.count('class="sg-case-item"') == len([c for c in cases if (c / "case.yml").is_file()])
    assert html_blocks.BLOCK_END not in listing
