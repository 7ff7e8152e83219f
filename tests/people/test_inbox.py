"""site-gen users inbox: sealed messages from the Git host's issues (a local server speaking
GitHub's REST API) or pasted text, opened only with the right key."""
from __future__ import annotations

import io
import sys

import pyrage
import pytest
from pyrage import x25519

from site_gen.people import inbox
from tests.people.fake_github import FakeGitHub
from tests.people.helpers import age_key


def letter(to: str, message: str, sender: str = "Jane Roe", reply: str = "jane.roe@clinic.example.net") -> str:
    return (f"To: @{to} (Test Author)\nFrom: {sender}\nReply to: {reply}\nPage: http://127.0.0.1/contributors/{to}/\n"
            f"Sent: 2025-03-01 10:00 UTC\nCopied to the editors: no\n\n{message}")


def seal(text: str, *publics: str) -> str:
    return pyrage.encrypt(text.encode(), [x25519.Recipient.from_str(p) for p in publics], armored=True).decode()


def public_of(people, username: str) -> str:
    text = (people.root / "users" / f"{username}.yml").read_text()
    return next(line[5:].strip() for line in text.splitlines() if line.startswith("key:"))


def inbox_cli(people, fake: FakeGitHub, *extra: str):
    return people.cli("users", "inbox", "--repository", f"{fake.owner}/{fake.repo}", "--api-url", fake.url, *extra)


@pytest.fixture
def members(people):
    keys = {name: people.add(name) for name in ("open", "other")}
    return keys


def test_the_member_reads_their_messages_from_the_git_host(people, members, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "token-for-tests")
    with FakeGitHub(token="token-for-tests") as fake:
        fake.issue(1, "Message for @open", seal(letter("open", "Could I use your case in a lecture?"),
                                                 public_of(people, "open")), login="jroe")
        fake.issue(2, "Message for @other", seal(letter("other", "Not for open."), public_of(people, "other")))
        fake.issue(3, "Message for @open", seal(letter("open", "From a pull request"), public_of(people, "open")),
                   pull_request=True)
        fake.issue(4, "Message for @open", seal(letter("open", "An old, closed one."), public_of(people, "open")),
                   state="closed")
        fake.issue(5, "Message for @open", "Hello, here is my message in plain text")
        for number in range(6, 131):  # more than one page of 100
            fake.issue(number, f"Bug report {number}", "The viewer does not scroll.")
        code, out, err = inbox_cli(people, fake, "--identity", str(members["open"]))
        assert code == 0, err
        assert "Could I use your case in a lecture?" in out and "From: Jane Roe" in out
        assert "Reply to: jane.roe@clinic.example.net" in out
        assert "issue #1, for @open, posted 2025-03-01, by @jroe" in out
        assert "Not for open." not in out and "pull request" not in out and "closed one" not in out
        assert "1 sealed message opened" in err and "1 other sealed for other keys" in err
        assert "1 issue titled as a message held no sealed text" in err
        pages = [s["query"].get("page", "1") for s in fake.seen]
        assert pages == ["1", "2"] and {s["authorization"] for s in fake.seen} == {"Bearer token-for-tests"}
        assert fake.seen[0]["query"]["state"] == "open"

        code, out, err = inbox_cli(people, fake, "--identity", str(members["open"]), "--all")
        assert code == 0 and "An old, closed one." in out and "2 sealed messages opened" in err


def test_a_wrong_key_opens_nothing_and_says_why(people, members, tmp_path):
    stranger, _ = age_key(tmp_path, "stranger")
    with FakeGitHub() as fake:
        fake.issue(1, "Message for @open", seal(letter("open", "Secret question"), public_of(people, "open")))
        code, out, err = inbox_cli(people, fake, "--identity", str(stranger))
        assert code == 1 and "Secret question" not in out
        assert "none of these messages can be opened with the key" in err
        assert "not the 'key' of any profile" in err and "Traceback" not in err
        code, out, err = inbox_cli(people, fake, "--identity", str(members["other"]))
        assert code == 1 and "This key belongs to other." in err


def test_editors_read_the_messages_copied_to_them(people, members):
    with FakeGitHub() as fake:
        copied = seal(letter("open", "Please tell the editors too."), public_of(people, "open"),
                      (people.root / "users" / "editors.recipients").read_text().split("\n")[1].strip())
        fake.issue(1, "Message for @open", copied)
        fake.issue(2, "Message for @other", seal(letter("other", "Only for other."), public_of(people, "other")))
        code, out, err = inbox_cli(people, fake, "--identity", str(people.board_key))
        assert code == 0 and "Please tell the editors too." in out and "Only for other." not in out
        code, out, err = inbox_cli(people, fake, "--identity", str(members["open"]), "--member", "OPEN")
        assert code == 0 and "Please tell the editors too." in out and "1 sealed message opened" in err


def test_pasted_messages_survive_quoting_and_indentation(people, members, monkeypatch, tmp_path):
    armored = seal(letter("open", "Sent by chat."), public_of(people, "open"))
    quoted = "Forwarded:\n" + "".join(f"> {line}\n" for line in armored.splitlines())
    monkeypatch.setattr(sys, "stdin", io.StringIO(quoted))
    code, out, err = people.cli("users", "inbox", "--identity", str(members["open"]), "--file", "-")
    assert code == 0 and "Sent by chat." in out and "opened from the text you gave" in err

    indented = tmp_path / "mail.txt"
    indented.write_text("```\n" + "".join(f"    {line}\r\n" for line in armored.splitlines()) + "```\n")
    code, out, _ = people.cli("users", "inbox", "--identity", str(members["open"]), "--file", str(indented))
    assert code == 0 and "Sent by chat." in out
    code, out, err = people.cli("users", "inbox", "--identity", str(members["other"]), "--file", str(indented))
    assert code == 1 and "Sent by chat." not in out and "none of these messages can be opened" in err

    plain = tmp_path / "plain.txt"
    plain.write_text("just some words")
    code, _, err = people.cli("users", "inbox", "--identity", str(members["open"]), "--file", str(plain))
    assert code == 2 and "holds no sealed message" in err


def test_what_a_sender_wrote_cannot_drive_the_terminal(people, members, tmp_path):
    hostile = letter("open", "Clear\x1b[2J the screen\x07 and \u202eesrever\u202c text", sender="Eve\x1b]0;title\x07")
    path = tmp_path / "hostile.txt"
    path.write_text(seal(hostile, public_of(people, "open")))
    code, out, _ = people.cli("users", "inbox", "--identity", str(members["open"]), "--file", str(path))
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "the screen" in out


def test_damaged_and_refused_answers_are_explained(people, members, tmp_path):
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n"
                       "-----END AGE ENCRYPTED FILE-----\n")
    code, _, err = people.cli("users", "inbox", "--identity", str(members["open"]), "--file", str(damaged))
    assert code == 1 and "is damaged and cannot be opened" in err and "Traceback" not in err

    with FakeGitHub(token="right") as fake:
        token = tmp_path / "token"
        token.write_text("wrong\n")
        code, _, err = inbox_cli(people, fake, "--identity", str(members["open"]), "--token-file", str(token))
        assert code == 2 and "refused the token (401)" in err
        code, _, err = people.cli("users", "inbox", "--identity", str(members["open"]), "--repository",
                                  "example/missing", "--api-url", fake.url)
        assert code == 2 and "does not know this repository (404)" in err

    with FakeGitHub(next_host="127.0.0.2:9") as fake:  # a next page on another server: never followed
        for number in range(1, 102):
            fake.issue(number, "Bug", "text")
        code, _, err = inbox_cli(people, fake, "--identity", str(members["open"]))
        assert code == 2 and "pointed to another server" in err and len(fake.seen) == 1


def test_the_repository_comes_from_the_site_settings():
    github = inbox.repository_from("https://github.com/example/radiology-teaching-cases")
    assert github.issues_url == "https://api.github.com/repos/example/radiology-teaching-cases/issues"
    enterprise = inbox.repository_from("https://git.hospital.example/org/teaching.git")
    assert enterprise.issues_url == "https://git.hospital.example/api/v3/repos/org/teaching/issues"
    with pytest.raises(inbox.InboxProblem, match="repository_url"):
        inbox.repository_from("")
