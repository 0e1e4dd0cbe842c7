"""The stream adapter: exact output on the pages, and canaries for the myst-nb it adapts."""

from __future__ import annotations

import html
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from myst_nb.core import render, utils
from nbformat import NotebookNode

from jacdoc_docs.streams import exact_merge, join_pieces


def stdout(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text)


def test_myst_nb_still_loses_whitespace_where_the_kernel_splits_a_stream():
    """When this fails, myst-nb joins pieces exactly: delete jacdoc_docs/streams.py."""
    merged = utils.coalesce_streams([stdout("the VJP:\n "), stdout("tensor(1)\n")])
    assert merged[0]["text"] == "the VJP:\ntensor(1)\n"


def test_myst_nb_still_looks_up_its_merge_in_the_render_module():
    """When this fails, the adapter no longer reaches myst-nb: find where it merges now."""
    names = render.MditRenderMixin._get_nb_code_cell_outputs.__code__.co_names
    assert "coalesce_streams" in names


@given(st.text(alphabet=" a\n\t"), st.lists(st.integers(0, 40), max_size=6))
def test_any_split_of_a_stream_merges_to_the_same_text(text, cuts):
    bounds = sorted({min(c, len(text)) for c in cuts} | {0, len(text)})
    pieces = [stdout(text[a:b]) for a, b in itertools.pairwise(bounds)]
    merged = exact_merge(utils.coalesce_streams)(pieces or [stdout("")])
    assert [m["text"] for m in merged] == [text.rstrip() + "\n"]


def test_displayed_outputs_still_separate_the_streams_around_them():
    figure = NotebookNode(output_type="display_data", data={}, metadata={})
    outputs = [stdout("a"), stdout("b\n"), figure, stdout("c\n")]
    assert [o.get("text") for o in join_pieces(outputs)] == ["ab\n", None, "c\n"]
    assert outputs[0]["text"] == "a"  # the notebook's own outputs are left as they were


@pytest.mark.sphinx("html", testroot="streams")
def test_a_page_shows_what_was_printed_however_the_kernel_split_it(app):
    app.build()
    page = html.unescape((app.outdir / "index.html").read_text())
    assert "the VJP:\n tensor([1., 2.])\nx = 3" in page.replace("<span></span>", "")
