"""Render contributors' text (Markdown) to HTML that cannot carry markup of its own.

Case text is written by many hands and shown to every reader: raw HTML is escaped, not
passed through, images cannot be embedded, e-mail autolinks are not made, and links keep
only http(s) targets.
"""
from __future__ import annotations

import threading
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from ..phi.allow import strip_pragmas

SAFE_SCHEMES = {"http", "https"}


class _LinkGuard(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            href = link.get("href", "")
            if urlsplit(href).scheme.lower() not in SAFE_SCHEMES:
                link.attrib.pop("href", None)
            else:
                link.set("rel", "nofollow noopener")


def _new_renderer() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    for name in ("html", "image_link", "image_reference", "short_image_ref", "automail"):
        if name in md.inlinePatterns:
            md.inlinePatterns.deregister(name)
    md.treeprocessors.register(_LinkGuard(md), "link_guard", 0)
    return md


_local = threading.local()


def render(text: str | None) -> Markup:
    """Markdown to sanitised HTML (block level)."""
    if not text:
        return Markup("")
    text = strip_pragmas(text)  # the model strips them already; a second line of defence
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _new_renderer()
    md.reset()
    return Markup(md.convert(text))


def render_inline(text: str | None) -> Markup:
    """Like render, without the surrounding paragraph (for list items and captions)."""
    html = str(render(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
