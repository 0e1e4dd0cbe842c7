"""The site, built once per test run as the Pages workflow builds it, and served locally.

Every test here is marked ``site``; ``-m "not site"`` runs none of them and builds nothing.
When any is selected, the build starts in the background as soon as the tests are collected,
in a copy of the project (the files git sees, new ones included), with the address of the
local server that then serves it: the published site, on this machine. The site's tests run
last, so that the rest of the suite runs meanwhile. When the reproducibility test is selected
(``-m reproducible``), a second copy, in another folder, is built at the same time with the
same settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from jacdoc_docs.project import ROOT, copy_project, serving, sphinx_arguments

#: The repository the Pages workflow publishes from, as GITHUB_REPOSITORY names it.
REPOSITORY = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Source"]
REPOSITORY = REPOSITORY.removeprefix("https://github.com/")


@dataclass(frozen=True)
class Build:
    project: Path
    process: subprocess.Popen[str]

    @property
    def html(self) -> Path:
        return self.project / "docs" / "_build" / "html"

    def wait(self) -> Path:
        """The built site; a failed build fails the test with what Sphinx reported."""
        output, _ = self.process.communicate()
        if self.process.returncode != 0:
            warnings = self.project / "docs" / "_build" / "warnings.txt"
            reported = warnings.read_text() if warnings.exists() else output[-5000:]
            pytest.fail(f"the site did not build:\n{reported}", pytrace=False)
        return self.html


@dataclass(frozen=True)
class Site:
    """The built site, served from the address it was built for."""

    url: str  # ends with "/"
    folder: Path
    environment: dict[str, str]


def start_build(project: Path, environment: dict[str, str]) -> Build:
    process = subprocess.Popen(
        [sys.executable, *sphinx_arguments(project, "-q")],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **environment},
    )
    return Build(project, process)


_BUILDS = pytest.StashKey[dict[str, Any]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("site") is not None)  # site last


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the build now, so that it runs while the tests before the site's run."""
    selected = [item for item in session.items if item.get_closest_marker("site")]
    if not selected:
        return
    stack = ExitStack()
    base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jacdoc-site-")))
    project = copy_project(base / "jacdoc")
    (project / "docs" / "_build" / "html").mkdir(parents=True)
    url = stack.enter_context(serving(project / "docs" / "_build" / "html")) + "/"
    environment = {
        "JACDOC_BASE_URL": url,
        "GITHUB_REPOSITORY": REPOSITORY,
        "SOURCE_DATE_EPOCH": "1767225600",  # 2026-01-01: any fixed time will do
        "NB_EXECUTION_MODE": "force",
    }
    builds = {"site": start_build(project, environment)}
    if any("rebuilt" in getattr(item, "fixturenames", ()) for item in selected):
        builds["rebuilt"] = start_build(copy_project(base / "elsewhere" / "jacdoc"), environment)
    # The builds are what the site's tests wait for; the tests before them yield them the cores.
    if hasattr(os, "nice"):  # not on Windows
        os.nice(10)
    session.config.stash[_BUILDS] = {
        "url": url,
        "env": environment,
        "builds": builds,
        "stack": stack,
    }


def pytest_sessionfinish(session: pytest.Session) -> None:
    started = session.config.stash.get(_BUILDS, None)
    if started:
        for build in started["builds"].values():
            if build.process.poll() is None:  # still running: the run stopped early
                build.process.kill()
                build.process.wait()
        started["stack"].close()  # the server, then the copies


@pytest.fixture(scope="session")
def site(pytestconfig: pytest.Config) -> Site:
    started = pytestconfig.stash[_BUILDS]
    folder = started["builds"]["site"].wait()
    return Site(started["url"], folder, started["env"])


@pytest.fixture(scope="session")
def rebuilt(pytestconfig: pytest.Config, site: Site) -> Path:
    """A second build of the same commit, from a copy in another folder."""
    folder: Path = pytestconfig.stash[_BUILDS]["builds"]["rebuilt"].wait()
    return folder


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from .helpers import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
