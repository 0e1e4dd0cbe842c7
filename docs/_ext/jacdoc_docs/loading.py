"""Pages that render before their scripts run, and code a keyboard can scroll.

furo, copybutton and sphinx-gallery add their scripts as plain ``<script src>`` tags in the
head, which stop the parser until each one is fetched and run. None of them needs to run before
the page is parsed (they wait for DOMContentLoaded), so ``defer`` lets the page render first,
keeping their order. Sphinx's own scripts stay as they are: inline scripts on the search and
module index pages call them while the page is parsed. ``benchmarks/bench_pages.py`` measures
the effect.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

SPHINX_SCRIPTS = {
    "documentation_options.js",
    "doctools.js",
    "sphinx_highlight.js",
    "language_data.js",
    "searchtools.js",
}


def defer_scripts(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    for script in context.get("script_files", []):
        if not script.filename or "async" in script.attributes:
            continue
        if PurePosixPath(str(script.filename).split("?")[0]).name not in SPHINX_SCRIPTS:
            script.attributes.setdefault("defer", "defer")


def focusable_code(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Let keyboard users reach code blocks, so that they can scroll the ones that overflow."""
    if "body" in context:
        context["body"] = context["body"].replace(
            '<div class="highlight"><pre>', '<div class="highlight"><pre tabindex="0">'
        )


def setup(app: Any) -> None:
    app.connect("html-page-context", defer_scripts)
    app.connect("html-page-context", focusable_code)
