"""Takedowns: remove a case and its generated output, log it, strike and suspend its authors.

The moderation log (moderation/log.yml) records the case name, reason, date, the editor and
the usernames struck, never the reported content.  The case folder is removed from the
working tree only; it stays in Git history until an editor purges it (docs/editors.md).
"""
from __future__ import annotations

import datetime
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..media.discover import series_files
from ..model.library import CASE_FILE, load_library
from ..model.yamlsource import load_yaml
from . import codeowners, gitutil
from .registry import profile_path, set_field
from .settings import load_settings

REASONS = ("phi", "copyright", "other")
REASON_WORDS = {"phi": "patient information", "copyright": "copyright", "other": "other reasons"}
LOG = Path("moderation") / "log.yml"
LOG_HEADER = """\
# Moderation log, appended by `site-gen takedown`. Each entry: case folder name, reason
# (phi | copyright | other), date, editor, the contributors struck. Never the reported content.
"""


class ModerationProblem(Exception):
    pass


@dataclass
class TakedownResult:
    slug: str
    reason: str
    date: str
    editor: str
    struck: list[str] = field(default_factory=list)
    suspended: list[str] = field(default_factory=list)
    unknown_authors: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)       # paths removed, relative to root
    changed: list[str] = field(default_factory=list)       # files to commit


def _case_authors(root: Path, folder: Path) -> list[str]:
    doc = load_yaml(folder / CASE_FILE, f"cases/{folder.name}/{CASE_FILE}")
    authors = doc.data.get("authors") if isinstance(doc.data, dict) else None
    return [a for a in authors if isinstance(a, str)] if isinstance(authors, list) else []


def _generated_output(root: Path, folder: Path, site_dir: Path, cache_dir: Path) -> list[Path]:
    """Converted images of the case in the cache and its pages/images in a built site."""
    from ..media.convert import series_key
    from ..site.build import window_presets
    found = [site_dir / "cases" / folder.name, site_dir / "cases" / f"{folder.name}.html"]
    doc = load_yaml(folder / CASE_FILE, CASE_FILE)
    studies = doc.data.get("studies", []) if isinstance(doc.data, dict) else []
    for study in studies if isinstance(studies, list) else []:
        for series in (study.get("series") or []) if isinstance(study, dict) else []:
            if not isinstance(series, dict) or not isinstance(series.get("path"), str):
                continue
            files = series_files(folder / series["path"])
            if files is None:
                continue
            window = series.get("window")
            presets = window_presets().get(study.get("modality"), []) if files.kind == "dicom" else []
            try:
                window = (float(window["center"]), float(window["width"])) if isinstance(window, dict) else None
                # Every rendition the build makes: the series' own window and each preset.
                keys = [series_key(files, w) for w in [window] + [preset for _, preset in presets]]
            except (KeyError, TypeError, ValueError, OSError):
                continue
            for key in keys:
                found += [cache_dir / "media" / key[:2] / key, site_dir / "media" / key[:20]]
    return [path for path in found if path.exists()]


def append_log(root: Path, entry: dict) -> Path:
    path = root / LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(LOG_HEADER + "takedowns:\n", encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    item = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, default_flow_style=None, width=1000)
    path.write_text(text + "".join(f"  {line}\n" for line in item.splitlines()), encoding="utf-8")
    return path


def read_log(root: Path) -> list[dict]:
    path = root / LOG
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("takedowns") or [])


def takedown(root: Path, slug: str, reason: str, editor: str, *, today: datetime.date | None = None,
             site_dir: Path | None = None, cache_dir: Path | None = None, force: bool = False,
             phi_strikes: int | None = None) -> TakedownResult:
    root = root.resolve()
    if reason not in REASONS:
        raise ModerationProblem(f"the reason must be one of {', '.join(REASONS)}")
    folder = root / "cases" / slug
    if not slug or "/" in slug or slug.startswith(".") or not (folder / CASE_FILE).is_file():
        raise ModerationProblem(f"there is no case 'cases/{slug}' (give the case folder name)")
    library = load_library(root, only=[])
    user = library.users.get(editor)
    if user is None or not user.is_editor:
        raise ModerationProblem(f"'{editor}' is not an editor (role: editor in users/{editor}.yml); "
                                "give your own username with --editor")
    if gitutil.is_repository(root):
        dirty = gitutil.uncommitted(root, f"cases/{slug}")
        if dirty and not force:
            raise ModerationProblem(
                f"cases/{slug} has changes that were never committed ({', '.join(dirty[:3])}"
                f"{', ...' if len(dirty) > 3 else ''}); they would be lost for good. Commit or copy them "
                "first, or add --force to remove them anyway")
    limit = phi_strikes or load_settings(root).suspend_after_phi_strikes
    date = (today or datetime.date.today()).isoformat()
    result = TakedownResult(slug=slug, reason=reason, date=date, editor=editor)

    authors = _case_authors(root, folder)
    outputs = _generated_output(root, folder, site_dir or root / "site", cache_dir or root / ".cache" / "site-gen")
    shutil.rmtree(folder)
    result.removed.append(f"cases/{slug}/")
    for path in outputs:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        result.removed.append(str(path))

    for author in dict.fromkeys(authors):
        profile = library.users.get(author)
        path = profile_path(root, author)
        if profile is None or not path.is_file():
            result.unknown_authors.append(author)
            continue
        strikes = [{"case": s.case, "reason": s.reason, "date": s.date} for s in profile.strikes]
        strikes.append({"case": slug, "reason": reason, "date": date})
        text = set_field(path.read_text(encoding="utf-8"), "strikes", strikes)
        phi = sum(1 for s in strikes if s["reason"] == "phi")
        if phi >= limit and not profile.is_suspended:
            text = set_field(text, "status", "suspended")
            result.suspended.append(author)
        path.write_text(text, encoding="utf-8")
        result.struck.append(author)
        result.changed.append(f"users/{author}.yml")

    append_log(root, {"case": slug, "reason": reason, "date": date, "editor": editor,
                      "struck": result.struck})
    result.changed.append(LOG.as_posix())
    if (root / codeowners.CODEOWNERS).is_file():
        try:
            codeowners.write(root, codeowners.generate(load_library(root, only=[])))
            result.changed.append(codeowners.CODEOWNERS.as_posix())
        except codeowners.NoEditors:
            pass
    return result
