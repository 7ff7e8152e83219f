"""Caches are never trusted from the repository, are keyed by the tools that made them, and
--no-cache bypasses them."""
import json
import os
import shutil
import subprocess
import sys

from site_gen.cache import cache_dir
from site_gen.phi.scanner import scan
from site_gen.site.build import generate_site
from tests.conftest import CASE_YAML, REPO_ROOT, git, git_env, run_site_gen

PHI_CASE = CASE_YAML.replace("Sudden right-sided", "Mr John Smith, MRN 12345678, has sudden right-sided")



def test_a_committed_guard_cache_has_no_effect_in_a_fresh_clone(repo, tmp_path):
    case_file = repo.case(text=PHI_CASE)
    inside = repo.root / ".cache" / "site-gen"
    first = scan([repo.root / "cases"], repo.root, cache_dir=inside)  # fills the committed folder
    assert first.findings
    for entry in (inside / "phi").rglob("*.json"):  # rewrite each entry as "nothing found"
        entry.write_text(json.dumps({"findings": [], "suppressed": [], "allows": [], "notes": []}))
    env = git_env(tmp_path)
    git("init", "-q", "-b", "main", cwd=repo.root, env=env)
    git("add", "-f", ".", cwd=repo.root, env=env)
    assert git("commit", "-qm", "case with a forged cache", cwd=repo.root, env=env).returncode == 0
    clone = tmp_path / "clone"
    git("clone", "-q", str(repo.root), str(clone), cwd=tmp_path, env=env)
    assert (clone / ".cache/site-gen/phi").is_dir()

    for number, setting in enumerate((str(clone / ".cache" / "site-gen"), None)):  # pointed at it, or not
        run_env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / f"home-cache-{number}"))
        run_env.pop("SITE_GEN_CACHE", None)
        if setting:
            run_env["SITE_GEN_CACHE"] = setting
        done = run_site_gen("check-phi", "cases", cwd=clone, env=run_env)
        assert done.returncode == 1 and "cases/pneumothorax/case.yml:9:" in done.stdout, done.stderr
        assert "0 unchanged since the last check" in done.stderr
        if setting:
            assert "is inside the repository" in done.stderr
    assert case_file.exists()


def test_cache_locations_inside_the_repository_are_never_used(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.setenv("SITE_GEN_CACHE", str(root / ".cache" / "site-gen"))
    assert cache_dir(root, quiet=True) == tmp_path / "home-cache" / "site-gen"
    assert cache_dir(root, ".cache/site-gen", quiet=True) == tmp_path / "home-cache" / "site-gen"
    monkeypatch.setenv("SITE_GEN_CACHE", str(tmp_path / "ci-cache"))
    assert cache_dir(root) == tmp_path / "ci-cache"
    (root / "link-out").symlink_to(tmp_path / "ci-cache", target_is_directory=True)
    assert cache_dir(root, root / "link-out", quiet=True) == root / "link-out"  # resolves outside: fine
    (tmp_path / "ci-cache").mkdir()
    os.symlink(root / ".cache", tmp_path / "sneaky")
    assert cache_dir(root, tmp_path / "sneaky", quiet=True) == tmp_path / "home-cache" / "site-gen"


def test_a_committed_converted_image_is_never_published(repo, tmp_path, monkeypatch):
    """The build converts from the checked source; converted images found in the checkout are ignored."""
    repo.case()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv("SITE_GEN_CACHE", raising=False)
    honest = generate_site(repo.root)
    source = next(iter(honest.media.values()))
    assert not source.resolve().is_relative_to(repo.root.resolve())
    # Plant the same entry inside the repository with other pixels, and point the build at it.
    planted = repo.root / ".cache/site-gen" / source.parent.relative_to(tmp_path / "home-cache" / "site-gen")
    shutil.copytree(source.parent, planted)
    for image in planted.glob("*.webp"):
        image.write_bytes(b"not the checked image")
    monkeypatch.setenv("SITE_GEN_CACHE", str(repo.root / ".cache/site-gen"))
    rebuilt = generate_site(repo.root)
    assert all(not p.resolve().is_relative_to(repo.root.resolve()) for p in rebuilt.media.values())
    assert all(p.read_bytes() != b"not the checked image" for p in rebuilt.media.values())


def test_the_cache_key_follows_the_tools_a_check_used(tmp_path):
    """A result made without Tesseract is not reused once it is installed (and the reverse)."""
    if shutil.which("tesseract") is None:
        return
    probe = "from site_gen.phi.scanner import engine_version, tool_versions; print(engine_version(), tool_versions())"
    no_tools = tmp_path / "bin"
    no_tools.mkdir()
    (no_tools / "python3").symlink_to(sys.executable)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    with_tesseract = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    without = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             env=dict(env, PATH=str(no_tools)))
    assert "tesseract=absent" in without.stdout and "tesseract=tesseract" in with_tesseract.stdout
    assert with_tesseract.stdout.split()[0] != without.stdout.split()[0]


def test_refusals_are_never_cached_and_no_cache_bypasses_everything(repo, tmp_path):
    repo.case()
    (repo.root / "cases/pneumothorax/report.pdf").write_bytes(b"%PDF-1.4\n\x00binary")
    cache = tmp_path / "cache"
    first = scan([repo.root / "cases"], repo.root, cache_dir=cache)
    second = scan([repo.root / "cases"], repo.root, cache_dir=cache)
    assert second.cached == first.files - 1  # everything but the refused file
    env = dict(os.environ, SITE_GEN_CACHE=str(tmp_path / "other-cache"))
    done = run_site_gen("check-phi", "--no-cache", "cases", cwd=repo.root, env=env)
    assert done.returncode == 1 and not (tmp_path / "other-cache").exists()
    done = run_site_gen("check", "--no-cache", "--no-ocr", "cases/pneumothorax", cwd=repo.root, env=env)
    assert not (tmp_path / "other-cache").exists()
