"""Shared test settings."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest
from hypothesis import settings

pytest_plugins = ("sphinx.testing.fixtures",)

# In CI, property tests draw the same examples every run, so a failure is reproducible from the
# log alone; locally they keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    """Close every matplotlib figure a test opened, as matplotlib's own tests do."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
