"""What the checks of the built site share: where it is, how to reach Chromium, a page visit."""

from __future__ import annotations

import functools
import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "docs" / "_build" / "html"
CHROMIUM = Path(os.environ.get("JACDOC_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() == "true"
#: The published repository, as the Pages workflow's GITHUB_REPOSITORY names it.
REPOSITORY = "jacdoc/jacdoc"
# Without the background-networking flags Chromium phones home at start, which this sandbox
# refuses; --no-sandbox is needed when the tests run as root, as CI does.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason: str, *, module: bool = False) -> None:
    """Skip on a contributor's machine; fail under CI=true, where nothing may be skipped."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


def require_browser() -> None:
    """Skip the calling test module, with one message, when Chromium or playwright is missing."""
    if not CHROMIUM.exists():
        unavailable(
            f"browser tests need Chromium at {CHROMIUM}: install it with "
            "`sudo apt-get install chromium` (never `playwright install`), or point "
            "JACDOC_CHROMIUM at another Chromium binary",
            module=True,
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("browser tests need the playwright package (in the 'test' group)", module=True)


@functools.cache  # nox registers sessions on import; a second import would register them twice
def load_noxfile() -> Any:
    """The noxfile as a module: the build's options, the project copy, the sessions' rules."""
    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


@contextmanager
def visit(
    browser: Any, server: str, path: str, *, color_scheme: str = "light"
) -> Iterator[tuple[Any, list[str]]]:
    """Open one page in its own browser context; yield it with what went wrong while loading.

    The context is closed however the caller's block ends, a failed assert included.
    """
    context = browser.new_context(
        color_scheme=color_scheme, viewport={"width": 1280, "height": 900}
    )
    problems: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith((server, "data:")):
            route.continue_()
        else:
            problems.append(f"third-party request: {url}")
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
        page.goto(f"{server}/{path}", wait_until="load")
        yield page, problems
    finally:
        context.close()
