"""The real pre-commit hook, installed in a real Git repository, refuses a commit that adds PHI."""
import shutil

import pytest

from tests.conftest import CASE_YAML, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


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
