"""site-gen preview cases/<name>: your case as it will look on the site, in seconds.

It builds a site of that one case alone (with its authors' profiles, the hand-written pages,
the site's theme and navigation) in a temporary folder and serves it with `mkdocs serve`,
so the time does not grow with the size of the library.  The case folder is mirrored there
(hard links, else copies: the build accepts only real folders) and kept in step, so saving
case.yml or an image shows the change in the browser.  Converted images go to the library's
usual cache, so the full build later reuses them.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path

import yaml

from . import EXIT_PROBLEMS, fail_usage, repository_root
from .media import cache_folder

CASE_FILE = "case.yml"


def register(commands) -> None:
    parser = commands.add_parser("preview", help="show one case in the site's theme, served on this computer "
                                 "(fast at any library size; reloads when you save)")
    parser.add_argument("case", help="the case folder, e.g. cases/lung-abscess (or its case.yml)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000, or a free one)")
    parser.add_argument("--open", action="store_true", help="open the page in the web browser")
    parser.set_defaults(run=run)


def find_case(raw: str, root: Path) -> Path | None:
    """The case folder meant by `raw`: a folder holding case.yml, its case.yml, or a bare name."""
    for candidate in (Path(raw), root / raw, root / "cases" / raw):
        path = candidate if candidate.is_dir() else candidate.parent
        if candidate.is_file() and candidate.name != CASE_FILE:
            continue
        if (path / CASE_FILE).is_file():
            return path.resolve()
    return None


def _case_data(case_file: Path) -> dict:
    try:
        data = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _authors(case_file: Path) -> list[str]:
    authors = _case_data(case_file).get("authors")
    return [a for a in authors if isinstance(a, str)] if isinstance(authors, list) else []


def case_address(case_dir: Path) -> str:
    """Where the case's page will be: its number (`id:`), else its folder name; a quiz case
    without a number gets a name that hides the folder's, so the preview starts at the home page."""
    data = _case_data(case_dir / CASE_FILE)
    if isinstance(data.get("id"), int) and not isinstance(data.get("id"), bool):
        return f"cases/{data['id']}/"
    return "" if data.get("quiz") is True else f"cases/{case_dir.name}/"


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                return probe.getsockname()[1]
            except OSError:
                continue
    return preferred


def _absolute(value: str, base: Path) -> str:
    path = Path(value)
    return str(path if path.is_absolute() else (base / path).resolve())


class CaseMirror:
    """The case folder copied into the preview's repository, and kept in step with it.

    The build and the guard accept only real case folders (site_gen.fileset), so the preview
    holds a copy: hard links where the file system allows (instant, no data copied), else
    copies.  `sync` brings over what changed (size or time) and removes what is gone."""

    def __init__(self, source: Path, target: Path):
        self.source, self.target = source, target
        self.lock = threading.Lock()

    def sync(self) -> None:
        with self.lock:
            wanted: set[Path] = set()
            for folder, dirs, files in os.walk(self.source):
                rel = Path(folder).relative_to(self.source)
                (self.target / rel).mkdir(parents=True, exist_ok=True)
                wanted.add(self.target / rel)
                for name in files:
                    source, target = Path(folder) / name, self.target / rel / name
                    wanted.add(target)
                    self._bring(source, target)
            for folder, dirs, files in os.walk(self.target, topdown=False):
                for name in files + dirs:
                    path = Path(folder) / name
                    if path not in wanted:
                        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()

    def touch(self, source: Path) -> None:
        """A file edited in place is already changed in the mirror (a hard link), but the
        system's file events name only the path it was written through: touch the mirrored
        path so that mkdocs serve, watching the mirror (site_gen.site.watching), sees it."""
        try:
            target = self.target / source.relative_to(self.source)
        except ValueError:
            return
        with self.lock:
            if target.is_file() and target.stat().st_ino == source.stat().st_ino:
                os.utime(target)

    @staticmethod
    def _bring(source: Path, target: Path) -> None:
        try:
            known, now = target.stat(), source.stat()
            if (known.st_ino == now.st_ino or (known.st_size == now.st_size
                                                and known.st_mtime_ns == now.st_mtime_ns)):
                return
            target.unlink()
        except FileNotFoundError:
            pass
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)


def _watch(mirror: CaseMirror):
    """A watchdog observer that keeps the mirror in step (mkdocs serve then sees the change)."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            try:
                mirror.sync()
                if not event.is_directory and event.event_type in ("modified", "closed"):
                    mirror.touch(Path(event.src_path))
            except OSError:
                pass  # a file being written: the next event brings it

    observer = Observer()
    observer.schedule(Handler(), str(mirror.source), recursive=True)
    observer.start()
    return observer


def make_preview_project(root: Path, case_dir: Path, work: Path, cache_dir: Path) -> tuple[Path, CaseMirror]:
    """A repository of one case in `work/repo`: the case folder (mirrored) and its authors'
    profiles, its own cache in `work/cache` sharing the library's converted images, and the
    repository's mkdocs.yml pointed at them.  Returns the new mkdocs.yml and the mirror."""
    from mkdocs.utils.yaml import yaml_load

    repo = work / "repo"
    mirror = CaseMirror(case_dir, repo / "cases" / case_dir.name)
    mirror.sync()
    (repo / "users").mkdir()
    for author in _authors(case_dir / CASE_FILE):
        profile = root / "users" / f"{author}.yml"
        if profile.is_file() and "/" not in author and not author.startswith("."):
            shutil.copy2(profile, repo / "users" / profile.name)
    # The preview's own cache (outside its repository), sharing only the converted images
    # (content-addressed, only ever added to) with the library's: its other records describe
    # this one-case site alone.
    own_cache = work / "cache"
    (cache_dir / "media").mkdir(parents=True, exist_ok=True)
    own_cache.mkdir()
    os.symlink(cache_dir / "media", own_cache / "media", target_is_directory=True)

    config_file = root / "mkdocs.yml"
    with open(config_file, encoding="utf-8") as handle:
        config = yaml_load(handle) or {}
    config["docs_dir"] = _absolute(config.get("docs_dir", "docs"), root)
    theme = config.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        theme["custom_dir"] = _absolute(theme["custom_dir"], root)
    if isinstance(config.get("hooks"), list):
        config["hooks"] = [_absolute(h, root) for h in config["hooks"]]
    if config.get("watch"):
        config["watch"] = [_absolute(w, root) for w in config["watch"]]
    config.pop("site_url", None)
    plugins = []
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "case-library" in entry:
            options = dict(entry["case-library"] or {}, root=str(repo), cache_dir=str(own_cache))
            entry = {"case-library": options}
        elif entry == "case-library":
            entry = {"case-library": {"root": str(repo), "cache_dir": str(own_cache)}}
        plugins.append(entry)
    config["plugins"] = plugins
    target = repo / "mkdocs.yml"
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target, mirror


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def run(args) -> int:
    root = repository_root(args)
    case_dir = find_case(args.case, root)
    if case_dir is None:
        return fail_usage("preview", f"no case at '{args.case}': give the case folder that holds "
                          f"{CASE_FILE}, e.g. cases/lung-abscess")
    if not (root / "mkdocs.yml").is_file():
        return fail_usage("preview", f"no mkdocs.yml in {root}: run this inside the library's repository")
    work = Path(tempfile.mkdtemp(prefix="site-gen-preview-"))
    signal.signal(signal.SIGTERM, _stop)  # stopped by another program: still clean up
    observer = None
    try:
        config_file, mirror = make_preview_project(root, case_dir, work, cache_folder(root))
        observer = _watch(mirror)
        port = _free_port(args.port)
        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        from mkdocs.commands.serve import serve
        from mkdocs.exceptions import Abort, PluginError

        print(f"Preview of {case_dir.name}: http://127.0.0.1:{port}/{case_address(case_dir)} "
              "(saving case.yml or an image updates it; Ctrl+C stops)", file=sys.stderr, flush=True)
        try:
            serve(config_file=str(config_file), dev_addr=f"127.0.0.1:{port}", livereload=True,
                  open_in_browser=args.open)
        except (PluginError, Abort) as error:
            print(f"site-gen preview: {error}", file=sys.stderr)
            return EXIT_PROBLEMS
        except KeyboardInterrupt:
            pass
        return 0
    finally:
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)
        shutil.rmtree(work, ignore_errors=True)
