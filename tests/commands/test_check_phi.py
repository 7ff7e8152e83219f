"""site-gen check-phi as a user runs it: exit codes, formats, masking, audit of suppressions."""
import json
import subprocess
import sys


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "site_gen", *args], capture_output=True, text=True, cwd=cwd)


def test_cli_formats_exit_codes_and_masking(tmp_path):
    write(tmp_path / "cases/c1/notes.md", "Seen by John Smith on 12/03/2024.\n")
    text = run_cli("check-phi", "--no-cache", cwd=tmp_path)
    assert text.returncode == 1
    assert "cases/c1/notes.md:1:9: NAME" in text.stdout
    for output in (text.stdout, text.stderr):
        assert "John" not in output and "Smith" not in output and "12/03/2024" not in output

    as_json = json.loads(run_cli("check-phi", "--no-cache", "--format", "json", cwd=tmp_path).stdout)
    assert {f["category"] for f in as_json["findings"]} >= {"NAME", "DATE"}

    sarif = json.loads(run_cli("check-phi", "--no-cache", "--format", "sarif", cwd=tmp_path).stdout)
    assert sarif["version"] == "2.1.0"
    result = sarif["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "cases/c1/notes.md"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert "Smith" not in json.dumps(sarif)

    write(tmp_path / "cases/c1/notes.md", "Normal study.\n")
    assert run_cli("check-phi", cwd=tmp_path).returncode == 0
    assert run_cli("check-phi", "missing/path", cwd=tmp_path).returncode == 2


def test_cli_lists_suppressions_for_editors(tmp_path):
    write(tmp_path / "cases/c1/case.yml", "a: Seen by John Smith  # phi: allow NAME: fictional quiz name\n")
    result = run_cli("check-phi", "--list-allowed", cwd=tmp_path)
    assert result.returncode == 0
    assert "cases/c1/case.yml:1: inline allow NAME: fictional quiz name" in result.stdout
