"""`mkdocs serve` rebuilds only what an edit touches, and shows the same site as a full build;
`site-gen preview` serves one case with the site's theme."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from tests.conftest import REPO_ROOT, write_png
from tests.site.test_incremental import SECOND_CASE, site_repo

SERVE_URL = "http://127.0.0.1:8000/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def serve_build(root: Path, site_dir: Path, *, fresh: bool = False):
    """One build as `mkdocs serve` runs it: configuration read again, plugin instance kept
    (fresh=True: a new plugin instance, as in a new `mkdocs serve`)."""
    if fresh:
        MkDocsConfig.plugins.plugin_cache.clear()
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir))
    config.site_url = SERVE_URL
    if fresh:
        config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=SERVE_URL)
    return config.plugins["case-library"]


def contents(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and not p.name.endswith(".gz")}


@pytest.fixture
def serve_env(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_GEN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    yield
    MkDocsConfig.plugins.plugin_cache.clear()


def test_serve_rebuild_renders_only_what_changed_and_equals_a_fresh_build(repo, tmp_path, serve_env):
    site_repo(repo)
    served = tmp_path / "served"
    plugin = serve_build(repo.root, served, fresh=True)
    assert plugin.reused == {}

    edits = [
        ("a case's text", lambda: (repo.root / "cases/tension/case.yml").write_text(
            SECOND_CASE.replace("Sudden right-sided", "Sudden left-sided"))),
        ("a case's title (listings, related cases)", lambda: (repo.root / "cases/tension/case.yml").write_text(
            SECOND_CASE.replace("title: Tension pneumothorax", "title: Tension pneumothorax on the left"))),
        ("an image", lambda: write_png(repo.root / "cases/pneumothorax/xr/01.png", value=77)),
        ("a new case", lambda: repo.case("third", text=SECOND_CASE.replace("Tension", "Iatrogenic"))),
        ("a hand-written page", lambda: (repo.root / "docs/about.md").write_text(
            (repo.root / "docs/about.md").read_text() + "\nOne more line.\n")),
    ]
    for what, edit in edits:
        edit()
        plugin = serve_build(repo.root, served)
        kept = dict(plugin.reused)
        fresh_dir = tmp_path / f"fresh-{len(kept)}-{what[:6]}"
        serve_build(repo.root, fresh_dir, fresh=True)
        assert contents(served) == contents(fresh_dir), what
        if what == "a case's text":
            assert "cases/pneumothorax.md" in kept, what  # the other case's page did not change
        if what in ("a case's text", "a case's title (listings, related cases)", "an image"):
            assert "about.md" in kept and "browse/quiz.md" in kept, what  # nor did these
        if what in ("a new case", "a hand-written page"):
            assert kept == {}, what  # the set of pages or the shared parts changed: everything again
        MkDocsConfig.plugins.plugin_cache.clear()
        plugin = serve_build(repo.root, served, fresh=True)  # back to the instance serving `served`
        serve_build(repo.root, served)


def test_serve_shows_an_edit_in_the_browser(repo, tmp_path):
    case_file = repo.case()
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "docs", repo.root / "docs")
    port = free_port()
    env = dict(os.environ, SITE_GEN_CACHE=str(tmp_path / "cache"), NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}",
                               "--livereload"], cwd=repo.root, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/cases/pneumothorax/"
        assert "Primary spontaneous pneumothorax" in wait_for(lambda: fetch(url))
        for title in ("Tension pneumothorax", "Traumatic pneumothorax"):
            case_file.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", case_file.read_text()))
            page = wait_for(lambda: (lambda text: text if title in text else None)(fetch(url)))
            assert "md-header" in page  # the whole themed page, not a fragment
            assert title in fetch(f"http://127.0.0.1:{port}/search/search_index.json")
    finally:
        server.terminate()
        server.wait(timeout=10)


def start_preview(root: Path, case: str, cache: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, SITE_GEN_CACHE=str(cache), NO_MKDOCS_2_WARNING="1", TMPDIR=str(cache.parent / "tmp"))
    (cache.parent / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, "-m", "site_gen", "preview", case, "--port", str(port)],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_preview_serves_one_case_in_the_site_theme_and_follows_edits(repo, tmp_path):
    site_repo(repo)
    port = free_port()
    preview = start_preview(repo.root, "cases/tension", tmp_path / "cache", port)
    try:
        url = f"http://127.0.0.1:{port}/cases/tension/"
        page = wait_for(lambda: fetch(url), 60)
        assert "Tension pneumothorax" in page and "md-header" in page and "case-library.css" in page
        assert "/media/" in page and wait_for(lambda: fetch(f"http://127.0.0.1:{port}/sitemap.xml"))
        with pytest.raises(urllib.error.HTTPError):  # the other cases are not built
            fetch(f"http://127.0.0.1:{port}/cases/pneumothorax/")
        case_file = repo.root / "cases/tension/case.yml"
        case_file.write_text(case_file.read_text().replace("title: Tension pneumothorax", "title: Edited preview"))
        wait_for(lambda: "Edited preview" in fetch(url))
    finally:
        preview.send_signal(signal.SIGTERM)
        _, stderr = preview.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/cases/tension/" in stderr
    assert "Traceback" not in stderr
    assert not list((tmp_path / "tmp").iterdir())  # its temporary site is gone
    assert list((tmp_path / "cache" / "media").iterdir())  # its images stay for the full build


def test_preview_names_a_missing_case_plainly(repo, tmp_path):
    site_repo(repo)
    done = subprocess.run([sys.executable, "-m", "site_gen", "preview", "cases/no-such-case"], cwd=repo.root,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "no case at 'cases/no-such-case'" in done.stderr and "Traceback" not in done.stderr


def test_preview_reports_problems_of_the_case_without_a_traceback(repo, tmp_path):
    site_repo(repo)
    case_file = repo.root / "cases/tension/case.yml"
    case_file.write_text(case_file.read_text().replace("age: 25", "age: 47"))
    env = dict(os.environ, SITE_GEN_CACHE=str(tmp_path / "cache"), NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, "-m", "site_gen", "preview", "cases/tension", "--port",
                           str(free_port())], cwd=repo.root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "cases/tension/case.yml" in done.stderr and "round adult ages" in done.stderr
    assert "Traceback" not in done.stderr



def test_preview_finds_the_case_however_it_is_named(repo):
    from site_gen.commands.preview import find_case
    site_repo(repo)
    folder = (repo.root / "cases" / "tension").resolve()
    for given in ("cases/tension", "tension", "cases/tension/case.yml", str(folder), str(folder / "case.yml")):
        assert find_case(given, repo.root) == folder, given
    assert find_case("cases/tension/xr/01.png", repo.root) is None
    assert find_case("cases", repo.root) is None
