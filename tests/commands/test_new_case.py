"""site-gen new-case: flags or questions, schema comment, refuses an existing case."""
from __future__ import annotations

import io
import sys

import yaml

from site_gen.cli import main
from tests.conftest import CASE_YAML


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_flags_make_a_case_that_validation_points_at(repo, capsys):
    code, output = run(capsys, "--root", str(repo.root), "new-case", "--no-input", "--title", "Lung abscess",
                       "--author", "adoe", "--system", "chest", "--age", "47", "--sex", "female",
                       "--presentation", "Fever and productive cough for two weeks.")
    assert code == 0, output
    path = repo.root / "cases" / "lung-abscess" / "case.yml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../site_gen/data/case.schema.json\n")
    data = yaml.safe_load(text)
    assert data["title"] == "Lung abscess" and data["authors"] == ["adoe"] and data["systems"] == ["chest"]
    assert data["patient"] == {"age": 45, "sex": "female"}  # rounded, and said so
    assert "written as 45" in output
    assert data["diagnosis"]["final"] == "Lung abscess"
    code, output = run(capsys, "--root", str(repo.root), "validate", str(path.parent))
    assert code == 1
    line = text.splitlines().index("studies: []") + 1
    assert f"cases/lung-abscess/case.yml:{line}:" in output  # the one thing left: images


def test_existing_slug_is_refused_and_untouched(repo, capsys):
    existing = repo.case(slug="pneumothorax")
    before = existing.read_text()
    code, output = run(capsys, "--root", str(repo.root), "new-case", "pneumothorax", "--no-input")
    assert code == 1 and "already exists" in output
    assert existing.read_text() == before


def test_bad_values_are_explained(repo, capsys):
    code, output = run(capsys, "--root", str(repo.root), "new-case", "Lung_Abscess", "--no-input")
    assert code == 1 and "lower-case letters" in output
    code, output = run(capsys, "--root", str(repo.root), "new-case", "x-ray", "--no-input", "--system", "lungs")
    assert code == 1 and "system 'lungs' is not one of" in output
    assert not (repo.root / "cases" / "x-ray").exists()


def test_questions_when_interactive(repo, capsys, monkeypatch):
    answers = "Pulmonary embolism\nadoe\nchest, vascular\n90+\nmale\nSudden breathlessness after a long flight.\n\n\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    code, output = run(capsys, "--root", str(repo.root), "new-case", "--interactive")
    assert code == 0, output
    data = yaml.safe_load((repo.root / "cases" / "pulmonary-embolism" / "case.yml").read_text())
    assert data["systems"] == ["chest", "vascular"] and data["patient"]["age"] == "90+"
    assert data["diagnosis"] == {"final": "Pulmonary embolism", "certainty": "probable"}


def test_new_cases_get_the_next_free_case_number(repo, capsys):
    repo.case("old", text=CASE_YAML.replace("title:", "id: 7\ntitle:", 1))
    repo.case("unnumbered")
    for title in ("Lung abscess", "Empyema"):
        code, output = run(capsys, "--root", str(repo.root), "new-case", "--no-input", "--title", title,
                           "--author", "adoe", "--system", "chest")
        assert code == 0, output
    assert yaml.safe_load((repo.root / "cases/lung-abscess/case.yml").read_text())["id"] == 8
    assert yaml.safe_load((repo.root / "cases/empyema/case.yml").read_text())["id"] == 9


def test_validate_names_the_number_a_case_without_one_should_take(repo, capsys):
    repo.case("old", text=CASE_YAML.replace("title:", "id: 3\ntitle:", 1))
    repo.case("unnumbered")
    code, output = run(capsys, "--root", str(repo.root), "validate")
    assert code == 0
    assert "cases/unnumbered/case.yml: note: this case has no number yet; add a line 'id: 4'" in output
