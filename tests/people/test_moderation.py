"""The takedown, strike and suspension chain, and a suspended member's pull request rejected."""
from __future__ import annotations

import yaml

from site_gen.model.library import load_library
from site_gen.people.moderation import read_log
from site_gen.site.build import generate_site
from tests.conftest import CASE_YAML
from tests.people.helpers import git


def case_by(author: str) -> str:
    return CASE_YAML.replace("authors: [adoe]", f"authors: [{author}, cowriter]")


def test_takedown_strikes_then_suspends_and_blocks_cases(people, tmp_path, monkeypatch):
    people.add("editor1")
    people.set("editor1", "role", "editor")
    people.add("careless")
    people.add("cowriter")
    for slug in ("one", "two", "three"):
        people.repo.case(slug, text=case_by("careless"))
    cache = tmp_path / "cache"
    generate_site(people.root, cache)  # converted images of the cases, to be removed too
    assert len(list((cache / "media").glob("*/*"))) == 1  # same image in each case: one entry
    assert people.cli("codeowners")[0] == 0
    people.commit("cases")

    monkeypatch.setenv("SITE_GEN_CACHE", str(cache))
    code, _, err = people.cli("takedown", "one", "--reason", "copyright", "--editor", "editor1")
    assert code == 0, err
    assert not (people.root / "cases" / "one").exists()
    assert "git add -A cases/one users/careless.yml users/cowriter.yml moderation/log.yml .github/CODEOWNERS" in err
    assert "/cases/one/" not in (people.root / ".github" / "CODEOWNERS").read_text()
    assert not list((cache / "media").glob("*/*"))

    code, _, err = people.cli("takedown", "two", "--reason", "phi", "--editor", "editor1")
    assert code == 0 and "SUSPENDED" not in err and "docs/editors.md" in err
    careless = load_library(people.root, only=[]).users["careless"]
    assert (careless.status, careless.phi_strikes, len(careless.strikes)) == ("active", 1, 2)

    code, _, err = people.cli("takedown", "cases/three/", "--reason", "phi", "--editor", "editor1")
    assert code == 0 and "@careless — now SUSPENDED" in err
    library = load_library(people.root)
    assert library.problems == []
    assert library.users["careless"].is_suspended and library.users["cowriter"].is_suspended
    log = read_log(people.root)
    assert [(e["case"], e["reason"], e["editor"], e["struck"]) for e in log] == [
        ("one", "copyright", "editor1", ["careless", "cowriter"]),
        ("two", "phi", "editor1", ["careless", "cowriter"]),
        ("three", "phi", "editor1", ["careless", "cowriter"])]
    assert all(set(e) == {"case", "reason", "date", "editor", "struck"} for e in log)
    people.commit("takedowns")

    # The suspended member opens a pull request adding a case: rejected.
    git(people.root, "checkout", "-q", "-b", "careless-new-case")
    people.repo.case("four", text=case_by("careless"))
    people.cli("codeowners")
    people.commit("new case")
    monkeypatch.setenv("GITHUB_ACTOR", "careless")
    code, out, err = people.cli("check-pr", "--base", "main")
    assert code == 1
    assert "@careless is suspended" in out and "cases/four" in out
    # The same change by an active member passes.
    monkeypatch.setenv("GITHUB_ACTOR", "editor1")
    code, out, err = people.cli("check-pr", "--base", "main")
    assert code == 0, out + err
    # Un-suspending oneself in the pull request does not help: the status at the base counts.
    git(people.root, "checkout", "-q", "main")
    git(people.root, "checkout", "-q", "-b", "careless-unsuspend")
    people.set("careless", "status", "active")
    people.repo.case("five", text=case_by("careless"))
    people.cli("codeowners")
    people.commit("sneaky")
    monkeypatch.setenv("GITHUB_ACTOR", "careless")
    code, out, _ = people.cli("check-pr", "--base", "main")
    assert code == 1 and "@careless is suspended" in out and "you changed status in your own profile" in out


def test_takedown_refuses_non_editors_unknown_cases_and_uncommitted_work(people):
    people.add("plain")
    people.repo.case("kept", text=case_by("plain"))
    people.commit()
    code, _, err = people.cli("takedown", "kept", "--reason", "phi", "--editor", "plain")
    assert code == 2 and "'plain' is not an editor" in err
    code, _, err = people.cli("takedown", "missing", "--reason", "phi", "--editor", "adoe")
    assert code == 2 and "there is no case 'cases/missing'" in err
    (people.root / "cases" / "kept" / "notes.txt").write_text("draft")
    code, _, err = people.cli("takedown", "kept", "--reason", "other", "--editor", "adoe")
    assert code == 2 and "never committed" in err and "--force" in err
    assert (people.root / "cases" / "kept" / "case.yml").exists()
    assert not (people.root / "moderation").exists()


def test_the_strike_limit_is_configurable(people):
    (people.root / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - case-library:\n"
                                            "      cache_dir: !ENV [SITE_GEN_CACHE, .cache]\n"
                                            "      suspend_after_phi_strikes: 1\n")
    people.add("once")
    people.repo.case("leak", text=CASE_YAML.replace("[adoe]", "[once]"))
    people.commit()
    code, _, err = people.cli("takedown", "leak", "--reason", "phi", "--editor", "adoe")
    assert code == 0 and "@once — now SUSPENDED" in err
    data = yaml.safe_load((people.root / "users" / "once.yml").read_text())
    assert data["status"] == "suspended" and data["strikes"][0]["case"] == "leak"
