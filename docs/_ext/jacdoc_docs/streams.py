"""What the notebook pages print, shown exactly as printed, the same on every build.

A kernel sends what a cell prints in pieces: ipykernel flushes its buffer 0.2 s after the first
write, so where one piece ends depends on how fast the machine was at that moment, and may fall
between the separate writes of one ``print`` call. myst-nb 1.4 joins the pieces
(``nb_merge_streams``) after stripping each one's trailing whitespace, so a split just after
``print``'s separator loses a space, and a split inside a line adds a line break: two builds of
the same page could differ.

This is the one adapter the site needs: before myst-nb's merge, the pieces of each stream
(between two displayed outputs) are joined as they came, so that myst-nb's strip only ever sees
the end of the whole stream. ``tests/ext/test_streams.py`` fails when myst-nb changes in a way
that makes it unnecessary or ineffective.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from myst_nb.core import render
from nbformat import NotebookNode
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

Merge = Callable[[list[NotebookNode]], list[NotebookNode]]


def join_pieces(outputs: list[NotebookNode]) -> list[NotebookNode]:
    """Each run of stream outputs, with the pieces of each stream joined in the order sent."""
    joined: list[NotebookNode] = []
    run: dict[str, NotebookNode] = {}  # stream name -> its output in the current run
    for output in outputs:
        if output["output_type"] != "stream":
            joined.append(output)
            run = {}
        elif output["name"] in run:
            run[output["name"]]["text"] += output["text"]
        else:
            run[output["name"]] = copy.copy(output)  # its text grows; the notebook's stays
            joined.append(run[output["name"]])
    return joined


def exact_merge(merge: Merge) -> Merge:
    def merged(outputs: list[NotebookNode]) -> list[NotebookNode]:
        return merge(join_pieces(outputs))

    merged.__wrapped__ = merge  # type: ignore[attr-defined]
    return merged


def setup(app: Sphinx) -> ExtensionMetadata:
    """Make myst-nb's renderer, which looks its merge up in its own module, join exactly."""
    original: Any = getattr(render.coalesce_streams, "__wrapped__", render.coalesce_streams)
    render.coalesce_streams = exact_merge(original)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
