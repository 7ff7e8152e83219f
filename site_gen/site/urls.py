"""Page and asset URLs, computed the way MkDocs lays out its output.

Generated pages embed HTML blocks, which MkDocs does not rewrite, so links inside them are
made relative here, for both `use_directory_urls` settings.
"""
from __future__ import annotations

import posixpath


class Urls:
    def __init__(self, use_directory_urls: bool = True):
        self.use_directory_urls = use_directory_urls

    def page_url(self, src_uri: str) -> str:
        """'cases/x.md' -> 'cases/x/' (or 'cases/x.html'); 'a/index.md' -> 'a/'."""
        stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
        if not self.use_directory_urls:
            return f"{stem}.html"
        if posixpath.basename(stem) in ("index", "README"):
            parent = posixpath.dirname(stem)
            return f"{parent}/" if parent else ""
        return f"{stem}/"

    def relative(self, from_src: str, to_url: str) -> str:
        """Link from the page built from `from_src` to a site URL (page URL or asset path)."""
        page = self.page_url(from_src)
        base = page if page.endswith("/") or not page else posixpath.dirname(page) + "/"
        link = posixpath.relpath(to_url or ".", base or ".")
        if (to_url.endswith("/") or not to_url) and not link.endswith("/"):
            link += "/"
        return link

    def link(self, from_src: str, to_src: str) -> str:
        return self.relative(from_src, self.page_url(to_src))
