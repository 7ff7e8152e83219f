"""Long operations show a progress bar on a terminal (a real pseudo-terminal here), a plain
one-line summary elsewhere, and their total time either way."""
from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest

from site_gen.progress import Progress, duration, style
from tests.conftest import write_png

TIME = re.compile(r" in \d+(?:\.\d)? s\.| in \d+ min \d\d s\.")


def run_on_terminal(argv: list[str], env: dict, size: tuple[int, int] = (30, 100)) -> str:
    """Run a command with stdout and stderr on a pseudo-terminal of `size` (lines, columns);
    returns everything it showed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            process.kill()
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the command has ended
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def many_files(repo):
    repo.case(images={"xr": 12})
    for index in range(40):
        (repo.root / "cases" / "pneumothorax" / f"note-{index:02d}.md").write_text("Normal chest radiograph.\n")
    return repo


def environment(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "SITE_GEN_PROGRESS", "TERM")}
    env.update(TERM="xterm", COLUMNS="100", **extra)
    return env


def test_a_terminal_shows_a_bar_and_the_total_time(many_files, tmp_path):
    argv = [sys.executable, "-m", "site_gen", "--root", str(many_files.root), "check-phi", "--no-ocr", "--no-cache",
            str(many_files.root / "cases")]
    for size in ((30, 100), (0, 0)):  # a sized terminal, and one that reports no size
        shown = run_on_terminal(argv, environment(), size)
        assert "Looking for patient information" in shown and "%|" in shown  # tqdm's bar
        assert "/53 " in shown  # the total is known: "12/53 [00:01<00:03, ...]"
        assert TIME.search(shown), shown


def test_ci_and_pipes_get_one_plain_summary_line(many_files):
    argv = [sys.executable, "-m", "site_gen", "--root", str(many_files.root), "check-phi", "--no-ocr", "--no-cache",
            str(many_files.root / "cases")]
    shown = run_on_terminal(argv, environment(CI="true"))
    assert "%|" not in shown and "Looking for patient information" not in shown
    assert TIME.search(shown)
    piped = subprocess.run(argv, capture_output=True, text=True, env=environment())
    assert "\r" not in piped.stderr and "%|" not in piped.stderr
    lines = [line for line in piped.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and TIME.search(lines[0]), piped.stderr


def test_validate_and_check_print_their_total_time(many_files):
    for command in (["validate"], ["check", "--no-ocr", "cases/pneumothorax"]):
        done = subprocess.run([sys.executable, "-m", "site_gen", "--root", str(many_files.root), *command],
                              capture_output=True, text=True, env=environment(), cwd=many_files.root)
        assert TIME.search(done.stderr), (command, done.stdout, done.stderr)


def test_progress_counts_and_times(capsys, monkeypatch):
    monkeypatch.setenv("SITE_GEN_PROGRESS", "plain")
    with Progress("work", unit="case") as progress:
        for done in range(1, 4):
            progress.advance(done, 3)
    assert progress.done == 3 and progress.total == 3 and progress.seconds >= 0
    progress.summary("3 cases checked.")
    assert re.fullmatch(r"3 cases checked in \d\.\d s\.\n", capsys.readouterr().err)
    monkeypatch.setenv("SITE_GEN_PROGRESS", "bar")
    assert style() == "bar"
    monkeypatch.delenv("SITE_GEN_PROGRESS")
    monkeypatch.setenv("CI", "true")
    assert style() == "plain"


@pytest.mark.parametrize("seconds, text", [(0.42, "0.4 s"), (12.3, "12 s"), (125, "2 min 05 s"), (3600, "60 min 00 s")])
def test_duration(seconds, text):
    assert duration(seconds) == text


