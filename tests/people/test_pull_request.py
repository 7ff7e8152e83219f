"""A member edits only their own profile, and not its editorial fields, unless an editor approves."""
from __future__ import annotations

from tests.conftest import CASE_YAML
from tests.people.helpers import git


def open_pull_request(people, branch: str) -> None:
    git(people.root, "checkout", "-q", "main")
    git(people.root, "checkout", "-q", "-b", branch)


def test_profile_edits(people, monkeypatch):
    people.add("alice")
    people.add("bob")
    people.add("ed")
    people.set("ed", "role", "editor")
    assert people.cli("codeowners")[0] == 0
    people.commit("members")
    monkeypatch.setenv("GITHUB_ACTOR", "alice")
    monkeypatch.delenv("SITE_GEN_PR_AUTHOR", raising=False)
    monkeypatch.delenv("SITE_GEN_PR_APPROVERS", raising=False)

    open_pull_request(people, "own")
    people.set("alice", "city", "Leeds")
    people.set("alice", "contact", False)
    people.commit()
    code, out, err = people.cli("check-pr", "--base", "main")
    assert code == 0, out + err

    open_pull_request(people, "other")
    people.set("bob", "city", "Hull")
    people.commit()
    code, out, _ = people.cli("check-pr", "--base", "main")
    assert code == 1 and "users/bob.yml: this is @bob's profile" in out
    monkeypatch.setenv("SITE_GEN_PR_APPROVERS", "bob")  # a member's approval is not enough
    assert people.cli("check-pr", "--base", "main")[0] == 1
    monkeypatch.setenv("SITE_GEN_PR_APPROVERS", "bob, ed")
    code, _, err = people.cli("check-pr", "--base", "main")
    assert code == 0 and "approved by editor(s): @ed" in err
    monkeypatch.delenv("SITE_GEN_PR_APPROVERS")

    open_pull_request(people, "promote")
    people.set("alice", "role", "editor")
    people.cli("codeowners")
    people.commit()
    code, out, _ = people.cli("check-pr", "--base", "main")
    assert code == 1 and "users/alice.yml: you changed role in your own profile" in out
    monkeypatch.setenv("SITE_GEN_PR_AUTHOR", "ed")  # takes precedence over GITHUB_ACTOR; editors may
    assert people.cli("check-pr", "--base", "main")[0] == 0

    open_pull_request(people, "editorial-file")
    monkeypatch.setenv("SITE_GEN_PR_AUTHOR", "alice")
    recipients = people.root / "users" / "editors.recipients"
    recipients.write_text(recipients.read_text() + "# alice was here\n")
    people.commit()
    code, out, _ = people.cli("check-pr", "--base", "main")
    assert code == 1 and "users/editors.recipients: this is an editorial file" in out


def test_a_new_case_needs_no_codeowners_change_but_new_editors_do(people, monkeypatch):
    people.add("carol")
    people.add("ed")
    people.set("ed", "role", "editor")
    people.set("ed", "systems", ["chest"])
    people.set("adoe", "systems", ["neuroradiology"])
    people.cli("codeowners")
    people.commit()
    open_pull_request(people, "case")
    people.repo.case("new-case", text=CASE_YAML.replace("[adoe]", "[carol]"))
    people.commit()
    monkeypatch.delenv("SITE_GEN_PR_AUTHOR", raising=False)
    monkeypatch.delenv("GITHUB_ACTOR", raising=False)
    code, out, _ = people.cli("check-pr", "--base", "main")
    assert code == 1 and "author is unknown" in out
    code, out, err = people.cli("check-pr", "--base", "main", "--author", "carol")
    assert code == 0, out + err
    assert "review cases/new-case (chest, trauma): @ed" in err
    assert "CODEOWNERS" not in out

    # An editor's own case goes to another editor.
    code, out, err = people.cli("check-pr", "--base", "main", "--author", "ed")
    assert code == 0 and "review cases/new-case (chest, trauma): @adoe" in err

    # A stale file on main is the editors' bookkeeping: a note, never the contributor's failure.
    open_pull_request(people, "promote-on-main")
    git(people.root, "checkout", "-q", "main")
    people.set("carol", "role", "editor")
    people.commit("editor added without regenerating CODEOWNERS")
    open_pull_request(people, "second-case")
    people.repo.case("second-case", text=CASE_YAML)
    people.commit()
    code, out, err = people.cli("check-pr", "--base", "main", "--author", "carol")
    assert code == 0 and "on the base branch is out of date" in err

    # A pull request that changes the editors must bring the regenerated file.
    git(people.root, "checkout", "-q", "main")
    people.cli("codeowners")
    people.commit("regenerate")
    open_pull_request(people, "new-editor")
    people.set("carol", "systems", ["chest"])
    people.add("dan")
    people.set("dan", "role", "editor")
    people.commit()
    code, out, err = people.cli("check-pr", "--base", "main", "--author", "ed")
    assert code == 1 and ".github/CODEOWNERS no longer matches the editors" in out and "site-gen codeowners" in out
    people.cli("codeowners")
    people.commit()
    code, out, err = people.cli("check-pr", "--base", "main", "--author", "ed")
    assert code == 0, out + err
