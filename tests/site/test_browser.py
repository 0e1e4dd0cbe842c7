"""The built site as a reader meets it, in headless Chromium.

Every HTML page is opened from a local server; the page must load with no console error, no
failed or third-party request, every math expression typeset, and every image loaded with
meaningful alt text. Then the downloads, the search, and dark mode.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, html_pages, require_browser

require_browser()
pytestmark = pytest.mark.site

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("[0-9][0-9]_*.py"))

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
        fontLoaded: [...document.fonts].every(f => f.status !== 'error'),
    };
}"""

IMAGES_JS = """() => [...document.images].map(img => ({
    src: img.getAttribute('src'), alt: img.getAttribute('alt') || '',
    loaded: img.complete && img.naturalWidth > 0,
}))"""


def visit(browser, server, path, *, color_scheme="light"):
    """Open one page; return it with everything that went wrong while loading."""
    context = browser.new_context(
        color_scheme=color_scheme, viewport={"width": 1280, "height": 900}
    )
    problems: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith((server, "data:")):
            route.continue_()
        else:
            problems.append(f"third-party request: {url}")
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    page.goto(f"{server}/{path}", wait_until="load")
    return context, page, problems


def all_pages(site: Path) -> list[str]:
    return [p.relative_to(site).as_posix() for p in html_pages(site)]


def test_every_page_loads_cleanly_with_math_typeset_and_images_described(browser, server, site):
    report = {}
    for path in all_pages(site):
        context, page, problems = visit(browser, server, path)
        math = page.evaluate(MATH_STATUS_JS)
        problems += [f"math not rendered as MathML: {t[:60]}" for t in math["unrendered"]]
        problems += [f"a math script is loaded: {src}" for src in math["scripts"]]
        if not math["fontLoaded"]:
            problems.append("a font failed to load")
        leftover = RAW_TEX.findall(page.evaluate(VISIBLE_TEXT_JS))
        problems += [f"raw TeX in the text: {t!r}" for t in leftover]
        for image in page.evaluate(IMAGES_JS):
            if not image["loaded"]:
                problems.append(f"image did not load: {image['src']}")
            alt = image["alt"].strip()
            if len(alt) < 8 or re.search(r"\.(png|jpe?g|svg)$", alt):
                problems.append(f"image without meaningful alt text: {image['src']} ({alt!r})")
        context.close()
        if problems:
            report[path] = problems
    pages = len(all_pages(site))
    print(f"visited {pages} pages, {sum(map(len, report.values()))} problems")
    assert pages >= 15
    assert not report, json.dumps(report, indent=2)


def test_math_pages_really_have_math(browser, server):
    """Guard against the check above passing because no math was found at all."""
    for path in ["derivation.html", "auto_examples/01_einsum_is_backward.html", "index.html"]:
        context, page, _ = visit(browser, server, path)
        math = page.evaluate(MATH_STATUS_JS)
        context.close()
        assert math["total"] >= 1, path
        assert not math["unrendered"], path


def fetch(page, url: str) -> bytes:
    response = page.request.get(url)
    assert response.ok, f"{url}: HTTP {response.status}"
    return response.body()


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_downloads_are_the_right_files(browser, server, example):
    stem = example.removesuffix(".py")
    context, page, problems = visit(browser, server, f"auto_examples/{stem}.html")
    links = page.eval_on_selector_all("a.download", "links => links.map(a => a.href)")
    by_suffix = {Path(link).suffix: link for link in links}
    assert set(by_suffix) == {".py", ".ipynb", ".zip"}, links

    source = fetch(page, by_suffix[".py"])
    assert source == (ROOT / "examples" / example).read_bytes()

    notebook = json.loads(fetch(page, by_suffix[".ipynb"]))
    assert notebook["nbformat"] == 4
    code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert "import jacdoc" in code

    with zipfile.ZipFile(io.BytesIO(fetch(page, by_suffix[".zip"]))) as archive:
        assert sorted(archive.namelist()) == [f"{stem}.ipynb", example]
    context.close()
    assert not problems, problems


def test_download_all_archives_hold_every_example(browser, server):
    context, page, _ = visit(browser, server, "auto_examples/index.html")
    links = page.eval_on_selector_all("a.download", "links => links.map(a => a.href)")
    context.close()
    python = next(link for link in links if link.endswith("_python.zip"))
    jupyter = next(link for link in links if link.endswith("_jupyter.zip"))
    context, page, _ = visit(browser, server, "index.html")
    with zipfile.ZipFile(io.BytesIO(fetch(page, python))) as archive:
        assert sorted(archive.namelist()) == EXAMPLES
    with zipfile.ZipFile(io.BytesIO(fetch(page, jupyter))) as archive:
        assert sorted(archive.namelist()) == [e.replace(".py", ".ipynb") for e in EXAMPLES]
    context.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("jacobian", "derivation.html"), ("einsum", "auto_examples/01_einsum_is_backward.html")],
)
def test_search_finds_the_page(browser, server, query, expected):
    context, page, problems = visit(browser, server, f"search.html?q={query}")
    # Sphinx adds results one by one, then reports "Search finished, found N pages ...".
    page.wait_for_function("document.body.innerText.includes('Search finished')", timeout=15000)
    hrefs = page.eval_on_selector_all(
        "ul.search li a", "links => links.map(a => a.getAttribute('href'))"
    )
    context.close()
    assert any(href.split("?")[0].split("#")[0] == expected for href in hrefs), hrefs
    assert not problems, problems


CONTRAST_JS = """() => {
    function rgb(s) { return s.match(/[\\d.]+/g).map(Number); }
    function luminance(c) {
        const [r, g, b] = c.slice(0, 3).map(v => {
            v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    }
    function background(el) {
        // Composite translucent backgrounds over their ancestors', down to an opaque one.
        const layers = [];
        for (; el; el = el.parentElement) {
            const c = rgb(getComputedStyle(el).backgroundColor);
            const alpha = c.length < 4 ? 1 : c[3];
            if (alpha > 0) layers.push([c[0], c[1], c[2], alpha]);
            if (alpha >= 1) break;
        }
        let out = [255, 255, 255];
        for (const [r, g, b, a] of layers.reverse()) {
            out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)];
        }
        return out;
    }
    let min = Infinity, where = null;
    const text = 'article p, article li, .sphx-glr-script-out pre, .cell_output pre';
    for (const el of document.querySelectorAll(text)) {
        if (!el.textContent.trim()) continue;
        const fg = luminance(rgb(getComputedStyle(el).color));
        const bg = luminance(background(el));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        if (ratio < min) { min = ratio; where = el.outerHTML.slice(0, 120); }
    }
    return {min, where, body: luminance(background(document.body))};
}"""

KEY_PAGES = [
    "index.html",
    "derivation.html",
    "auto_examples/01_einsum_is_backward.html",
    "auto_examples/06_cost.html",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_key_pages_are_readable_in_light_and_dark_mode(browser, server, scheme):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in KEY_PAGES:
        context, page, problems = visit(browser, server, path, color_scheme=scheme)
        colours = page.evaluate(CONTRAST_JS)
        name = path.replace("/", "_").removesuffix(".html")
        page.screenshot(path=SCREENSHOTS / f"{name}-{scheme}.png", full_page=True)
        context.close()
        assert not problems, problems
        # furo follows the reader's colour scheme: dark pages have a dark background.
        assert (colours["body"] < 0.1) == (scheme == "dark"), (path, colours)
        # WCAG AA for body text and code output.
        assert colours["min"] >= 4.5, (path, scheme, colours)
