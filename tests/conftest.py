"""Shared test settings."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator

import pytest

try:  # everything below needs the environment that nox makes
    import hypothesis
    import torch
except ModuleNotFoundError as missing:
    raise pytest.UsageError(
        f"the tests need {missing.name}, which this Python lacks: run them with "
        "`nox -s tests`, or with the pytest of the environment it makes, .nox/tests/bin/pytest "
        "(see the README)"
    ) from None

# The site's build runs beside these tests, on the same cores. Their tensors are small, so
# one thread loses them little, and leaves the build a core of its own.
torch.set_num_threads(1)

# The extension's tests build tiny Sphinx projects; `nox -s torch` tests the package alone,
# without Sphinx.
pytest_plugins = ("sphinx.testing.fixtures",) if importlib.util.find_spec("sphinx") else ()

# In CI, property tests draw the same examples every run, so a failure is reproducible from the
# log alone; locally they keep exploring new ones.
hypothesis.settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    hypothesis.settings.load_profile("ci")


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    """Close every matplotlib figure a test opened, as matplotlib's own tests do."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
