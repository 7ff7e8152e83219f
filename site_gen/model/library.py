"""Load the whole repository (cases/ and users/) and check it as a library.

Schema problems come from the JSON Schema; the checks here are the ones a schema cannot
express: rounding of adult ages, authors that exist, image paths that stay inside their
case folder and point at images, key images within the series, unique case folder names.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..media.discover import series_files
from . import schema
from .case import Case, User
from .case_ids import used_case_ids
from .problems import Problem
from .profile import check_profile, duplicate_usernames
from .quoting import shown
from .window import WindowFormError, parse_window, window_problems
from .yamlsource import YamlDocument, load_yaml

CASE_FILE = "case.yml"
SLUG_ALLOWED = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass
class Library:
    root: Path
    cases: list[Case] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    case_ids: dict[int, list[Path]] = field(default_factory=dict)  # id: -> case folders using it

    def case(self, slug: str) -> Case | None:
        return next((c for c in self.cases if c.slug == slug), None)

    def cases_by_author(self, username: str) -> list[Case]:
        return [c for c in self.cases if username in c.authors]


def find_root(start: Path) -> Path:
    """The repository root: the nearest folder upwards holding cases/ or mkdocs.yml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "cases").is_dir() or (folder / "mkdocs.yml").is_file():
            return folder
    return start


def load_library(root: Path, only: Iterable[Path] | None = None, *,
                 progress: Callable[[int, int], None] | None = None) -> Library:
    """Read and check users/ and cases/. `only` limits case checks to some case folders;
    `progress(done, total)` is called after each case (site_gen.progress shows it)."""
    root = root.resolve()
    library = Library(root=root)
    library.users = _load_users(root, library.problems)
    case_dirs = _case_folders(root, library.problems)
    library.case_ids = used_case_ids(root)
    selected = set(p.resolve() for p in only) if only is not None else None
    chosen = [f for f in case_dirs if selected is None or f.resolve() in selected]
    for done, folder in enumerate(chosen, start=1):
        case = _load_case(root, folder, library)
        if case is not None:
            library.cases.append(case)
        if progress:
            progress(done, len(chosen))
    library.cases.sort(key=lambda c: c.title.lower())
    return library


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _load_users(root: Path, problems: list[Problem]) -> dict[str, User]:
    users: dict[str, User] = {}
    folder = root / "users"
    if not folder.is_dir():
        return users
    for path in sorted(folder.glob("*.yml")):
        doc = load_yaml(path, _rel(root, path))
        problems.extend(doc.problems)
        if doc.problems:
            continue
        found = schema.validate(doc, schema.USER_SCHEMA)
        if not found and doc.data["username"] != path.stem:
            found.append(doc.problem(("username",), f"the username must match the file name "
                                     f"({shown(path.stem)})"))
        found.extend(check_profile(doc, path.read_text(encoding="utf-8")))
        problems.extend(found)
        if not found:
            users[path.stem] = User.from_data(doc.data)
    problems.extend(duplicate_usernames(list(folder.glob("*.yml")), lambda p: _rel(root, p)))
    return users


def _case_folders(root: Path, problems: list[Problem]) -> list[Path]:
    folder = root / "cases"
    if not folder.is_dir():
        return []
    folders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    seen: dict[str, Path] = {}
    result = []
    for case_dir in folders:
        rel = _rel(root, case_dir)
        if not (case_dir / CASE_FILE).is_file():
            problems.append(Problem(rel, 0, 0, f"this case folder has no {CASE_FILE}"))
            continue
        if not set(case_dir.name) <= SLUG_ALLOWED or case_dir.name.startswith("-"):
            problems.append(Problem(rel, 0, 0, "case folder names may use only lower-case letters, "
                                    "digits and hyphens (e.g. 'lung-abscess')"))
        key = case_dir.name.lower().replace("_", "-")
        if key in seen:
            problems.append(Problem(rel, 0, 0, f"duplicate case name: {shown(_rel(root, seen[key]))} "
                                    "already uses it; choose another folder name"))
            continue
        seen[key] = case_dir
        result.append(case_dir)
    return result


def _load_case(root: Path, folder: Path, library: Library) -> Case | None:
    doc = load_yaml(folder / CASE_FILE, _rel(root, folder / CASE_FILE))
    if doc.problems:
        library.problems.extend(doc.problems)
        return None
    found = schema.validate(doc, schema.CASE_SCHEMA)
    found += [] if found else _check_window_forms(doc)
    library.problems.extend(found)
    if found:
        return None
    case = Case.from_data(folder.name, folder, doc.data)
    found = _check_case(case, doc, library)
    library.problems.extend(found)
    return None if found else case


def _check_case(case: Case, doc: YamlDocument, library: Library) -> list[Problem]:
    problems = []
    others = [f for f in library.case_ids.get(case.case_id, []) if f.resolve() != case.folder.resolve()]
    if case.case_id is not None and others:
        free = max(library.case_ids) + 1
        problems.append(doc.problem(("id",), f"case number {case.case_id} is also used by "
                                    f"'{_rel(library.root, others[0])}'; every case needs its own number "
                                    f"(the next free one is {free})"))
    age = case.age
    if isinstance(age, int) and age >= 18 and age % 5:
        problems.append(doc.problem(("patient", "age"), "round adult ages to the nearest 5 years "
                                    "(for example 45, not 47) so the patient cannot be singled out"))
    for index, author in enumerate(case.authors):
        if author not in library.users:
            name = shown(author, known=library.users)
            problems.append(doc.problem(("authors", index), f"author {name} has no profile in users/ (add "
                                        f"users/{author + '.yml' if name.startswith(chr(39)) else '<username>.yml'})"))
    for s_index, study in enumerate(case.studies):
        for r_index, series in enumerate(study.series):
            where = ("studies", s_index, "series", r_index)
            found = _check_series_path(case.folder, series.path, series.key_images, doc, where)
            if not found and series.window is not None:
                files = series_files(case.folder / series.path)
                reasons = window_problems(*series.window, study.modality, files.kind if files else "",
                                          files.files if files else ())
                found = [doc.problem(where + ("window",), reason) for reason in reasons]
            problems.extend(found)
    return problems


def _check_window_forms(doc: YamlDocument) -> list[Problem]:
    """Windows written in a form the schema lets through but that cannot be read."""
    problems = []
    for s_index, study in enumerate(doc.data.get("studies") or []):
        for r_index, series in enumerate(study.get("series") or []):
            if "window" in series:
                try:
                    parse_window(series["window"])
                except WindowFormError as problem:
                    problems.append(doc.problem(("studies", s_index, "series", r_index, "window"), str(problem)))
    return problems


def _check_series_path(folder: Path, written: str, key_images: list[int], doc: YamlDocument,
                       where: tuple) -> list[Problem]:
    at = where + ("path",)
    if os.path.isabs(written) or written.startswith(("/", "\\")) or (len(written) > 1 and written[1] == ":"):
        return [doc.problem(at, "image paths must be relative to the case folder, not absolute")]
    if ".." in Path(written.replace("\\", "/")).parts:
        return [doc.problem(at, "image paths may not use '..': keep the images inside the case folder")]
    target = folder / written
    resolved = target.resolve()
    if not resolved.is_relative_to(folder.resolve()):
        return [doc.problem(at, "this image path leads outside the case folder (through a symbolic link); "
                            "copy the images into the case folder instead")]
    if not target.exists():
        return [doc.problem(at, _missing_path(folder, written))]
    if target.is_dir():
        for item in target.rglob("*"):
            if item.is_symlink() and not item.resolve().is_relative_to(folder.resolve()):
                return [doc.problem(at, f"{shown(item.name)} in this image folder is a link leading outside "
                                    "the case folder; copy the file instead")]
    found = series_files(target)
    if found is None:
        return [doc.problem(at, f"{shown(written)} holds no DICOM, PNG or JPEG images")]
    if found.kind == "mixed":
        return [doc.problem(at, f"{shown(written)} mixes DICOM files and PNG/JPEG images; "
                            "put each series in its own folder")]
    if key_images:
        count = len(found.files)
        if max(key_images) > count and found.kind == "dicom":
            from ..media.dicom import count_frames  # reads headers only, when it matters
            count = count_frames(found.files)
        too_high = [k for k in key_images if k > count]
        if too_high:
            return [doc.problem(where + ("key_images",), f"key image {too_high[0]} does not exist: "
                                f"this series has {count} image{'s' if count != 1 else ''}")]
    return []


def _missing_path(folder: Path, written: str) -> str:
    """'does not exist', with the case's own folders and images to choose from."""
    present = sorted(p.name for p in folder.iterdir()
                     if not p.name.startswith(".") and p.name != CASE_FILE) if folder.is_dir() else []
    near = difflib.get_close_matches(written.strip("/").lower(), [p.lower() for p in present], n=1, cutoff=0.6)
    message = f"image path {shown(written)} does not exist in the case folder"
    if near:
        return message + f"; did you mean {shown(present[[p.lower() for p in present].index(near[0])])}?"
    if present:
        listed = ", ".join(shown(name) for name in present[:10]) + (", ..." if len(present) > 10 else "")
        return message + f"; the case folder holds: {listed}"
    return message + "; the case folder holds no images yet (add them with site-gen import-dicom)"
