"""Takedowns: remove a case, or one of its series, and its generated output; log it; strike and
suspend its authors.

Before anything is removed the patient-information guard runs again on the material taken
down (no cache), and the strike records whether it passes (`guard_passed`): a strike for
material the guard passes is kept on record but does not count towards suspension, since the
contributor did what the tools asked; the editor can also record no strike at all
(`--no-strike`).  The moderation log (moderation/log.yml) records the case name, the series,
reason, date, the editor, the guard's verdict and the usernames struck, never the reported
content.  Files are removed from the working tree only; they stay in Git history until an
editor purges them (docs/editors.md).
"""
from __future__ import annotations

import datetime
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..contribute.casefile import remove_series_entries
from ..media.discover import series_files
from ..model.case import Strike
from ..model.library import CASE_FILE, load_library
from ..model.yamlsource import load_yaml, safe_load_limited
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
    series: str | None = None                               # one series taken down, else the case
    guard_passed: bool | None = None                        # the guard's verdict on the material (phi)
    guard_findings: int = 0
    strike: bool = True
    struck: list[str] = field(default_factory=list)
    suspended: list[str] = field(default_factory=list)
    unknown_authors: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)       # paths removed, relative to root
    changed: list[str] = field(default_factory=list)       # files to commit


def _case_authors(root: Path, folder: Path) -> list[str]:
    doc = load_yaml(folder / CASE_FILE, f"cases/{folder.name}/{CASE_FILE}")
    authors = doc.data.get("authors") if isinstance(doc.data, dict) else None
    return [a for a in authors if isinstance(a, str)] if isinstance(authors, list) else []


def _series_entries(folder: Path) -> list[tuple[int, int, dict, dict]]:
    """(study index, series index, study, series) of every series written in case.yml."""
    doc = load_yaml(folder / CASE_FILE, CASE_FILE)
    studies = doc.data.get("studies", []) if isinstance(doc.data, dict) else []
    found = []
    for s_index, study in enumerate(studies if isinstance(studies, list) else []):
        for r_index, series in enumerate((study.get("series") or []) if isinstance(study, dict) else []):
            if isinstance(series, dict) and isinstance(series.get("path"), str):
                found.append((s_index, r_index, study, series))
    return found


def _series_output(folder: Path, study: dict, series: dict, site_dir: Path, cache_dir: Path) -> list[Path]:
    """Every rendition the build makes of one series: the series' own window and each preset."""
    from ..media.convert import series_key
    from ..model.window import WindowFormError, parse_window
    from ..site.build import window_presets
    files = series_files(folder / series["path"])
    if files is None:
        return []
    presets = window_presets().get(study.get("modality"), []) if files.kind == "dicom" else []
    try:
        window = parse_window(series["window"]) if series.get("window") is not None else None
        keys = [series_key(files, w) for w in [window] + [preset for _, preset in presets]]
    except (WindowFormError, KeyError, TypeError, ValueError, OSError):
        return []
    found = []
    for key in keys:
        found += [cache_dir / "media" / key[:2] / key, site_dir / "media" / key[:20]]
    return found


def _generated_output(root: Path, folder: Path, site_dir: Path, cache_dir: Path,
                      only: str | None = None) -> list[Path]:
    """Converted images in the cache and pages/images in a built site: of the case, or of the
    series at path `only`."""
    found = [] if only else [site_dir / "cases" / folder.name, site_dir / "cases" / f"{folder.name}.html"]
    for _, _, study, series in _series_entries(folder):
        if only is None or _same_path(series["path"], only):
            found += _series_output(folder, study, series, site_dir, cache_dir)
    return [path for path in dict.fromkeys(found) if path.exists()]


def _same_path(written: str, wanted: str) -> bool:
    clean = lambda text: text.replace("\\", "/").strip().strip("/").removeprefix("./")  # noqa: E731
    return clean(written) == clean(wanted)


def guard_verdict(root: Path, paths: list[Path]) -> int:
    """How many possible identifiers the guard finds in `paths` now (no cache: a fresh look)."""
    from ..phi.scanner import scan
    return len(scan(paths, root, cache_dir=None).findings)


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
    data = safe_load_limited(path.read_text(encoding="utf-8")) or {}
    return list(data.get("takedowns") or [])


def takedown(root: Path, slug: str, reason: str, editor: str, *, today: datetime.date | None = None,
             site_dir: Path | None = None, cache_dir: Path | None = None, force: bool = False,
             phi_strikes: int | None = None, series: str | None = None, strike: bool = True) -> TakedownResult:
    root = root.resolve()
    if reason not in REASONS:
        raise ModerationProblem(f"the reason must be one of {', '.join(REASONS)}")
    folder = root / "cases" / slug
    if slug and "/" not in slug and folder.is_symlink():
        raise ModerationProblem(f"cases/{slug} is a symbolic link, not a case folder: the guard, validation and "
                                f"the build refuse it, so it is not published. Remove the link with 'git rm "
                                f"cases/{slug}' and commit; check the folder it pointed to separately")
    if not slug or "/" in slug or slug.startswith(".") or not (folder / CASE_FILE).is_file():
        raise ModerationProblem(f"there is no case 'cases/{slug}' (give the case folder name)")
    library = load_library(root, only=[])
    user = library.users.get(editor)
    if user is None or not user.is_editor:
        raise ModerationProblem(f"'{editor}' is not an editor (role: editor in users/{editor}.yml); "
                                "give your own username with --editor")
    material = [folder]
    entries: list[tuple[int, int]] = []
    if series is not None:
        series = series.replace("\\", "/").strip().strip("/").removeprefix(f"cases/{slug}/").removeprefix("./")
        written = _series_entries(folder)
        entries = [(s_index, r_index) for s_index, r_index, _, item in written if _same_path(item["path"], series)]
        target = folder / series
        if not entries or ".." in Path(series).parts or not target.exists():
            listed = ", ".join(sorted({item["path"] for *_, item in written}))
            raise ModerationProblem(f"cases/{slug} has no series '{series}' (its series: {listed or 'none'})")
        if len(entries) == len(written):
            raise ModerationProblem(f"'{series}' holds every image of cases/{slug}: take down the whole case "
                                    "instead (leave out --series)")
        material = [target]
    if gitutil.is_repository(root):
        scope = f"cases/{slug}" + (f"/{series}" if series else "")
        dirty = gitutil.uncommitted(root, scope)
        if series:
            dirty += gitutil.uncommitted(root, f"cases/{slug}/{CASE_FILE}")
        if dirty and not force:
            raise ModerationProblem(
                f"{scope} has changes that were never committed ({', '.join(dirty[:3])}"
                f"{', ...' if len(dirty) > 3 else ''}); they would be lost for good. Commit or copy them "
                "first, or add --force to remove them anyway")
    limit = phi_strikes or load_settings(root).suspend_after_phi_strikes
    date = (today or datetime.date.today()).isoformat()
    result = TakedownResult(slug=slug, reason=reason, date=date, editor=editor, series=series, strike=strike)
    if reason == "phi":  # would the guard, as it is now, have refused this material?
        result.guard_findings = guard_verdict(root, material)
        result.guard_passed = result.guard_findings == 0

    authors = _case_authors(root, folder)
    outputs = _generated_output(root, folder, site_dir or root / "site", cache_dir or root / ".cache" / "site-gen",
                                only=series)
    if series:
        case_file = folder / CASE_FILE
        case_file.write_text(remove_series_entries(case_file.read_text(encoding="utf-8"), entries), encoding="utf-8")
        shutil.rmtree(material[0]) if material[0].is_dir() else material[0].unlink()
        result.removed.append(f"cases/{slug}/{series}")
        result.changed.append(f"cases/{slug}/{CASE_FILE}")
    else:
        shutil.rmtree(folder)
        result.removed.append(f"cases/{slug}/")
    for path in outputs:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        result.removed.append(str(path))

    for author in dict.fromkeys(authors) if strike else ():
        profile = library.users.get(author)
        path = profile_path(root, author)
        if profile is None or not path.is_file():
            result.unknown_authors.append(author)
            continue
        strikes = profile.strikes + [Strike(case=slug, reason=reason, date=date, series=series,
                                            guard_passed=result.guard_passed)]
        text = set_field(path.read_text(encoding="utf-8"), "strikes", [_strike_data(s) for s in strikes])
        counted = sum(1 for s in strikes if s.counts_towards_suspension)
        if counted >= limit and not profile.is_suspended:
            text = set_field(text, "status", "suspended")
            result.suspended.append(author)
        path.write_text(text, encoding="utf-8")
        result.struck.append(author)
        result.changed.append(f"users/{author}.yml")

    entry = {"case": slug, "reason": reason, "date": date, "editor": editor, "struck": result.struck}
    if series:
        entry["series"] = series
    if result.guard_passed is not None:
        entry["guard_passed"] = result.guard_passed
    if not strike:
        entry["strike"] = False
    append_log(root, entry)
    result.changed.append(LOG.as_posix())
    if (root / codeowners.CODEOWNERS).is_file():
        try:
            codeowners.write(root, codeowners.generate(load_library(root, only=[])))
            result.changed.append(codeowners.CODEOWNERS.as_posix())
        except codeowners.NoEditors:
            pass
    return result


def _strike_data(strike: Strike) -> dict:
    data = {"case": strike.case, "reason": strike.reason, "date": strike.date}
    if strike.series:
        data["series"] = strike.series
    if strike.guard_passed is not None:
        data["guard_passed"] = strike.guard_passed
    return data
