"""Regions of generated pages that are HTML already skip Python-Markdown.

A listing of a thousand cases is a thousand lines of HTML made by our templates; passed through
Markdown, every tag of it is parsed again (the raw-HTML preprocessor) only to come out as it went
in, and that was most of the time MkDocs spent on the pages an edit changes.  Templates mark such
a region with a line holding `BLOCK_START` and a line holding `BLOCK_END`; before Markdown the
plugin sets each region aside behind a placeholder that no page text can produce (a nonce drawn
per build), and puts it back into the HTML Markdown made (`on_page_content`), before the search
plugin, the theme and the leak scan see the page.  A page whose placeholders did not come through
is refused, never published without its region.

The markers are HTML comments, so a page rendered without the plugin (the plain project of
site_gen.bench.build) shows the same thing.
"""
from __future__ import annotations

import secrets

BLOCK_START = "<!-- case-library:html -->"
BLOCK_END = "<!-- /case-library:html -->"


class BlockLost(Exception):
    """A region's placeholder is missing from the HTML Markdown made."""


def set_aside(markdown: str, nonce: str | None = None) -> tuple[str, dict[str, str]]:
    """The Markdown with each marked region (markers on lines of their own) replaced by a
    placeholder block, and the regions by placeholder.  A start marker without its end is left
    as it is (Markdown renders the region, slower but whole)."""
    if BLOCK_START not in markdown:
        return markdown, {}
    nonce = nonce or secrets.token_hex(8)
    lines = markdown.split("\n")
    out: list[str] = []
    blocks: dict[str, str] = {}
    index = 0
    while index < len(lines):
        if lines[index].strip() == BLOCK_START:
            end = _find_end(lines, index + 1)
            if end is not None:
                placeholder = f'<div data-case-library-block="{nonce}-{len(blocks)}"></div>'
                blocks[placeholder] = "\n".join(_without_blank_edges(lines[index + 1:end]))
                # blank lines around it: a block of raw HTML of its own, left alone by Markdown
                out.extend(("", placeholder, ""))
                index = end + 1
                continue
        out.append(lines[index])
        index += 1
    return "\n".join(out), blocks


def _without_blank_edges(lines: list[str]) -> list[str]:
    """Markdown drops the blank lines around raw HTML; so does a region."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _find_end(lines: list[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped == BLOCK_END:
            return index
        if stripped == BLOCK_START:
            return None  # nested or unclosed: not ours to guess
    return None


def put_back(html: str, blocks: dict[str, str]) -> str:
    """The HTML with every region back in its placeholder's place."""
    for placeholder, region in blocks.items():
        if html.count(placeholder) != 1:
            raise BlockLost(placeholder)
        html = html.replace(placeholder, region, 1)
    return html
