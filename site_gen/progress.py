"""Progress of long operations on stderr, and their total time.

When stderr is a terminal, a progress bar (tqdm) shows how far a check, an import or a review
has got; in CI, in pre-commit and when the output goes to a file or a pipe there is no bar,
and the command's one-line summary says what was done and how long it took.  Every long
operation prints its total time either way.

    with Progress("patient information", unit="file") as progress:
        report = scan(paths, root, progress=progress.advance)
    print(f"{report.files} files checked in {progress.took}.", file=sys.stderr)

SITE_GEN_PROGRESS=bar or =plain overrides the choice (e.g. plain in a terminal recording).
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from typing import TextIO

BAR, PLAIN = "bar", "plain"
_ENVIRONMENT = "SITE_GEN_PROGRESS"


def style(stream: TextIO | None = None) -> str:
    """'bar' for an interactive terminal, else 'plain' (CI, pipes, files, dumb terminals)."""
    forced = os.environ.get(_ENVIRONMENT, "").strip().lower()
    if forced in (BAR, PLAIN):
        return forced
    stream = stream or sys.stderr
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return PLAIN
    try:
        return BAR if stream.isatty() else PLAIN
    except (AttributeError, ValueError):  # closed or unusual streams
        return PLAIN


def _width(stream: TextIO) -> dict:
    """Follow the terminal's size; a terminal that reports none (0 x 0, e.g. a bare pseudo-terminal)
    gets COLUMNS/LINES or 100 x 24, where tqdm would draw nothing."""
    try:
        if os.get_terminal_size(stream.fileno()).columns > 0:
            return {"dynamic_ncols": True}
    except (AttributeError, ValueError, OSError):
        pass
    size = shutil.get_terminal_size((100, 24))
    return {"ncols": size.columns, "nrows": size.lines or 24}


def duration(seconds: float) -> str:
    """0.42 -> '0.4 s', 12.3 -> '12 s', 125 -> '2 min 05 s'."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


class Progress:
    """A progress bar on a terminal, nothing while running elsewhere; always the elapsed time."""

    def __init__(self, label: str, total: int | None = None, unit: str = "file", *,
                 stream: TextIO | None = None):
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.started = time.perf_counter()
        self.finished: float | None = None
        self._bar = None
        if style(self.stream) == BAR:
            from tqdm import tqdm
            self._bar = tqdm(total=total, desc=label, unit=f" {unit}", file=self.stream, leave=False,
                             mininterval=0.2, **_width(self.stream))

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def advance(self, done: int, total: int | None = None) -> None:
        """`done` of `total` items so far (the callback the scanner and loaders take)."""
        if total is not None and total != self.total:
            self.total = total
            if self._bar is not None:
                self._bar.total = total
                self._bar.refresh()
        if self._bar is not None and done > self.done:
            self._bar.update(done - self.done)
        self.done = max(self.done, done)

    def update(self, count: int = 1) -> None:
        self.advance(self.done + count)

    def close(self) -> None:
        if self.finished is None:
            self.finished = time.perf_counter()
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    @property
    def seconds(self) -> float:
        return (self.finished or time.perf_counter()) - self.started

    @property
    def took(self) -> str:
        return duration(self.seconds)

    def summary(self, message: str) -> None:
        """Print `message` with the total time as the operation's one-line summary."""
        self.close()
        print(f"{message.rstrip('.')} in {self.took}.", file=self.stream)
