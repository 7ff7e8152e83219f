"""Load the whole repository (cases/ and users/) and check it as a library.

Schema problems come from the JSON Schema; the checks here are the ones a schema cannot
express: rounding of adult ages, authors that exist, image paths that stay inside their
case folder and point at images, key images within the series, unique case folder names.

With a cache folder, the costly part of loading a case (reading its YAML with positions,
validating it against the schema, its allow comments and window forms) is kept by the
content hash of case.yml and of this code, so an unchanged case is not parsed again; the
checks against the rest of the library and the file system run every time.
"""
from __future__ import annotations

import difflib
import json
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from ..fileset import LINKED_FOLDER, walk
from ..jsonstore import JsonBundle, digest, files_fingerprint, remove_other_versions
from ..media.discover import SeriesFiles, series_files
from . import schema
from .case import Case, User
from .case_ids import used_case_ids
from .problems import Problem
from .profile import check_profile, duplicate_usernames
from .quoting import shown
from .window import WindowFormError, parse_window, window_problems
from .yamlsource import YamlDocument, load_yaml, parse_yaml

CASE_FILE = "case.yml"
SLUG_ALLOWED = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass
class Library:
    root: Path
    cases: list[Case] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    case_ids: dict[int, list[Path]] = field(default_factory=dict)  # id: -> case folders using it
    # Case folder name -> (the state of its files when loaded, the case): see load_library(track=True).
    loaded_from: dict[str, tuple[tuple, Case]] = field(default_factory=dict, repr=False)
    # The image files each checked series path holds, as found by the checks (the build reuses them).
    series: dict[Path, SeriesFiles] = field(default_factory=dict, repr=False)

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


def load_library(root: Path, only: Iterable[Path] | None = None, *, cache_dir: Path | None = None,
                 previous: Library | None = None, track: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> Library:
    """Read and check users/ and cases/. `only` limits case checks to some case folders;
    `progress(done, total)` is called after each case (site_gen.progress shows it);
    `cache_dir` keeps parsed and schema-checked case files between runs.

    With `track`, the library remembers the state (size, times, inode) of every file each
    case was loaded from; given such a `previous` library, a case whose case.yml and images
    are all in the same state, with the same contributors and case numbers, is taken over as
    it is (what `mkdocs serve` does after an edit, so only the edited case is read again)."""
    root = root.resolve()
    library = Library(root=root)
    library.users = _load_users(root, library.problems)
    case_dirs = _case_folders(root, library.problems)
    library.case_ids = used_case_ids(root)
    selected = set(p.resolve() for p in only) if only is not None else None
    store = JsonBundle(cache_dir / "library" / f"{_code_version()}.json") if cache_dir is not None else None
    if previous is not None and (previous.root != root or set(previous.users) != set(library.users)
                                 or previous.case_ids != library.case_ids):
        previous = None
    chosen = [f for f in case_dirs if selected is None or f.resolve() in selected]
    for done, folder in enumerate(chosen, start=1):
        state = _file_state(folder / CASE_FILE) if track else None
        known = previous.loaded_from.get(folder.name) if previous is not None else None
        if known is not None and state is not None and known[0] == (state, *_series_states(folder, known[1])):
            library.cases.append(known[1])
            library.loaded_from[folder.name] = known
        else:
            case = _load_case(root, folder, library, store)
            if case is not None:
                library.cases.append(case)
                if state is not None:
                    library.loaded_from[folder.name] = ((state, *_series_states(folder, case)), case)
        if progress:
            progress(done, len(chosen))
    if store is not None and store.path is not None:
        if store.added:
            remove_other_versions(store.path.parent, _code_version())
        store.save(prune=selected is None)
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
        if case_dir.is_symlink():  # the guard and the build refuse it too (site_gen/fileset.py)
            problems.append(Problem(rel, 0, 0, f"this case folder {LINKED_FOLDER}"))
            continue
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


@lru_cache(maxsize=1)
def _code_version() -> str:
    """The reading and checking code (this package, the guard's allow comments) and the schemas:
    cached results die with them."""
    package = Path(__file__).resolve().parents[1]
    return files_fingerprint([package / "model", package / "data", package / "phi"])[:16]


class _LazyDocument:
    """The positions of a cached case file, read only when a problem must be placed."""

    def __init__(self, path: Path, display_path: str):
        self._path, self._display_path, self._doc = path, display_path, None

    def problem(self, location, message: str, *, key: bool = False) -> Problem:
        if self._doc is None:
            self._doc = load_yaml(self._path, self._display_path)
        return self._doc.problem(location, message, key=key)


def _read_case_file(path: Path, rel: str, raw: bytes | None = None
                    ) -> tuple[YamlDocument, list[Problem], list[Problem]]:
    """The document, its allow-comment problems, and its problems of form (YAML, schema, windows)."""
    try:
        doc = parse_yaml(raw.decode("utf-8"), rel) if raw is not None else load_yaml(path, rel)
    except UnicodeDecodeError:
        doc = load_yaml(path, rel)  # reports the line of the first byte that is not UTF-8
    pragmas = pragma_problems(path, doc.path)
    if doc.problems:
        return doc, pragmas, list(doc.problems)
    found = schema.validate(doc, schema.CASE_SCHEMA)
    found += [] if found else _check_window_forms(doc)
    return doc, pragmas, found


def _load_case(root: Path, folder: Path, library: Library, store: JsonBundle | None = None) -> Case | None:
    path, rel = folder / CASE_FILE, _rel(root, folder / CASE_FILE)
    if store is None:
        doc, pragmas, found = _read_case_file(path, rel)
        data, where = doc.data, doc
    else:
        try:
            raw = path.read_bytes()
        except OSError as error:
            library.problems.append(Problem(rel, 0, 0, f"cannot read this file ({error.strerror})"))
            return None
        key = digest(rel, raw)
        entry = store.get(key)
        if entry is not None:
            data, where = entry["data"], _LazyDocument(path, rel)
            pragmas = [Problem(**p) for p in entry["pragmas"]]
            found = [Problem(**p) for p in entry["problems"]]
        else:
            doc, pragmas, found = _read_case_file(path, rel, raw)
            data, where = doc.data, doc
            _remember(store, key, data, pragmas, found)
    library.problems.extend(pragmas)
    library.problems.extend(found)
    if found:
        return None
    case = Case.from_data(folder.name, folder, data)
    found = _check_case(case, where, library)
    library.problems.extend(found)
    return None if found else case


def _remember(store: JsonBundle, key: str, data, pragmas: list[Problem], problems: list[Problem]) -> None:
    """Keep a parse result only if JSON gives back exactly the same data (no dates, no tuples)."""
    try:
        text = json.dumps(data)
    except (TypeError, ValueError):
        return
    if json.loads(text) == data:
        store.put(key, {"data": data, "pragmas": [asdict(p) for p in pragmas],
                        "problems": [asdict(p) for p in problems]})


def pragma_problems(path: Path, rel: str) -> list[Problem]:
    """Allow comments (`# phi: allow NAME: reason`) that are malformed or excuse nothing, with
    where they go; the site never shows them (site_gen.phi.allow.strip_pragmas)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    if "phi" not in text.lower():
        return []
    from ..phi.textfile import pragma_scopes
    problems = []
    for note in pragma_scopes(text, rel, kind="yaml")[1]:
        where, _, message = note[len(rel) + 1:].partition(": ")
        line, _, column = where.partition(":")
        if line.isdigit() and column.isdigit():
            problems.append(Problem(rel, int(line), int(column), f"{message} (an allow comment goes at the end "
                                    "of the line it excuses, in a value that ends on that line)"))
    return problems


def _check_case(case: Case, doc: YamlDocument | _LazyDocument, library: Library) -> list[Problem]:
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
            found = _check_series_path(case.folder, series.path, series.key_images, doc, where, library.series)
            if not found and series.window is not None:
                files = library.series.get(case.folder / series.path) or series_files(case.folder / series.path)
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
                       where: tuple, found_series: dict[Path, SeriesFiles] | None = None) -> list[Problem]:
    at = where + ("path",)
    if os.path.isabs(written) or written.startswith(("/", "\\")) or (len(written) > 1 and written[1] == ":"):
        return [doc.problem(at, "image paths must be relative to the case folder, not absolute")]
    if ".." in Path(written.replace("\\", "/")).parts:
        return [doc.problem(at, "image paths may not use '..': keep the images inside the case folder")]
    target = folder / written
    if not target.exists() and not target.is_symlink():
        return [doc.problem(at, _missing_path(folder, written))]
    # The same walk as the guard's: links leaving the case folder, linked folders, pipes refused.
    repository = folder.parent.parent
    for entry in walk([target], repository):
        if entry.problem:
            name = entry.rel[len(_rel(repository, folder)) + 1:] or entry.rel
            return [doc.problem(at, f"{shown(name)} {entry.problem}")]
    found = series_files(target)
    if found is None:
        return [doc.problem(at, f"{shown(written)} holds no DICOM, PNG or JPEG images")]
    if found_series is not None:
        found_series[target] = found
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


def _file_state(path: Path) -> tuple | None:
    """What tells a changed file from an unchanged one without reading it."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_mode)


def _series_states(folder: Path, case: Case) -> tuple:
    """The state of every image file and folder a case's series point at (links not followed)."""
    states = []
    for study in case.studies:
        for series in study.series:
            pending = [str(folder / series.path)]
            while pending:
                path = pending.pop()
                link = os.path.islink(path)
                try:
                    stat = os.stat(path)  # a link's target: its content is what gets shown
                except OSError:
                    states.append((path, link, None))
                    continue
                states.append((path, link, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns,
                               stat.st_mode))
                if not link and os.path.isdir(path):
                    with os.scandir(path) as entries:
                        pending.extend(sorted((e.path for e in entries), reverse=True))
    return tuple(states)
