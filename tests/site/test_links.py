"""Links in the built HTML: every relative one resolves, anchors included; every link into
PyTorch's, Python's and matplotlib's docs lands on a verified page; "view" and "edit" links
reach files in the repository; no page loads anything from another host."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from .helpers import ROOT, html_pages

pytestmark = pytest.mark.site


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if value and (name in ("href", "src") or (tag == "link" and name == "href")):
                self.links.append((f"{tag}[{name}]", value))


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def test_every_relative_link_and_anchor_resolves(site):
    parsed = {page: parse(page) for page in html_pages(site)}
    broken = []
    checked = 0
    for page, collector in parsed.items():
        for attribute, link in collector.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue  # absolute: checked by the third-party test below
            base = site if parts.path.startswith("/") else page.parent  # 404.html is root-relative
            path = unquote(parts.path).lstrip("/")
            target = (base / path).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {attribute}={link} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(site)}: {attribute}={link} (no such anchor)")
    print(f"checked {checked} relative links in {len(parsed)} pages")
    assert checked > 500
    assert not broken, "\n".join(broken)


def test_no_page_loads_anything_from_another_host(site):
    """Scripts, styles and images must come from the site; plain links out are fine."""
    offenders = []
    for page in html_pages(site):
        for attribute, link in parse(page).links:
            loads = attribute in ("script[src]", "img[src]", "link[href]", "iframe[src]")
            if loads and (urlsplit(link).scheme in ("http", "https") or link.startswith("//")):
                offenders.append(f"{page.relative_to(site)}: {attribute}={link}")
    assert not offenders, "\n".join(offenders)


def load_doc_pages() -> Any:
    path = ROOT / "docs" / "_ext" / "jacdoc_docs" / "doc_pages.py"
    spec = importlib.util.spec_from_file_location("doc_pages", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BASES = {
    "https://docs.pytorch.org/docs/stable/": "TORCH",
    "https://docs.python.org/3/": "PYTHON",
    "https://matplotlib.org/stable/": "MATPLOTLIB",
}


def test_every_link_into_other_docs_lands_on_a_verified_page(site):
    """The offline inventories may only link pages checked against each project's sources."""
    doc_pages = load_doc_pages()
    verified = {
        base + uri: name
        for base, table in BASES.items()
        for name, (_, uri, _) in getattr(doc_pages, table).items()
    }
    linked: dict[str, set[str]] = {}
    for page in html_pages(site):
        for _, link in parse(page).links:
            if link.startswith(tuple(BASES)):
                linked.setdefault(link, set()).add(page.relative_to(site).as_posix())
    unverified = {link: sorted(pages)[:3] for link, pages in linked.items() if link not in verified}
    print(f"{len(linked)} distinct links into PyTorch, Python and matplotlib docs, all verified")
    assert len(linked) >= 60
    assert not unverified, json.dumps(unverified, indent=2)


@pytest.mark.parametrize(
    ("name", "page"),
    [  # guesses from the naming rule that were wrong, and where PyTorch documents each
        ("torch.Size", "size.html#torch.Size"),
        ("torch.finfo", "type_info.html#torch.finfo"),
        ("torch.autograd.gradcheck", "generated/torch.autograd.gradcheck.gradcheck.html"),
        ("torch.autograd.gradgradcheck", "generated/torch.autograd.gradcheck.gradgradcheck.html"),
    ],
)
def test_known_exceptions_to_the_naming_rule(name, page):
    assert load_doc_pages().TORCH[name][1].startswith(page)


def test_undocumented_objects_are_never_linked():
    doc_pages = load_doc_pages()
    tables = doc_pages.TORCH | doc_pages.PYTHON | doc_pages.MATPLOTLIB
    assert not set(doc_pages.UNDOCUMENTED) & set(tables)


def test_view_and_edit_links_name_files_in_the_repository(site):
    """furo's links to a page's source must reach a file that exists, not a generated one."""
    tracked = set(
        subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.splitlines()
    )
    repository = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Source"]
    source_link = re.compile(re.escape(repository) + r"/(?:blob|edit)/main/([^?#]+)")
    found, missing = 0, []
    for page in html_pages(site):
        for _, link in parse(page).links:
            match = source_link.match(link)
            if match:
                found += 1
                if match.group(1) not in tracked:
                    missing.append(f"{page.relative_to(site)}: {link}")
    print(f"{found} view and edit links, each to a file git tracks")
    assert found >= 2 * 14  # a view and an edit link on each content page
    assert not missing, "\n".join(missing)


def test_no_example_shows_an_empty_code_cell(site):
    """A cell that holds only build-only checks shows as an empty box: merge it into another."""
    empty = []
    for page in sorted((site / "auto_examples").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        blocks = re.findall(
            r'<div class="highlight-Python notranslate"><div class="highlight"><pre[^>]*>(.*?)</pre>',
            text,
            re.DOTALL,
        )
        empty += [page.name for block in blocks if not re.sub(r"<[^>]+>", "", block).strip()]
    assert not empty, empty
