"""site-gen review: a range with a case that carries burned-in text shows red boxes, and fails."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from site_gen.cli import main
from tests.conftest import CASE_YAML
from tests.contribute.exports import write_secondary_capture

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(*args, cwd):
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", *args], cwd=cwd,
                          capture_output=True, text=True)


def test_review_flags_burned_in_text_on_the_contact_sheet(repo, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SITE_GEN_CACHE", str(tmp_path / "cache"))
    git("init", "-q", "-b", "main", cwd=repo.root)
    git("add", ".", cwd=repo.root)
    git("commit", "-qm", "start", cwd=repo.root)
    text = CASE_YAML.replace("  - modality: CR\n    timing: day 0", "  - modality: OT\n    timing: day 0") \
        .replace("path: xr", "path: capture")
    repo.case(slug="leak", text=text, images={})
    write_secondary_capture(repo.root / "cases" / "leak" / "capture" / "0001.dcm")
    git("add", ".", cwd=repo.root)
    git("commit", "-qm", "leak (hook bypassed)", cwd=repo.root)
    sheet = tmp_path / "sheet.png"
    code = main(["--root", str(repo.root), "review", "main~1..main", "--contact-sheet", str(sheet)])
    output = capsys.readouterr()
    assert code == 1
    assert "| `cases/leak` | added |" in output.out and "❌" in output.out
    assert "DOE" not in output.out and "48213377" not in output.out
    pixels = np.asarray(Image.open(sheet).convert("RGB")).astype(int)
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    assert red.sum() > 50  # the flagged text boxes are drawn


def test_unknown_commit_is_a_usage_error(repo, capsys):
    git("init", "-q", "-b", "main", cwd=repo.root)
    git("add", ".", cwd=repo.root)
    git("commit", "-qm", "start", cwd=repo.root)
    code = main(["--root", str(repo.root), "review", "nope..HEAD"])
    assert code == 2 and "'nope' is not a commit" in capsys.readouterr().err
