"""Validation messages a radiologist can act on: synonyms, window shorthand and plausibility,
YAML errors where they start, "did you mean" for folders, and never a raw value that could be
patient information."""
from __future__ import annotations

import re

import numpy as np
import pytest

from site_gen.model.library import load_library
from site_gen.model.yamlsource import parse_yaml
from tests.conftest import CASE_YAML
from tests.media.dicom_fixtures import write_slice

# Invented for these tests.
NAME_FIELD = "Olivia Hansen DOB 1970-01-02"
SECRETS = ("Olivia", "Hansen", "1970", "hansen@", "OliviaHansen")


def problems_of(repo) -> list[str]:
    return [str(p) for p in load_library(repo.root).problems]


def ct_case(repo, window_lines: str, modality: str = "CT", slug: str = "ct-case") -> None:
    pixels = np.full((16, 16), 1024 + 40, dtype=np.uint16)
    for index in range(2):
        write_slice(repo.root / "cases" / slug / "ct-axial" / f"{index + 1:02d}.dcm", pixels, z=index,
                    modality=modality, instance=index + 1)
    text = (CASE_YAML.replace("modality: CR", f"modality: {modality}").replace("path: xr", "path: ct-axial")
            .replace("plane: PA", "plane: axial" + window_lines))
    repo.case(slug, text=text, images={})


@pytest.mark.parametrize("written, meant", [("cardiology", "cardiac"), ("neuro", "neuroradiology"),
                                            ("MSK", "musculoskeletal"), ("Chest", "chest")])
def test_systems_suggest_from_the_synonym_table_and_quote_the_value(repo, written, meant):
    repo.case(text=CASE_YAML.replace("systems: [chest, trauma]", f"systems: [{written}]"))
    [problem] = problems_of(repo)
    assert problem.startswith(f"cases/pneumothorax/case.yml:4:11: '{written}' is not an allowed value for system 1; "
                              f"did you mean '{meant}'?")
    assert "oncology'?" not in problem


def test_modality_and_field_synonyms(repo):
    text = (CASE_YAML.replace("modality: CR", "modality: MRI").replace("  sex: male", "  gender: male")
            .replace("presentation: Sudden", "history: Sudden"))
    repo.case(text=text)
    problems = "\n".join(problems_of(repo))
    assert "'MRI' is not an allowed value for 'modality' (study 1); did you mean 'MR'?" in problems
    assert "'gender' is called 'sex' here: write 'sex' instead" in problems
    assert "'history' is called 'presentation' here" in problems
    assert "'sex' is missing" not in problems and "'presentation' is missing" not in problems


@pytest.mark.parametrize("shorthand", ["40/400", "40,400", "C40 W400", "W400 L40", "WL 40 WW 400",
                                       "center 40 width 400", "'C: 40, W: 400'"])
def test_window_shorthand_is_accepted(repo, shorthand):
    ct_case(repo, f"\n        window: {shorthand}")
    assert problems_of(repo) == []
    [case] = load_library(repo.root).cases
    assert case.studies[0].series[0].window == (40.0, 400.0)


def test_unreadable_window_is_explained(repo):
    ct_case(repo, "\n        window: 40-400")
    [problem] = problems_of(repo)
    assert problem.startswith("cases/ct-case/case.yml:18:17: 'window' (study 1, series 1) is not")
    assert "C40 W400" in problem and "40/400" in problem


def test_level_without_center_is_clear_and_has_no_stray_quote(repo):
    ct_case(repo, "\n        window:\n          level: 40\n          width: 400")
    problems = problems_of(repo)
    assert problems == ["cases/ct-case/case.yml:19:11: 'level' is called 'center' here: write 'center' instead "
                        "(e.g. 'center: 40')"]
    assert not re.search(r"\w' \(", problems[0].replace("'center' instead", ""))


def test_implausible_windows_are_reported(repo):
    ct_case(repo, "\n        window: {center: 40000, width: 1}")
    problems = "\n".join(problems_of(repo))
    assert "cases/ct-case/case.yml:18:17: window width 1 is implausible for CT" in problems
    assert "window centre 40000 is outside the range of CT values" in problems

    # MR: no common scale, but a window entirely outside what the files can hold shows nothing.
    ct_case(repo, "\n        window: {center: 900000, width: 100}", modality="MR", slug="mr-case")
    problems = "\n".join(p for p in problems_of(repo) if p.startswith("cases/mr-case"))
    assert "lie outside the values these images can hold" in problems


def test_window_on_a_photograph_or_png_is_reported(repo):
    repo.case(text=CASE_YAML.replace("plane: PA", "plane: PA\n        window: 40/400"))
    [problem] = problems_of(repo)
    assert problem.startswith("cases/pneumothorax/case.yml:18:17: a display window applies to DICOM images only")
    repo.case(text=CASE_YAML.replace("modality: CR", "modality: XC").replace("plane: PA", "window: 40/400"))
    [problem] = problems_of(repo)
    assert "photograph" in problem and "remove 'window'" in problem


def test_unclosed_quote_is_reported_where_it_starts():
    lines = CASE_YAML.splitlines()
    assert lines[12].strip().startswith("findings:")
    lines[12] = '    findings: "Visceral pleural line'     # line 13, never closed
    del lines[13]
    [problem] = parse_yaml("\n".join(lines) + "\n", "cases/x/case.yml").problems
    assert (problem.line, problem.column) == (13, 15), problem
    assert "quotation mark" in problem.message and "never closed" in problem.message

    # Closed by a later quotation mark: YAML stops far below, the report stays at line 13.
    lines[-5] = '  - citation: "MacDuff A. Thorax 2010."'
    [problem] = parse_yaml("\n".join(lines) + "\n", "cases/x/case.yml").problems
    assert (problem.line, problem.column) == (13, 15), problem

    # Apostrophes in a block of text are not quotation marks.
    text = CASE_YAML.replace("discussion: Primary", "discussion: |\n  Don't miss it.\n  It's subtle.\nnotes: x: y\nd2: Primary")
    [problem] = parse_yaml(text, "x").problems
    assert problem.line == text.splitlines().index("notes: x: y") + 1


def test_missing_image_folder_suggests_the_case_folders(repo):
    repo.case(text=CASE_YAML.replace("path: xr", "path: x-rays"), images={"xray": 1, "ct-axial": 1})
    [problem] = problems_of(repo)
    assert problem.endswith("image path 'x-rays' does not exist in the case folder; did you mean 'xray'?")
    repo.case(text=CASE_YAML.replace("path: xr", "path: abdomen"), images={"xray": 1, "ct-axial": 1})
    [problem] = problems_of(repo)
    assert problem.endswith("the case folder holds: 'ct-axial', 'xray'")


def test_values_that_could_be_patient_information_are_never_echoed(repo):
    text = (CASE_YAML.replace("title: Primary", f"{NAME_FIELD}: x\ntitle: Primary")
            .replace("  sex: male", "  sex: Olivia Hansen")
            .replace("path: xr", "path: Olivia Hansen 1970"))
    repo.case(text=text)
    repo.case("second", text=CASE_YAML.replace("authors: [adoe]", "authors: [adoe, OliviaHansen]"))
    (repo.root / "users" / "bkhan.yml").write_text(
        (repo.root / "users" / "adoe.yml").read_text().replace("username: adoe", "username: bkhan")
        + "key: olivia.hansen@hospital.example.org\nhansen@hospital.example.org: 1\n")
    problems = problems_of(repo)
    joined = "\n".join(problems)
    for secret in SECRETS:
        assert secret not in joined, joined
    assert "cases/pneumothorax/case.yml:2:1: unknown field [Xxxxxx Xxxxxx XXX 9999-99-99]" in joined
    assert "author [XxxxxxXxxxxx] has no profile in users/" in joined
    assert "[Xxxxxx Xxxxxx] is not an allowed value for 'sex'" in joined
    repo.case(text=CASE_YAML.replace("path: xr", "path: Olivia Hansen 1970"))
    joined = "\n".join(problems_of(repo))
    assert "image path [Xxxxxx Xxxxxx 9999] does not exist" in joined and "Olivia" not in joined
    assert re.search(r"users/bkhan\.yml:\d+:\d+: 'key' cannot be used", joined)
    assert re.search(r"users/bkhan\.yml:\d+:\d+: unknown field \[xxxxxx@", joined)


def test_duplicate_key_is_masked_when_it_could_be_a_name():
    [problem] = parse_yaml("Olivia Hansen: 1\nOlivia Hansen: 2\n", "x").problems
    assert "Olivia" not in problem.message and problem.message.startswith("[Xxxxxx Xxxxxx] appears twice")
    [problem] = parse_yaml("title: a\ntitle: b\n", "x").problems
    assert problem.message.startswith("'title' appears twice")
