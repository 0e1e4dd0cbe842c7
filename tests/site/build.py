"""Run the site's Sphinx build on a copy of the project, for the build-level tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

# The same options as `nox -s docs` (see noxfile.py).
SPHINX_OPTIONS = ["-b", "html", "-n", "-W", "--keep-going", "-T"]


def copy_project(destination: Path) -> Path:
    """Copy the files git would see (tracked or not ignored), as a fresh clone would have."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def sphinx_build(project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    docs, build = project / "docs", project / "docs" / "_build"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            *SPHINX_OPTIONS,
            "-d",
            str(build / "doctrees"),
            str(docs),
            str(build / "html"),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NB_EXECUTION_MODE": "force", **env},
    )
