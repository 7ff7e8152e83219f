"""The member registry: users/<username>.yml files, written and edited without losing comments.

Profiles are loaded and validated by site_gen.model.library (JSON Schema, positions); the
checks here are the ones a schema cannot make: a key that really is a key, and no e-mail
address in plain text anywhere in a profile, comments included.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from ..model.case import User
from ..model.problems import Problem
from ..model.yamlsource import YamlDocument
from . import crypto
from .addresses import find_addresses

USERS_DIR = "users"
SCHEMA_COMMENT = "# yaml-language-server: $schema=../site_gen/data/user.schema.json"
FIELD_ORDER = ("username", "first_name", "surname", "title", "position", "country", "city",
               "institution", "public", "key", "contact", "contact_via", "contact_copy_editors",
               "newsletter", "email",
               "role", "systems", "status", "strikes")
# Kept by the editors: a member may not change them in their own profile.
EDITORIAL_FIELDS = ("role", "systems", "status", "strikes")


def profile_path(root: Path, username: str) -> Path:
    return root / USERS_DIR / f"{username}.yml"


def username_key(name: str) -> str:
    """Two usernames are the same member when their keys are equal: the Git host ignores case,
    and Unicode compatibility forms (full-width letters and the like) read as the same letters."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def same_username(root: Path, username: str) -> str | None:
    """The existing profile's username that equals `username` regardless of case, if any."""
    folder = root / USERS_DIR
    wanted = username_key(username)
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        if username_key(path.stem) == wanted:
            return path.stem
    return None


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


def check_profile(doc: YamlDocument, text: str) -> list[Problem]:
    """Checks beyond the schema: a readable key and no plain e-mail address in the file."""
    problems = []
    in_armor = False
    for number, line in enumerate(text.splitlines(), start=1):
        if crypto.ARMOR_BEGIN in line:
            in_armor = True
        if not in_armor:
            found = find_addresses(line)
            if found:
                problems.append(Problem(doc.path, number, found[0][1],
                                        "this looks like an e-mail address in plain text: addresses are kept "
                                        "only encrypted (site-gen users add or users email writes them); remove it"))
        if crypto.ARMOR_END in line:
            in_armor = False
    key = doc.data.get("key") if isinstance(doc.data, dict) else None
    if isinstance(key, str):
        try:
            crypto.parse_recipient(key)
        except crypto.KeyProblem as problem:
            problems.append(doc.problem(("key",), f"'key' cannot be used: {problem}"))
    return problems


def _scalar(value: Any) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return dumped.strip().removesuffix("...").strip()


def render_field(name: str, value: Any) -> str:
    """One top-level field as YAML text (ending with a newline)."""
    if name == "email":
        body = "".join(f"  {line}\n" for line in str(value).strip().splitlines())
        return f"email: |\n{body}"
    if name == "strikes":
        if not value:
            return "strikes: []\n"
        lines = ["strikes:\n"]
        for strike in value:
            items = list(strike.items())
            lines.append(f"  - {items[0][0]}: {_scalar(items[0][1])}\n")
            lines.extend(f"    {k}: {_scalar(v)}\n" for k, v in items[1:])
        return "".join(lines)
    return f"{name}: {_scalar(value)}\n"


def render_profile(data: dict[str, Any], comment: str = "") -> str:
    out = [SCHEMA_COMMENT + "\n"]
    if comment:
        out.extend(f"# {line}\n" for line in comment.splitlines())
    for name in FIELD_ORDER:
        if name in data and data[name] is not None:
            out.append(render_field(name, data[name]))
    return "".join(out)


def set_field(text: str, name: str, value: Any) -> str:
    """Replace (or append) one top-level field, keeping every other line and comment as it was."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(rf"{re.escape(name)}\s*:", line)), None)
    new = render_field(name, value)
    if start is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        return "".join(lines) + new
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "\t", "-")):
        end += 1
    return "".join(lines[:start]) + new + "".join(lines[end:])


def user_as_data(user: User) -> dict[str, Any]:
    """Everything kept about a member, for `users show` (the address stays encrypted here)."""
    return {"username": user.username, "first_name": user.first_name, "surname": user.surname,
            "title": user.title, "position": user.position, "country": user.country,
            "city": user.city, "institution": user.institution, "public": user.public,
            "key": user.key, "contact": user.contact, "contact_via": user.contact_via,
            "contact_copy_editors": user.contact_copy_editors, "newsletter": user.newsletter,
            "role": user.role, "systems": user.systems, "status": user.status,
            "strikes": [{"case": s.case, "reason": s.reason, "date": s.date} for s in user.strikes]}
