"""site-gen new-case: flags or questions, schema comment, refuses an existing case."""
from __future__ import annotations

import io
import sys

import yaml

from site_gen.cli import main


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
