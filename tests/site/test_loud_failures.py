"""A failing example or notebook cell fails the build, naming the file and the exception.

Each test builds a copy of the docs that holds only the planted page, so it takes seconds.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from .build import copy_project, sphinx_build

pytestmark = pytest.mark.site


def minimal_project(tmp_path: Path, toctree: str) -> Path:
    project: Path = copy_project(tmp_path / "project")
    for page in (project / "docs").glob("*.md"):
        page.unlink()
    (project / "docs" / "api.rst").unlink()
    for example in (project / "examples").glob("*.py"):
        example.unlink()
    (project / "docs" / "index.md").write_text(f"# Planted\n\n```{{toctree}}\n{toctree}\n```\n")
    return project


def test_a_failing_example_fails_the_build(tmp_path):
    project = minimal_project(tmp_path, "auto_examples/index")
    (project / "examples" / "01_planted.py").write_text(
        '"""\nPlanted failure\n===============\n"""\n\nraise RuntimeError("boom")\n'
    )
    result = sphinx_build(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "01_planted.py" in output
    assert 'RuntimeError("boom")' in output or "RuntimeError: boom" in output


def test_a_failing_notebook_cell_fails_the_build(tmp_path):
    project = minimal_project(tmp_path, "planted")
    shutil.rmtree(project / "examples")
    (project / "examples").mkdir()
    (project / "examples" / "GALLERY_HEADER.rst").write_text("Gallery\n=======\n")
    (project / "docs" / "index.md").write_text(
        "# Planted\n\n```{toctree}\nplanted\nauto_examples/index\n```\n"
    )
    (project / "docs" / "planted.md").write_text(
        textwrap.dedent(
            """\
            ---
            file_format: mystnb
            kernelspec:
              name: python3
              display_name: Python 3
            ---
            # Planted notebook

            ```{code-cell} ipython3
            1 / 0
            ```
            """
        )
    )
    result = sphinx_build(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "planted.md" in output
    assert "ZeroDivisionError" in output
