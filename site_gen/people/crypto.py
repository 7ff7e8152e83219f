"""E-mail addresses encrypted with age (https://age-encryption.org/v1), through pyrage.

An address is encrypted to the editorial board's recipients (users/editors.recipients, one
recipient a line, the same format as `age -R`) and to the member's own key, and stored as an
ASCII-armored age message in the profile.  Recipients may be age X25519 keys (age1...) or SSH
public keys (ssh-ed25519 / ssh-rsa); identities may be an age identity file or an unencrypted
SSH private key.  Nothing here ever prints an address: callers decide who sees it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pyrage
from pyrage import ssh, x25519

# The profile's key and armor formats are part of the model (site_gen.model.profile).
from ..model.profile import (ARMOR_BEGIN, ARMOR_END, SSH_TYPES, KeyProblem, Recipient,  # noqa: F401
                             normalise_recipient, parse_recipient)

EDITORS_RECIPIENTS = Path("users") / "editors.recipients"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Identity = x25519.Identity | ssh.Identity


def read_recipients_file(path: Path) -> list[str]:
    """Recipient lines of an age recipients file (blank lines and '#' comments ignored)."""
    lines = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            parse_recipient(line)
        except KeyProblem as problem:
            raise KeyProblem(f"{path.name} line {number}: {problem}") from None
        lines.append(normalise_recipient(line))
    return lines


def editors_recipients(root: Path) -> list[str]:
    path = root / EDITORS_RECIPIENTS
    if not path.is_file():
        raise KeyProblem(f"{EDITORS_RECIPIENTS.as_posix()} does not exist: the editors' public keys must be "
                         "listed there (one a line) before e-mail addresses can be stored")
    found = read_recipients_file(path)
    if not found:
        raise KeyProblem(f"{EDITORS_RECIPIENTS.as_posix()} lists no key: add the editors' public keys")
    return found


def load_identities(path: Path) -> list[Identity]:
    """Identities from an age identity file (AGE-SECRET-KEY-... lines) or an SSH private key."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise KeyProblem(f"cannot read the key file {path} ({error.strerror})") from None
    text = data.decode("utf-8", errors="replace")
    if "-----BEGIN" in text and "PRIVATE KEY-----" in text:
        try:
            return [ssh.Identity.from_buffer(data)]
        except pyrage.IdentityError as error:
            if "decrypted" in str(error) or "passphrase" in str(error).lower():
                raise KeyProblem(f"{path} is protected by a passphrase, which site-gen cannot ask for: "
                                 "print the encrypted address with --armor and decrypt it with the age "
                                 "command (age -d -i YOUR_KEY), or use an age identity file") from None
            raise KeyProblem(f"{path} is not a usable SSH private key ({error}); use an ed25519 or "
                             "RSA key, or an age identity file") from None
    identities = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-"):
            try:
                identities.append(x25519.Identity.from_str(line))
            except pyrage.IdentityError:
                raise KeyProblem(f"{path} holds a damaged age key") from None
    if not identities:
        if text.lstrip().startswith(("age1", "ssh-")):
            raise KeyProblem(f"{path} is a public key; give the private key (identity) instead")
        raise KeyProblem(f"{path} is neither an age identity file nor an SSH private key")
    return identities


def generate_identity(path: Path) -> str:
    """Write a new age identity file (readable by its owner only); returns its public key."""
    identity = x25519.Identity.generate()
    public = str(identity.to_public())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        path.chmod(0o600)
        handle.write(f"# created by site-gen; public key: {public}\n{identity}\n")
    return public


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value.strip()))


def encrypt_email(address: str, recipients: list[str]) -> str:
    address = address.strip()
    if not is_email(address):
        raise KeyProblem("this is not an e-mail address (expected name@example.org)")
    parsed = [parse_recipient(r) for r in dict.fromkeys(recipients)]
    if not parsed:
        raise KeyProblem("no key to encrypt the address to")
    message = pyrage.encrypt(address.encode("utf-8"), parsed, armored=True)
    return message.decode("ascii").strip() + "\n"


def decrypt_email(armored: str, identities: list[Identity]) -> str:
    try:
        return pyrage.decrypt(armored.strip().encode("ascii"), identities).decode("utf-8")
    except pyrage.DecryptError as error:
        if "No matching keys" in str(error):
            raise KeyProblem("this key cannot read the address: only the member's own key and the "
                             "editors' keys (at the time it was stored) can") from None
        raise KeyProblem(f"the stored address is damaged and cannot be decrypted ({error})") from None
    except (UnicodeError, ValueError) as error:
        raise KeyProblem(f"the stored address is damaged ({error})") from None
