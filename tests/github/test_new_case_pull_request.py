"""The pull-request workflow's membership step, run as CI runs it on a real Git repository: a
contributor's new case passes without touching CODEOWNERS; a change of editors still needs it."""
from __future__ import annotations

import os
import re
import subprocess

import yaml

from tests.conftest import CASE_YAML, REPO_ROOT
from tests.people.helpers import People, git

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "pull-request.yml"


def membership_step() -> dict:
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["check"]["steps"]
    return next(step for step in steps if "site-gen check-pr" in step.get("run", ""))


def run_step(root, author: str) -> subprocess.CompletedProcess:
    """The step's shell command with the workflow's expressions filled in as GitHub would."""
    step = membership_step()
    env = dict(os.environ, BASE_REF="main")
    for name, value in (step.get("env") or {}).items():
        env[name] = re.sub(r"\$\{\{\s*github\.event\.pull_request\.user\.login\s*\}\}", author, str(value))
    git(root, "update-ref", "refs/remotes/origin/main", "main")  # what actions/checkout fetches
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True)


def test_new_case_passes_and_editor_changes_are_checked(tmp_path, capsys):
    people = People(tmp_path, capsys)
    people.add("carol")
    assert people.cli("codeowners")[0] == 0
    people.commit("members")
    codeowners_before = (people.root / ".github" / "CODEOWNERS").read_text()

    git(people.root, "checkout", "-q", "-b", "new-case")
    people.repo.case("lung-abscess", text=CASE_YAML.replace("[adoe]", "[carol]"))
    people.commit("Add lung abscess case")
    done = run_step(people.root, "carol")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "review cases/lung-abscess" in done.stderr
    assert (people.root / ".github" / "CODEOWNERS").read_text() == codeowners_before

    git(people.root, "checkout", "-q", "main")
    git(people.root, "checkout", "-q", "-b", "new-editor")
    people.set("carol", "role", "editor")
    people.commit("carol becomes an editor")
    done = run_step(people.root, "adoe")
    assert done.returncode == 1 and "site-gen codeowners" in done.stdout
