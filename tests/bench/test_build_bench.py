"""The build benchmark measures what it claims: plain MkDocs builds the very pages our plugin
builds, and memory is that of the whole process tree."""
from __future__ import annotations

import subprocess
import sys
import time

from site_gen.bench.build import TreeMemory, make_plain_project, make_repository, search_index_kib, timed_build


def test_plain_project_builds_the_same_pages_as_the_plugin(tmp_path):
    root, cache = tmp_path / "repo", tmp_path / "cache"
    make_repository(root, cases=3, slices=2, size=32)
    ours = timed_build(root / "mkdocs.yml", tmp_path / "site", cache)
    assert ours["seconds"] > 0 and ours["cpu_seconds"] > 0
    make_plain_project(root, tmp_path / "plain", cache)
    import yaml
    plain_config = yaml.safe_load((tmp_path / "plain" / "mkdocs.yml").read_text())
    assert plain_config["plugins"] == ["search"]
    timed_build(tmp_path / "plain" / "mkdocs.yml", tmp_path / "plain-site", cache)
    for slug in ("case-00000", "case-00001", "case-00002"):
        page = f"cases/{slug}/index.html"
        assert (tmp_path / "site" / page).read_bytes() == (tmp_path / "plain-site" / page).read_bytes()
    assert (tmp_path / "site" / "browse/diagnoses/index.html").read_bytes() == \
        (tmp_path / "plain-site" / "browse/diagnoses/index.html").read_bytes()
    assert search_index_kib(tmp_path / "site") == search_index_kib(tmp_path / "plain-site") > 0
    assert list((tmp_path / "site" / "media").rglob("*.webp"))
    assert not (tmp_path / "plain-site" / "media").exists()  # plain MkDocs gets pages, not our images


def test_tree_memory_counts_child_processes(tmp_path):
    child = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
             "'import time; block = bytearray(150 * 2**20); block[::4096] = b\"x\" * len(block[::4096]); "
             "time.sleep(1.5)'])")
    process = subprocess.Popen([sys.executable, "-c", child])
    sampler = TreeMemory(process.pid, interval=0.05)
    sampler.start()
    process.wait(timeout=60)
    time.sleep(0.1)
    sampler.stop()
    assert sampler.peak > 150 * 2**20  # the grandchild's 150 MiB are counted
    assert sampler.peak_processes >= 2
