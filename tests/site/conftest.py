"""Fixtures for checks of the built site: its folder, a local HTTP server, and Chromium.

The site must be built first (``nox -s tests`` does that). Browser tests need Debian's
``chromium`` and the Python ``playwright`` package; they never download a browser.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "docs" / "_build" / "html"
CHROMIUM = Path(os.environ.get("JACDOC_CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() == "true"
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


@pytest.fixture(scope="session")
def site() -> Path:
    if not (HTML / "index.html").exists():
        unavailable(f"the site is not built at {HTML}; run `nox -s docs` first")
    return HTML


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """Serve the site on 127.0.0.1 (a free port) for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
