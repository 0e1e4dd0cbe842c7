"""Pages that moved keep their old addresses, as pages that send the reader on.

``jacdoc_redirects`` maps an old page name to the document it became. Each old page is
written as a small HTML page (``redirect.html``) that links to the new one, names it as the
canonical page, and sends the browser there at once; its anchor goes along (``redirect.js``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata


def redirect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    for old, new in sorted(app.config.jacdoc_redirects.items()):
        if new not in app.env.all_docs:
            msg = f"jacdoc_redirects sends {old!r} to {new!r}, which is not a page"
            raise ValueError(msg)
        target = app.builder.get_relative_uri(old, new)
        yield old, {"target": target, "title": app.env.titles[new].astext()}, "redirect.html"


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("jacdoc_redirects", {}, "html", types=frozenset({dict}))
    app.connect("html-collect-pages", redirect_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
