"""CODEOWNERS from users/: every case reviewed by an editor, routed by system."""
from __future__ import annotations

import json

from site_gen.model import schema
from site_gen.model.library import load_library
from site_gen.people import codeowners
from tests.conftest import CASE_YAML, REPO_ROOT


def test_cases_are_routed_to_the_editors_of_their_systems(people):
    people.set("adoe", "role", "member")
    people.add("chesty")
    people.set("chesty", "role", "editor")
    people.set("chesty", "systems", ["chest"])
    people.add("neuro")
    people.set("neuro", "role", "editor")
    people.set("neuro", "systems", ["neuroradiology"])
    people.add("member")
    people.repo.case("pneumo", text=CASE_YAML)                                      # chest, trauma
    people.repo.case("brain", text=CASE_YAML.replace("[chest, trauma]", "[neuroradiology]"))
    people.repo.case("bones", text=CASE_YAML.replace("[chest, trauma]", "[musculoskeletal]"))
    code, _, err = people.cli("codeowners")
    assert code == 0, err
    lines = (people.root / ".github" / "CODEOWNERS").read_text().splitlines()
    assert "* @chesty @neuro" in lines
    assert "/cases/pneumo/ @chesty" in lines
    assert "/cases/brain/ @neuro" in lines
    assert "/cases/bones/ @chesty @neuro" in lines  # nobody covers it: every editor
    assert not any("@member" in line or "@adoe" in line for line in lines)
    assert people.cli("codeowners", "--check")[0] == 0

    people.set("member", "role", "editor")  # a new section-less editor reviews everything
    code, _, err = people.cli("codeowners", "--check")
    assert code == 1 and "out of date" in err


def test_no_editor_is_an_error(people):
    people.add("lonely")
    people.set("adoe", "role", "member")
    code, _, err = people.cli("codeowners")
    assert code == 1 and "no member has 'role: editor'" in err
    assert not (people.root / ".github" / "CODEOWNERS").exists()


def test_the_repository_codeowners_is_up_to_date():
    expected = codeowners.generate(load_library(REPO_ROOT))
    assert codeowners.is_current(REPO_ROOT, expected), \
        ".github/CODEOWNERS is out of date: run 'site-gen codeowners' and commit it"


def test_editor_systems_are_the_case_systems():
    user_systems = schema.load_schema(schema.USER_SCHEMA)["properties"]["systems"]["items"]["enum"]
    case_systems = json.loads((REPO_ROOT / "site_gen/data/case.schema.json").read_text())["$defs"]["system"]["enum"]
    assert user_systems == case_systems
