"""What the HTML writer adds: code blocks that a keyboard can scroll."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.html5 import HTML5Translator


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


def setup(app: Sphinx) -> ExtensionMetadata:
    app.set_translator("html", Translator)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
