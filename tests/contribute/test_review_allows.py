"""The editor's review report lists every allow that silenced something, with reasons masked."""
from __future__ import annotations

import shutil

import pytest

from site_gen.cli import main
from tests.conftest import CASE_YAML, git, git_env

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def test_review_lists_the_allows_a_pull_request_uses(repo, tmp_path, capsys, monkeypatch):
    env = git_env(tmp_path)
    monkeypatch.setenv("SITE_GEN_CACHE", env["SITE_GEN_CACHE"])
    git("init", "-q", "-b", "main", cwd=repo.root, env=env)
    git("add", ".", cwd=repo.root, env=env)
    git("commit", "-qm", "start", cwd=repo.root, env=env)
    text = CASE_YAML.replace(
        "discussion: Primary spontaneous pneumothorax occurs in tall young men without lung disease.",
        "discussion: Seen by John Smith.  # phi: allow NAME: fictional quiz name, as Mary Jones said")
    repo.case(slug="allowed", text=text)
    git("add", ".", cwd=repo.root, env=env)
    git("commit", "-qm", "case with an allow", cwd=repo.root, env=env)
    code = main(["--root", str(repo.root), "review", "main~1..main", "--contact-sheet", str(tmp_path / "sheet.png")])
    out = capsys.readouterr().out
    assert "(1 allowed)" in out
    assert "cases/allowed/case.yml:29: inline allow NAME: fictional quiz name" in out
    assert "John" not in out and "Smith" not in out and "Mary" not in out
    assert code == 1  # the reason itself names someone: reported
