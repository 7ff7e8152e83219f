"""The contributor's path in a real Git repository with the real pre-commit hook installed:
PHI is refused by the hook, an imported DICOM case commits cleanly, the review report lists it
and writes the contact sheet, and the export is byte-identical afterwards."""
from __future__ import annotations

from PIL import Image

from tests.conftest import CASE_YAML
from tests.contribute.conftest import git, site_gen, snapshot
from tests.contribute.exports import PHI


def test_contributor_flow_from_dicom_folder_to_review(hooked_repo, export, tmp_path):
    builder, env = hooked_repo
    root = builder.root
    before = snapshot(export)

    # 1. A commit that adds patient information is refused by the installed hook.
    builder.case(slug="leaky", text=CASE_YAML.replace("Sudden right-sided", "Mr John Smith has sudden right-sided"))
    git("add", ".", cwd=root, env=env)
    refused = git("commit", "-qm", "add leaky case", cwd=root, env=env)
    assert refused.returncode != 0
    assert "NAME" in refused.stdout + refused.stderr
    assert git("rev-list", "--count", "HEAD", cwd=root, env=env).stdout.strip() == "1"
    git("rm", "-rq", "--cached", "cases/leaky", cwd=root, env=env)
    import shutil
    shutil.rmtree(root / "cases" / "leaky")

    # 2. A case imported from a DICOM folder full of PHI commits cleanly.
    made = site_gen("new-case", "--no-input", "--title", "Solitary pulmonary nodule", "--author", "adoe",
                    "--system", "chest", "--age", "65", "--sex", "male",
                    "--presentation", "Incidental finding on a pre-operative chest radiograph.", cwd=root, env=env)
    assert made.returncode == 0, made.stderr
    imported = site_gen("import-dicom", str(export), "--case", "solitary-pulmonary-nodule", "--black-out-text",
                        "--findings", "A solid 8 mm nodule in the right lower lobe.",
                        "--caption", "Axial CT through the nodule.", cwd=root, env=env)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    for value in PHI.values():
        assert value not in imported.stdout + imported.stderr
    git("add", ".", cwd=root, env=env)
    committed = git("commit", "-qm", "Add solitary pulmonary nodule", cwd=root, env=env)
    assert committed.returncode == 0, committed.stdout + committed.stderr
    files = git("ls-files", "cases", cwd=root, env=env).stdout.split()
    assert "cases/solitary-pulmonary-nodule/ct-axial/0006.dcm" in files
    assert "cases/solitary-pulmonary-nodule/ot-images/0001.dcm" in files

    # 3. The editor's review for the range lists the case and writes the contact sheet.
    sheet = tmp_path / "sheet.png"
    report = tmp_path / "review.md"
    reviewed = site_gen("review", "HEAD~1..HEAD", "--output", str(report), "--contact-sheet", str(sheet),
                        cwd=root, env=env)
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    text = report.read_text()
    assert text.startswith("<!-- site-gen-review -->")
    assert "| `cases/solitary-pulmonary-nodule` | added | ✅ OK | ✅ none found |" in text
    sheets = sorted(tmp_path.glob("sheet-*.png"))  # one per series: the CT and the capture
    assert [p.name for p in sheets] == ["sheet-01-solitary-pulmonary-nodule-ct-axial.png",
                                        "sheet-02-solitary-pulmonary-nodule-ot-images.png"]
    with Image.open(sheets[0]) as image:
        assert image.width >= 2 * 384 and image.height > 3 * 384  # 6 CT slices, 2 a row, 384 px tiles

    # 4. The export was never touched.
    assert snapshot(export) == before
