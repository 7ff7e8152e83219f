from site_gen.phi.finding import Category
from site_gen.phi.textfile import scan_text, scan_yaml


def categories(findings):
    return {(f.line, f.column, f.category) for f in findings}


def test_text_findings_carry_line_and_column_and_never_the_value():
    text = "Findings are normal.\nSeen by John Smith on 12/03/2024.\n"
    findings = scan_text(text, "cases/x/notes.md")
    assert (2, 9, Category.NAME) in categories(findings)
    assert (2, 23, Category.DATE) in categories(findings)
    for finding in findings:
        assert "John" not in finding.masked and "Smith" not in finding.message
        assert "12/03" not in finding.masked


def test_value_folded_over_two_yaml_lines_is_caught():
    text = ("presentation: >\n"
            "  Referred with chest pain; contact telephone 020\n"
            "  7946 0958 for results.\n")
    found = [f for f in scan_yaml(text, "case.yml") if f.category == Category.PHONE]
    assert [(f.line, f.column) for f in found] == [(2, 47)]


def test_yaml_comments_are_checked():
    findings = scan_yaml("title: Pneumothorax\n# from Dr Peter Quillfeather's list\n", "case.yml")
    assert any(f.line == 2 and f.category == Category.NAME for f in findings)


def test_citation_authors_and_years_are_not_patient_information():
    text = ("references:\n"
            "  - citation: >\n"
            "      Smith AB, Jones CD. Management of spontaneous pneumothorax.\n"
            "      Thorax 2010 Dec;65 Suppl 2:ii18-31.\n"
            "    doi: 10.1136/thx.2010.136986\n"
            "discussion: Discussed with Dr Gregory House at the meeting.\n")
    findings = scan_yaml(text, "case.yml")
    assert [(f.line, f.category) for f in findings] == [(6, Category.NAME)]
