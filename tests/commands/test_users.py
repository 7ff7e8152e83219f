"""site-gen users: add a member, read the address back only with the right key, export lists."""
from __future__ import annotations

import csv
import io
import re

from site_gen.model.library import load_library
from tests.people.helpers import age_key, people, ssh_key  # noqa: F401  (people: fixture)


def test_add_stores_the_address_encrypted_and_only_the_right_keys_read_it(people):
    own = people.add("cmorris", "--title", "Dr", "--institution", "St Elsewhere", "--public", "institution",
                     email="c.morris@hospital.example.org")
    text = (people.root / "users" / "cmorris.yml").read_text()
    assert "c.morris" not in text and "hospital.example.org" not in text
    assert "-----BEGIN AGE ENCRYPTED FILE-----" in text
    library = load_library(people.root)
    assert library.problems == []
    user = library.users["cmorris"]
    assert (user.position, user.institution, user.public, user.contact, user.newsletter) == \
        ("fellow", "St Elsewhere", ["institution"], True, False)

    for key in (own, people.board_key):  # the member and the editors
        code, out, _ = people.cli("users", "show", "cmorris", "--identity", str(key))
        assert code == 0 and "e-mail: c.morris@hospital.example.org [never public]" in out
        assert "institution: St Elsewhere [public]" in out and "title: Dr\n" in out  # title not public

    stranger, _ = age_key(people.keys, "stranger")
    code, out, err = people.cli("users", "show", "cmorris", "--identity", str(stranger))
    assert code == 1 and "cannot read the address" in err
    assert "c.morris" not in out + err
    code, out, err = people.cli("users", "show", "cmorris")
    assert code == 0 and "@" not in out + err and "add --identity" in out


def test_ssh_keys_as_recipients_and_identities(people, tmp_path):
    editor_rsa, editor_rsa_public = ssh_key(people.keys, "editor_rsa", "rsa")
    recipients = people.root / "users" / "editors.recipients"
    recipients.write_text(recipients.read_text() + editor_rsa_public + "\n")  # comment holds an address
    member, member_public = ssh_key(people.keys, "member_ed")
    code, _, err = people.cli("users", "add", "--yes", "--username", "dlee", "--first-name", "Dana", "--surname", "Lee",
                              "--position", "sonographer", "--country", "nz", "--email", "dana@example.org",
                              "--key", str(member) + ".pub")
    assert code == 0, err
    text = (people.root / "users" / "dlee.yml").read_text()
    assert "laptop.example.org" not in text  # the key's comment (an address) was dropped
    assert load_library(people.root).problems == []
    for key in (member, editor_rsa, people.board_key):
        code, out, err = people.cli("users", "show", "dlee", "-i", str(key))
        assert code == 0 and "e-mail: dana@example.org" in out, err


def test_add_without_a_terminal_names_what_is_missing_and_writes_nothing(people):
    code, _, err = people.cli("users", "add", "--yes", "--username", "emma", "--first-name", "Emma",
                              "--surname", "Stone", "--position", "fellow", "--country", "GB", "--key",
                              age_key(people.keys, "emma")[1])
    assert code == 2 and "E-mail address (stored encrypted) is missing" in err
    code, _, err = people.cli("users", "add", "--yes", "--username", "emma", "--first-name", "Emma",
                              "--surname", "Stone", "--position", "professor", "--country", "GB",
                              "--email", "e@example.org", "--key", age_key(people.keys, "emma2")[1])
    assert code == 2 and "choose one of: consultant radiologist" in err
    assert not (people.root / "users" / "emma.yml").exists()


def test_new_key_is_created_outside_the_repository(people, tmp_path):
    key = tmp_path / "private" / "fkey.txt"
    code, _, err = people.cli("users", "add", "--yes", "--username", "fnash", "--first-name", "F", "--surname", "Nash",
                              "--position", "other", "--country", "US", "--email", "f@example.org", "--new-key", str(key))
    assert code == 0, err
    assert key.stat().st_mode & 0o077 == 0
    code, out, _ = people.cli("users", "show", "fnash", "-i", str(key))
    assert "e-mail: f@example.org" in out
    code, _, err = people.cli("users", "add", "--yes", "--username", "gnash", "--first-name", "G", "--surname", "Nash",
                              "--position", "other", "--country", "US", "--email", "g@example.org",
                              "--new-key", str(people.root / "key.txt"))
    assert code == 2 and "outside the repository" in err


def test_export_lists_honour_opt_in(people, tmp_path):
    people.add("anews", "--newsletter", email="anews@example.org")
    people.add("bquiet", email="bquiet@example.org")
    out_file = tmp_path / "newsletter.csv"
    code, _, err = people.cli("users", "export", "--list", "newsletter", "-i", str(people.board_key), "-o", str(out_file))
    assert code == 0, err
    rows = list(csv.DictReader(out_file.open()))
    assert [r["email"] for r in rows] == ["anews@example.org"]
    assert out_file.stat().st_mode & 0o077 == 0
    code, out, _ = people.cli("users", "export", "--list", "announcements", "-i", str(people.board_key))
    assert sorted(r["email"] for r in csv.DictReader(io.StringIO(out))) == [
        "adoe@hospital.example.org", "anews@example.org", "bquiet@example.org"]
    # A member's own key reads only their own address: the export refuses rather than skip people.
    member = people.keys / "anews.key"
    code, out, err = people.cli("users", "export", "--list", "announcements", "-i", str(member))
    assert code == 1 and "bquiet" in err and out == ""
    code, _, err = people.cli("users", "export", "--list", "newsletter", "-i", str(people.board_key),
                              "-o", str(people.root / "list.csv"))
    assert code == 2 and not (people.root / "list.csv").exists()


def test_rekey_lets_a_new_editor_read_earlier_addresses(people):
    people.add("hold", email="hold@example.org")
    new_editor, new_public = age_key(people.keys, "new-editor")
    recipients = people.root / "users" / "editors.recipients"
    recipients.write_text(recipients.read_text() + new_public + "\n")
    code, _, _ = people.cli("users", "show", "hold", "-i", str(new_editor))
    assert code == 1
    code, _, err = people.cli("users", "rekey", "-i", str(people.board_key))
    assert code == 0, err
    code, out, _ = people.cli("users", "show", "hold", "-i", str(new_editor))
    assert code == 0 and "hold@example.org" in out
    code, out, _ = people.cli("users", "show", "hold", "-i", str(people.keys / "hold.key"))
    assert "hold@example.org" in out


def test_plain_addresses_in_a_profile_are_problems_with_positions(people):
    people.add("iris")
    path = people.root / "users" / "iris.yml"
    path.write_text(path.read_text().replace("# yaml-language-server", "# write to iris@example.org\n# yaml-language-server"))
    problems = [str(p) for p in load_library(people.root).problems]
    assert problems == ["users/iris.yml:1:12: this looks like an e-mail address in plain text: addresses are kept "
                        "only encrypted (site-gen users add or users email writes them); remove it"]
    text = re.sub(r"email: \|\n(  .*\n)+", "email: iris@example.org\n", path.read_text().splitlines(True)[1:] and
                  "".join(path.read_text().splitlines(True)[1:]))
    path.write_text(text)
    problems = [str(p) for p in load_library(people.root).problems]
    assert any(re.match(r"users/iris\.yml:\d+:8: 'email' is not written in the expected form", p) for p in problems)
    assert all("iris@example.org" not in p for p in problems)


def test_changing_the_address(people):
    own = people.add("jo", email="old@example.org")
    code, _, err = people.cli("users", "email", "jo", "--email", "new@example.org")
    assert code == 0, err
    code, out, _ = people.cli("users", "show", "jo", "-i", str(own))
    assert "new@example.org" in out and "old@example.org" not in out
