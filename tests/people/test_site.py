"""The site side: statistics and the build check (contact forms: test_contact.py)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyrage
from pyrage import x25519

from site_gen.people.leaks import scan_site
from site_gen.people.statistics import case_table, member_table
from tests.conftest import REPO_ROOT

REPORT = "https://forms.example.net/phi?case={case}"


def write_config(root: Path) -> None:
    (root / "mkdocs.yml").write_text(
        (REPO_ROOT / "mkdocs.yml").read_text().replace(
            "      suspend_after_phi_strikes: 2\n",
            f"      suspend_after_phi_strikes: 2\n      report_url: {REPORT}\n"))
    shutil.copytree(REPO_ROOT / "docs", root / "docs")


def test_statistics_suppress_small_counts():
    table = member_table("Members by country", Counter({"GB": 6, "FR": 3, "IS": 1}),
                         {"GB": "United Kingdom", "FR": "France", "IS": "Iceland"}, "Other countries (combined)")
    assert [(row.label, row.shown) for row in table.rows] == [("United Kingdom", "6"),
                                                              ("Other countries (combined)", "fewer than 5")]
    assert table.total.shown == "10"
    table = member_table("Members by position", Counter({"fellow": 5, "sonographer": 2, "other": 3}), {}, "Other")
    assert [(row.label, row.shown) for row in table.rows] == [("fellow", "5"), ("Other", "5")]
    cases = case_table("Cases by system", Counter({"chest": 7, "breast": 1}), {"chest": "Chest", "breast": "Breast"},
                       ["chest", "breast", "cardiac"])
    assert [(row.label, row.shown) for row in cases.rows] == [("Chest", "7"), ("Breast", "fewer than 5")]


def test_scan_finds_addresses_and_encrypted_blobs_but_not_theme_files(tmp_path):
    site, theme = tmp_path / "site", tmp_path / "theme"
    (site / "a").mkdir(parents=True)
    (theme / "assets").mkdir(parents=True)
    (site / "a" / "index.html").write_text("<p>ok</p>\n<p>write to jane.roe@example.com</p>\n<img src='icon@2x.png'>")
    blob = pyrage.encrypt(b"x@y.org", [x25519.Identity.generate().to_public()])
    (site / "a" / "image.webp").write_bytes(b"RIFF" + blob)
    (site / "assets").mkdir()
    (site / "assets" / "vendor.js.map").write_text('{"author": "dev@vendor.example"}')
    shutil.copy(site / "assets" / "vendor.js.map", theme / "assets" / "vendor.js.map")
    (site / "assets" / "changed.js").write_text("// patched by someone: a@b.io")
    found = [str(leak) for leak in scan_site(site, theme_dirs=[theme])]
    assert found == ["a/image.webp:1: an encrypted (age) message", "a/index.html:2: an e-mail address",
                     "assets/changed.js:1: an e-mail address"]


def mkdocs_build(root: Path, out: Path, cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SITE_GEN_CACHE=str(cache), NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(out)],
                          capture_output=True, text=True, env=env, cwd=root)


def test_build_has_privacy_footer_and_statistics_and_fails_on_a_leak(people, tmp_path):
    write_config(people.root)
    people.repo.case("pneumothorax")
    out = tmp_path / "out"
    result = mkdocs_build(people.root, out, tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    home = (out / "index.html").read_text()
    assert '<a href="privacy/">Privacy policy</a>' in home and ">Privacy contact</a>" in home
    case = (out / "cases" / "pneumothorax" / "index.html").read_text()
    assert '<a href="../../privacy/">Privacy policy</a>' in case
    assert "Members by country" in (out / "statistics" / "index.html").read_text()

    (people.root / "docs" / "about.md").write_text("# About\n\nQuestions: ed.itor@hospital.example.org\n")
    result = mkdocs_build(people.root, tmp_path / "out2", tmp_path / "cache")
    assert result.returncode == 1
    assert "about/index.html" in result.stderr and "an e-mail address" in result.stderr
    assert "ed.itor@" not in result.stderr and "Traceback" not in result.stderr
