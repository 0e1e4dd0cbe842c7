"""The package itself: its version, wherever it is imported from."""

from __future__ import annotations

import importlib
import importlib.metadata

import pytest

import jacdoc


def test_version_is_the_installed_distributions():
    assert jacdoc.__version__ == importlib.metadata.version("jacdoc")


def test_version_from_a_source_folder_that_was_never_installed(monkeypatch):
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    try:
        assert importlib.reload(jacdoc).__version__ == "0+unknown"
    finally:
        monkeypatch.undo()
        importlib.reload(jacdoc)
    assert jacdoc.__version__ == importlib.metadata.version("jacdoc")


def test_every_public_name_is_exported():
    public = {name for name in dir(jacdoc) if not name.startswith("_")}
    modules = {"autodiff", "contract", "heatmap", "memory", "plot", "render"}
    assert public - modules == set(jacdoc.__all__) - {"__version__"}


@pytest.mark.parametrize("name", sorted(set(jacdoc.__all__) - {"__version__"}))
def test_every_export_has_a_docstring_with_an_example(name):
    doc = getattr(jacdoc, name).__doc__
    assert doc is not None
    assert ">>>" in doc, f"{name} has no doctest example"
