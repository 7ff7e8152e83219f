"""The member registry: users/<username>.yml files, written and edited without losing comments.

Profiles are loaded and validated by site_gen.model.library (JSON Schema, positions) and
site_gen.model.profile (a key that really is a key, no e-mail address in plain text).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..model.case import User
# The profile checks live in the model; re-exported for the people room's callers.
from ..model.profile import check_profile, duplicate_usernames, username_key  # noqa: F401

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


def same_username(root: Path, username: str) -> str | None:
    """The existing profile's username that equals `username` regardless of case, if any."""
    folder = root / USERS_DIR
    wanted = username_key(username)
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        if username_key(path.stem) == wanted:
            return path.stem
    return None



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
