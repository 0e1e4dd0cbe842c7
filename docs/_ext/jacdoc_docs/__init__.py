"""The jacdoc site's own Sphinx extension.

* :mod:`~jacdoc_docs.mathml`: formulas rendered to MathML at build time, with a subset font;
* :mod:`~jacdoc_docs.gallery`: the gallery's per-example reset, mini-galleries that follow the
  examples, source links to the examples themselves, and byte-stable zip downloads;
* :mod:`~jacdoc_docs.downloads`: a wheel of jacdoc, notebooks that install it from the site,
  and the "Run it yourself" boxes with their Colab links;
* :mod:`~jacdoc_docs.loading`: scripts deferred, so that pages render before they run, and
  code blocks a keyboard can scroll;
* :mod:`~jacdoc_docs.streams`: what the notebook pages print, joined exactly as printed;
* :mod:`~jacdoc_docs.inventories`: intersphinx inventories from the verified table in
  :mod:`~jacdoc_docs.doc_pages`, so that the build fetches nothing.
"""

from __future__ import annotations

from typing import Any

from jacdoc_docs import downloads, gallery, loading, mathml, streams


def setup(app: Any) -> dict[str, Any]:
    mathml.setup(app)
    gallery.setup(app)
    downloads.setup(app)
    loading.setup(app)
    streams.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
