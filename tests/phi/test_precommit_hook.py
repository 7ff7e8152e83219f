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


def commit(builder, env, message="change"):
    git("add", "-A", cwd=builder.root, env=env)
    return git("commit", "-qm", message, cwd=builder.root, env=env)


def commits(builder, env) -> int:
    return int(git("rev-list", "--count", "HEAD", cwd=builder.root, env=env).stdout.strip())


def test_a_staged_symbolic_link_is_refused(hooked_repo, tmp_path):
    """pre-commit passes only regular files unless told otherwise: the hook must see links too."""
    import os
    builder, env = hooked_repo
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "case.yml").write_text(CASE_YAML.replace("Sudden right-sided", "Mr John Smith has sudden"))
    os.symlink(outside, builder.root / "cases" / "linked-case")
    refused = commit(builder, env)
    assert refused.returncode != 0 and "symbolic link" in refused.stdout + refused.stderr
    assert commits(builder, env) == 1
    os.unlink(builder.root / "cases" / "linked-case")
    builder.case()
    os.symlink("/etc/hostname", builder.root / "cases" / "pneumothorax" / "notes.md")
    refused = commit(builder, env)
    assert refused.returncode != 0 and "leading outside pneumothorax/" in refused.stdout + refused.stderr
    assert commits(builder, env) == 1


def test_every_published_folder_is_checked_on_commit(hooked_repo):
    builder, env = hooked_repo
    pages = {"docs/about.md": "Ask Dr Peter Marchetti about the case.\n",
             "collections/chest.yml": "title: Chest\ndescription: From Mary Jones's admission.\n",
             "Cases/quiet/notes.md": "Seen by John Smith.\n"}
    for rel, text in pages.items():
        path = builder.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        refused = commit(builder, env)
        assert refused.returncode != 0 and rel in refused.stdout + refused.stderr, rel
        git("reset", "-q", cwd=builder.root, env=env)
        path.unlink()
    assert commits(builder, env) == 1
