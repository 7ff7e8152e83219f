"""Allow comments never reach the site, wherever they sit; validation says where one belongs."""
import shutil
import subprocess
import sys

from tests.conftest import CASE_YAML, REPO_ROOT
from tests.site.conftest import mkdocs_build

PRAGMAS = (CASE_YAML
           .replace("discussion: Primary spontaneous pneumothorax occurs in tall young men without lung disease.",
                    "discussion: |\n  Baker cyst seen incidentally.  # phi: allow NAME: eponym (Baker cyst)\n"
                    "  Primary spontaneous pneumothorax occurs in tall young men.\n")
           .replace("title: Primary spontaneous pneumothorax",
                    'title: "Pneumothorax and Baker cyst <!-- phi: allow NAME: eponym -->"')
           .replace("  - Look for the visceral pleural line.",
                    "  - Look for the visceral pleural line.  # phi: allow NAME: a comment, outside the value"))


def test_allow_comments_are_never_published(repo, tmp_path):
    repo.case(text=PRAGMAS)
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "docs", repo.root / "docs")
    (repo.root / "docs" / "about.md").write_text("# About\n\nThe Mayo classification. <!-- phi: allow NAME: a "
                                                 "classification named after a clinic -->\n")
    out = tmp_path / "out"
    result = mkdocs_build(repo.root, out, tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    published = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*")
                          if p.is_file() and p.suffix in (".html", ".json", ".xml", ".js"))
    assert "Baker cyst seen incidentally." in published and "Mayo classification" in published
    assert "phi: allow" not in published and "phi:" not in published.replace("phi: ", "phi:")


def test_validate_says_where_an_allow_comment_goes(repo):
    repo.case(text=CASE_YAML.replace("discussion:", "# phi: allow NAME: the discussion names an eponym\ndiscussion:")
              .replace("  - Look for the visceral pleural line.",
                       "  - Look for the visceral pleural line.  # phi: allow eponym"))
    done = subprocess.run([sys.executable, "-m", "site_gen", "validate"], capture_output=True, text=True,
                          cwd=repo.root)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert any(":29:1: this allow comment excuses nothing here: put it at the end of the line" in line for line in lines)
    assert any(":32:" in line and "must name the categories it allows" in line for line in lines), lines
