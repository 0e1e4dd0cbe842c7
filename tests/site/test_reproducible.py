"""Two clean builds from two copies of the project, in different folders, with the same
settings (SOURCE_DATE_EPOCH among them), and run at the same time, produce byte-identical
sites: HTML, images, downloads, notebooks, the wheel, the search index.

Only the pages that time themselves may differ: an example that measures wall-clock time on
the build machine says so with ``# jacdoc: timed`` in its source, and its page and figures, and
the search index that holds their words, are allowed to differ.

Two whole builds are most of a test run's work, so ``nox -s tests`` leaves this test out;
``nox -s reproducible`` runs it, and so does CI.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from .helpers import ROOT

pytestmark = [pytest.mark.site, pytest.mark.reproducible]

TIMED = sorted(
    p.stem for p in (ROOT / "examples").rglob("*.py") if "# jacdoc: timed" in p.read_text()
)


def allowed_difference(name: str) -> str | None:
    if name == "searchindex.js":
        return "it indexes the words of every page, the timings included"
    for stem in TIMED:
        if (
            name.startswith("auto_examples/") and name.endswith(f"/{stem}.html")
        ) or name.startswith(f"_images/sphx_glr_{stem}_"):
            return "the example times itself on the build machine; its timings change every run"
    return None


def digests(html: Path) -> dict[str, str]:
    return {
        path.relative_to(html).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(html.rglob("*"))
        if path.is_file()
    }


def test_two_clean_builds_are_byte_identical(site, rebuilt):
    first, second = digests(site.folder), digests(rebuilt)
    assert first.keys() == second.keys()
    differing = sorted(name for name in first if first[name] != second[name])
    unexpected = [name for name in differing if allowed_difference(name) is None]
    print(
        f"compared {len(first)} files: {len(differing)} differ "
        f"({len(differing) - len(unexpected)} allowed, {len(unexpected)} unexpected)"
    )
    for name in differing:
        print(f"  {name}: {allowed_difference(name) or 'NOT ALLOWED'}")
    assert TIMED, "the timed examples say so in their source"
    assert not unexpected, unexpected
    assert any(name.startswith("wheels/jacdoc-") for name in first), "the wheel is compared too"
