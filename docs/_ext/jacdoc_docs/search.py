"""Search that ranks: a Pagefind index of the site's pages, built with the site.

Sphinx's own search scores a page by whether each word is in its title or its text, so a
learner's words often find the answering page last. Pagefind ranks by how often and where the
words occur, and returns the sections that match; its index is static files under
``pagefind/``, read in the browser, offline, with nothing from another host. The search page
(``_templates/search.html``) shows its interface; furo's search box sends its words there.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.typing import ExtensionMetadata

#: What Pagefind reads of each page: the article, not the navigation around it ...
ROOT = "#furo-main-content"
#: ... and not what every page repeats: section links, the "Run it yourself" box, and
#: sphinx-gallery's download links, timings and signature; nor what the examples print, which
#: includes the timings that pages measure, and would make each build's index differ.
SKIPPED = [
    ".headerlink",
    ".run-it-yourself",
    ".sphx-glr-script-out",
    ".sphx-glr-download-link-note",
    ".sphx-glr-footer",
    ".sphx-glr-timing",
    ".sphx-glr-signature",
]

#: A section's id and the spans of its other ids, up to its heading.
SECTION = re.compile(r'<section id="([^"]+)">(\s*(?:<span id="[^"]*"></span>)*)\s*<h([1-6])>')


def with_heading_ids(page: str) -> str:
    """The page as Pagefind should read it: each section's id on its heading.

    Pagefind links a result to the heading nearest the match, but only to a heading with an
    id; Sphinx puts the ids on the ``<section>`` around it. The anchor is the same, so the
    link lands where it should on the page as served, which is not changed.
    """
    return SECTION.sub(r'<section>\2<h\3 id="\1">', page)


#: A section whose id starts with the prefix given, up to its end (it holds no sections).
ENTRY = r'<section id="({prefix}[^"]+)">(.*?)</section>'


def entries(page: str, url: str, prefix: str) -> tuple[str, dict[str, str]]:
    """Split a page of separate entries, such as questions, into one document per entry.

    Each entry becomes a result of its own, titled by its heading and linking to its anchor:
    a reader's words then rank it against whole pages, not against the page's other entries.
    Returns the page without its entries, and each entry's document by its id.
    """
    documents = {}

    def take(match: re.Match[str]) -> str:
        anchor, body = match.groups()
        body = re.sub(r"<(/?)h[1-6]\b", r"<\1h1", body, count=2)  # its heading is its title
        documents[anchor] = (
            f'<html><body><main id="{ROOT.removeprefix("#")}" '
            f'data-pagefind-meta="url:{url}#{anchor}">{body}</main></body></html>'
        )
        return ""

    rest = re.sub(ENTRY.format(prefix=re.escape(prefix)), take, page, flags=re.DOTALL)
    return rest, documents


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def build_index(app: Sphinx, exception: Exception | None) -> None:
    """Index a copy of the pages, as Pagefind should read them, with Pagefind's command.

    The command, not Pagefind's Python API: the API stops its indexer as soon as the indexer
    answers that the files are written, which can be before the last one is, and leaves it
    empty (``pagefind-ui.js``, in a build of this site, with pagefind 1.5.2).
    """
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    skipped = set(app.config.jacdoc_search_skips)
    entry_prefixes = app.config.jacdoc_search_entries
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp, "site")
        for docname in sorted(app.env.all_docs):
            if docname in skipped:
                continue
            page = app.builder.get_target_uri(docname)
            text = (outdir / page).read_text(encoding="utf-8")
            if docname in entry_prefixes:
                text, documents = entries(text, f"/{page}", entry_prefixes[docname])
                for anchor, document in documents.items():
                    write(site / "_entries" / docname / f"{anchor}.html", document)
            write(site / page, with_heading_ids(text))
        config = {
            "site": "site",
            "output_path": str(outdir / "pagefind"),
            "root_selector": ROOT,
            "exclude_selectors": SKIPPED,
            "silent": True,
        }
        Path(tmp, "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
        shutil.rmtree(outdir / "pagefind", ignore_errors=True)
        command = [sys.executable, "-m", "pagefind"]
        run = subprocess.run(command, cwd=tmp, capture_output=True, check=False)
    if run.returncode != 0:
        raise ExtensionError(
            f"Pagefind could not index the pages' {ROOT} (furo's article): "
            + (run.stderr or run.stdout).decode(errors="replace").strip()
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    # Documents that no search should return, such as the 404 page.
    app.add_config_value("jacdoc_search_skips", [], "html", types=frozenset({list}))
    # Pages of separate entries, each a result of its own: document name -> its ids' prefix.
    app.add_config_value("jacdoc_search_entries", {}, "html", types=frozenset({dict}))
    app.connect("build-finished", build_index, priority=850)  # after the pages are complete
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
