"""The built site as a reader meets it, in headless Chromium.

Every HTML page is opened from a local server; it must load with no console error, no failed
or third-party request, every formula rendered as MathML and every image loaded, and axe-core
must find no WCAG 2 A or AA violation in light or dark mode. Then the downloads and the search.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .helpers import ROOT, html_pages, require_browser, visit

require_browser()
pytestmark = pytest.mark.site

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("[0-9][0-9]_*.py"))
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# TeX left over where a formula should be. Code blocks are removed before looking.
RAW_TEX = re.compile(
    r"\\\(|\\\[|\\begin\{|\\frac|\\partial|\\delta|\\sum|\$\$|\$[^\s$][^$]{0,60}\$"
)

VISIBLE_TEXT_JS = """() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll('pre, code, script, style, textarea, math, .highlight')
        .forEach(e => e.remove());
    return body.textContent;
}"""

MATH_STATUS_JS = """() => {
    const math = [...document.querySelectorAll('.math')];
    return {
        total: math.length,
        unrendered: math.filter(e => !e.querySelector('math')).map(e => e.textContent),
        scripts: [...document.scripts].map(s => s.src).filter(src => /mathjax|katex/i.test(src)),
    };
}"""

IMAGES_JS = """() => [...document.images].map(img => ({
    src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0,
}))"""


def all_pages(site: Path) -> list[str]:
    return [p.relative_to(site).as_posix() for p in html_pages(site)]


def test_every_page_loads_cleanly_with_math_rendered_and_images_loaded(browser, server, site):
    report = {}
    for path in all_pages(site):
        with visit(browser, server, path) as (page, problems):
            page.evaluate("document.fonts.ready")
            math = page.evaluate(MATH_STATUS_JS)
            problems += [f"math not rendered as MathML: {t[:60]}" for t in math["unrendered"]]
            problems += [f"a math script is loaded: {src}" for src in math["scripts"]]
            leftover = RAW_TEX.findall(page.evaluate(VISIBLE_TEXT_JS))
            problems += [f"raw TeX in the text: {t!r}" for t in leftover]
            problems += [
                f"image did not load: {image['src']}"
                for image in page.evaluate(IMAGES_JS)
                if not image["loaded"]
            ]
        if problems:
            report[path] = problems
    pages = len(all_pages(site))
    print(f"visited {pages} pages, {sum(map(len, report.values()))} problems")
    assert pages >= 15
    assert not report, json.dumps(report, indent=2)


def test_math_pages_really_have_math(browser, server):
    """Guard against the check above passing because no math was found at all."""
    for path in ["derivation.html", "auto_examples/01_einsum_is_backward.html", "index.html"]:
        with visit(browser, server, path) as (page, _):
            math = page.evaluate(MATH_STATUS_JS)
        assert math["total"] >= 1, path
        assert not math["unrendered"], path


def axe_violations(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    violations: list[dict[str, Any]] = Axe().run(page, options=options).response["violations"]
    return violations


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_aa_violation(browser, server, site, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[str]] = {}
    rules_checked = 0
    for path in all_pages(site):
        with visit(browser, server, path, color_scheme=scheme) as (page, _):
            dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
            # furo follows the reader's colour scheme: dark pages have a dark background.
            channels = [int(c) for c in re.findall(r"\d+", dark)[:3]]
            assert (max(channels) < 60) == (scheme == "dark"), (path, dark)
            violations = axe_violations(page)
            rules_checked += 1
            if path in ("derivation.html", "auto_examples/01_einsum_is_backward.html"):
                name = path.replace("/", "_").removesuffix(".html")
                page.screenshot(path=SCREENSHOTS / f"{name}-{scheme}.png", full_page=True)
        for violation in violations:
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.setdefault(path, []).append(f"{violation['id']}: {violation['help']} {targets}")
    print(
        f"axe-core, WCAG 2 A and AA, {scheme} mode: {rules_checked} pages, "
        f"{sum(len(v) for v in found.values())} violations"
    )
    assert not found, json.dumps(found, indent=2)


def fetch(page: Any, url: str) -> bytes:
    response = page.request.get(url)
    assert response.ok, f"{url}: HTTP {response.status}"
    body: bytes = response.body()
    return body


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_downloads_are_the_right_files(browser, server, example):
    stem = example.removesuffix(".py")
    with visit(browser, server, f"auto_examples/{stem}.html") as (page, problems):
        links = page.eval_on_selector_all("a.download", "links => links.map(a => a.href)")
        by_suffix = {Path(link).suffix: link for link in links}
        assert set(by_suffix) == {".py", ".ipynb", ".zip"}, links

        source = fetch(page, by_suffix[".py"])
        assert source == (ROOT / "examples" / example).read_bytes()

        notebook = json.loads(fetch(page, by_suffix[".ipynb"]))
        assert notebook["nbformat"] == 4
        code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
        assert "import torch" in code

        with zipfile.ZipFile(io.BytesIO(fetch(page, by_suffix[".zip"]))) as archive:
            assert sorted(archive.namelist()) == [f"{stem}.ipynb", example]
    assert not problems, problems


def test_download_all_archives_hold_every_example(browser, server):
    with visit(browser, server, "auto_examples/index.html") as (page, _):
        links = page.eval_on_selector_all("a.download", "links => links.map(a => a.href)")
        python = next(link for link in links if link.endswith("_python.zip"))
        jupyter = next(link for link in links if link.endswith("_jupyter.zip"))
        with zipfile.ZipFile(io.BytesIO(fetch(page, python))) as archive:
            assert sorted(archive.namelist()) == EXAMPLES
        with zipfile.ZipFile(io.BytesIO(fetch(page, jupyter))) as archive:
            assert sorted(archive.namelist()) == [e.replace(".py", ".ipynb") for e in EXAMPLES]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("jacobian", "derivation.html"), ("einsum", "auto_examples/01_einsum_is_backward.html")],
)
def test_search_finds_the_page(browser, server, query, expected):
    with visit(browser, server, f"search.html?q={query}") as (page, problems):
        # Sphinx adds results one by one, then reports "Search finished, found N pages ...".
        page.wait_for_function("document.body.innerText.includes('Search finished')", timeout=15000)
        hrefs = page.eval_on_selector_all(
            "ul.search li a", "links => links.map(a => a.getAttribute('href'))"
        )
    assert any(href.split("?")[0].split("#")[0] == expected for href in hrefs), hrefs
    assert not problems, problems


def test_a_heatmap_cell_on_the_derivation_page_names_its_derivative(browser, server):
    derivative = "J[0, 1, 0, 1] = ∂y[0, 1] / ∂x[0, 1] = 2"
    with visit(browser, server, "derivation.html") as (page, problems):
        # Its accessible name, which a screen reader reads, is the title.
        cell = page.get_by_role("img", name=derivative, exact=True)
        assert cell.count() == 1
        cell.hover()
        box = cell.bounding_box()
        assert box is not None
        under_pointer = page.evaluate(
            """([x, y]) => document.elementFromPoint(x, y)
                .closest('g[role=img]').querySelector('title').textContent""",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
    assert under_pointer == derivative  # the tooltip a browser shows on hover
    assert not problems, problems
