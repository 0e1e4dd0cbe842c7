"""Search that ranks: a Pagefind index of the site's pages, built with the site.

Sphinx's own search scores a page by whether each word is in its title or its text, so a
learner's words often find the answering page last. Pagefind ranks by how often and where the
words occur, and returns the sections that match; its index is static files under
``pagefind/``, read in the browser, offline, with nothing from another host. The search page
(``_templates/search.html``) shows its interface; furo's search box sends its words there.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

#: What Pagefind reads of each page: the article, not the navigation around it ...
ROOT = "#furo-main-content"
#: ... and not what every page repeats: section links, the "Run it yourself" box, and
#: sphinx-gallery's download links, timings and signature.
SKIPPED = [
    ".headerlink",
    ".run-it-yourself",
    ".sphx-glr-download-link-note",
    ".sphx-glr-footer",
    ".sphx-glr-timing",
    ".sphx-glr-signature",
]


async def _index(outdir: Path, pages: list[Path]) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(
        root_selector=ROOT, exclude_selectors=SKIPPED, output_path=str(outdir / "pagefind")
    )
    async with PagefindIndex(config=config) as index:
        for page in pages:
            url = "/" + page.relative_to(outdir).as_posix()
            await index.add_html_file(content=page.read_text(encoding="utf-8"), url=url)


def build_index(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    shutil.rmtree(outdir / "pagefind", ignore_errors=True)
    skipped = set(app.config.jacdoc_search_skips)
    pages = [
        outdir / app.builder.get_target_uri(docname)
        for docname in sorted(app.env.all_docs)
        if docname not in skipped
    ]
    asyncio.run(_index(outdir, pages))


def setup(app: Sphinx) -> ExtensionMetadata:
    # Documents that no search should return, such as the 404 page.
    app.add_config_value("jacdoc_search_skips", [], "html", types=frozenset({list}))
    app.connect("build-finished", build_index, priority=850)  # after the pages are complete
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
