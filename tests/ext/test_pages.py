"""What the written pages get: a description, sized and lazy images, a strict policy, and
pages that send readers on from old addresses."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from jacdoc_docs.csp import policy


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def pages(rootdir, tmp_path_factory):
    """One build of the project, shared by this module's tests, which only read it."""
    srcdir = tmp_path_factory.mktemp("pages") / "test-pages"
    shutil.copytree(rootdir / "test-pages", srcdir)
    app = SphinxTestApp("html", srcdir=srcdir)
    try:
        app.build()
        yield Path(app.outdir)
    finally:
        app.cleanup()


def test_each_page_is_described_by_its_first_sentence(pages):
    def described(page: str) -> str:
        found = re.findall(
            r'<meta name="description" content="([^"]*)">', (pages / page).read_text()
        )
        assert len(found) == 1, page
        return html.unescape(found[0])

    # The note comes first on the page but says nothing about it.
    assert described("index.html") == "The first sentence of the page describes it well enough."
    other = described("other.html")
    assert other.startswith("This page’s first long paragraph")  # "Short." is too short
    assert other.endswith("…")
    assert len(other) <= 160
    assert described("search.html").startswith("Search the pages")


def test_images_carry_their_size_and_all_but_the_first_load_lazily(pages):
    tags = re.findall(r"<img\b[^>]*>", (pages / "index.html").read_text())
    assert len(tags) == 2
    assert all('width="30" height="20"' in tag for tag in tags)
    assert "loading=" not in tags[0]
    assert 'loading="lazy"' in tags[1]


def test_every_page_carries_a_policy_that_allows_exactly_its_inline_content(pages):
    index = (pages / "index.html").read_text()
    found = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', index)
    assert len(found) == 1
    assert index.index("Content-Security-Policy") < index.index("<script")  # first in the head
    directives = dict(d.split(" ", 1) for d in found[0].split("; "))
    assert directives["default-src"] == "'self'"
    assert "unsafe-eval" not in found[0].replace("wasm-unsafe-eval", "")
    assert "https:" not in found[0]
    assert sha256("window.planted = 1;") in directives["script-src"]
    assert sha256("color: red") in directives["style-src-attr"]
    for page in pages.rglob("*.html"):
        assert page.read_text().count("Content-Security-Policy") == 1, page


def test_the_policy_is_recomputed_not_stacked():
    page = "<html><head><title>t</title></head><body><script>a()</script></body></html>"
    assert sha256("a()") in policy(page)
    assert sha256("b()") not in policy(page)


def test_an_old_address_sends_the_reader_on(pages):
    moved = (pages / "old" / "place.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../index.html">' in moved
    assert '<link rel="canonical" href="../index.html">' in moved
    assert '<meta name="robots" content="noindex">' in moved
    assert "Content-Security-Policy" in moved
    assert 'src="../_static/redirect.js"' in moved


@pytest.mark.sphinx(
    "html",
    testroot="math",
    confoverrides={"extensions": ["jacdoc_docs.mathml", "jacdoc_docs.search"]},
)
def test_search_on_another_theme_says_what_it_indexes(app):
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match=r"#furo-main-content.*not able to build an index"):
        app.build()
