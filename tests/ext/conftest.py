"""Tiny Sphinx projects, one per extension module, built with ``sphinx.testing``."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot="name")`` finds ``roots/test-name``."""
    return Path(__file__).parent / "roots"
