"""The jacdoc site's own Sphinx extension, one module per concern, each an extension itself.

* :mod:`~jacdoc_docs.mathml`: formulas rendered to MathML at build time, with a subset font;
* :mod:`~jacdoc_docs.inventories`: intersphinx inventories from ``objects.toml``, so that the
  build fetches nothing;
* :mod:`~jacdoc_docs.wheel`: a wheel of jacdoc, served by the site for readers to install;
* :mod:`~jacdoc_docs.run_box`: the "Run it yourself" boxes, with their Colab links;
* :mod:`~jacdoc_docs.notebooks`: the notebooks readers download, and their archives;
* :mod:`~jacdoc_docs.gallery`: the examples' reset and links to their sources;
* :mod:`~jacdoc_docs.redirects`: the old addresses of pages that moved;
* :mod:`~jacdoc_docs.search`: a Pagefind index, for a search that ranks;
* :mod:`~jacdoc_docs.csp`: a Content-Security-Policy in every page;
* :mod:`~jacdoc_docs.html`: code blocks a keyboard can scroll, and each page's description;
* :mod:`~jacdoc_docs.images`: images with their sizes, lazily loaded below the first;
* :mod:`~jacdoc_docs.streams`: what the notebook pages print, joined exactly as printed;
* :mod:`~jacdoc_docs.logs`: no INFO logs from libraries in the build's output.

:mod:`~jacdoc_docs.project` is not an extension: it holds what the noxfile, the tests and the
benchmarks share (the build's options, the project copy, the local server, Chromium's flags).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # this package must import without Sphinx: see jacdoc_docs.project
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

EXTENSIONS = (
    "logs",
    "mathml",
    "inventories",
    "wheel",
    "run_box",
    "notebooks",
    "gallery",
    "redirects",
    "html",
    "images",
    "search",
    "csp",
    "streams",
)


def setup(app: Sphinx) -> ExtensionMetadata:
    for name in EXTENSIONS:
        app.setup_extension(f"jacdoc_docs.{name}")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
