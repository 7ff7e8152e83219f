"""Quiet builds: switch off Material for MkDocs' end-of-life notice before Material is loaded.

Material prints the notice when its theme module is imported, which MkDocs does while it
checks `theme:`, before any plugin is loaded; its own switch is the environment variable
NO_MKDOCS_2_WARNING.  mkdocs.yml names MATERIAL_NOTICE below with a `!!python/name:` tag,
and MkDocs resolves such tags while it reads the file, so this module runs first and sets
the switch for that build (an explicit value in the environment is left as it is).
"""
from __future__ import annotations

import os

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

MATERIAL_NOTICE = "off"
