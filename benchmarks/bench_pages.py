"""Weigh every page of the built site as a reader's browser loads it, and time its math.

For each HTML page, a fresh headless Chromium context (an empty cache) loads it from a local
server and records:

* the bytes it transferred: the page and everything it loads (styles, scripts, fonts, images);
* math-complete: milliseconds from the start of navigation until every math element on the
  page is rendered as MathML
  and the page's fonts have loaded; the median of several loads.

``--baseline`` names another build of the site (for example one made from an older commit
with ``git worktree``); its pages are then loaded in the same run, each right after the same
page of this build, and both figures are printed side by side. Run it with
``nox -s bench_pages`` after ``nox -s docs``, or ``python benchmarks/bench_pages.py
[--site docs/_build/html] [--baseline OTHER/html] [--repeats 7]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from jacdoc_docs.project import CHROMIUM_ARGS, ROOT, content_pages, serving

CHROMIUM = os.environ.get("JACDOC_CHROMIUM", "/usr/bin/chromium")
# Runs in the page before its own scripts: checks at every frame whether all math is
# rendered, and notes when it first is (performance.now() counts from navigation start).
RECORD_MATH_DONE = """
(function check() {
    const ready = document.readyState !== 'loading' && document.fonts.status === 'loaded'
        && [...document.querySelectorAll('.math')]
            .every(e => e.querySelector('math'));
    if (ready) { window.mathDone = performance.now(); } else { requestAnimationFrame(check); }
})();
"""


def weigh(browser: Any, url: str) -> tuple[int, float]:
    """Bytes transferred and milliseconds to math-complete, for one cold load of ``url``."""
    context = browser.new_context()
    try:
        context.add_init_script(RECORD_MATH_DONE)
        page = context.new_page()
        sizes: list[int] = []
        page.on(
            "requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"])
        )
        page.goto(url, wait_until="load")
        page.wait_for_function("window.mathDone !== undefined", timeout=30_000)
        page.wait_for_load_state("networkidle")
        return sum(sizes), page.evaluate("window.mathDone")
    finally:
        context.close()


def measure(sites: list[Path], repeats: int) -> dict[str, list[tuple[int, float] | None]]:
    """For each page of the first site: (bytes, median ms) in each site, None where absent."""
    pages = content_pages(sites[0])
    results: dict[str, list[tuple[int, float] | None]] = {}
    with ExitStack() as stack, sync_playwright() as playwright:
        servers = [stack.enter_context(serving(site)) for site in sites]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        weigh(browser, f"{servers[0]}/{pages[0]}")  # the browser's own first-start costs
        for path in pages:
            runs: list[list[tuple[int, float]]] = [[] for _ in sites]
            for _ in range(repeats):  # alternate the sites, so that drift affects both alike
                for index, (site, server) in enumerate(zip(sites, servers, strict=True)):
                    if (site / path).exists():
                        runs[index].append(weigh(browser, f"{server}/{path}"))
            results[path] = [
                (measured[0][0], statistics.median(ms for _, ms in measured)) if measured else None
                for measured in runs
            ]
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "docs" / "_build" / "html")
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sites = [args.site] + ([args.baseline] if args.baseline else [])
    results = measure(sites, args.repeats)

    print(
        f"{'page':46} {'KB':>6} {'math ms':>8}"
        + ("   baseline: KB  math ms" if args.baseline else "")
    )
    for path, figures in results.items():
        line = f"{path:46}"
        for figure in figures:
            line += (
                f" {figure[0] / 1000:6.0f} {figure[1]:8.0f}" if figure else f" {'-':>6} {'-':>8}"
            )
            line += "          " if figure is figures[0] and len(figures) > 1 else ""
        has_math = 'class="math' in (args.site / path).read_text(encoding="utf-8")
        print(line + ("" if has_math else "   (no math)"))
    for index, site in enumerate(sites):
        present = {p: f for p, all_sites in results.items() if (f := all_sites[index])}
        heaviest = max(present, key=lambda p: present[p][0])
        slowest = max(present, key=lambda p: present[p][1])
        print(
            f"\n{site}:\n  heaviest first load: {heaviest}, {present[heaviest][0] / 1e6:.2f} MB "
            f"(goal: under 1 MB)\n  slowest math-complete: {slowest}, "
            f"{present[slowest][1]:.0f} ms (goal: under 250 ms)"
        )


if __name__ == "__main__":
    main()
