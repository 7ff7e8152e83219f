from site_gen.phi.allow import AllowFile, allow_entry, inline_allows
from site_gen.phi.finding import Category, Finding


def test_inline_allow_needs_a_reason():
    text = ("a: Baker # phi: allow eponym, Baker cyst\n"
            "b: Hill # phi: allow\n"
            "<!-- phi: allow vendor name -->\n")
    allows = inline_allows(text, "case.yml")
    assert sorted(allows) == [1, 3]
    assert allows[1].reason == "eponym, Baker cyst"
    assert allows[3].reason == "vendor name"


def test_allow_file_matches_content_hash_detector_category_and_place(tmp_path):
    (tmp_path / ".phi-allow.yml").write_text(
        "- path: cases/x/us.dcm\n  sha256: abc\n  detector: ocr\n  category: NAME\n"
        "  where: frame 2 box 1,2,3x4\n  reason: vendor label read as a name\n"
        "- sha256: def\n")
    allow = AllowFile.load(tmp_path)
    assert allow.problems == [".phi-allow.yml: entry 2 needs at least 'sha256' and 'reason'"]
    finding = Finding(path="cases/x/us.dcm", category=Category.NAME, detector="ocr", message="m",
                      frame=2, box=(1, 2, 3, 4))
    assert allow.match(finding, "abc").reason == "vendor label read as a name"
    assert allow.match(finding, "changed-file") is None
    other_place = Finding(path="cases/x/us.dcm", category=Category.NAME, detector="ocr", message="m", frame=3)
    assert allow.match(other_place, "abc") is None
    entry = allow_entry(finding, "abc")
    assert entry["where"] == "frame 2 box 1,2,3x4" and "value" not in entry
