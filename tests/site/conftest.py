"""Fixtures for checks of the built site: its folder, a local HTTP server, and Chromium.

The site must be built first (``nox -s tests`` does that). Browser tests need Debian's
``chromium`` and the Python ``playwright`` package; they never download a browser.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .build import copy_project, sphinx_build
from .helpers import CHROMIUM, CHROMIUM_ARGS, HTML, REPOSITORY, unavailable


@pytest.fixture(scope="session")
def site() -> Path:
    if not (HTML / "index.html").exists():
        unavailable(f"the site is not built at {HTML}; run `nox -s docs` first")
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1, on a free port, while the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built site, served for the whole session."""
    with serving(site) as url:
        yield url


@dataclass(frozen=True)
class Published:
    """A build made as the Pages workflow makes it, served from the address it was built for."""

    url: str  # ends with "/"
    site: Path
    environment: dict[str, str]


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    project = copy_project(tmp_path_factory.mktemp("published") / "jacdoc")
    site = project / "docs" / "_build" / "html"
    site.mkdir(parents=True)
    with serving(site) as url:
        environment = {
            "JACDOC_BASE_URL": f"{url}/",
            "GITHUB_REPOSITORY": REPOSITORY,
            "SOURCE_DATE_EPOCH": "1767225600",  # 2026-01-01: any fixed time will do
        }
        result = sphinx_build(project, **environment)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        yield Published(f"{url}/", site, environment)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
