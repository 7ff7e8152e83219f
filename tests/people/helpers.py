"""Real keys, real age encryption and real Git repositories, made fresh in each test's folder."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pyrage import x25519

from site_gen.cli import main
from tests.conftest import RepoBuilder


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def age_key(folder: Path, name: str) -> tuple[Path, str]:
    """An age identity file and its public key."""
    identity = x25519.Identity.generate()
    path = folder / f"{name}.key"
    path.write_text(f"{identity}\n")
    return path, str(identity.to_public())


def ssh_key(folder: Path, name: str, kind: str = "ed25519") -> tuple[Path, str]:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    path = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", kind, *(["-b", "2048"] if kind == "rsa" else []), "-N", "",
                    "-C", f"{name}@laptop.example.org", "-f", str(path)], check=True)
    return path, (folder / f"{name}.pub").read_text().strip()


class People:
    """A case repository in Git with an editorial board key, the editor adoe, and helpers to add members."""

    def __init__(self, tmp_path: Path, capsys):
        self.keys = tmp_path / "keys"
        self.keys.mkdir()
        self.repo = RepoBuilder(tmp_path / "repo")
        self.root = self.repo.root
        self.capsys = capsys
        self.board_key, board_public = age_key(self.keys, "board")
        (self.root / "users" / "editors.recipients").write_text(f"# editorial board\n{board_public}\n")
        git(self.root, "init", "-q", "-b", "main")
        git(self.root, "config", "user.name", "Test")
        git(self.root, "config", "user.email", "test@localhost")
        git(self.root, "config", "commit.gpgsign", "false")
        self.add("adoe")                  # an editor (the sample case's author)
        self.set("adoe", "role", "editor")

    def cli(self, *argv: str) -> tuple[int, str, str]:
        return run_cli(self.capsys, "--root", str(self.root), *argv)

    def add(self, username: str, *extra: str, email: str | None = None, position: str = "fellow",
            country: str = "GB") -> Path:
        """Add a member with their own age key; returns their private key file."""
        key, public = age_key(self.keys, username)
        code, _, err = self.cli("users", "add", "--yes", "--username", username, "--first-name", username.title(),
                                "--surname", "Tester", "--position", position, "--country", country,
                                "--email", email or f"{username}@hospital.example.org", "--key", public, *extra)
        assert code == 0, err
        return key

    def set(self, username: str, name: str, value) -> None:
        from site_gen.people.registry import set_field
        path = self.root / "users" / f"{username}.yml"
        path.write_text(set_field(path.read_text(), name, value))

    def commit(self, message: str = "change") -> None:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", message)


@pytest.fixture
def people(tmp_path, capsys) -> People:
    return People(tmp_path, capsys)
