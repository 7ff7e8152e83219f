"""Git LFS as an opt-in: rules written by site-gen lfs setup, the hook, import, guard and review on
LFS-tracked files in a temporary repository with Debian's git-lfs, and pointers refused."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO_ROOT
from tests.contribute.conftest import git, site_gen

needs_lfs = pytest.mark.skipif(
    shutil.which("git") is None or subprocess.run(["git", "lfs", "version"], capture_output=True).returncode != 0,
    reason="git-lfs is not installed (Debian package git-lfs, installed by .ci/install)")


def test_setup_writes_rules_once_and_keeps_other_lines(tmp_path, capsys):
    from site_gen.cli import main
    (tmp_path / "cases").mkdir()
    (tmp_path / ".gitattributes").write_text("*.md text\n")
    for _ in range(2):
        assert main(["--root", str(tmp_path), "lfs", "setup", "--no-install"]) == 0
    text = (tmp_path / ".gitattributes").read_text()
    assert text.startswith("*.md text\n")
    assert text.count("cases/**/*.dcm filter=lfs diff=lfs merge=lfs -text") == 1
    assert main(["--root", str(tmp_path), "lfs", "remove"]) == 0
    assert (tmp_path / ".gitattributes").read_text() == "*.md text\n"


@needs_lfs
def test_lfs_tracked_case_imports_commits_reviews_and_pointers_are_not_verified(hooked_repo, export, tmp_path):
    builder, env = hooked_repo
    root = builder.root
    setup = site_gen("lfs", "setup", cwd=root, env=env)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    # `git lfs install --local` must not replace the pre-commit hook.
    assert "pre-commit" in (root / ".git" / "hooks" / "pre-commit").read_text()
    imported = site_gen("import-dicom", str(export), "--case", "nodule", "--new-case", "--series", "1", "--author", "adoe",
                        "--title", "Solitary pulmonary nodule", "--findings", "A solid nodule in the right lung.",
                        "--caption", "Axial CT through the nodule.", cwd=root, env=env)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    case = (root / "cases" / "nodule" / "case.yml").read_text()
    case = case.replace('systems: []', 'systems: [chest]').replace('  age: ""', '  age: 65') \
        .replace('  sex: ""', '  sex: male').replace('presentation: ""',
                                                      'presentation: Incidental finding on a chest radiograph.')
    (root / "cases" / "nodule" / "case.yml").write_text(case)
    git("add", ".", cwd=root, env=env)
    committed = git("commit", "-qm", "nodule in LFS", cwd=root, env=env)
    assert committed.returncode == 0, committed.stdout + committed.stderr
    tracked = git("lfs", "ls-files", "--name-only", cwd=root, env=env).stdout.split()
    assert "cases/nodule/ct-axial/0001.dcm" in tracked
    blob = git("cat-file", "-p", "HEAD:cases/nodule/ct-axial/0001.dcm", cwd=root, env=env).stdout
    assert blob.startswith("version https://git-lfs.github.com/spec/v1")  # Git holds a pointer

    # The review reads HEAD through git archive: LFS content comes out smudged.
    reviewed = site_gen("review", "HEAD~1..HEAD", "--contact-sheet", str(tmp_path / "sheet.png"), "--no-ocr",
                        cwd=root, env=env)
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    assert "| `cases/nodule` | added | ✅ OK | ✅ none found |" in reviewed.stdout
    [sheet] = tmp_path.glob("sheet-*.png")
    assert sheet.stat().st_size > 1000

    # The build's media conversion reads the smudged working-tree files.
    from site_gen.media.convert import convert_series
    from site_gen.media.discover import series_files
    converted = convert_series(series_files(root / "cases" / "nodule" / "ct-axial"), tmp_path / "media-cache")
    assert len(converted.frames) == 6

    # A clone without the LFS content has pointers: the guard refuses them as not verifiable.
    clone = tmp_path / "clone"
    cloned = subprocess.run(["git", "clone", "-q", str(root), str(clone)], env=dict(env, GIT_LFS_SKIP_SMUDGE="1"),
                            capture_output=True, text=True)
    assert cloned.returncode == 0, cloned.stderr
    assert (clone / "cases/nodule/ct-axial/0001.dcm").read_bytes().startswith(b"version https://git-lfs")
    guard = site_gen("check-phi", "--no-cache", "cases/nodule/ct-axial", cwd=clone, env=env)
    assert guard.returncode == 1
    assert guard.stdout.count("CANNOT_VERIFY") == 6 and "git lfs pull" in guard.stdout
    status = site_gen("lfs", "status", cwd=clone, env=env)
    assert status.returncode == 1 and "git lfs pull" in status.stderr


def test_this_repository_commits_no_lfs_pointers():
    """No LFS storage stands behind this repository: its samples and fixtures stay plain Git objects."""
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("not a Git checkout")
    attributes = REPO_ROOT / ".gitattributes"
    assert not attributes.exists() or "filter=lfs" not in attributes.read_text()
    listed = subprocess.run(["git", "ls-files", "-z", "cases", "tests"], cwd=REPO_ROOT, capture_output=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        path = REPO_ROOT / name
        if path.is_file() and path.stat().st_size <= 1024:
            assert not path.read_bytes().startswith(b"version https://git-lfs.github.com/spec/v1"), name
