"""The commit hooks find the project's tools in the repository's .venv without an activated
environment (a real virtual environment, real pre-commit, real `git commit`), and say exactly
what to do when the tools are not installed."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import CASE_YAML, REPO_ROOT, RepoBuilder, git, git_env

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
# Only the system's own folders: no pyenv shims, no ~/.local/bin, no activated environment.
BARE_PATH = "/usr/bin:/bin"


def make_venv(folder: Path) -> Path:
    """A real virtual environment whose `site-gen` is the console script pip writes for the
    project's entry point (site-gen = site_gen.cli:main).  It sees this interpreter's packages,
    so the test needs no package index."""
    venv.EnvBuilder(system_site_packages=True, with_pip=False, symlinks=True).create(folder)
    python = folder / "bin" / "python"
    script = folder / "bin" / "site-gen"
    script.write_text(f"#!{python}\nimport sys\nfrom site_gen.cli import main\n"
                      "if __name__ == '__main__':\n    sys.exit(main())\n")
    script.chmod(0o755)
    return python


def hooked(tmp_path: Path) -> tuple[RepoBuilder, dict]:
    builder = RepoBuilder(tmp_path / "repo")
    builder.user("adoe")
    shutil.copy(REPO_ROOT / ".pre-commit-config.yaml", builder.root)
    shutil.copytree(REPO_ROOT / "hooks", builder.root / "hooks")
    (builder.root / ".gitignore").write_text(".venv/\n")
    env = git_env(tmp_path)
    assert git("init", "-q", "-b", "main", cwd=builder.root, env=env).returncode == 0
    return builder, env


def install_hooks(builder: RepoBuilder, env: dict, python: str) -> None:
    # `pre-commit install` records the interpreter it ran with: commits work without activation.
    done = subprocess.run([python, "-m", "pre_commit", "install"], cwd=builder.root, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_hooks_use_the_repository_venv_without_activation(tmp_path):
    builder, env = hooked(tmp_path)
    python = make_venv(builder.root / ".venv")
    install_hooks(builder, env, str(python))
    bare = dict(env, PATH=BARE_PATH)
    bare.pop("VIRTUAL_ENV", None)
    assert subprocess.run(["sh", "-c", "command -v site-gen"], env=bare).returncode != 0

    builder.case(text=CASE_YAML.replace("Sudden right-sided", "Mr John Smith has sudden right-sided"))
    git("add", ".", cwd=builder.root, env=bare)
    refused = git("commit", "-qm", "add case", cwd=builder.root, env=bare)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "NAME" in output and "cases/pneumothorax/case.yml:9:" in output
    assert "not installed" not in output

    builder.case(text=CASE_YAML)
    git("add", ".", cwd=builder.root, env=bare)
    accepted = git("commit", "-qm", "add case", cwd=builder.root, env=bare)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "All good" in accepted.stdout + accepted.stderr  # verbose hooks show their summaries

    # `pre-commit run --all-files` shows each hook's summary and how long it took.
    everything = subprocess.run([str(python), "-m", "pre_commit", "run", "--all-files"], cwd=builder.root,
                                env=bare, capture_output=True, text=True)
    output = everything.stdout + everything.stderr
    assert everything.returncode == 0, output
    assert output.count("- duration:") == 2
    assert re.search(r"possible patient identifiers in \d+ files checked .* in \d+(\.\d)? s\.", output), output


def test_hooks_say_what_to_do_when_site_gen_is_missing(tmp_path):
    builder, env = hooked(tmp_path)
    install_hooks(builder, env, sys.executable)
    bare = dict(env, PATH=BARE_PATH)
    bare.pop("VIRTUAL_ENV", None)
    builder.case(text=CASE_YAML)
    git("add", ".", cwd=builder.root, env=bare)
    refused = git("commit", "-qm", "add case", cwd=builder.root, env=bare)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "site-gen is not installed" in output and "python3 -m venv .venv" in output
    assert ".venv/bin/python -m pip install -e ." in output and "Executable" not in output
    assert git("rev-list", "--all", cwd=builder.root, env=bare).stdout.strip() == ""  # nothing committed
