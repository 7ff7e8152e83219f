"""Thin MkDocs adapter: the pages come from site_gen.site.build, independent of MkDocs."""
from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from ..model.problems import ProblemsFound
from .build import generate_site
from .config import CaseLibraryConfig

log = logging.getLogger("mkdocs.plugins.case-library")
ASSET_DIR = "assets/case-library"
ASSETS = ("stack.js", "case-library.css")


class CaseLibraryPlugin(BasePlugin[CaseLibraryConfig]):
    def _root(self, config) -> Path:
        base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        return (base / self.config.root).resolve() if self.config.root else base.resolve()

    def on_config(self, config):
        config.extra_css.append(f"{ASSET_DIR}/case-library.css")
        config.extra_javascript.append(f"{ASSET_DIR}/stack.js")
        return config

    def on_files(self, files: Files, *, config) -> Files:
        root = self._root(config)
        cache_dir = Path(self.config.cache_dir)
        cache_dir = cache_dir if cache_dir.is_absolute() else root / cache_dir
        try:
            site = generate_site(root, cache_dir, use_directory_urls=config.use_directory_urls,
                                 site_name=config.site_name, site_url=config.site_url or "")
        except ProblemsFound as problems:
            raise PluginError("The case library has problems; fix them and build again:\n"
                              + problems.report()) from None
        for src_uri, content in site.pages.items():
            self._add(files, File.generated(config, src_uri, content=content))
        for dest_uri, path in site.media.items():
            self._add(files, File.generated(config, dest_uri, abs_src_path=str(path)))
        assets = resources.files("site_gen.site").joinpath("assets")
        for name in ASSETS:
            self._add(files, File.generated(config, f"{ASSET_DIR}/{name}",
                                            content=assets.joinpath(name).read_bytes()))
        log.info("case-library: %d pages, %d series converted, %d from cache",
                 len(site.pages), site.converted, site.reused)
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
