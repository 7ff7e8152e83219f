"""Thin MkDocs adapter: the pages come from site_gen.site.build, independent of MkDocs."""
from __future__ import annotations

import logging
import os
import shutil
import time
from importlib import resources
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from ..model.problems import ProblemsFound
from ..people import leaks
from ..people.settings import Settings
from .build import generate_site
from .config import CaseLibraryConfig

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


def place_media(media: dict[str, Path], site_dir: Path) -> None:
    """Hard-link each converted image into the site (copy across file systems)."""
    made: set[Path] = set()
    for dest_uri, source in media.items():
        target = site_dir / dest_uri
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if target.exists():
            target.unlink()
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


class CaseLibraryPlugin(BasePlugin[CaseLibraryConfig]):
    def _root(self, config) -> Path:
        base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        return (base / self.config.root).resolve() if self.config.root else base.resolve()

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

    def on_env(self, env, *, config, files):
        """Footer: Material's copyright partial plus the privacy policy and privacy contact links."""
        import jinja2
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

    def on_post_build(self, *, config):
        """Place the converted images, then refuse a site holding an e-mail address or encrypted blob."""
        site_dir = Path(config.site_dir)
        place_media(getattr(self, "media", {}), site_dir)
        # The converted images were rendered from pixels alone by site_gen.media: no text inside.
        found = leaks.scan_site(site_dir, theme_dirs=[Path(d) for d in config.theme.dirs],
                                skip=set(getattr(self, "media", {})))
        if found:
            shown = "\n".join(f"  {leak}" for leak in found[:50]) + ("\n  ..." if len(found) > 50 else "")
            raise PluginError("The built site must not contain e-mail addresses or encrypted data, but it does "
                              f"(the addresses are not printed here):\n{shown}\nRemove them from the case, "
                              f"profile or page that makes these files. The site in {config.site_dir} is "
                              "incomplete: do not publish it.")

    def on_files(self, files: Files, *, config) -> Files:
        started = time.perf_counter()
        root = self._root(config)
        cache_dir = Path(self.config.cache_dir)
        cache_dir = cache_dir if cache_dir.is_absolute() else root / cache_dir
        try:
            site = generate_site(root, cache_dir, use_directory_urls=config.use_directory_urls,
                                 site_name=config.site_name, site_url=config.site_url or "",
                                 quiz_all=self.config.quiz_all, people=self.people)
        except ProblemsFound as problems:
            raise PluginError("The case library has problems; fix them and build again:\n"
                              + problems.report()) from None
        for src_uri, content in site.pages.items():
            self._add(files, File.generated(config, src_uri, content=content))
        for dest_uri, content in site.files.items():
            self._add(files, File.generated(config, dest_uri, content=content))
        # Converted images are placed in on_post_build, hard-linked from the cache: copying
        # tens of thousands of them through MkDocs dominated rebuilds.
        self.media = site.media
        assets = resources.files("site_gen.site").joinpath("assets")
        for name in ASSETS:
            self._add(files, File.generated(config, f"{ASSET_DIR}/{name}",
                                            content=assets.joinpath(name).read_bytes()))
        from ..progress import duration
        log.info("case-library: %d pages, %d series converted, %d from cache, in %s",
                 len(site.pages), site.converted, site.reused, duration(time.perf_counter() - started))
        return files

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(file)

    def on_serve(self, server, *, config, builder):
        root = self._root(config)
        for folder in ("cases", "users"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server
