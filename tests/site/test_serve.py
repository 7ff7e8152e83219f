"""`mkdocs serve` builds the library and rebuilds when a case changes (live reload)."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from tests.conftest import REPO_ROOT


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
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


def test_serve_rebuilds_when_a_case_changes(repo, tmp_path):
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
        case_file.write_text(case_file.read_text().replace("title: Primary spontaneous pneumothorax",
                                                           "title: Tension pneumothorax"))
        wait_for(lambda: "Tension pneumothorax" in fetch(url))
    finally:
        server.terminate()
        server.wait(timeout=10)
