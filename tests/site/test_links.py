"""Every relative link in the built HTML resolves, anchors included; no page loads a script,
style or image from another host."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import html_pages

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
