"""Thin MkDocs adapter: the pages come from site_gen.site.build, independent of MkDocs.

Per build: the library is generated before MkDocs empties the site folder (`on_pre_build`),
so the media placed last time can be kept aside and moved back (site_gen.site.output); the
pages go to MkDocs as generated files (`on_files`), their HTML regions set aside from Markdown
(`on_page_markdown`, `on_page_content`: site_gen.site.html_blocks); after MkDocs, the site is scanned for
leaks (each file content once) and the converted images are placed (`on_post_build`).

Under `mkdocs serve` the plugin instance lives across rebuilds (it defines `on_startup`), and
a rebuild after an edit lets MkDocs render only the pages whose Markdown changed: the others
are marked excluded for that rebuild and their previous output (and search entries) are
kept.  That holds only while nothing else that shapes every page changed (mkdocs.yml, the
hand-written docs, theme overrides, the set of pages); otherwise MkDocs renders everything.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import time
from importlib import metadata, resources
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from ..cache import cache_dir as trusted_cache
from ..jsonstore import digest, files_fingerprint
from ..model.problems import ProblemsFound
from ..phi.allow import strip_pragmas
from ..people.settings import Settings
from . import html_blocks, watching
from .build import BuildTimings, Incremental, generate_site
from .config import CaseLibraryConfig
from .incremental import MemoryBytecodeCache, PageMemo
from .output import Placement, Stash, place_media, scan_changed_files, top_names

log = logging.getLogger("mkdocs.plugins.case-library")
ASSET_DIR = "assets/case-library"
ASSETS = ("stack.js", "finder.js", "site.js", "case-library.css", "contact.js", "contact.css", "theme.js",
          "palette.js")
# The site runs only its own script files: no inline script, no eval, nothing from elsewhere
# (Material's inline scripts are replaced by theme.js and palette.js; templates/theme/).
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
                           "media-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'")
THEME_TEMPLATES = {"main.html": "main.html", "partials/javascripts/base.html": "javascripts-base.html",
                   "partials/javascripts/palette.html": "javascripts-palette.html",
                   "partials/javascripts/content.html": "javascripts-content.html"}
SEARCH_INDEX = "search/search_index.json"
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


class CaseLibraryPlugin(BasePlugin[CaseLibraryConfig]):
    def __init__(self):
        super().__init__()
        self.serving = False
        self.state: Incremental | None = None
        self.site = None
        self.media: dict[str, Path] = {}
        self.previous: dict | None = None   # the last served build: pages, outputs, search entries
        self.reused: dict[str, str] = {}    # src_uri -> dest_uri of pages kept from the last build
        self.bytecode = MemoryBytecodeCache()
        self.placement: Placement | None = None
        self.page_urls: list[str] = []
        self.cache_dir: Path | None = None
        self.blocks: dict[str, dict[str, str]] = {}  # src_uri -> HTML regions set aside from Markdown
        self.block_nonce = ""

    def _root(self, config) -> Path:
        base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        return (base / self.config.root).resolve() if self.config.root else base.resolve()

    def _cache_dir(self, config) -> Path:
        """The cache folder, never inside the checkout (site_gen.cache); chosen once per build."""
        if self.cache_dir is None:
            self.cache_dir = trusted_cache(self._root(config), self.config.cache_dir or None).resolve()
        return self.cache_dir

    def on_startup(self, *, command, dirty):
        """Defining this hook keeps the instance (and its memory of the last build) across rebuilds."""
        self.serving = command == "serve"

    def on_config(self, config):
        config.extra_css.append(f"{ASSET_DIR}/case-library.css")
        # site.js first: it defines the page hook the other two use.
        for script in ("site.js", "stack.js", "finder.js"):
            config.extra_javascript.append(f"{ASSET_DIR}/{script}")
        self._people_settings()
        return config

    # -- people and privacy (site_gen.people) ----------------------------------------------
    def _people_settings(self) -> None:
        for name in ("privacy_contact", "contact_url", "report_url", "repository_url"):
            value = self.config[name]
            if value and not value.startswith(("https://", "http://")):
                raise PluginError(f"case-library: '{name}' must be a web address (https://...): the site "
                                  "never shows e-mail addresses; use a contact form or a private report page")
        if self.config.suspend_after_phi_strikes < 1:
            raise PluginError("case-library: 'suspend_after_phi_strikes' must be 1 or more")
        self.people = Settings(suspend_after_phi_strikes=self.config.suspend_after_phi_strikes,
                               privacy_contact=self.config.privacy_contact, contact_url=self.config.contact_url,
                               report_url=self.config.report_url, repository_url=self.config.repository_url)

    def on_nav(self, nav, *, config, files):
        """Pages kept from the last build are not read by MkDocs; the nav still shows their
        front matter (Material: icon, status, subtitle), so it is read here."""
        from mkdocs.utils import meta
        self.page_urls = [_page_url(file.url) for file in files.documentation_pages(inclusion=InclusionLevel.all)]
        for src_uri in self.reused:
            file = files.get_file_from_path(src_uri)
            if file is not None and file.page is not None and not file.page.meta:
                try:
                    file.page.meta = meta.get_data(file.content_string)[1]
                except (OSError, ValueError):
                    pass
        return nav

    def on_env(self, env, *, config, files):
        """Footer: Material's copyright partial plus the privacy policy and privacy contact links.
        Under `mkdocs serve` the theme's compiled templates are kept in memory across rebuilds."""
        import jinja2
        if self.serving:
            env.bytecode_cache = self.bytecode
        privacy = files.get_file_from_path("privacy.md")
        env.globals["case_library_privacy_url"] = privacy.url if privacy else ""
        env.globals["case_library_privacy_contact"] = self.config.privacy_contact
        templates = resources.files("site_gen.site").joinpath("templates")
        partial = templates.joinpath("footer-copyright.html").read_text("utf-8")
        overrides = {"partials/copyright.html": partial}
        # Content-Security-Policy (templates/theme/main.html) and Material's inline scripts as files.
        env.globals["case_library_csp"] = CONTENT_SECURITY_POLICY
        for name, source in THEME_TEMPLATES.items():
            overrides[name] = templates.joinpath("theme", source).read_text("utf-8")
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader(overrides), env.loader])
        return env

    # -- generation --------------------------------------------------------------------------
    def on_pre_build(self, *, config):
        """Generate the library, then keep last build's media (and, when serving, pages) aside
        before MkDocs empties the site folder."""
        started = time.perf_counter()
        self.blocks = {}
        self.block_nonce = secrets.token_hex(8)  # placeholders no page text can know in advance
        self.cache_dir = None  # the configuration may have changed (mkdocs serve reads it again)
        cache_dir = self._cache_dir(config)
        if self.state is None or not self.serving:
            self.state = Incremental(PageMemo(cache_dir), track=self.serving)
        timings = BuildTimings()
        try:
            self.site = generate_site(self._root(config), cache_dir, use_directory_urls=config.use_directory_urls,
                                      site_name=config.site_name, site_url=config.site_url or "",
                                      quiz_all=self.config.quiz_all, people=self.people, state=self.state,
                                      save_pages=not self.serving, timings=timings)
        except ProblemsFound as problems:
            raise PluginError("The case library has problems; fix them and build again:\n"
                              + problems.report()) from None
        self.media = self.site.media
        site_dir = Path(config.site_dir)
        stash = Stash(site_dir)
        keep = top_names(self._placement(cache_dir, site_dir).load())
        self.shape = self._shape(config) if self.serving else None
        if self.previous is not None and self.previous["shape"] == self.shape and site_dir.is_dir():
            # every top-level entry: MkDocs then has nothing to clean, and unchanged pages come back
            keep |= {name for name in os.listdir(site_dir) if not name.startswith(".")}
        stash.keep(keep)
        from ..progress import duration
        log.debug("case-library: generated in %.2f s %s", time.perf_counter() - started, timings.steps)
        log.info("case-library: %d pages (%d rendered), %d series converted, %d from cache, in %s",
                 len(self.site.pages), timings.steps.get("pages_rendered", 0), self.site.converted,
                 self.site.reused, duration(time.perf_counter() - started))

    def _placement(self, cache_dir: Path, site_dir: Path) -> Placement:
        """One placement record per site folder, remembered in memory across serve rebuilds."""
        fresh = Placement(cache_dir, site_dir)
        if self.placement is None or self.placement.path != fresh.path:
            self.placement = fresh
        return self.placement

    def _shape(self, config) -> str:
        """What shapes every page besides its own Markdown: configuration, hand-written pages,
        theme overrides, the set of pages.  Pages are kept across serve rebuilds only while it
        stays the same."""
        config_file = Path(config.config_file_path) if config.config_file_path else None
        folders = [Path(config.docs_dir)]
        if config.theme.custom_dir:
            folders.append(Path(config.theme.custom_dir))
        return digest(config_file.read_bytes() if config_file and config_file.is_file() else b"",
                      files_fingerprint(folders, suffixes=("",)), sorted(self.site.pages),
                      sorted(self.site.files), config.site_url or "")

    def on_files(self, files: Files, *, config) -> Files:
        site = self.site
        stash = Stash(Path(config.site_dir))
        titled = _nav_titles(config.nav)
        previous = self.previous if self.previous is not None and self.previous["shape"] == self.shape else None
        self.reused = {}
        if previous is not None and titled is not None:
            # hand-written pages: unchanged, since the shape (which covers docs_dir) is the same
            for file in files.documentation_pages():
                if titled.get(file.src_uri, True) and stash.has(file.dest_uri):
                    file.inclusion = InclusionLevel.EXCLUDED
                    self.reused[file.src_uri] = file.dest_uri
        for src_uri, content in site.pages.items():
            file = File.generated(config, src_uri, content=content)
            self.reused.pop(src_uri, None)  # a generated page replaces a hand-written one of that name
            # A page named in the nav without a title there would lose its title when not rendered.
            if (previous is not None and titled is not None and titled.get(src_uri, True)
                    and previous["pages"].get(src_uri) == content and stash.has(file.dest_uri)):
                file.inclusion = InclusionLevel.EXCLUDED  # its previous output is moved back after the build
                self.reused[src_uri] = file.dest_uri
            self._add(files, file)
        for dest_uri, content in site.files.items():
            self._add(files, File.generated(config, dest_uri, content=content))
        # Converted images are placed in on_post_build, from the cache: copying tens of
        # thousands of them through MkDocs dominated rebuilds.
        assets = resources.files("site_gen.site").joinpath("assets")
        for name in ASSETS:
            self._add(files, File.generated(config, f"{ASSET_DIR}/{name}",
                                            content=assets.joinpath(name).read_bytes()))
        return files

    def on_page_markdown(self, markdown: str, *, page, **kwargs) -> str:
        """Allow comments (`<!-- phi: allow NAME: reason -->`) never reach the published pages.
        The HTML regions of generated pages are set aside from Markdown (site_gen.site.html_blocks)."""
        markdown = strip_pragmas(markdown)
        if self.site is not None and page.file.src_uri in self.site.pages:
            markdown, blocks = html_blocks.set_aside(markdown, self.block_nonce)
            if blocks:
                self.blocks[page.file.src_uri] = blocks
        return markdown

    def on_page_content(self, html: str, *, page, **kwargs) -> str:
        """The regions set aside go back in, before the search index and the theme see the page."""
        blocks = self.blocks.pop(page.file.src_uri, None)
        if not blocks:
            return html
        try:
            return html_blocks.put_back(html, blocks)
        except html_blocks.BlockLost:
            raise PluginError(f"case-library: part of the page {page.file.src_uri} did not come through "
                              "Markdown; the page is not published. Please report this as a bug.") from None

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(file)

    # -- after MkDocs --------------------------------------------------------------------------
    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config):
        """Refuse a site holding an e-mail address or encrypted blob, then bring back the
        unchanged pages (serve) and place the converted images."""
        timings = BuildTimings()
        started = time.perf_counter()
        site_dir = Path(config.site_dir)
        cache_dir = self._cache_dir(config)
        stash = Stash(site_dir)
        # The converted images were rendered from pixels alone by site_gen.media: no text inside,
        # so they are placed after the scan; kept pages were scanned when they were made.
        found, scanned = scan_changed_files(site_dir, [Path(d) for d in config.theme.dirs],
                                            cache_dir, _leak_scan_version(config))
        started = timings.mark("leak_scan", started)
        if found:
            shown = "\n".join(f"  {leak}" for leak in found[:50]) + ("\n  ..." if len(found) > 50 else "")
            self.previous = None
            raise PluginError("The built site must not contain e-mail addresses or encrypted data, but it does "
                              f"(the addresses are not printed here):\n{shown}\nRemove them from the case, "
                              f"profile or page that makes these files. The site in {config.site_dir} is "
                              "incomplete: do not publish it.")
        made: set[str] = set()
        for dest_uri in self.reused.values():
            if not stash.restore(dest_uri, made):
                raise PluginError(f"case-library: the page {dest_uri} from the last build is gone; "
                                  "restart mkdocs serve")
        index, search = _read_search_index(site_dir) if self.serving else (None, None)
        if self.reused and search is not None:
            search = self._merge_search_index(site_dir, index, search)
        if self.reused:
            # MkDocs listed only the pages it rendered; the set of pages is the same as last time.
            for name in SITEMAPS:
                if stash.has(name):
                    os.replace(stash.folder / name, site_dir / name)
        started = timings.mark("kept_pages", started)
        placed = place_media(self.media, site_dir, stash, self._placement(cache_dir, site_dir))
        started = timings.mark("media", started)
        stash.clear()
        if self.serving:
            self.previous = {"shape": self.shape, "pages": self.site.pages, "search": search}
        timings.mark("stash_and_state", started)
        log.debug("case-library: after MkDocs %s; leak scan %s, media %s, %d pages kept",
                  timings.steps, scanned, placed, len(self.reused))

    def _merge_search_index(self, site_dir: Path, index: dict, fresh: dict[str, list[dict]]
                            ) -> dict[str, list[dict]] | None:
        """Search entries of the kept pages come from the last build (MkDocs did not render them)."""
        previous = (self.previous or {}).get("search")
        if previous is None:
            return None
        path = site_dir / SEARCH_INDEX
        kept = {_url_of(dest) for dest in self.reused.values()}
        # In the order MkDocs renders pages, as a full build would list them.
        merged = {url: previous.get(url, []) if url in kept else fresh.get(url, []) for url in self.page_urls}
        for url, entries in fresh.items():
            merged.setdefault(url, entries)
        index["docs"] = [entry for entries in merged.values() for entry in entries]
        path.write_text(json.dumps(index, separators=(",", ":"), default=str), encoding="utf-8")  # as Material does
        return merged

    def on_shutdown(self):
        if self.state is not None:
            self.state.memo.save()  # under mkdocs serve, pages are written once, at the end

    def on_build_error(self, *, error):
        self.previous = None  # the next serve rebuild renders everything again

    def on_serve(self, server, *, config, builder):
        root = self._root(config)
        folders = [str(root / name) for name in ("cases", "users", "collections") if (root / name).is_dir()]
        if self.config.file_events and watching.watch_with_native_events(server, folders):
            log.debug("case-library: watching for changes with the system's file events")
        for folder in folders:
            server.watch(folder)
        return server


def _page_url(file_url: str) -> str:
    """A page's address as its search entries give it: the home page's is ''."""
    return "" if file_url in (".", "./") else file_url


def _url_of(dest_uri: str) -> str:
    """'cases/x/index.html' -> 'cases/x/' (the location prefix of its search entries)."""
    return dest_uri[: -len("index.html")] if dest_uri.endswith("index.html") else dest_uri


def _read_search_index(site_dir: Path) -> tuple[dict | None, dict[str, list[dict]] | None]:
    """The search index MkDocs wrote, and its entries by page address."""
    path = site_dir / SEARCH_INDEX
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, None
    by_url: dict[str, list[dict]] = {}
    for entry in index.get("docs", []):
        by_url.setdefault(entry.get("location", "").split("#")[0], []).append(entry)
    return index, by_url


def _nav_titles(nav) -> dict[str, bool] | None:
    """Every page named in mkdocs.yml's nav, and whether the nav gives its title (None: no
    nav, so MkDocs puts every page in it under the title read from the page)."""
    if nav is None:
        return None
    found: dict[str, bool] = {}

    def walk(item, titled: bool) -> None:
        if isinstance(item, str):
            found[item] = found.get(item, True) and titled
        elif isinstance(item, dict):
            for key, value in item.items():
                walk(value, isinstance(key, str) and isinstance(value, str))
        elif isinstance(item, list):
            for value in item:
                walk(value, False)
    walk(nav, False)
    return found


def _leak_scan_version(config) -> str:
    """The leak check's code and the theme's version: a clean result is kept only while both last."""
    from ..people import leaks
    versions = []
    for name in ("mkdocs", "mkdocs-material"):
        try:
            versions.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            pass
    people = Path(leaks.__file__).parent
    custom = [Path(config.theme.custom_dir)] if config.theme.custom_dir else []
    return digest(files_fingerprint([people]), files_fingerprint(custom, suffixes=("",)), versions,
                  [str(d) for d in config.theme.dirs])
