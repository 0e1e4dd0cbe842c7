"""Links in the built HTML: every relative one resolves, anchors included; no page loads
anything from another host; "view" and "edit" links reach the files they are made from."""

from __future__ import annotations

import re
import subprocess
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .helpers import ROOT, html_pages, questions

pytestmark = pytest.mark.site


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag[attribute], value)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if value and name in ("href", "src"):
                self.links.append((f"{tag}[{name}]", value))
        if tag == "meta" and values.get("property") and values.get("content") is not None:
            self.meta[str(values["property"])] = str(values["content"])


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def test_every_relative_link_and_anchor_resolves(site):
    parsed = {page: parse(page) for page in html_pages(site.folder)}
    broken = []
    checked = 0
    for page, collector in parsed.items():
        for attribute, link in collector.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue  # absolute: the test below and the weekly link check look at those
            base = site.folder if parts.path.startswith("/") else page.parent  # 404.html
            target = (base / unquote(parts.path).lstrip("/")).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            where = f"{page.relative_to(site.folder)}: {attribute}={link}"
            if not target.exists():
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where} (no such anchor)")
    print(f"checked {checked} relative links in {len(parsed)} pages")
    assert checked > 500
    assert not broken, "\n".join(broken)


def test_the_list_of_questions_links_to_each_question_where_it_is_answered(site):
    links = {link for _, link in parse(site.folder / "questions.html").links}
    answers = {f"{question.page}.html#{question.label}" for question in questions()}
    assert len(answers) >= 40
    assert answers <= links, sorted(answers - links)


def test_no_page_loads_anything_from_another_host(site):
    """Scripts, styles and images must come from the site; plain links out are fine."""
    offenders = []
    for page in html_pages(site.folder):
        for attribute, link in parse(page).links:
            loads = attribute in ("script[src]", "img[src]", "link[href]", "iframe[src]")
            # The site's own absolute address is the site.
            external = urlsplit(link).scheme in ("http", "https") or link.startswith("//")
            if loads and external and not link.startswith(site.url):
                offenders.append(f"{page.relative_to(site.folder)}: {attribute}={link}")
    assert not offenders, "\n".join(offenders)


def test_view_and_edit_links_name_the_files_pages_are_made_from(site):
    """furo's links to a page's source must reach a file of the repository, not a generated one.

    A new file counts before it is committed, as the build counts it.
    """
    in_repository = set(
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    )
    repository = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Source"]
    source_link = re.compile(re.escape(repository) + r"/(?:blob|edit)/main/([^?#]+)")
    found, missing = 0, []
    for page in html_pages(site.folder):
        for _, link in parse(page).links:
            match = source_link.match(link)
            if match:
                found += 1
                if match.group(1) not in in_repository:
                    missing.append(f"{page.relative_to(site.folder)}: {link}")
    print(f"{found} view and edit links, each to a file of the repository")
    assert found >= 2 * 14  # a view and an edit link on each content page
    assert not missing, "\n".join(missing)


def test_no_example_shows_an_empty_code_cell(site):
    """A cell that holds only build-only checks shows as an empty box: merge it into another."""
    empty = []
    for page in sorted((site.folder / "auto_examples").rglob("*.html")):
        blocks = re.findall(
            r'<div class="highlight-Python notranslate"><div class="highlight"><pre[^>]*>(.*?)</pre>',
            page.read_text(encoding="utf-8"),
            re.DOTALL,
        )
        empty += [page.name for block in blocks if not re.sub(r"<[^>]+>", "", block).strip()]
    assert not empty, empty


def test_published_pages_have_social_previews(site):
    page = site.folder / "auto_examples" / "01_tensor" / "01_einsum_is_backward.html"
    meta = parse(page).meta
    assert meta["og:url"] == site.url + "auto_examples/01_tensor/01_einsum_is_backward.html"
    assert "einsum" in meta["og:title"]
    assert meta["og:description"]
    image = meta["og:image"]  # the page's first figure
    assert image.startswith(site.url + "_images/")
    assert (site.folder / image.removeprefix(site.url)).is_file()
