from site_gen.model.yamlsource import parse_yaml


def test_positions_of_values_and_keys_are_one_based():
    doc = parse_yaml("title: X\nstudies:\n  - modality: CT\n    timing: day 0\n", "c.yml")
    assert doc.position(("title",)) == (1, 8)
    assert doc.position(("studies", 0, "timing")) == (4, 13)
    assert doc.position(("studies", 0, "timing"), key=True) == (4, 5)
    # Unknown locations fall back to the nearest known parent.
    assert doc.position(("studies", 0, "series", 3)) == (3, 5)


def test_malformed_yaml_reports_line_not_traceback():
    doc = parse_yaml("title: X\nstudies:\n  - modality: CT\n   timing: [day 0\n", "c.yml")
    assert doc.data is None
    [problem] = doc.problems
    assert problem.path == "c.yml" and problem.line >= 3
    assert "not valid YAML" in problem.message


def test_duplicate_keys_are_reported():
    doc = parse_yaml("title: A\ntitle: B\n", "c.yml")
    [problem] = doc.problems
    assert (problem.line, problem.column) == (2, 1)
    assert "'title' appears twice" in problem.message


def test_dates_stay_text():
    doc = parse_yaml("timing: 2024-03-01\n", "c.yml")
    assert doc.data == {"timing": "2024-03-01"}


def test_control_characters_are_located():
    doc = parse_yaml('a: 1\nb: "x\x07"\n', "c.yml")
    [problem] = doc.problems
    assert (problem.line, problem.column) == (2, 6)
    assert "control character" in problem.message
