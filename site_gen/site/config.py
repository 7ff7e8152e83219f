"""Settings of the case-library MkDocs plugin (mkdocs.yml: plugins: - case-library: ...)."""
from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class CaseLibraryConfig(base.Config):
    # Repository root holding cases/ and users/; default: the folder of mkdocs.yml.
    root = c.Optional(c.Type(str))
    # Converted images are kept here between builds, keyed by content hash.
    cache_dir = c.Type(str, default=".cache/site-gen")
