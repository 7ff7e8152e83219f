"""check-pr on the files of a pull request, in real Git repositories: names Git quotes, renames,
symbolic links, caches and generated files, capitals, allow-file entries and tool changes."""
from __future__ import annotations

import os

import pytest

from tests.conftest import CASE_YAML
from tests.people.helpers import git


@pytest.fixture
def board(people, monkeypatch):
    """An editor (adoe), a suspended member (sam) and an active member (mia), CODEOWNERS current."""
    people.add("sam")
    people.add("mia")
    people.set("sam", "status", "suspended")
    people.repo.case("pneumothorax")
    assert people.cli("codeowners")[0] == 0
    people.commit("members and a case")
    for name in ("SITE_GEN_PR_AUTHOR", "GITHUB_ACTOR", "SITE_GEN_PR_APPROVERS"):
        monkeypatch.delenv(name, raising=False)
    return people


def pull_request(people, branch: str) -> None:
    git(people.root, "checkout", "-q", "main")
    git(people.root, "checkout", "-q", "-b", branch)


def check(people, author: str, *approvers: str) -> tuple[int, str]:
    extra = ["--approved-by", ",".join(approvers)] if approvers else []
    code, out, err = people.cli("check-pr", "--base", "main", "--author", author, *extra)
    return code, out + err


def test_a_suspended_member_cannot_slip_a_case_in_by_a_quoted_name_a_rename_or_a_link(board):
    pull_request(board, "quoted")
    board.repo.case("pneumothorax-é", text=CASE_YAML.replace("Primary", "Another"))
    board.commit()
    code, out = check(board, "sam")
    assert code == 1 and "@sam is suspended" in out and "cases/pneumothorax-é" in out

    pull_request(board, "renamed")
    git(board.root, "mv", "cases/pneumothorax", "cases/pneumothorax-renamed")
    board.commit()
    code, out = check(board, "sam")
    assert code == 1 and "@sam is suspended" in out and "cases/pneumothorax-renamed" in out

    pull_request(board, "linked")
    hidden = board.root / "drafts" / "new-case"
    hidden.parent.mkdir()
    os.rename(board.repo.case("new-case").parent, hidden)
    os.symlink("../drafts/new-case", board.root / "cases" / "new-case")
    board.commit()
    code, out = check(board, "sam")
    assert code == 1 and "cases/new-case: this is a symbolic link" in out and "@sam is suspended" in out


def test_links_caches_and_generated_files_are_refused_whoever_sends_them(board):
    pull_request(board, "generated")
    cache = board.root / ".cache/site-gen/phi/0123/ab/abcdef.json"
    cache.parent.mkdir(parents=True)
    cache.write_text('{"findings": []}')
    (board.root / "site").mkdir()
    (board.root / "site/index.html").write_text("<p>old build</p>")
    (board.root / "cases/pneumothorax/__pycache__").mkdir()
    (board.root / "cases/pneumothorax/__pycache__/x.pyc").write_bytes(b"\0")
    git(board.root, "add", "-f", ".")
    git(board.root, "commit", "-q", "-m", "generated files")
    code, out = check(board, "adoe")  # even an editor
    assert code == 1
    for path in (".cache/site-gen/phi/0123/ab/abcdef.json", "site/index.html", "cases/pneumothorax/__pycache__/x.pyc"):
        assert f"{path}: caches and generated files may not be committed" in out

    pull_request(board, "link-in-docs")
    (board.root / "docs").mkdir()
    os.symlink("/etc/hostname", board.root / "docs" / "host.md")
    board.commit()
    code, out = check(board, "adoe")
    assert code == 1 and "docs/host.md: this is a symbolic link" in out


def test_capitals_and_gitattributes(board):
    pull_request(board, "capitals")
    (board.root / "Cases/other").mkdir(parents=True)
    (board.root / "Cases/other/case.yml").write_text(CASE_YAML)
    (board.root / "cases/Pneumothorax").mkdir()
    (board.root / "cases/Pneumothorax/notes.md").write_text("x\n")
    (board.root / "cases/pneumothorax/.gitattributes").write_text("*.md export-ignore\n")
    board.commit()
    code, out = check(board, "mia")
    assert code == 1
    assert "Cases/other/case.yml: 'Cases' is not 'cases'" in out
    assert "cases/Pneumothorax: differs from cases/pneumothorax only in capitals" in out
    assert "cases/pneumothorax/.gitattributes: .gitattributes changes what is checked out" in out


def test_only_editors_grant_allow_file_entries(board):
    entry = ("- path: cases/pneumothorax/xr/01.png\n  sha256: " + "a" * 64 + "\n  category: NAME\n"
             "  reason: vendor label\n")
    pull_request(board, "self-granted")
    (board.root / ".phi-allow.yml").write_text(entry)
    board.commit()
    code, out = check(board, "mia")
    assert code == 1 and ".phi-allow.yml: only editors grant exemptions" in out
    code, out = check(board, "mia", "adoe")  # an approval can predate a later push: not enough
    assert code == 1 and ".phi-allow.yml: only editors grant exemptions" in out
    code, out = check(board, "adoe")
    assert code == 0, out


def test_tool_changes_need_an_editor(board):
    pull_request(board, "tools")
    (board.root / "site_gen").mkdir()
    (board.root / "site_gen/phi.py").write_text("PASS_EVERYTHING = True\n")
    board.commit()
    code, out = check(board, "mia")
    assert code == 1 and "site_gen/phi.py: changes to the tools, checks or site configuration need an editor" in out
    code, out = check(board, "mia", "adoe")
    assert "site_gen/phi.py" not in out
