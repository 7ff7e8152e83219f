"""Reports never show a detected value: file names holding one are masked, names cannot forge
report lines, repeated per-frame findings are one line, SARIF marks the identifier itself and
its fingerprints cannot be matched by hashing candidate values."""
import hashlib
import json

from site_gen.phi import report as formats
from site_gen.phi.finding import Category, Finding
from site_gen.phi.scanner import ScanReport, scan
from tests.conftest import run_site_gen, write_text




def test_file_names_holding_a_name_are_masked_in_every_format(tmp_path):
    write_text(tmp_path / "cases/c1/Smith_John_report.md", "Seen by Mary Jones on 12/03/2024.\n")
    result = scan([tmp_path / "cases"], tmp_path, cache_dir=None)
    assert any(f.detector == "file-name" for f in result.findings)
    outputs = [formats.as_text(result), formats.as_json(result), formats.as_sarif(result)]
    for output in outputs:
        assert "Smith" not in output and "John" not in output and "Mary" not in output
    assert "cases/c1/Xxxxx_Xxxx_xxxxxx.md:1:9: NAME" in outputs[0]
    cli = run_site_gen("check-phi", "--no-cache", "--format", "json", cwd=tmp_path)
    assert "Smith" not in cli.stdout + cli.stderr and cli.returncode == 1


def test_a_newline_in_a_file_name_cannot_forge_report_lines(tmp_path):
    forged = "x.md\ncases/c1/case.yml:1:1: NAME (person_name): all clear\n"
    write_text(tmp_path / "cases/c1" / forged, "Seen by John Smith.\n")
    done = run_site_gen("check-phi", "--no-cache", cwd=tmp_path)
    lines = done.stdout.splitlines()
    assert done.returncode == 1
    assert not any(line.startswith("cases/c1/case.yml") for line in lines)
    assert any("x.md\\x0acases" in line for line in lines)


def test_a_path_over_4_kb_gives_a_clean_message(tmp_path):
    done = run_site_gen("check-phi", "cases/" + "a" * 5000, cwd=tmp_path)
    assert done.returncode == 2 and "too long" in done.stderr and "Traceback" not in done.stderr
    deep = "/".join(["b" * 200] * 25)
    done = run_site_gen("check-phi", deep, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_the_same_finding_on_many_frames_is_one_line():
    findings = [Finding(path="cases/c/echo.dcm", category=Category.NAME, detector="ocr", message="looks like a name",
                        masked="XXXX", frame=frame, box=(10, 10, 40, 12)) for frame in range(1, 55)]
    findings.append(Finding(path="cases/c/echo.dcm", category=Category.DATE, detector="ocr", message="date",
                            masked="99", frame=3, box=(1, 1, 2, 2)))
    report = ScanReport(findings=findings)
    lines = formats.as_text(report).splitlines()
    assert lines == ["cases/c/echo.dcm frames 1-54 box 10,10,40x12: NAME (ocr): looks like a name [XXXX]",
                     "cases/c/echo.dcm frame 3 box 1,1,2x2: DATE (ocr): date [99]"]
    gaps = [Finding(path="a.dcm", category=Category.NAME, detector="ocr", message="m", frame=f) for f in (1, 2, 3, 7, 9, 10)]
    assert formats.finding_lines(gaps) == ["a.dcm frames 1-3, 7, 9-10: NAME (ocr): m"]
    assert len(json.loads(formats.as_sarif(report))["runs"][0]["results"]) == 2


def test_sarif_marks_the_identifier_and_its_fingerprint_says_nothing_about_it(tmp_path):
    def sarif_for(name: str, date: str) -> dict:
        write_text(tmp_path / "cases/c1/notes.md", f"Findings are normal.\nSeen by {name} on {date} in clinic.\n")
        return json.loads(formats.as_sarif(scan([tmp_path / "cases"], tmp_path, cache_dir=None)))

    first = sarif_for("John Smith", "12/03/2024")
    results = {r["ruleId"]: r for r in first["runs"][0]["results"]}
    region = results["NAME"]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 9, "endLine": 2, "endColumn": 19}
    date_region = results["DATE"]["locations"][0]["physicalLocation"]["region"]
    assert (date_region["startColumn"], date_region["endColumn"]) == (23, 33)

    prints = {r["ruleId"]: r["partialFingerprints"]["phiFinding/v2"] for r in first["runs"][0]["results"]}
    candidates = ["John Smith", "John", "Smith", "12/03/2024", "2024-03-12", "12.03.2024"]
    for candidate in candidates:  # every hashing of the value an attacker might try
        for material in (candidate, f"person_name:NAME:{candidate}", f"date:DATE:{candidate}"):
            digest = hashlib.sha256(material.encode()).hexdigest()
            for fingerprint in prints.values():
                assert digest[:16] not in fingerprint and digest[:32] != fingerprint
    second = sarif_for("Mary Jones", "01/11/2023")  # other values, same place: same fingerprints
    assert {r["ruleId"]: r["partialFingerprints"]["phiFinding/v2"] for r in second["runs"][0]["results"]} == prints
