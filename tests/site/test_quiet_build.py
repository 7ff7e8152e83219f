"""A build prints a few lines: no list of pages left out of the sidebar, no Material notice."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.conftest import REPO_ROOT


def build(root, out, cache, *extra):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_MKDOCS_2_WARNING", "DISABLE_MKDOCS_2_WARNING")}
    env["SITE_GEN_CACHE"] = str(cache)
    # `python -m mkdocs` is what Material recognises as MkDocs (it prints its notice only there).
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *extra, "-f", str(root / "mkdocs.yml"),
                           "-d", str(out)], capture_output=True, text=True, env=env, cwd=root)


def test_build_output_is_short(repo, tmp_path):
    repo.case("one")
    repo.case("two")
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "docs", repo.root / "docs")
    result = build(repo.root, tmp_path / "out", tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "end of life" not in output and "NO_MKDOCS_2_WARNING" not in output
    assert "not included in the \"nav\"" not in output
    assert len(output.strip().splitlines()) <= 6, output
    assert (tmp_path / "out" / "cases" / "one" / "index.html").is_file()  # the pages are still built

    # A hand-written page forgotten in the nav is still reported; generated pages never are.
    (repo.root / "docs" / "forgotten.md").write_text("# Forgotten\n")
    verbose = build(repo.root, tmp_path / "out2", tmp_path / "cache")
    assert "forgotten.md" in verbose.stderr and "cases/one.md" not in verbose.stderr
