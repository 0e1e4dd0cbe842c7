"""The built site as a reader meets it, in headless Chromium.

Every HTML page is opened once, from the local server that serves the published build: it
must load with no console error, no failed or third-party request, every formula rendered as
MathML and every image loaded, and axe-core must find no WCAG 2 A or AA violation, in light
mode and then, on the same page, in dark mode. Then the downloads, a heatmap and old links.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from jacdoc_docs.project import content_pages

from .helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    axe_violations,
    background_is_dark,
    questions,
    require_browser,
    visit,
)

require_browser()
pytestmark = pytest.mark.site

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
EXAMPLES = sorted((ROOT / "examples").rglob("[0-9][0-9]_*.py"))

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

# Images below the first load lazily, when a reader scrolls to them; here, all at once.
IMAGES_JS = """async () => Promise.all([...document.images].map(async img => {
    img.loading = 'eager';
    await img.decode().catch(() => null);
    return {src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0};
}))"""


def check_pages(url: str, paths: list[str]) -> tuple[dict[str, list[str]], int]:
    """Visit each page once: a clean load, math, images, then axe in light and dark mode."""
    from playwright.sync_api import sync_playwright

    report, math_total = {}, 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for path in paths:
            with visit(browser, url, path) as (page, problems):
                page.evaluate("document.fonts.ready")
                math = page.evaluate(MATH_STATUS_JS)
                math_total += math["total"]
                problems += [f"math not rendered as MathML: {t[:60]}" for t in math["unrendered"]]
                problems += [f"a math script is loaded: {src}" for src in math["scripts"]]
                leftover = RAW_TEX.findall(page.evaluate(VISIBLE_TEXT_JS))
                problems += [f"raw TeX in the text: {t!r}" for t in leftover]
                problems += [
                    f"image did not load: {image['src']}"
                    for image in page.evaluate(IMAGES_JS)
                    if not image["loaded"]
                ]
                if background_is_dark(page):
                    problems.append("light mode has a dark background")
                problems += [f"light: {v}" for v in axe_violations(page)]
                page.emulate_media(color_scheme="dark")  # furo follows the reader's scheme
                if not background_is_dark(page):
                    problems.append("dark mode has a light background")
                problems += [f"dark: {v}" for v in axe_violations(page, colours_only=True)]
            if problems:
                report[path] = problems
        browser.close()
    return report, math_total


def test_every_page_in_light_and_dark_mode(site):
    """Every page but the old addresses, shared between two browsers, one per core."""
    pages = content_pages(site.folder)
    with ThreadPoolExecutor(max_workers=2) as pool:
        shares = [pages[::2], pages[1::2]]
        results = list(pool.map(lambda share: check_pages(site.url, share), shares))
    report = {path: problems for result, _ in results for path, problems in result.items()}
    math_total = sum(total for _, total in results)
    print(f"visited {len(pages)} pages in light and dark mode, {math_total} formulas")
    assert len(pages) >= 15
    assert math_total >= 50  # the check above found formulas to check
    assert not report, json.dumps(report, indent=2)


def test_screenshots_in_light_and_dark_mode(browser, site):
    """For people to look at: the pages most worth seeing, in both schemes."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in ["index.html", "derivation.html"]:
        for scheme in ("light", "dark"):
            with visit(browser, site.url, path, color_scheme=scheme) as (page, problems):
                page.evaluate("document.fonts.ready")
                name = path.removesuffix(".html")
                page.screenshot(path=SCREENSHOTS / f"{name}-{scheme}.png", full_page=True)
            assert not problems, problems


def fetch(page: Any, url: str) -> bytes:
    response = page.request.get(url)
    assert response.ok, f"{url}: HTTP {response.status}"
    body: bytes = response.body()
    return body


def example_page(example: Path) -> str:
    return f"auto_examples/{example.relative_to(ROOT / 'examples').with_suffix('.html').as_posix()}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_downloads_are_the_right_files(browser, site, example):
    with visit(browser, site.url, example_page(example)) as (page, problems):
        links = page.eval_on_selector_all("a.download", "links => links.map(a => a.href)")
        by_suffix = {Path(link).suffix: link for link in links}
        assert set(by_suffix) == {".py", ".ipynb", ".zip"}, links
        assert fetch(page, by_suffix[".py"]) == example.read_bytes()
        notebook = json.loads(fetch(page, by_suffix[".ipynb"]))
        assert notebook == json.loads(
            (site.folder / "notebooks" / f"{example.stem}.ipynb").read_text()
        )
        with zipfile.ZipFile(io.BytesIO(fetch(page, by_suffix[".zip"]))) as archive:
            assert sorted(archive.namelist()) == [f"{example.stem}.ipynb", example.name]
            assert json.loads(archive.read(f"{example.stem}.ipynb")) == notebook
    assert not problems, problems


def test_download_all_archives_hold_every_example(browser, site):
    with visit(browser, site.url, "auto_examples/index.html") as (page, _):
        links = page.eval_on_selector_all("a.download", "links => links.map(a => a.href)")
        python = next(link for link in links if link.endswith("_python.zip"))
        jupyter = next(link for link in links if link.endswith("_jupyter.zip"))
        with zipfile.ZipFile(io.BytesIO(fetch(page, python))) as archive:
            names = sorted(Path(name).name for name in archive.namelist())
            assert names == sorted(e.name for e in EXAMPLES)
        with zipfile.ZipFile(io.BytesIO(fetch(page, jupyter))) as archive:
            names = sorted(Path(name).name for name in archive.namelist())
            assert names == sorted(f"{e.stem}.ipynb" for e in EXAMPLES)


def test_a_heatmap_cell_on_the_derivation_page_names_its_derivative(browser, site):
    derivative = "J[0, 1, 0, 1] = ∂y[0, 1] / ∂x[0, 1] = 2"
    with visit(browser, site.url, "derivation.html") as (page, problems):
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


@pytest.mark.parametrize("where", [0, -1], ids=["first", "last"])
def test_an_old_link_to_a_question_lands_on_it_where_it_is_now(browser, site, where):
    """The questions were all on questions.html once; links to them went to its anchors."""
    question = questions()[where]
    with visit(browser, site.url, f"questions.html#{question.label}") as (page, problems):
        page.wait_for_url(f"{site.url}{question.page}.html#{question.label}")
        # furo scrolls smoothly: wait until the heading is at the top of the window.
        page.wait_for_function(
            """label => {
                const top = document.getElementById(label).getBoundingClientRect().top;
                return top >= 0 && top < 100;
            }""",
            arg=question.label,
        )
    assert not problems, problems
