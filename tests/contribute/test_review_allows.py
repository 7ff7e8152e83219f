"""The editor's review report lists every allow that silenced something, with reasons masked."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from site_gen.cli import main
from tests.conftest import CASE_YAML

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(*args, cwd):
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", *args], cwd=cwd,
                          capture_output=True, text=True)


def test_review_lists_the_allows_a_pull_request_uses(repo, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SITE_GEN_CACHE", str(tmp_path / "cache"))
    git("init", "-q", "-b", "main", cwd=repo.root)
    git("add", ".", cwd=repo.root)
    git("commit", "-qm", "start", cwd=repo.root)
    text = CASE_YAML.replace(
        "discussion: Primary spontaneous pneumothorax occurs in tall young men without lung disease.",
        "discussion: Seen by John Smith.  # phi: allow NAME: fictional quiz name, as Mary Jones said")
    repo.case(slug="allowed", text=text)
    git("add", ".", cwd=repo.root)
    git("commit", "-qm", "case with an allow", cwd=repo.root)
    code = main(["--root", str(repo.root), "review", "main~1..main"])
    out = capsys.readouterr().out
    assert "(1 allowed)" in out
    assert "cases/allowed/case.yml:29: inline allow NAME: fictional quiz name" in out
    assert "John" not in out and "Smith" not in out and "Mary" not in out
    assert code == 1  # the reason itself names someone: reported
