"""Tiny Sphinx projects, built with ``sphinx.testing``, one for each part of the extension."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOTS = Path(__file__).parent / "roots"
collect_ignore = ["roots"]  # the projects' files are sources to build, not tests
#: A package for the wheel module to build, so that no test builds jacdoc's own.
TINY_PROJECT = str(ROOTS / "tiny-project")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot="name")`` finds ``roots/test-name``."""
    return ROOTS
