"""What each page's HTML gets beyond the theme's: code blocks that a keyboard can scroll, and
a description of its own for search engines and link previews."""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.html5 import HTML5Translator

from jacdoc_docs.run_box import run_it_yourself

#: Pages that Sphinx makes without a source, described in words of their own.
GENERATED = {
    "genindex": "Every function, class and term that the jacdoc site documents, A to Z.",
    "py-modindex": "The Python modules that the jacdoc site documents.",
    "search": "Search the pages of the jacdoc site, down to the section that answers.",
}
SENTENCE = re.compile(r"^(.+?[.!?])(?=\s+[A-Z`(\"']|\s*$)", re.DOTALL)


class Translator(HTML5Translator):
    def visit_literal_block(self, node: nodes.literal_block) -> None:
        """Let keyboard users reach a code block, to scroll one that overflows (WCAG 2.1.1).

        Sphinx writes the highlighted block in one piece and skips the node; its ``<pre>`` is
        given a place in the tab order.
        """
        try:
            super().visit_literal_block(node)
        except nodes.SkipNode:
            self.body[-1] = self.body[-1].replace("<pre>", '<pre tabindex="0">', 1)
            raise


def description(doctree: nodes.document) -> str | None:
    """The first sentence of the page's first paragraph of prose, at most 160 characters."""
    for paragraph in doctree.findall(nodes.paragraph):
        inside = (nodes.Admonition, nodes.topic, nodes.sidebar, nodes.table, run_it_yourself)
        parent = paragraph.parent
        while parent is not None and not isinstance(parent, inside):
            parent = parent.parent
        text = " ".join(paragraph.astext().split())
        if parent is not None or len(text) < 40:
            continue
        match = SENTENCE.match(text)
        sentence = match.group(1) if match else text
        if len(sentence) > 160:
            sentence = sentence[:157].rsplit(" ", 1)[0] + "…"
        return sentence
    return None


def add_description(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    text = description(doctree) if doctree is not None else GENERATED.get(pagename)
    if text:
        tag = f'\n<meta name="description" content="{html.escape(text)}">'
        context["metatags"] = context.get("metatags", "") + tag


def setup(app: Sphinx) -> ExtensionMetadata:
    app.set_translator("html", Translator)
    app.connect("html-page-context", add_description)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
