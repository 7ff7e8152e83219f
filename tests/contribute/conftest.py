"""Fixtures: a DICOM export with patient information, and a case repository under Git."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git, git_env  # noqa: F401 (re-exported for the tests here)
from tests.contribute.exports import snapshot, write_ct_export, write_secondary_capture


@pytest.fixture(scope="session")
def export_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export-template") / "export"
    write_ct_export(folder, slices=6, size=96)
    write_secondary_capture(folder / "SC" / "IM0001")
    return folder


@pytest.fixture
def export(tmp_path, export_template) -> Path:
    """A fresh copy of the PHI-laden export for this test (the test may compare it afterwards)."""
    target = tmp_path / "export"
    shutil.copytree(export_template, target)
    return target


def site_gen(*args, cwd, env=None):
    return subprocess.run(["site-gen", *args], cwd=cwd, env=env, capture_output=True, text=True)


__all__ = ["git", "git_env", "site_gen", "snapshot"]
