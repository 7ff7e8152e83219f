"""The contributor profile's own formats and the checks a schema cannot make.

A profile (users/<username>.yml) holds the member's public key (an age X25519 recipient,
`age1...`, or an SSH public key) and their e-mail address only as an ASCII-armored age
message.  The checks here: the key really is a readable public key, and no e-mail address
appears in plain text anywhere in the file, comments included.  They live in the model so
that loading the library never reaches into site_gen.people (people builds on the model,
never the other way round); site_gen.people.crypto encrypts with these same formats.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pyrage
from pyrage import ssh, x25519

from .addresses import find_addresses
from .problems import Problem
from .yamlsource import YamlDocument

ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = "-----END AGE ENCRYPTED FILE-----"
SSH_TYPES = ("ssh-ed25519", "ssh-rsa")
# SSH key types age cannot use (OpenSSH's names): named in messages, any other word is not quoted.
OTHER_SSH_TYPES = ("ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                   "sk-ecdsa-sha2-nistp256@openssh.com", "sk-ssh-ed25519@openssh.com")

Recipient = x25519.Recipient | ssh.Recipient


class KeyProblem(Exception):
    """A key, identity or message that cannot be used; the message says why in plain words
    (never quoting the key itself: a mistyped key may hold an e-mail address)."""


def normalise_recipient(text: str) -> str:
    """'ssh-ed25519 AAAA... alex@laptop' -> 'ssh-ed25519 AAAA...': the comment often holds an
    e-mail address, which must not reach the repository."""
    parts = text.strip().split()
    if not parts:
        raise KeyProblem("the key is empty")
    if parts[0] in SSH_TYPES:
        if len(parts) < 2:
            raise KeyProblem(f"the {parts[0]} key has no key data after its type")
        return f"{parts[0]} {parts[1]}"
    if parts[0].startswith(("ssh-", "ecdsa-", "sk-")):
        kind = f"'{parts[0]}'" if parts[0] in OTHER_SSH_TYPES else "this kind of"
        raise KeyProblem(f"{kind} SSH keys cannot be used with age: use an ssh-ed25519 or "
                         "ssh-rsa key, or an age key (age1...)")
    if len(parts) != 1:
        raise KeyProblem("this does not look like a public key (expected 'age1...' or 'ssh-ed25519 AAAA...')")
    return parts[0]


def parse_recipient(text: str) -> Recipient:
    value = normalise_recipient(text)
    try:
        if value.startswith("age1"):
            return x25519.Recipient.from_str(value)
        if value.split()[0] in SSH_TYPES:
            return ssh.Recipient.from_str(value)
    except pyrage.RecipientError as error:
        raise KeyProblem(f"this public key cannot be read ({error})") from None
    if value.startswith("AGE-SECRET-KEY-"):
        raise KeyProblem("this is a private age key, not a public one: never share it; give the "
                         "'age1...' public key instead (age-keygen -y FILE prints it)")
    raise KeyProblem("this does not look like a public key (expected 'age1...' or 'ssh-ed25519 AAAA...')")


def check_profile(doc: YamlDocument, text: str) -> list[Problem]:
    """Checks beyond the schema: a readable key and no plain e-mail address in the file."""
    problems = []
    in_armor = False
    for number, line in enumerate(text.splitlines(), start=1):
        if ARMOR_BEGIN in line:
            in_armor = True
        if not in_armor:
            found = find_addresses(line)
            if found:
                problems.append(Problem(doc.path, number, found[0][1],
                                        "this looks like an e-mail address in plain text: addresses are kept "
                                        "only encrypted (site-gen users add or users email writes them); remove it"))
        if ARMOR_END in line:
            in_armor = False
    key = doc.data.get("key") if isinstance(doc.data, dict) else None
    if isinstance(key, str):
        try:
            parse_recipient(key)
        except KeyProblem as problem:
            problems.append(doc.problem(("key",), f"'key' cannot be used: {problem}"))
    return problems


def username_key(name: str) -> str:
    """Two usernames are the same member when their keys are equal: the Git host ignores case,
    and Unicode compatibility forms (full-width letters and the like) read as the same letters."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def duplicate_usernames(paths: list[Path], rel) -> list[Problem]:
    """Profiles whose usernames differ only in case or Unicode form (MALLORY next to mallory):
    the Git host would take them for one account, and their pages would share an address."""
    first: dict[str, Path] = {}
    problems = []
    for path in sorted(paths, key=lambda p: (username_key(p.stem), p.stem)):
        key = username_key(path.stem)
        if key in first:
            problems.append(Problem(rel(path), 0, 0, f"this username is already taken by {rel(first[key])}: "
                                    "usernames are the same whatever their case (as on the Git host); "
                                    "keep one profile"))
        else:
            first[key] = path
    return problems
