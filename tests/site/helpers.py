"""What the checks of the built site share: Chromium, a page visit, the pages themselves."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from jacdoc_docs.project import CHROMIUM_ARGS, ROOT

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ROOT", "html_pages", "require_browser", "visit"]

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


@contextmanager
def visit(
    browser: Any, url: str, path: str, *, color_scheme: str = "light"
) -> Iterator[tuple[Any, list[str]]]:
    """Open one page in its own browser context; yield it with what went wrong while loading.

    ``url`` is the site's address, ending with "/". The context is closed however the
    caller's block ends, a failed assert included.
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
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
        page.on("response", on_response)
        page.goto(url + path, wait_until="load")
        yield page, problems
    finally:
        context.close()
