"""Allow comments name what they silence, silence only that, only where they stand; the allow-file
names categories too; reasons are checked and shown masked; the site never shows a comment."""
from site_gen.phi.allow import AllowFile, allow_entry, find_pragmas, strip_pragmas
from site_gen.phi.finding import Category, Finding
from site_gen.phi.textfile import check_text


def test_a_comment_must_name_categories_and_a_reason():
    text = ("a: Baker # phi: allow NAME: eponym, Baker cyst\n"
            "b: Hill # phi: allow eponym\n"
            "c: Hill # phi: allow NAME:\n"
            "d: Hill # phi: allow FRIEND: quiz\n"
            "<!-- phi: allow NAME, INSTITUTION: vendor name -->\n")
    pragmas = find_pragmas(text)
    assert [(p.line, sorted(p.categories), p.reason, p.problem is None) for p in pragmas] == [
        (1, ["NAME"], "eponym, Baker cyst", True),
        (2, [], "eponym", False),
        (3, ["NAME"], "", False),
        (4, ["FRIEND"], "quiz", False),
        (5, ["INSTITUTION", "NAME"], "vendor name", True)]
    assert "FRIEND" not in pragmas[3].problem  # what is not a category may be a name: never echoed


def test_the_old_reason_only_form_silences_nothing_and_says_why():
    result = check_text("a: Seen by John Smith  # phi: allow fictional name\n", "cases/x/case.yml", kind="yaml")
    assert [f.category for f in result.findings] == [Category.NAME]
    assert result.suppressed == []
    assert result.notes and "must name the categories" in result.notes[0] and "NAME: eponym" in result.notes[0]


def test_a_comment_silences_only_its_categories():
    text = "a: Seen by John Smith on 12/03/2024  # phi: allow NAME: fictional quiz name\n"
    result = check_text(text, "cases/x/case.yml", kind="yaml")
    assert [f.category for f in result.findings] == [Category.DATE]
    assert [f.category for f, _ in result.suppressed] == [Category.NAME]


def test_one_comment_cannot_excuse_a_whole_flow_style_file():
    text = ("{title: Pneumothorax, presentation: Seen by John Smith at home, "
            "discussion: Baker cyst seen by Mary Jones}  # phi: allow NAME: eponym\n")
    result = check_text(text, "cases/x/case.yml", kind="yaml")
    columns = sorted(f.column for f in result.findings if f.category == Category.NAME)
    assert columns and columns[0] < text.index("discussion")  # the presentation's name is still reported
    assert all(f.column > text.index("discussion") for f, _ in result.suppressed)


def test_a_comment_excuses_only_the_text_before_it_and_its_reason_is_checked():
    text = "Seen by John Smith <!-- phi: allow NAME: quiz name, ask Mary Jones --> and Peter Marchetti.\n"
    result = check_text(text, "cases/x/notes.md")
    excused = [f.column for f, _ in result.suppressed]
    reported = [f.column for f in result.findings if f.category == Category.NAME]
    assert excused == [text.index("John") + 1]
    assert text.index("Mary") + 1 in reported and text.index("Peter") + 1 in reported


def test_a_comment_on_a_line_of_its_own_excuses_nothing():
    text = "# phi: allow NAME: the next line is an eponym\ndiscussion: Seen by John Smith\n"
    result = check_text(text, "cases/x/case.yml", kind="yaml")
    assert [f.line for f in result.findings] == [2]
    assert "excuses nothing here" in result.notes[0]


def test_a_comment_inside_a_block_scalar_works_for_its_line_and_is_never_published():
    text = ("discussion: |\n"
            "  Baker cyst of the knee.  # phi: allow NAME: eponym\n"
            "  Seen by John Smith.\n")
    result = check_text(text, "cases/x/case.yml", kind="yaml")
    assert [f.line for f in result.findings] == [3]
    assert [f.line for f, _ in result.suppressed] in ([2], [])  # 'Baker' may not even be reported
    assert strip_pragmas("Baker cyst.  # phi: allow NAME: eponym\nnext") == "Baker cyst.\nnext"
    assert strip_pragmas("x <!-- phi: allow NAME: y --> z") == "x z"


def test_allow_file_entries_name_categories_and_apply_to_images_only(tmp_path):
    (tmp_path / ".phi-allow.yml").write_text(
        "- path: cases/x/us.dcm\n  sha256: abc\n  detector: ocr\n  category: NAME\n"
        "  where: frame 2 box 1,2,3x4\n  reason: vendor label read as a name\n"
        "- sha256: def\n  reason: everything in this file\n"
        "- sha256: ghi\n  category: [NAME, DATE]\n  reason: text\n")
    allow = AllowFile.load(tmp_path)
    assert allow.problems == [".phi-allow.yml: entry 2 must name the categories it allows ('category: NAME' or a "
                              "list); it is not applied"]
    finding = Finding(path="cases/x/us.dcm", category=Category.NAME, detector="ocr", message="m",
                      frame=2, box=(1, 2, 3, 4))
    assert allow.match(finding, "abc").reason == "vendor label read as a name"
    assert allow.match(finding, "changed-file") is None
    other_place = Finding(path="cases/x/us.dcm", category=Category.NAME, detector="ocr", message="m", frame=3)
    assert allow.match(other_place, "abc") is None
    other_category = Finding(path="cases/x/us.dcm", category=Category.DATE, detector="ocr", message="m",
                             frame=2, box=(1, 2, 3, 4))
    assert allow.match(other_category, "abc") is None
    in_text = Finding(path="cases/x/case.yml", category=Category.NAME, detector="person_name", message="m",
                      line=3, column=1)
    assert allow.match(in_text, "ghi") is None  # text is excused on its line, never from the allow-file
    entry = allow_entry(finding, "abc")
    assert entry["where"] == "frame 2 box 1,2,3x4" and entry["category"] == "NAME" and "value" not in entry


def test_listing_masks_reasons():
    text = "a: Baker cyst # phi: allow NAME: eponym, as John Smith wrote\n"
    result = check_text(text, "cases/x/case.yml", kind="yaml")
    shown = result.allows[0].describe()
    assert "John" not in shown and "Smith" not in shown and "eponym" in shown and "NAME" in shown
