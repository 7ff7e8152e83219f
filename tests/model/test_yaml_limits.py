"""YAML that would hang or crash a reader is refused quickly with a clear message: in validate,
check-phi and the build, and wherever else the tools read YAML from the repository."""
import time

import pytest

from site_gen.model.problems import ProblemsFound
from site_gen.model.yamlsource import YamlLimitError, parse_yaml, safe_load_limited
from site_gen.phi.finding import Category
from site_gen.phi.scanner import scan
from site_gen.site.build import generate_site
from tests.conftest import run_site_gen


def alias_bomb() -> str:
    """The 'billion laughs': nine levels of nine aliases, under 1.5 KB, some 400 million values."""
    lines = ['title: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    text = "\n".join(lines) + "\n"
    assert len(text) < 1600
    return text



def test_an_alias_bomb_is_refused_quickly_everywhere(repo):
    repo.case(text=alias_bomb())
    start = time.monotonic()
    doc = parse_yaml(alias_bomb(), "cases/pneumothorax/case.yml")
    assert doc.problems and "aliases (*name)" in doc.problems[0].message and doc.problems[0].line > 1
    with pytest.raises(YamlLimitError):
        safe_load_limited(alias_bomb())

    validate = run_site_gen("validate", cwd=repo.root)
    assert validate.returncode == 1 and "aliases (*name)" in validate.stdout and "Traceback" not in validate.stderr
    report = scan([repo.root / "cases"], repo.root)
    refused = [f for f in report.findings if f.category == Category.CANNOT_VERIFY]
    assert refused and "aliases" in refused[0].message and refused[0].path.endswith("case.yml")
    with pytest.raises(ProblemsFound) as problems:
        generate_site(repo.root)
    assert "aliases" in problems.value.report()
    assert time.monotonic() - start < 60  # a hang would take hours


@pytest.mark.parametrize("text", ["- " * 100_000 + "x\n", "[" * 100_000 + "\n", "a: " + "{b: " * 600 + "\n",
                                  "".join(" " * i + "a:\n" for i in range(1200))],
                         ids=["block-sequences", "flow-sequences", "flow-mappings", "indentation"])
def test_deep_nesting_is_refused_without_crashing(tmp_path, text):
    """libyaml itself crashes (segmentation fault) on ~100,000 nested levels: refuse before it reads."""
    (tmp_path / "cases/deep").mkdir(parents=True)
    (tmp_path / "cases/deep/case.yml").write_text(text)
    for command in (["validate"], ["check-phi", "--no-cache", "cases"]):
        done = run_site_gen(*command, cwd=tmp_path)
        assert done.returncode == 1, (command, done.stderr[-500:])
        assert "nested" in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_recursive_aliases_and_ordinary_anchors():
    assert "refers to the value that contains it" in parse_yaml("a: &x [1, *x]\n", "x.yml").problems[0].message
    doc = parse_yaml("defaults: &d {plane: axial}\nseries: [*d, *d]\n", "x.yml")
    assert doc.problems == [] and doc.data["series"] == [{"plane": "axial"}, {"plane": "axial"}]


def test_a_huge_yaml_file_is_refused_not_read(tmp_path):
    (tmp_path / "cases/big").mkdir(parents=True)
    (tmp_path / "cases/big/case.yml").write_text("title: x\n" + "# " + "a" * 70 + "\n" * 1 + ("n: 1\n" * 600_000))
    done = run_site_gen("validate", cwd=tmp_path)
    assert done.returncode == 1 and "too large" in done.stdout
