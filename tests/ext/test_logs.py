"""The one library whose import turns on every INFO log, and the extension that turns it off."""

from __future__ import annotations

import subprocess
import sys

from jacdoc_docs.project import ROOT

EXT = ROOT / "docs" / "_ext"


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_accessible_pygments_still_sets_the_root_logger_to_info_on_import():
    """When this fails, accessible-pygments leaves logging alone: delete jacdoc_docs/logs.py."""
    assert run("import logging, a11y_pygments; print(logging.getLogger().level)") == "20"


def test_the_extension_sets_it_back_to_warning():
    code = (
        f"import logging, sys; sys.path.insert(0, {str(EXT)!r})\n"
        "from jacdoc_docs import logs\n"
        "logs.setup(None)  # it needs no application\n"
        "print(logging.getLogger().level)"
    )
    assert run(code) == "30"
