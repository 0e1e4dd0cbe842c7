"""What the checks of the built site share: Chromium, a page visit, the pages themselves."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from jacdoc_docs.project import CHROMIUM_ARGS, ROOT, myst_pages

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "ROOT",
    "Question",
    "axe_violations",
    "background_is_dark",
    "html_pages",
    "myst_pages",
    "question_pages",
    "questions",
    "require_browser",
    "visit",
]

CHROMIUM = Path(os.environ.get("JACDOC_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> None:
    """Skip on a contributor's machine; fail under CI=true, where nothing may be skipped."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_browser() -> None:
    """Skip the calling test module, with one message, when Chromium or playwright is missing."""
    if not CHROMIUM.exists():
        unavailable(
            f"browser tests need Chromium at {CHROMIUM}: install it with "
            "`sudo apt-get install chromium` (never `playwright install`), or point "
            "JACDOC_CHROMIUM at another Chromium binary"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("browser tests need the playwright package (in the 'test' group)")


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


#: Every violation of a page's Content-Security-Policy, as the browser reports it to the page.
VIOLATIONS = """
window.violations = [];
document.addEventListener('securitypolicyviolation',
    event => window.violations.push(`${event.effectiveDirective} ${event.blockedURI}`));
"""


@contextmanager
def visit(
    browser: Any, url: str, path: str, *, color_scheme: str = "light"
) -> Iterator[tuple[Any, list[str]]]:
    """Open one page in its own browser context; yield it with what went wrong while loading.

    ``url`` is the site's address, ending with "/". The context is closed however the
    caller's block ends, a failed assert included. What went wrong includes every violation
    of the page's Content-Security-Policy, added as the block ends (``window.violations``).
    """
    context = browser.new_context(
        color_scheme=color_scheme, viewport={"width": 1280, "height": 900}
    )
    problems: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith((url, "data:")):
            route.continue_()
        else:
            problems.append(f"third-party request: {route.request.url}")
            route.abort()

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    try:
        context.route("**/*", guard)
        context.add_init_script(VIOLATIONS)
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
        page.on("response", on_response)
        page.goto(url + path, wait_until="load")
        yield page, problems
        reported = page.evaluate("window.violations ?? []")
        problems += [f"policy violation: {violation}" for violation in reported]
    finally:
        context.close()


@dataclass(frozen=True)
class Question:
    """One entry of a questions page, as its source writes it."""

    page: str  # the document that holds it, such as ``questions/backward``
    label: str  # its anchor on that page: q-...
    text: str  # the entry, from its heading to the next entry's label

    @property
    def deeper(self) -> str | None:
        """The document its "Deeper:" line links to, such as ``auto_examples/01_tensor/x``."""
        found = re.search(r"^Deeper: \{doc\}`/?([^`]+)`", self.text, re.MULTILINE)
        return found.group(1) if found else None


def question_pages() -> list[str]:
    """The questions pages, as ``docs/questions.md`` lists them."""
    index = (ROOT / "docs" / "questions.md").read_text(encoding="utf-8")
    return re.findall(r"^(questions/\w+)$", index, re.MULTILINE)


def questions() -> list[Question]:
    """The entries of the questions pages, in the order of the list of questions."""
    found = []
    for page in question_pages():
        source = (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8")
        entries = re.finditer(
            r"^\((q-[a-z0-9-]+)\)=\n(.*?)(?=^\(q-|\Z)", source, re.MULTILINE | re.DOTALL
        )
        found += [Question(page, match.group(1), match.group(2)) for match in entries]
    return found


# Code is excluded from axe's colour checks, the slowest by far: its colours are the same few
# token colours on every page, which test_colours.py checks for every token the site uses.
# Every other rule checks code blocks too.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CODE = [[".highlight"], [".sphx-glr-script-out"], ["div.output"]]
# The only rules whose outcome depends on the colour scheme.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_JS = """async ([code, wcag, colours, coloursOnly]) => {
    const found = await axe.run({exclude: code},
        {runOnly: {type: 'rule', values: colours}, resultTypes: ['violations']});
    if (!coloursOnly) {
        const off = Object.fromEntries(colours.map(rule => [rule, {enabled: false}]));
        const rest = await axe.run(document,
            {runOnly: {type: 'tag', values: wcag}, rules: off, resultTypes: ['violations']});
        found.violations.push(...rest.violations);
    }
    return found.violations.map(v => `${v.id}: ${v.help} ${JSON.stringify(
        v.nodes.slice(0, 3).map(node => node.target))}`);
}"""


def axe_violations(page: Any, *, colours_only: bool = False) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(Axe().axe_script)  # the axe-core that axe-playwright-python ships
    found: list[str] = page.evaluate(AXE_JS, [CODE, WCAG_AA, COLOUR_RULES, colours_only])
    return found


def background_is_dark(page: Any) -> bool:
    color = page.evaluate("getComputedStyle(document.body).backgroundColor")
    return max(int(c) for c in re.findall(r"\d+", color)[:3]) < 60
