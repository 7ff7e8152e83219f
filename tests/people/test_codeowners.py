"""CODEOWNERS from users/: every case reviewed by an editor, routed by system."""
from __future__ import annotations

import json

from site_gen.model import schema
from site_gen.model.library import load_library
from site_gen.people import codeowners
from tests.conftest import CASE_YAML, REPO_ROOT


def test_codeowners_lists_editors_only_and_cases_are_routed_by_system(people):
    people.set("adoe", "role", "member")
    people.add("chesty")
    people.set("chesty", "role", "editor")
    people.set("chesty", "systems", ["chest"])
    people.add("neuro")
    people.set("neuro", "role", "editor")
    people.set("neuro", "systems", ["neuroradiology"])
    people.add("member")
    people.repo.case("pneumo", text=CASE_YAML)                                      # chest, trauma
    code, _, err = people.cli("codeowners")
    assert code == 0, err
    text = (people.root / ".github" / "CODEOWNERS").read_text()
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines == ["* @chesty @neuro"]
    assert not any("@member" in line or "@adoe" in line for line in text.splitlines())

    # New cases never change the file: a contributor has nothing to regenerate.
    people.repo.case("brain", text=CASE_YAML.replace("[chest, trauma]", "[neuroradiology]"))
    people.repo.case("bones", text=CASE_YAML.replace("[chest, trauma]", "[musculoskeletal]"))
    assert people.cli("codeowners", "--check")[0] == 0

    library = load_library(people.root)
    route = lambda slug, **kw: codeowners.editors_for_systems(library, library.case(slug).systems, **kw)  # noqa: E731
    assert route("pneumo") == ["chesty"] and route("brain") == ["neuro"]
    assert route("bones") == ["chesty", "neuro"]             # nobody covers it: every editor
    assert route("pneumo", besides="chesty") == ["neuro"]    # never the case's own author

    people.set("member", "role", "editor")  # a new editor changes the file
    code, _, err = people.cli("codeowners", "--check")
    assert code == 1 and "out of date" in err
    people.set("member", "status", "suspended")  # a suspended editor reviews nothing
    assert people.cli("codeowners", "--check")[0] == 0


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
