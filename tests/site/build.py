"""Run the site's Sphinx build on a copy of the project, for the build-level tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .helpers import load_noxfile

NOXFILE = load_noxfile()
SPHINX_OPTIONS = NOXFILE.SPHINX_OPTIONS
copy_project = NOXFILE.copy_project


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
