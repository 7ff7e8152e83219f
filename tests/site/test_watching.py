"""mkdocs serve's own server notices saved files through the system's file events, and only saves."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.observers.polling import PollingObserver

from site_gen.site import watching


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Builds:
    def __init__(self):
        self.count = 0
        self.event = threading.Event()

    def __call__(self):
        self.count += 1
        self.event.set()


def _server(tmp_path: Path, builds: Builds) -> LiveReloadServer:
    site = tmp_path / "site"
    site.mkdir()
    return LiveReloadServer(builder=builds, host="127.0.0.1", port=_port(), root=str(site))


@pytest.mark.skipif(watching.native_observer_class() is None, reason="no native file events on this platform")
def test_a_save_rebuilds_at_once_and_reading_does_not(tmp_path):
    docs, cases = tmp_path / "docs", tmp_path / "cases" / "one"
    docs.mkdir()
    cases.mkdir(parents=True)
    case_file = cases / "case.yml"
    case_file.write_text("title: first\n")
    builds = Builds()
    server = _server(tmp_path, builds)
    server.watch(str(docs))  # what MkDocs watches before the plugin's on_serve
    assert watching.watch_with_native_events(server, [str(tmp_path / "cases")])
    assert not isinstance(server.observer, PollingObserver)
    server.watch(str(tmp_path / "cases"))
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        time.sleep(0.5)
        case_file.read_text()  # a build reads the case: not a change
        (docs / "index.md").exists()
        assert not builds.event.wait(1.0)
        case_file.write_text("title: second\n")
        assert builds.event.wait(5), "the save was not noticed"
        builds.event.clear()
        (docs / "index.md").write_text("# Home\n")  # MkDocs' own watch moved over too
        assert builds.event.wait(5)
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_polling_stays_when_the_system_refuses_to_watch(tmp_path):
    server = _server(tmp_path, Builds())
    assert not watching.watch_with_native_events(server, [str(tmp_path / "no-such-folder")])
    assert isinstance(server.observer, PollingObserver)


def test_polling_stays_when_the_folders_would_take_too_many_system_watches(tmp_path, monkeypatch):
    limit = tmp_path / "max_user_watches"
    limit.write_text("6\n")
    monkeypatch.setattr(watching, "INOTIFY_LIMIT", limit)
    cases = tmp_path / "cases"
    for number in range(4):
        (cases / f"case-{number}" / "images").mkdir(parents=True)
    server = _server(tmp_path, Builds())
    assert watching.folders_under([str(cases)]) == 9
    assert not watching.watch_with_native_events(server, [str(cases)])
    assert isinstance(server.observer, PollingObserver)
    limit.write_text("100\n")
    assert watching.within_watch_limit([str(cases)])


@pytest.mark.parametrize("file_events", [True, False])
def test_the_plugin_setting_chooses_file_events_or_mkdocs_polling(tmp_path, file_events):
    from mkdocs.config import load_config
    (tmp_path / "cases").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\nplugins:\n  - case-library:\n      file_events: {str(file_events).lower()}\n")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    server = _server(tmp_path, Builds())
    server.watch(config.docs_dir)  # what mkdocs serve watches before the plugins' on_serve
    server.watch(config.config_file_path)
    config.plugins.on_serve(server, config=config, builder=None)
    native = watching.native_observer_class() is not None and file_events
    assert isinstance(server.observer, PollingObserver) != native
    assert str(tmp_path / "cases") in server._watched_paths and config.docs_dir in server._watched_paths
