"""Fixtures: a DICOM export with patient information, and a case repository under Git."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, RepoBuilder
from tests.contribute.exports import snapshot, write_ct_export, write_secondary_capture


@pytest.fixture(scope="session")
def export_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export-template") / "export"
    write_ct_export(folder, slices=6, size=96)
    write_secondary_capture(folder / "SC" / "IM0001")
    return folder


@pytest.fixture
def export(tmp_path, export_template) -> Path:
    """A fresh copy of the PHI-laden export for this test (the test may compare it afterwards)."""
    target = tmp_path / "export"
    shutil.copytree(export_template, target)
    return target


def git(*args, cwd, env=None, check=False):
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check)


def git_env(tmp_path: Path) -> dict:
    return dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), SITE_GEN_CACHE=str(tmp_path / "cache"),
                GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="t@example.invalid",
                GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="t@example.invalid")


def site_gen(*args, cwd, env=None):
    return subprocess.run(["site-gen", *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture
def hooked_repo(tmp_path):
    """A case repository under Git with the project's pre-commit hooks installed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    builder = RepoBuilder(tmp_path / "repo")
    builder.user("adoe")
    shutil.copy(REPO_ROOT / ".pre-commit-config.yaml", builder.root)
    env = git_env(tmp_path)
    assert git("init", "-q", "-b", "main", cwd=builder.root, env=env).returncode == 0
    installed = subprocess.run(["pre-commit", "install"], cwd=builder.root, env=env, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    git("add", ".", cwd=builder.root, env=env)
    assert git("commit", "-qm", "start", cwd=builder.root, env=env).returncode == 0
    return builder, env


__all__ = ["git", "git_env", "site_gen", "snapshot"]
