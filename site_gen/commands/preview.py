"""site-gen preview cases/<name>: your case as it will look on the site, in seconds.

It builds a site of that one case alone (with its authors' profiles, the hand-written pages,
the site's theme and navigation) in a temporary folder and serves it with `mkdocs serve`,
so the time does not grow with the size of the library.  Saving case.yml or an image shows
the change in the browser.  Converted images go to the library's usual cache, so the full
build later reuses them.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile
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


def _authors(case_file: Path) -> list[str]:
    try:
        data = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return []
    authors = data.get("authors") if isinstance(data, dict) else None
    return [a for a in authors if isinstance(a, str)] if isinstance(authors, list) else []


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


def make_preview_project(root: Path, case_dir: Path, work: Path, cache_dir: Path) -> Path:
    """A repository of one case in `work`: links to the case folder and its authors' profiles,
    and the repository's mkdocs.yml pointed at them.  Returns the new mkdocs.yml."""
    from mkdocs.utils.yaml import yaml_load

    (work / "cases").mkdir(parents=True)
    os.symlink(case_dir, work / "cases" / case_dir.name, target_is_directory=True)
    (work / "users").mkdir()
    for author in _authors(case_dir / CASE_FILE):
        profile = root / "users" / f"{author}.yml"
        if profile.is_file() and "/" not in author and not author.startswith("."):
            os.symlink(profile, work / "users" / profile.name)
    # The preview's own cache, sharing only the converted images (content-addressed, only ever
    # added to) with the library's: its other records describe this one-case site alone.
    own_cache = work / ".cache"
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
    config["watch"] = [str(case_dir)] + [_absolute(w, root) for w in config.get("watch") or []]
    config.pop("site_url", None)
    plugins = []
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "case-library" in entry:
            options = dict(entry["case-library"] or {}, root=str(work), cache_dir=str(own_cache))
            entry = {"case-library": options}
        elif entry == "case-library":
            entry = {"case-library": {"root": str(work), "cache_dir": str(own_cache)}}
        plugins.append(entry)
    config["plugins"] = plugins
    target = work / "mkdocs.yml"
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


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
    try:
        config_file = make_preview_project(root, case_dir, work, cache_folder(root))
        port = _free_port(args.port)
        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        from mkdocs.commands.serve import serve
        from mkdocs.exceptions import Abort, PluginError

        print(f"Preview of {case_dir.name}: http://127.0.0.1:{port}/cases/{case_dir.name}/ "
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
        shutil.rmtree(work, ignore_errors=True)
