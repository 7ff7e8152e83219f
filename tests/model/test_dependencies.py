"""The model is the bottom of the package: it never imports the rooms built on it, not even
inside a function (a hidden import cycle)."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "site_gen"
# Rooms that build on the model; the model may use media (file discovery) and phi (safe quoting).
ABOVE_THE_MODEL = ("people", "site", "contribute", "commands", "bench")


def imported_rooms(path: Path, package: tuple[str, ...] = ("site_gen", "model")) -> set[tuple[str, int]]:
    """(room, line) of every site_gen room a module of `package` imports, at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_parts = package
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                module = ".".join(base + tuple((node.module or "").split(".")) if node.module else base)
                names = [module] + ([f"{module}.{a.name}" for a in node.names] if not node.module else [])
            else:
                names = [node.module or ""]
        for name in names:
            parts = name.split(".")
            if parts[0] == "site_gen" and len(parts) > 1:
                found.add((parts[1], node.lineno))
    return found


def test_the_model_never_imports_people_or_any_room_above_it():
    offenders = []
    for path in sorted((PACKAGE / "model").rglob("*.py")):
        for room, line in imported_rooms(path):
            if room in ABOVE_THE_MODEL:
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{line} imports site_gen.{room}")
    assert not offenders, "\n".join(offenders)


def test_the_checker_sees_imports_inside_functions(tmp_path):
    assert any(room == "media" for room, _ in imported_rooms(PACKAGE / "model" / "library.py"))
    probe = tmp_path / "probe.py"
    probe.write_text("import os\n\ndef f():\n    from ..people.registry import check_profile\n"
                     "    from .. import site\n    import site_gen.commands.check\n")
    assert {room for room, _ in imported_rooms(probe)} == {"people", "site", "commands"}
    assert ("people", 4) in imported_rooms(probe)


def test_people_still_offer_the_profile_checks():
    from site_gen.model import profile
    from site_gen.people import crypto, registry
    assert registry.check_profile is profile.check_profile
    assert crypto.parse_recipient is profile.parse_recipient and crypto.KeyProblem is profile.KeyProblem
