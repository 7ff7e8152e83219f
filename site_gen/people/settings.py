"""Library settings the command line needs, read from the case-library plugin in mkdocs.yml.

    plugins:
      - case-library:
          privacy_contact: https://...          # footer link; a web address, never an e-mail address
          contact_url: https://.../issues/new?title={title}&body={body}   # sealed messages; default from repository_url
          report_url: https://.../new?case={case}
          repository_url: https://github.com/ORG/REPO
          suspend_after_phi_strikes: 2
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_PHI_STRIKES = 2


@dataclass
class Settings:
    suspend_after_phi_strikes: int = DEFAULT_PHI_STRIKES
    privacy_contact: str = ""
    contact_url: str = ""
    report_url: str = ""
    repository_url: str = ""


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: !ENV [VAR, default] gives the default, other tags nothing."""


def _unknown_tag(loader, suffix, node):
    if suffix == "!ENV":
        if isinstance(node, yaml.SequenceNode):
            values = loader.construct_sequence(node)
            return values[-1] if len(values) > 1 else None
        return None
    return None


_TolerantLoader.add_multi_constructor("!", _unknown_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _unknown_tag)


def mkdocs_config(root: Path) -> dict:
    """mkdocs.yml as data ({} when missing or unreadable)."""
    path = root / "mkdocs.yml"
    if not path.is_file():
        return {}
    from ..model.yamlsource import compose_limited
    try:
        text = path.read_text(encoding="utf-8")
        compose_limited(text)  # refuses alias bombs and nesting that would crash the reader below
        config = yaml.load(text, Loader=_TolerantLoader) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError, RecursionError):
        return {}
    return config if isinstance(config, dict) else {}


def plugin_options(root: Path) -> dict:
    config = mkdocs_config(root)
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "case-library" in entry:
            return entry["case-library"] or {}
    return {}


def load_settings(root: Path) -> Settings:
    options = plugin_options(root)
    settings = Settings()
    for name in ("privacy_contact", "contact_url", "report_url", "repository_url"):
        if isinstance(options.get(name), str):
            setattr(settings, name, options[name])
    strikes = options.get("suspend_after_phi_strikes")
    if isinstance(strikes, int) and not isinstance(strikes, bool) and strikes >= 1:
        settings.suspend_after_phi_strikes = strikes
    return settings
