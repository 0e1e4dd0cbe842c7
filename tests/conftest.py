"""Shared test settings."""

from __future__ import annotations

import os

from hypothesis import settings

# In CI, property tests draw the same examples every run, so a failure is reproducible from the
# log alone; locally they keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")
