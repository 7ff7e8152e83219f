"""The guard, validation and the build walk the same files: links that leave their case folder or
the repository, linked case folders and non-files are refused by all three; hidden and
cache-named folders inside a case are checked too."""
import os

import pytest

from site_gen.model.library import load_library
from site_gen.model.problems import ProblemsFound
from site_gen.phi.finding import Category
from site_gen.phi.scanner import scan
from site_gen.site.build import generate_site
from tests.conftest import CASE_YAML, run_site_gen, write_png

PHI_TEXT = "Seen by John Smith, MRN 12345678, on 12/03/2024.\n"



def refused(report, rel):
    return [f for f in report.findings if f.path == rel and f.category == Category.CANNOT_VERIFY]


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_a_case_folder_that_is_a_link_is_refused_everywhere(repo, tmp_path, where):
    repo.case()
    target = (repo.root / "private" if where == "inside" else tmp_path / "elsewhere") / "pneumothorax-copy"
    target.parent.mkdir()
    os.rename(repo.root / "cases/pneumothorax", target)
    (target / "notes.md").write_text(PHI_TEXT)
    os.symlink(target, repo.root / "cases/pneumothorax")

    report = scan([repo.root / "cases"], repo.root)
    assert refused(report, "cases/pneumothorax") and "symbolic link to a folder" in refused(report, "cases/pneumothorax")[0].message
    one = scan([repo.root / "cases/pneumothorax"], repo.root)  # as the hook passes it
    assert refused(one, "cases/pneumothorax")
    library = load_library(repo.root)
    assert library.cases == [] and any("symbolic link to a folder" in p.message for p in library.problems)
    with pytest.raises(ProblemsFound):
        generate_site(repo.root)
    validate = run_site_gen("validate", "cases/pneumothorax", cwd=repo.root)
    assert validate.returncode == 1 and "symbolic link" in validate.stdout


def test_a_file_link_leaving_its_case_folder_is_refused_and_one_inside_is_checked_as_its_target(repo):
    repo.case()
    other = repo.case("other-case", text=CASE_YAML.replace("Primary spontaneous", "Secondary"))
    (other.parent / "notes.md").write_text(PHI_TEXT)
    folder = repo.root / "cases/pneumothorax"
    os.symlink("../other-case/notes.md", folder / "borrowed.md")
    (folder / "draft.md").write_text(PHI_TEXT)
    os.symlink("draft.md", folder / "same-case.md")

    report = scan([repo.root / "cases"], repo.root)
    assert "leading outside pneumothorax/" in refused(report, "cases/pneumothorax/borrowed.md")[0].message
    linked = {f.category for f in report.findings if f.path == "cases/pneumothorax/same-case.md"}
    assert {Category.NAME, Category.DATE} <= linked  # read through the link, reported under its name


def test_folders_named_like_caches_inside_a_case_are_checked(repo):
    """The build publishes whatever case.yml names; the guard must not skip `.venv/` or `.cache/`."""
    repo.case(text=CASE_YAML.replace("path: xr", "path: .cache/xr"), images={".cache/xr": 1})
    (repo.root / "cases/pneumothorax/node_modules").mkdir()
    (repo.root / "cases/pneumothorax/node_modules/notes.txt").write_text(PHI_TEXT)
    report = scan([repo.root / "cases"], repo.root)
    paths = {f.path for f in report.findings}
    assert "cases/pneumothorax/node_modules/notes.txt" in paths
    assert report.files == 3  # case.yml, the hidden series image, the notes


def test_a_pipe_is_refused_without_hanging(repo):
    repo.case()
    os.mkfifo(repo.root / "cases/pneumothorax/notes.md")
    report = scan([repo.root / "cases"], repo.root)
    assert "not a regular file" in refused(report, "cases/pneumothorax/notes.md")[0].message


def test_a_series_path_through_a_link_leaving_the_case_is_refused_by_validation(repo, tmp_path):
    repo.case(images={})
    outside = tmp_path / "outside.png"
    write_png(outside)
    (repo.root / "cases/pneumothorax/xr").mkdir()
    os.symlink(outside, repo.root / "cases/pneumothorax/xr/01.png")
    problems = [str(p) for p in load_library(repo.root).problems]
    assert len(problems) == 1 and "leading outside pneumothorax/" in problems[0]


def test_takedown_of_a_linked_case_says_what_to_do(repo, tmp_path):
    repo.user("adoe")
    (repo.root / "users/adoe.yml").write_text((repo.root / "users/adoe.yml").read_text() + "role: editor\n")
    elsewhere = tmp_path / "elsewhere"
    repo.case()
    os.rename(repo.root / "cases/pneumothorax", elsewhere)
    os.symlink(elsewhere, repo.root / "cases/pneumothorax")
    done = run_site_gen("takedown", "pneumothorax", "--reason", "phi", "--editor", "adoe", cwd=repo.root)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "is a symbolic link" in done.stderr and "git rm cases/pneumothorax" in done.stderr
