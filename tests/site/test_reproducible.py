"""Two clean builds from two copies of the project, in different folders, with the same
settings (SOURCE_DATE_EPOCH among them), produce byte-identical sites: HTML, images, downloads,
notebooks, the wheel, the search index.

The first build is the one the download tests serve; this test makes the second.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from .build import copy_project, sphinx_build

pytestmark = pytest.mark.site

# Files allowed to differ, each with the reason. Nothing else may.
TIMED_EXAMPLES = ("06_cost", "09_hessian_vector_products")
_TIMINGS = (
    "the example measures wall-clock time on the build machine by design; its printed "
    "timings and plotted curves change with every run"
)


def allowed_difference(name: str) -> str | None:
    if name == "searchindex.js":
        return "it indexes the words of every page, the timings included"
    for example in TIMED_EXAMPLES:
        if name == f"auto_examples/{example}.html" or name.startswith(
            f"_images/sphx_glr_{example}_"
        ):
            return _TIMINGS
    return None


def digests(html: Path) -> dict[str, str]:
    return {
        path.relative_to(html).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(html.rglob("*"))
        if path.is_file()
    }


def test_two_clean_builds_are_byte_identical(published, tmp_path):
    project = copy_project(tmp_path / "second-clone-at-another-path")
    result = sphinx_build(project, **published.environment)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    first, second = digests(published.site), digests(project / "docs" / "_build" / "html")

    assert first.keys() == second.keys()
    differing = sorted(name for name in first if first[name] != second[name])
    unexpected = [name for name in differing if allowed_difference(name) is None]
    print(
        f"compared {len(first)} files: {len(differing)} differ "
        f"({len(differing) - len(unexpected)} allowed, {len(unexpected)} unexpected)"
    )
    for name in differing:
        print(f"  {name}: {allowed_difference(name) or 'NOT ALLOWED'}")
    assert not unexpected, unexpected
    assert any(name.startswith("wheels/jacdoc-") for name in first), "the wheel is compared too"
