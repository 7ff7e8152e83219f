"""Scale-out: `site-gen media --shard` and `site-gen check-phi --shard` run as parallel processes,
their results merged as CI would, with real DICOM files and a real Git checkout."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from site_gen.bench.synthetic import write_ct_series
from site_gen.fileset import unit_of
from site_gen.shard import Shard, parse_shard
from tests.conftest import CASE_YAML, REPO_ROOT, RepoBuilder, git, git_env

CT_CASE = CASE_YAML.replace("modality: CR", "modality: CT").replace("path: xr", "path: ct") \
    .replace("key_images: [1]", "key_images: [2]")
SHARDS = 3


def run(*args, cwd, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "site_gen", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def start(*args, cwd, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "site_gen", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_shard_argument_and_selection():
    assert parse_shard("2/4") == Shard(2, 4)
    for bad in ("0/4", "5/4", "2", "a/b", "1/0"):
        with pytest.raises(Exception, match="is not a shard"):
            parse_shard(bad)
    paths = [f"cases/case-{i}/ct" for i in range(200)]
    owners = [[s for s in range(1, 5) if Shard(s, 4).holds(p)] for p in paths]
    assert all(len(o) == 1 for o in owners)  # every item in exactly one shard
    sizes = [sum(1 for o in owners if o == [s]) for s in range(1, 5)]
    assert min(sizes) > 25  # and the shards are of similar size
    # the guard's shards are its units: a case folder (its files and names in one job), else a top folder
    assert unit_of("cases/a/ct/0001.dcm") == unit_of("cases/a/case.yml") == "cases/a"


@pytest.fixture
def library(tmp_path):
    """A Git repository of CT cases (real DICOM files) plus one photograph case."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = RepoBuilder(tmp_path / "repo")
    repo.user("adoe")
    for index in range(7):
        folder = repo.root / "cases" / f"nodule-{index}"
        write_ct_series(folder / "ct", slices=3, size=48, nodule_mm=5.0 + index, seed=index)
        (folder / "case.yml").write_text(textwrap.dedent(CT_CASE).replace(
            "Primary spontaneous pneumothorax", f"Pulmonary nodule {index}"))
    repo.case("pneumothorax")
    shutil.copy(REPO_ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    shutil.copytree(REPO_ROOT / "docs", repo.root / "docs")
    env = git_env(tmp_path)
    git("init", "-q", "-b", "main", cwd=repo.root, env=env, check=True)
    git("add", ".", cwd=repo.root, env=env, check=True)
    git("commit", "-qm", "library", cwd=repo.root, env=env, check=True)
    return repo.root, env


def test_media_shards_fill_a_shared_cache_and_the_build_only_places_images(library, tmp_path):
    root, env = library
    jobs = []
    for index in range(1, SHARDS + 1):  # one CI job each: its own checkout state and cache
        job_env = dict(env, SITE_GEN_CACHE=str(tmp_path / f"cache-{index}"))
        jobs.append(start("media", "--shard", f"{index}/{SHARDS}", "--json", "--jobs", "1", cwd=root, env=job_env))
    summaries = []
    for job in jobs:
        out, err = job.communicate(timeout=600)
        assert job.returncode == 0, err
        summaries.append(json.loads(out))
    assert sum(s["series"] for s in summaries) == summaries[0]["library_series"] == 8
    assert all(s["converted"] == s["series"] and s["already_cached"] == 0 for s in summaries)
    assert all(s["source_files_per_second"] and s["series_per_second"] for s in summaries if s["series"])

    # The build job: a fresh clone (new files, new times), the shards' caches restored into one folder.
    merged = tmp_path / "cache"
    for index in range(1, SHARDS + 1):
        shutil.copytree(tmp_path / f"cache-{index}", merged, dirs_exist_ok=True)
    clone = tmp_path / "clone"
    git("clone", "-q", str(root), str(clone), cwd=tmp_path, env=env, check=True)
    build_env = dict(env, SITE_GEN_CACHE=str(merged), NO_MKDOCS_2_WARNING="1")
    again = run("media", "--json", cwd=clone, env=build_env)
    summary = json.loads(again.stdout)
    assert summary["converted"] == 0 and summary["already_cached"] == 8  # nothing converted twice
    assert summary["found_without_reading"] == 8  # by Git blob ids: the images were not even read
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(tmp_path / "site")], cwd=clone,
                          env=build_env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert ", 0 series converted," in done.stderr
    webp = list((tmp_path / "site" / "media").rglob("*.webp"))
    thumbnails = [p for p in webp if p.name.startswith("t")]
    # CT: own window + the presets unlike it (soft tissue is the files' own), 3 slices each; one photograph
    assert len(webp) - len(thumbnails) == 7 * 3 * 4 + 1
    assert len(thumbnails) == 8  # one per series, for the case page's series strip


def test_media_refuses_a_library_with_problems(library, tmp_path):
    root, env = library
    case_file = root / "cases/nodule-1/case.yml"
    case_file.write_text(case_file.read_text().replace("age: 25", "age: 47"))
    result = run("media", cwd=root, env=dict(env, SITE_GEN_CACHE=str(tmp_path / "cache")))
    assert result.returncode == 1
    assert "cases/nodule-1/case.yml" in result.stdout and "round adult ages" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_phi_shards_together_find_what_one_scan_finds(tmp_path):
    root = tmp_path / "repo"
    for index in range(9):
        folder = root / "cases" / f"case-{index}"
        folder.mkdir(parents=True)
        text = "Normal study." if index % 3 else f"Seen by Dr John Smith on 12/03/2024 (case {index})."
        (folder / "notes.md").write_text(text + "\n")
        (folder / "case.yml").write_text(f"title: Case {index}\n")
    (root / "cases" / "case-4" / "Smith_John.txt").write_text("x\n")  # a name in a file name
    env = dict(os.environ)
    whole = json.loads(run("check-phi", "--no-cache", "--format", "json", cwd=root, env=env).stdout)
    jobs = [start("check-phi", "--no-cache", "--format", "json", "--shard", f"{i}/{SHARDS}", cwd=root, env=env)
            for i in range(1, SHARDS + 1)]
    parts = []
    for job in jobs:
        out, err = job.communicate(timeout=600)
        assert job.returncode in (0, 1), err
        parts.append(json.loads(out))
    assert sum(p["files"] for p in parts) == whole["files"] == 19

    def key(f):
        return (f["path"], f["line"], f["column"], f["category"], f["detector"])
    merged = sorted(key(f) for p in parts for f in p["findings"])
    assert merged == sorted(key(f) for f in whole["findings"])  # nothing lost, nothing twice
    assert any(f[0] == "cases/case-4/Xxxxx_Xxxx.txt" for f in merged)  # the name masked in the path too
