"""Under `mkdocs serve`, a saved file is noticed through the system's file events, not by polling.

MkDocs' server polls what it watches twice a second (watchdog's PollingObserver): each poll walks
and stats every file of the library.  At 1,000 cases that is a tenth of a second of work taken
from the rebuild while it runs, and a quarter of a second's wait on average before a save is
seen at all.  watchdog's native observer (inotify on Linux, FSEvents on macOS,
ReadDirectoryChangesW on Windows) is told at once.  It takes the polling observer's place before
the server starts, when the platform has one, watchdog can filter events by kind (a build reading
a case must not count as a change), the folders fit well within the system's watch limit, and
a trial observer of them starts; otherwise MkDocs' polling stays, as before.
"""
from __future__ import annotations

import inspect
import logging
import os
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.case-library")
INOTIFY_LIMIT = Path("/proc/sys/fs/inotify/max_user_watches")


def _changes() -> list[type]:
    """Events that mean a file changed; reading one (opened, closed without writing) does not."""
    from watchdog import events
    return [events.FileCreatedEvent, events.FileDeletedEvent, events.FileModifiedEvent,
            events.FileMovedEvent, events.FileClosedEvent, events.FileAttribEvent,
            events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent]


def native_observer_class() -> type | None:
    """The platform's event-driven observer, told to report changes only; None when there is none."""
    from watchdog.observers import Observer
    from watchdog.observers.api import BaseObserver
    from watchdog.observers.polling import PollingObserver
    if issubclass(Observer, PollingObserver) or "event_filter" not in inspect.signature(Observer.schedule).parameters:
        return None
    changes = _changes()

    class ChangesObserver(Observer):  # type: ignore[misc, valid-type]
        def schedule(self, event_handler, path, *, recursive=False, event_filter=None, **kwargs):
            return BaseObserver.schedule(self, event_handler, path, recursive=recursive,
                                         event_filter=event_filter or changes, **kwargs)

    return ChangesObserver


def folders_under(paths: list[str]) -> int:
    """How many folders recursive watches of these paths take (inotify: one watch each)."""
    count = 0
    for path in paths:
        if os.path.isdir(path):
            count += sum(1 for _ in os.walk(path))
        else:
            count += 1
    return count


def within_watch_limit(paths: list[str]) -> bool:
    """Linux counts watches per user: leave at least half of them to other programs."""
    try:
        limit = int(INOTIFY_LIMIT.read_text())
    except (OSError, ValueError):
        return True  # not Linux: FSEvents and ReadDirectoryChangesW watch a tree as one
    return folders_under(paths) <= limit // 2


def _can_watch(native: type, paths: list[str]) -> bool:
    """Start and stop a trial observer of these paths: the server must not fail later, when it
    starts its own, because the system refuses more watches or instances."""
    from watchdog.events import FileSystemEventHandler
    probe = native()
    try:
        for path in paths:
            probe.schedule(FileSystemEventHandler(), path, recursive=True)
        probe.start()
    except OSError as error:
        log.info("case-library: the system's file events are not available (%s); mkdocs serve polls",
                 error.strerror or type(error).__name__)
        return False
    finally:
        probe.stop()
        if probe.is_alive():
            probe.join(timeout=5)
    return True


def watch_with_native_events(server, extra_paths: list[str]) -> bool:
    """Move the server's watches (and those about to be added) to the native observer, before the
    server starts it.  False, and MkDocs' polling unchanged, when that cannot be done safely."""
    from watchdog.observers.polling import PollingObserver
    observer = getattr(server, "observer", None)
    watched = getattr(server, "_watched_paths", None)
    native = native_observer_class()
    if (native is None or not isinstance(observer, PollingObserver) or observer.is_alive()
            or not isinstance(watched, dict) or not hasattr(server, "unwatch")):
        return False
    counts = {path: count for path, count in watched.items() if isinstance(count, int) and count > 0}
    paths = list(counts) + [os.path.abspath(p) for p in extra_paths]
    if not within_watch_limit(paths):
        log.info("case-library: too many folders for the system's file events; mkdocs serve polls them")
        return False
    if not _can_watch(native, paths):
        return False
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = native()
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)
    return True
