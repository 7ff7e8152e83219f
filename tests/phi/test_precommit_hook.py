"""The real pre-commit hook, installed in a real Git repository, refuses a commit that adds PHI."""
import os
import shutil
import subprocess

import pytest

from tests.conftest import CASE_YAML, REPO_ROOT, RepoBuilder

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(*args, cwd, env):
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture
def hooked_repo(tmp_path):
    builder = RepoBuilder(tmp_path / "repo")
    builder.user("adoe")
    shutil.copy(REPO_ROOT / ".pre-commit-config.yaml", builder.root)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), SITE_GEN_CACHE=str(tmp_path / "cache"),
               GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="t@example.invalid")
    assert git("init", "-q", "-b", "main", cwd=builder.root, env=env).returncode == 0
    installed = subprocess.run(["pre-commit", "install"], cwd=builder.root, env=env, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    git("add", ".", cwd=builder.root, env=env)
    assert git("commit", "-qm", "start", cwd=builder.root, env=env).returncode == 0
    return builder, env


def test_commit_with_patient_name_is_refused_and_clean_case_commits(hooked_repo):
    builder, env = hooked_repo
    builder.case(text=CASE_YAML.replace("Sudden right-sided", "Mr John Smith has sudden right-sided"))
    git("add", ".", cwd=builder.root, env=env)
    refused = git("commit", "-qm", "add case", cwd=builder.root, env=env)
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "cases/pneumothorax/case.yml:9:" in output and "NAME" in output
    assert "John" not in output and "Smith" not in output
    assert git("rev-list", "--count", "HEAD", cwd=builder.root, env=env).stdout.strip() == "1"

    builder.case(text=CASE_YAML)
    git("add", ".", cwd=builder.root, env=env)
    accepted = git("commit", "-qm", "add case", cwd=builder.root, env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git("rev-list", "--count", "HEAD", cwd=builder.root, env=env).stdout.strip() == "2"
