"""The build prints what Sphinx reports, not every library's INFO log.

accessible-pygments, which furo depends on, calls ``logging.basicConfig(level=logging.INFO)``
when it is imported, so every library's INFO messages (fontTools' subsetter, nbclient's
kernel) would reach the terminal. Importing it here, before anything else can, and setting
the root logger back to Python's default level undoes that; warnings still show.
``tests/ext/test_logs.py`` fails once accessible-pygments stops doing it.
"""

from __future__ import annotations

import logging

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata


def setup(app: Sphinx) -> ExtensionMetadata:
    import a11y_pygments  # noqa: F401  (configures the root logger when imported)

    logging.getLogger().setLevel(logging.WARNING)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
