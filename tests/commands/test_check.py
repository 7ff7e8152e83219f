"""site-gen check: schema, PHI and completeness in one run."""
from __future__ import annotations

from site_gen.cli import main
from tests.conftest import CASE_YAML


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_clean_case_passes_with_its_completeness(repo, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SITE_GEN_CACHE", str(tmp_path / "cache"))
    repo.case()
    code, output = run(capsys, "--root", str(repo.root), "check", str(repo.root / "cases" / "pneumothorax"))
    assert code == 0, output
    assert "case file and images: OK" in output and "patient information: none found" in output
    assert "completeness: 95/100" in output and "+ add a discussion" in output
    code, output = run(capsys, "--root", str(repo.root), "check", "--min-score", "100",
                       str(repo.root / "cases" / "pneumothorax"))
    assert code == 1 and "Completeness below 100" in output


def test_schema_and_phi_problems_in_one_run(repo, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SITE_GEN_CACHE", str(tmp_path / "cache"))
    text = CASE_YAML.replace("Sudden right-sided", "Mr John Smith has sudden right-sided") \
        .replace("certainty: certain", "certainty: sure")
    repo.case(text=text)
    code, output = run(capsys, "--root", str(repo.root), "check")
    assert code == 1
    assert "cases/pneumothorax/case.yml:9:" in output and "NAME" in output       # PHI, with its line
    assert "'diagnostic certainty'" in output or "certainty" in output           # schema
    assert "completeness:" in output
    assert "John" not in output and "Smith" not in output
