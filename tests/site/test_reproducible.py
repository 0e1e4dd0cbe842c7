"""Two clean builds from two copies of the project, in different folders, with
SOURCE_DATE_EPOCH set, produce byte-identical sites: HTML, images, downloads, search index.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from .build import copy_project, sphinx_build

pytestmark = pytest.mark.site

# Files allowed to differ, each with the reason. Nothing else may.
_TIMINGS = (
    "the cost example measures wall-clock time on the build machine by design; its printed "
    "timings and plotted curves change with every run"
)
ALLOWED_DIFFERENCES: dict[str, str] = {
    "auto_examples/06_cost.html": _TIMINGS,
    "_images/sphx_glr_06_cost_001.png": _TIMINGS,
    "_images/sphx_glr_06_cost_002.png": _TIMINGS,
    "_images/sphx_glr_06_cost_thumb.png": _TIMINGS,
    "searchindex.js": "it indexes the words of every page, including the cost example's timings",
}


def digests(html: Path) -> dict[str, str]:
    return {
        path.relative_to(html).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(html.rglob("*"))
        if path.is_file()
    }


def test_two_clean_builds_are_byte_identical(tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01; any fixed value will do
    sites = []
    for folder in ("first", "second-clone-at-another-path"):
        project = copy_project(tmp_path / folder)
        result = sphinx_build(project, **env)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        sites.append(digests(project / "docs" / "_build" / "html"))

    first, second = sites
    assert first.keys() == second.keys()
    differing = sorted(name for name in first if first[name] != second[name])
    unexpected = [name for name in differing if name not in ALLOWED_DIFFERENCES]
    print(
        f"compared {len(first)} files: {len(differing)} differ "
        f"({len(differing) - len(unexpected)} allowed, {len(unexpected)} unexpected)"
    )
    for name in differing:
        print(f"  {name}: {ALLOWED_DIFFERENCES.get(name, 'NOT ALLOWED')}")
    assert not unexpected, unexpected
