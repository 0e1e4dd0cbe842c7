"""A Content-Security-Policy in every page: the browser itself refuses anything from elsewhere.

GitHub Pages sets no headers, so the policy is a ``<meta http-equiv>`` tag, the first thing
in each page's head. Everything the site loads comes from the site (``'self'``); nothing from
another host, no ``eval``. The few inline scripts and styles that the theme and Sphinx write,
and the ``style`` attributes of the theme's icons and Sphinx's index tables, are allowed by
their sha256, computed from each page as written, so the policy lists exactly what the page
holds. WebAssembly, which the search's index reader needs, is allowed on its own
(``'wasm-unsafe-eval'``), without ``eval``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

META = re.compile(r'\n?<meta http-equiv="Content-Security-Policy" content="[^"]*">')


class _Inline(HTMLParser):
    """The inline scripts, inline styles and style attributes of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: set[str] = set()
        self.styles: set[str] = set()
        self.attributes: set[str] = set()
        self._open: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("style"):
            self.attributes.add(str(values["style"]))
        if (tag == "script" and "src" not in values) or tag == "style":
            self._open, self._text = tag, ""

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            (self.scripts if tag == "script" else self.styles).add(self._text)
            self._open = None


def digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(page: str) -> str:
    """The policy for one page, from the inline content it holds."""
    inline = _Inline()
    inline.feed(page)
    scripts = " ".join(sorted(map(digest, inline.scripts)))
    styles = " ".join(sorted(map(digest, inline.styles)))
    attributes = " ".join(sorted(map(digest, inline.attributes)))
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'wasm-unsafe-eval' {scripts}".strip(),
        f"style-src-elem 'self' {styles}".strip(),
        f"style-src-attr 'unsafe-hashes' {attributes}" if attributes else "style-src-attr 'none'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def protect(path: Path) -> None:
    """Put the page's policy first in its head, in place of the one a former build put."""
    page = META.sub("", path.read_text(encoding="utf-8"))
    head = page.find("<head>")
    if head < 0:
        return  # not a page: an HTML fragment
    meta = f'\n<meta http-equiv="Content-Security-Policy" content="{policy(page)}">'
    path.write_text(page[: head + 6] + meta + page[head + 6 :], encoding="utf-8")


def protect_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for path in sorted(Path(app.outdir).rglob("*.html")):
        protect(path)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", protect_pages, priority=900)  # after everything else writes
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
