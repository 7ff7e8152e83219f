import subprocess
import sys

from tests.conftest import CASE_YAML


def site_gen(*args, cwd):
    return subprocess.run([sys.executable, "-m", "site_gen", *args], capture_output=True, text=True, cwd=cwd)


def test_validate_clean_repository(repo):
    repo.case()
    result = site_gen("validate", cwd=repo.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All good: 1 case and 1 contributor profile checked in " in result.stderr


def test_validate_reports_every_problem_and_exits_1(repo):
    repo.case("one", text=CASE_YAML.replace("systems: [chest, trauma]", "systems: chest"))
    repo.case("two", text=CASE_YAML.replace("authors: [adoe]", "authors: [ghost]"))
    result = site_gen("validate", cwd=repo.root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == ["cases/one/case.yml:4:10: 'systems' should be a list, not text",
                     "cases/two/case.yml:3:11: author 'ghost' has no profile in users/ (add users/ghost.yml)"]
    assert "2 problems found in " in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_only_named_cases(repo):
    repo.case("good")
    repo.case("bad", text=CASE_YAML.replace("authors: [adoe]", "authors: [ghost]"))
    assert site_gen("validate", "cases/good", cwd=repo.root).returncode == 0
    assert site_gen("validate", "cases/bad/case.yml", cwd=repo.root).returncode == 1


def test_usage_errors_exit_2(repo):
    assert site_gen("validate", "no/such/path", cwd=repo.root).returncode == 2
    assert site_gen("frobnicate", cwd=repo.root).returncode == 2
