"""Every kind of bad input the validator must report, each at its line and column."""
import os

import pytest

from site_gen.model.library import load_library
from tests.conftest import CASE_YAML


def problems_of(repo):
    library = load_library(repo.root)
    return [str(p) for p in library.problems], library


def test_valid_case_loads(repo):
    repo.case()
    problems, library = problems_of(repo)
    assert problems == []
    [case] = library.cases
    assert case.slug == "pneumothorax"
    assert case.modalities == ["CR"]
    assert case.licence == "CC BY-NC-SA 4.0"  # the default
    assert case.differential == [("Skin fold", "The line continues beyond the chest wall.")]


def test_unknown_key_points_at_the_key_and_suggests(repo):
    repo.case(text=CASE_YAML.replace("    findings: |", "    findngs: |"))
    problems, _ = problems_of(repo)
    assert "cases/pneumothorax/case.yml:13:5: unknown field 'findngs'; did you mean 'findings'?" in problems
    assert any("'findings' is missing" in p for p in problems)


def test_wrong_type(repo):
    repo.case(text=CASE_YAML.replace("systems: [chest, trauma]", "systems: chest"))
    problems, _ = problems_of(repo)
    assert problems == ["cases/pneumothorax/case.yml:4:10: 'systems' should be a list, not text"]


def test_unknown_vocabulary_value_suggests(repo):
    repo.case(text=CASE_YAML.replace("systems: [chest, trauma]", "systems: [chets]"))
    problems, _ = problems_of(repo)
    assert len(problems) == 1
    assert problems[0].startswith("cases/pneumothorax/case.yml:4:11: 'chets' is not an allowed value for system 1")
    assert "did you mean 'chest'?" in problems[0]


def test_dates_and_unrounded_adult_ages_are_refused_without_echoing_them(repo):
    text = CASE_YAML.replace("timing: day 0", "timing: 12 March 2024").replace("age: 25", "age: 47")
    repo.case(text=text)
    problems, _ = problems_of(repo)
    joined = "\n".join(problems)
    assert "12 March" not in joined
    assert "case.yml:12:13: 'timing' (study 1) is not written in the expected form" in joined
    assert "Never a date" in joined


def test_adult_age_rounding(repo):
    repo.case(text=CASE_YAML.replace("age: 25", "age: 47"))
    problems, _ = problems_of(repo)
    assert problems == ["cases/pneumothorax/case.yml:7:8: round adult ages to the nearest 5 years "
                        "(for example 45, not 47) so the patient cannot be singled out"]


@pytest.mark.parametrize("age, ok", [("90+", True), ("92", False), ("6 months", True), (7, True), (95, False)])
def test_age_forms(repo, age, ok):
    repo.case(text=CASE_YAML.replace("age: 25", f"age: {age!r}" if isinstance(age, str) else f"age: {age}"))
    problems, _ = problems_of(repo)
    assert (problems == []) is ok, problems


def test_unknown_author(repo):
    repo.case(text=CASE_YAML.replace("authors: [adoe]", "authors: [adoe, zsmith]"))
    problems, _ = problems_of(repo)
    assert problems == ["cases/pneumothorax/case.yml:3:17: author 'zsmith' has no profile in users/ "
                        "(add users/zsmith.yml)"]


def test_missing_images(repo):
    repo.case(images={})
    problems, _ = problems_of(repo)
    assert problems == ["cases/pneumothorax/case.yml:16:15: image path 'xr' does not exist in the case folder; "
                        "the case folder holds no images yet (add them with site-gen import-dicom)"]


def test_folder_without_images(repo):
    repo.case(images={})
    (repo.root / "cases/pneumothorax/xr").mkdir()
    (repo.root / "cases/pneumothorax/xr/notes.txt").write_text("x")
    problems, _ = problems_of(repo)
    assert problems == ["cases/pneumothorax/case.yml:16:15: 'xr' holds no DICOM, PNG or JPEG images"]


@pytest.mark.parametrize("path, words", [
    ("/etc", "must be relative to the case folder"),
    ("../other/xr", "may not use '..'"),
])
def test_paths_must_stay_inside_the_case(repo, path, words):
    repo.case(text=CASE_YAML.replace("path: xr", f"path: {path}"))
    problems, _ = problems_of(repo)
    assert len(problems) == 1 and words in problems[0] and ":16:15:" in problems[0]


def test_symlink_leading_out_is_refused(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.png").write_bytes(b"")
    repo.case(images={})
    os.symlink(outside, repo.root / "cases/pneumothorax/xr")
    problems, _ = problems_of(repo)
    assert len(problems) == 1 and "'xr' is a symbolic link to a folder" in problems[0]


def test_symlinked_file_inside_folder_leading_out_is_refused(repo, tmp_path):
    secret = tmp_path / "elsewhere.png"
    secret.write_bytes(b"")
    repo.case()
    os.symlink(secret, repo.root / "cases/pneumothorax/xr/02.png")
    problems, _ = problems_of(repo)
    assert len(problems) == 1 and "link leading outside" in problems[0]


def test_key_image_beyond_series(repo):
    repo.case(text=CASE_YAML.replace("key_images: [1]", "key_images: [1, 3]"), images={"xr": 2})
    problems, _ = problems_of(repo)
    assert problems == ["cases/pneumothorax/case.yml:19:21: key image 3 does not exist: this series has 2 images"]


def test_duplicate_slugs_differing_in_case(repo):
    repo.case("pneumothorax")
    repo.case("Pneumothorax")
    problems, library = problems_of(repo)
    assert any("duplicate case name" in p for p in problems)
    assert any("lower-case letters" in p for p in problems)


def test_all_problems_reported_at_once(repo):
    repo.case("one", text=CASE_YAML.replace("systems: [chest, trauma]", "systems: chest"))
    repo.case("two", text="title: [unclosed\n")
    repo.case("three", text=CASE_YAML.replace("authors: [adoe]", "authors: [nobody]"))
    problems, _ = problems_of(repo)
    assert {p.split(":")[0] for p in problems} == {"cases/one/case.yml", "cases/two/case.yml",
                                                   "cases/three/case.yml"}


def test_folder_without_case_file(repo):
    (repo.root / "cases" / "draft").mkdir()
    problems, _ = problems_of(repo)
    assert problems == ["cases/draft: this case folder has no case.yml"]


def test_user_profile_errors(repo):
    (repo.root / "users" / "bkhan.yml").write_text("username: bkhan\nfirst_name: B\nposition: chief\n")
    problems, library = problems_of(repo)
    assert "users/bkhan.yml:1:1: 'surname' is missing" in " ".join(problems)
    assert any(p.startswith("users/bkhan.yml:3:11: 'chief' is not an allowed value for 'position'") for p in problems)
    assert "bkhan" not in library.users


def test_user_name_must_match_file(repo):
    (repo.root / "users" / "bkhan.yml").write_text((repo.root / "users/adoe.yml").read_text())
    problems, _ = problems_of(repo)
    assert problems == ["users/bkhan.yml:1:11: the username must match the file name ('bkhan')"]


def test_a_case_number_used_twice_is_refused_in_both_cases(repo):
    repo.case("first", text=CASE_YAML.replace("title:", "id: 12\ntitle:", 1))
    repo.case("second", text=CASE_YAML.replace("title:", "id: 12\ntitle:", 1))
    repo.case("third", text=CASE_YAML.replace("title:", "id: 30\ntitle:", 1))
    found, _ = problems_of(repo)
    assert "cases/first/case.yml:2:5: case number 12 is also used by 'cases/second'; every case needs its own " \
           "number (the next free one is 31)" in found
    assert any(p.startswith("cases/second/case.yml:2:5: case number 12 is also used by 'cases/first'") for p in found)
    assert not any("cases/third" in p for p in found)


def test_a_case_number_must_be_a_positive_whole_number(repo):
    repo.case(text=CASE_YAML.replace("title:", "id: case-7\ntitle:", 1))
    found, library = problems_of(repo)
    assert any(p.startswith("cases/pneumothorax/case.yml:2:") for p in found) and not library.cases
