"""Usernames are one account whatever their case or Unicode form, as on the Git host."""
from __future__ import annotations

from site_gen.model.library import load_library
from site_gen.people.registry import username_key
from tests.people.helpers import age_key


def test_username_key_ignores_case_and_compatibility_forms():
    assert username_key("MALLORY") == username_key("mallory") == username_key("Mallory")
    assert username_key("ｍａｌｌｏｒｙ") == username_key("mallory")  # full-width letters
    assert username_key("ma\N{LATIN SMALL LIGATURE FF}y") == username_key("maffy")
    assert username_key("mallory") != username_key("mal1ory")


def test_validate_refuses_a_username_that_differs_only_in_case(people):
    people.add("mallory")
    original = (people.root / "users" / "mallory.yml").read_text()
    (people.root / "users" / "MALLORY.yml").write_text(original.replace("username: mallory", "username: MALLORY"))
    problems = [str(p) for p in load_library(people.root).problems]
    assert any(p.startswith("users/mallory.yml: this username is already taken by users/MALLORY.yml")
               for p in problems), problems
    code, _, err = people.cli("validate")
    assert code == 1 and "already taken by users/MALLORY.yml" in err + _


def test_users_add_refuses_a_case_variant_and_explains_full_width_letters(people):
    people.add("mallory")
    _, public = age_key(people.keys, "second")
    common = ["users", "add", "--yes", "--first-name", "M", "--surname", "X", "--position", "fellow",
              "--country", "GB", "--email", "m@example.org", "--key", public]
    code, _, err = people.cli(*common, "--username", "MALLORY")
    assert code == 2 and "users/mallory.yml already exists" in err and "whatever their case" in err
    assert not (people.root / "users" / "MALLORY.yml").exists()
    code, _, err = people.cli(*common, "--username", "ｍａｌｌｏｒｙ2")
    assert code == 2 and "write it in plain letters and digits" in err and "'mallory2'" in err


def test_a_member_is_found_whatever_the_case_typed(people):
    people.add("mallory")
    code, out, _ = people.cli("users", "show", "MALLORY")
    assert code == 0 and "Everything the library keeps about mallory" in out
