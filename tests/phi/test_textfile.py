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


# --- text as readers see it ---------------------------------------------------------------

def places(findings, category):
    return [(f.line, f.column) for f in findings if f.category == category]


def test_yaml_escapes_are_decoded_before_checking():
    for value in ('"Seen by \\x4Flivia Brown at home."', '"Seen by \\u004Flivia \\U00000042rown."',
                  '"Seen by Oli\\\n  via Brown."'):
        findings = scan_yaml(f"presentation: {value}\n", "cases/x/case.yml")
        assert places(findings, Category.NAME) == [(1, 24)], value


def test_character_references_and_markup_inside_words_are_decoded():
    yaml_text = "presentation: Seen by &#79;livia &#x42;rown at home.\n"
    assert places(scan_yaml(yaml_text, "cases/x/case.yml"), Category.NAME) == [(1, 23)]
    for text in ("Seen by &#79;livia Brown.\n", "Seen by Oli**v**ia Brown.\n", "Seen by Oli<b>v</b>ia Brown.\n",
                 "Seen by [Oli](https://example.org)via Brown.\n"):
        assert places(scan_text(text, "docs/page.md"), Category.NAME) == [(1, 10 if "[" in text else 9)], text
    for text in ("Mail j.smith&#64;example.org today.\n", "Mail j.smith&commat;example.org today.\n"):
        assert places(scan_text(text, "docs/page.md"), Category.EMAIL) == [(1, 6)], text
    for link in ("See [the search](https://pubmed.ncbi.nlm.nih.gov/?term=Olivia%20Brown%2012%2F03%2F2024).\n",
                 "See https://pubmed.ncbi.nlm.nih.gov/?term=Olivia%20Brown%2012%2F03%2F2024 again.\n"):
        findings = scan_text(link, "docs/page.md")
        assert places(findings, Category.NAME) == [(1, link.index("Olivia") + 1)]
        assert places(findings, Category.DATE) == [(1, link.index("12%2F") + 1)]


def test_findings_in_block_scalars_are_never_placed_on_the_header_line():
    for header in (">2-", "|2-", ">-", "|+"):
        text = f"discussion: {header}\n  2\n  May 2020 was the visit\n"
        lines = {f.line for f in scan_yaml(text, "cases/x/case.yml")}
        assert lines and 1 not in lines, header


def test_block_scalar_headers_after_an_anchor_or_a_tag_are_syntax_too():
    body = "\n  2\n  May 2020 was the visit\n"
    for text in (f"discussion: &visit |2-{body}again: *visit\n", f"discussion: !!str >2-{body}",
                 f"discussion: &x !!str |-2{body}again: *x\n"):
        lines = {f.line for f in scan_yaml(text, "cases/x/case.yml") if f.category == Category.DATE}
        assert lines and 1 not in lines, text


def test_findings_carry_the_end_of_the_identifier():
    finding = next(f for f in scan_text("Seen by John Smith today.\n", "x.md") if f.category == Category.NAME)
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (1, 9, 1, 19)


# --- references ---------------------------------------------------------------------------

def reference(citation: str, extra: str = "") -> str:
    return f"title: Pneumothorax\nreferences:\n  - citation: \"{citation}\"\n{extra}"


def test_citations_keep_their_authors_journal_and_numbers():
    for citation in ("Smith AB, Jones CD, et al. Management of pneumothorax. Thorax. 2010 Dec;65(3):123-130.",
                     "van der Berg J, Nguyen-Tran TH, O'Neill P. Lung nodules. J Am Soc Echocardiogr. 2015;28:1-39.",
                     "MacDuff A, Arnold A, Harvey J. Management of spontaneous pneumothorax. Thorax 2010;65 "
                     "Suppl 2:ii18-31. doi:10.1136/thx.2010.136986. PMID: 20696690."):
        extra = "    doi: 10.1136/thx.2010.136986\n    pmid: 20696690\n    url: https://thorax.bmj.com/content/65/Suppl_2/ii18\n"
        assert scan_yaml(reference(citation, extra), "cases/x/case.yml") == [], citation


def test_a_references_block_is_still_checked_outside_citation_shape():
    cases = {
        "Smith AB. Pneumothorax. Thorax. 2010;65:1-9. Patient Olivia Brown, seen 12 March 2024.": {"NAME", "DATE"},
        "Smith AB. Pneumothorax. Thorax. 2010;65:1-9. Call 020 7946 0958 or j.smith@example.org.": {"PHONE", "EMAIL"},
        "Smith AB. Pneumothorax. Thorax. 2010 Mar 15;65:1-9.": {"DATE"},
        "Smith AB. Pneumothorax. Thorax. 2010;65:1-9. MRN 12345678, 221B Baker Street, London NW1 6XE.": {"ID_NUMBER"},
        "Smith AB. Pneumothorax. Thorax. 2010;65:1-9. Images at https://photos.example.org/olivia-brown.": {"URL_IP"},
    }
    for citation, expected in cases.items():
        found = {f.category.value for f in scan_yaml(reference(citation), "cases/x/case.yml")}
        assert expected <= found, (citation, found)
    url = scan_yaml(reference("Smith AB. Title. Thorax. 2010;65:1-9.", "    url: https://example.org/j.smith@example.org\n"),
                    "cases/x/case.yml")
    assert {f.category.value for f in url} >= {"EMAIL"}
