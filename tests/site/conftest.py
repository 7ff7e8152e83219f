"""A built sample site served on localhost, and a real headless Chromium to browse it."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
# Chromium must not reach out on its own (this machine has no network; CI logs stay quiet).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO_ROOT / "test-artifacts"


def mkdocs_build(root: Path, out: Path, cache: Path, site_url: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, SITE_GEN_CACHE=str(cache), NO_MKDOCS_2_WARNING="1")
    if site_url:
        env["SITE_URL"] = site_url
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"),
                           "-d", str(out)], capture_output=True, text=True, env=env, cwd=root)


@pytest.fixture(scope="session")
def site_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory, site_port) -> Path:
    """The sample repository built as it would be published at the test server's address
    (Material's instant navigation only follows links under site_url)."""
    out = tmp_path_factory.mktemp("site")
    result = mkdocs_build(REPO_ROOT, out, tmp_path_factory.mktemp("cache"), f"http://127.0.0.1:{site_port}/")
    assert result.returncode == 0, result.stderr
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(sample_site, site_port):
    handler = functools.partial(_QuietHandler, directory=str(sample_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", site_port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="install the test extras: pip install -e .[test]")
    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: run bash .ci/install"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@contextlib.contextmanager
def recorded_page(browser, width: int = 1280, height: int = 1000):
    """A page in a fresh browser context that records the address of every request it makes."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.requests = []
        page.on("request", lambda request: page.requests.append(request.url))
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser, site_url):
    """A fresh page that records every request it makes."""
    with recorded_page(browser) as page:
        yield page


def save_artifact(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
