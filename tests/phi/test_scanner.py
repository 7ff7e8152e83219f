"""The engine end to end on files written by the tests (text kinds; media checks have their own tests)."""
import os

from site_gen.phi.finding import Category
from site_gen.phi.scanner import scan


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_clean_radiology_text_passes(tmp_path):
    write(tmp_path / "cases/colles/case.yml",
          "title: Colles fracture\n"
          "findings: >\n  Dorsally angulated distal radius fracture (Colles) with ulnar styloid avulsion.\n"
          "  Baker cyst incidental. BI-RADS 4 lesion elsewhere; Gleason 4+3=7. C5-C6 and L4/5 normal.\n"
          "timing: 6 weeks later\n")
    report = scan([tmp_path / "cases"], tmp_path, cache_dir=None)
    assert report.findings == [] and report.files == 1


def test_every_text_category_and_file_names(tmp_path):
    write(tmp_path / "cases/c1/notes.md",
          "Patient: John Smith, MRN 12345678. Seen 12/03/2024.\n"
          "Call 020 7946 0958 or mail john.smith@example.org.\n")
    write(tmp_path / "cases/c1/Smith_John_report.txt", "nothing here\n")
    report = scan([tmp_path / "cases"], tmp_path, cache_dir=None)
    found = {f.category for f in report.findings}
    assert {Category.NAME, Category.ID_NUMBER, Category.DATE, Category.PHONE, Category.EMAIL} <= found
    names = [f for f in report.findings if f.detector == "file-name"]
    assert [f.path for f in names] == ["cases/c1/Smith_John_report.txt"]


def test_unknown_binary_fails_closed(tmp_path):
    (tmp_path / "cases/c1").mkdir(parents=True)
    (tmp_path / "cases/c1/report.pdf").write_bytes(b"%PDF-1.4\n\x00\x01\x02binary")
    report = scan([tmp_path / "cases"], tmp_path, cache_dir=None)
    assert [f.category for f in report.findings] == [Category.CANNOT_VERIFY]


def test_symlink_fails_closed(tmp_path):
    write(tmp_path / "outside.txt", "x")
    (tmp_path / "cases/c1").mkdir(parents=True)
    os.symlink(tmp_path / "outside.txt", tmp_path / "cases/c1/link.txt")
    report = scan([tmp_path / "cases"], tmp_path, cache_dir=None)
    assert [f.category for f in report.findings] == [Category.CANNOT_VERIFY]


def test_results_are_cached_by_content(tmp_path):
    path = write(tmp_path / "cases/c1/notes.md", "Seen by John Smith.\n")
    cache = tmp_path / "cache"
    first = scan([tmp_path / "cases"], tmp_path, cache_dir=cache)
    second = scan([tmp_path / "cases"], tmp_path, cache_dir=cache)
    assert (first.cached, second.cached) == (0, 1)
    assert first.findings == second.findings
    path.write_text("Seen by the registrar.\n")
    third = scan([tmp_path / "cases"], tmp_path, cache_dir=cache)
    assert third.cached == 0 and third.findings == []


def test_inline_allow_suppresses_only_its_line(tmp_path):
    write(tmp_path / "cases/c1/case.yml",
          "a: Seen by John Smith  # phi: allow NAME: fictional name in a quiz question\n"
          "b: Seen by Mary Jones\n")
    report = scan([tmp_path / "cases"], tmp_path, cache_dir=None)
    assert [f.line for f in report.findings] == [2]
    assert [s.reason for _, s in report.suppressed] == ["fictional name in a quiz question"]


def test_a_file_over_its_time_limit_is_refused_and_the_rest_still_checked(tmp_path):
    write(tmp_path / "cases/c1/long.md", "Chest radiograph: clear lungs, no effusion. " * 4000)
    write(tmp_path / "cases/c1/notes.md", "Seen by John Smith.\n")
    report = scan([tmp_path / "cases"], tmp_path, cache_dir=tmp_path / "cache", time_limit=0.0001)
    refused = [f for f in report.findings if f.category == Category.CANNOT_VERIFY]
    assert {f.path for f in refused} >= {"cases/c1/long.md"}
    assert "took longer than the limit" in refused[0].message
    again = scan([tmp_path / "cases"], tmp_path, cache_dir=tmp_path / "cache")  # a refusal is never cached
    assert [f.category for f in again.findings if f.path == "cases/c1/long.md"] == []
    assert Category.NAME in {f.category for f in again.findings if f.path == "cases/c1/notes.md"}


def test_a_text_file_too_large_is_refused(tmp_path):
    write(tmp_path / "cases/c1/huge.md", "normal " * 400_000)
    report = scan([tmp_path / "cases"], tmp_path, cache_dir=None)
    assert [f.message for f in report.findings if f.category == Category.CANNOT_VERIFY] == [
        "this text file is too large to check (over 2 MB)"]


def test_everything_the_site_publishes_is_checked_by_default(tmp_path):
    import subprocess
    import sys
    write(tmp_path / "cases/c1/case.yml", "title: Normal chest\n")
    write(tmp_path / "users/adoe.yml", "username: adoe\nfirst_name: Alex\nsurname: Doe\ntitle: Dr\n"
                                       "city: Leeds\n# scans of my patient John Smith are in the shared folder\n")
    write(tmp_path / "collections/chest.yml", "title: Chest\ndescription: Cases from Mary Jones's admission on 12/03/2024.\n")
    write(tmp_path / "docs/about.md", "Ask Dr Peter Marchetti at Saint Elsewhere Infirmary.\n")
    write(tmp_path / "mkdocs.yml", "site_name: Cases of Olivia Brown\nsite_url: https://cases.example.org/\n")
    done = subprocess.run([sys.executable, "-m", "site_gen", "check-phi", "--no-cache"], cwd=tmp_path,
                          capture_output=True, text=True)
    flagged = {line.split(":")[0] for line in done.stdout.splitlines()}
    assert flagged == {"users/adoe.yml", "collections/chest.yml", "docs/about.md", "mkdocs.yml"}, done.stdout
    assert "users/adoe.yml:6:" in done.stdout  # the comment, not the profile's own name (lines 3-4)
    assert "users/adoe.yml:3:" not in done.stdout and "users/adoe.yml:4:" not in done.stdout
    assert "mkdocs.yml:2:" not in done.stdout  # the site's own address


def test_the_repository_passes_its_own_guard():
    """The project's published folders hold no finding (allow comments name what they excuse)."""
    from site_gen.fileset import published_paths
    from tests.conftest import REPO_ROOT
    report = scan(published_paths(REPO_ROOT), REPO_ROOT, cache_dir=None, ocr=False, faces=False)
    assert [f.location() for f in report.findings] == []
    assert report.notes == []
