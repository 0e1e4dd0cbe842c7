#!/usr/bin/env python3
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Sessions for building the jacdoc site, testing it, and benchmarking.

``nox -s docs`` builds the site, ``nox -s tests`` runs every test; see the README.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "virtualenv"
# Reuse environments between runs; install() skips pip when nothing it reads has changed.
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).parent
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
HTML = BUILD / "html"
SITE_TESTS = ROOT / "tests" / "site"
# Everything the site build generates, removed by --clean.
GENERATED = [BUILD, DOCS / "auto_examples", DOCS / "gen_modules"]
PYPROJECT = nox.project.load_toml("pyproject.toml")
SPHINX_OPTIONS = [
    "-b",
    "html",
    "-n",  # nitpicky: every cross-reference must resolve
    "-W",  # a warning is an error ...
    "--keep-going",  # ... but report all of them before failing
    "-T",  # a full traceback when an extension fails
]
SPHINX_ARGS = [*SPHINX_OPTIONS, "-d", str(BUILD / "doctrees"), str(DOCS), str(HTML)]

# PyPI's torch for Linux is a CUDA build (about 3 GB with its nvidia packages); PyTorch's CPU
# index has the same release as 2.13.0+cpu, which the pin torch==2.13.0 accepts and pip
# prefers, since a local version label sorts after the plain version.
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def is_cuda_package(name: str, version: str) -> bool:
    """Whether a distribution is part of a CUDA build of torch."""
    name = name.lower()
    return name.startswith(("nvidia-", "triton", "cuda-")) or (name == "torch" and "+cu" in version)


def cuda_packages(report: dict[str, Any]) -> list[str]:
    """The CUDA packages that pip's ``install --dry-run --report`` would install."""
    return sorted(
        item["metadata"]["name"]
        for item in report["install"]
        if is_cuda_package(item["metadata"]["name"], item["metadata"]["version"])
    )


def torch_index(report: dict[str, Any]) -> list[str]:
    """Extra pip arguments that make pip install torch as a CPU build.

    ``report`` is pip's dry run of installing the pinned torch. Where pip's own configuration
    already provides a CPU wheel (a local folder, as on the machines this project is built
    on), or PyPI's wheel is a CPU build (macOS, Windows), nothing needs to change. Where it
    would pull CUDA (Linux with only PyPI), PyTorch's CPU index is added, so pip never
    downloads the CUDA build.
    """
    return ["--extra-index-url", CPU_INDEX] if cuda_packages(report) else []


def fingerprint(*paths: Path) -> str:
    """A hash of the files' contents, to tell whether anything in them changed."""
    digest = hashlib.sha256()
    for path in paths:
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(
                file.relative_to(path if path.is_dir() else path.parent).as_posix().encode()
            )
            digest.update(file.read_bytes())
    return digest.hexdigest()


def torch_dry_run(session: nox.Session) -> dict[str, Any]:
    """pip's report of what installing the pinned torch would install, installing nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        dry_run = ["install", "--dry-run", "--ignore-installed", "--quiet", "--report"]
        session.run("python", "-m", "pip", *dry_run, str(report), "-c", "constraints.txt", "torch")
        answer: dict[str, Any] = json.loads(report.read_text())
        return answer


def install(session: nox.Session, *groups: str) -> None:
    """Install the pinned dependency groups and jacdoc itself, unless already done."""
    stamp = Path(session.virtualenv.location) / "jacdoc-installed"
    wanted = fingerprint(ROOT / "pyproject.toml", ROOT / "constraints.txt") + " ".join(groups)
    if stamp.exists() and stamp.read_text() == wanted:
        session.log("Dependencies unchanged since the last install; skipping pip.")
        return
    index = torch_index(torch_dry_run(session))
    session.log(f"torch comes from {'PyTorch CPU index' if index else 'pip as configured'}")
    requirements = [r for g in groups for r in nox.project.dependency_groups(PYPROJECT, g)]
    session.install("-c", "constraints.txt", *index, *requirements, "-e", ".")
    # The same test on what did get installed (pip list prints one line of JSON):
    listed = session.run("python", "-m", "pip", "list", "--format", "json", silent=True)
    installed = json.loads(str(listed).splitlines()[-1])
    cuda = sorted(p["name"] for p in installed if is_cuda_package(p["name"], p["version"]))
    if cuda:
        session.error(f"A CUDA build of torch got in: {cuda}. It must be the CPU build.")
    stamp.write_text(wanted)


def copy_project(destination: Path) -> Path:
    """Copy the files git sees (tracked, or new and not ignored), as a fresh clone would hold.

    The build tests and benchmarks work on such a copy, never on the working tree.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")  # fmt: skip
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    return destination


def built_from_other_source(build: Path, source: str) -> bool:
    """Whether ``build`` holds outputs made from a src/jacdoc other than ``source``."""
    stamp = build / "jacdoc-source.sha256"
    return build.exists() and (not stamp.exists() or stamp.read_text() != source)


def build_site(session: nox.Session, *, clean: bool) -> None:
    """Build the HTML site, from scratch when asked to or when src/jacdoc changed."""
    # The site's address and repository change what the notebooks install and link to.
    settings = [os.environ.get(name, "") for name in ("JACDOC_BASE_URL", "GITHUB_REPOSITORY")]
    source = fingerprint(ROOT / "src" / "jacdoc") + " ".join(settings)
    if not clean and built_from_other_source(BUILD, source):
        # Neither sphinx-gallery nor the notebook cache notices a change in the package the
        # pages import, or in the address their notebooks install from: outputs would go stale.
        session.log("src/jacdoc or the site's address changed: rebuilding from scratch.")
        clean = True
    if clean:
        for path in GENERATED:
            shutil.rmtree(path, ignore_errors=True)
    BUILD.mkdir(parents=True, exist_ok=True)
    # Record what the outputs are built from before building, so a failed build counts too.
    (BUILD / "jacdoc-source.sha256").write_text(source)
    session.run("sphinx-build", *SPHINX_ARGS)
    session.log(f"Site built: open {HTML / 'index.html'}")


def selects_site_tests(pytest_args: list[str]) -> bool:
    """Whether pytest, run with these arguments, would collect the checks of the built site."""
    paths = [ROOT / a.split("::")[0] for a in pytest_args if not a.startswith("-")]
    paths = [p.resolve() for p in paths if p.exists()]
    if not paths:
        return True  # the whole suite
    return any(p.is_relative_to(SITE_TESTS) or SITE_TESTS.is_relative_to(p) for p in paths)


@nox.session(default=True)
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html. ``nox -s docs -- --clean`` starts from scratch."""
    install(session, "docs")
    build_site(session, clean="--clean" in session.posargs)


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Run every test; the site is built first when the selected tests check it."""
    install(session, "docs", "test")
    if selects_site_tests(session.posargs):
        build_site(session, clean=False)
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and mypy on src/ and tests/."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Live preview: rebuild on every save and serve on http://127.0.0.1:8000."""
    install(session, "docs")
    session.install("-c", "constraints.txt", "sphinx-autobuild")
    session.run(
        "sphinx-autobuild",
        *SPHINX_ARGS,
        "--watch",
        "src",
        "--watch",
        "examples",
        "--re-ignore",
        r"auto_examples|gen_modules|jupyter_execute",
    )


@nox.session(default=False)
def linkcheck(session: nox.Session) -> None:
    """Check every link out of the site against the live web (needs the network)."""
    install(session, "docs")
    session.run(
        "sphinx-build", "-b", "linkcheck", "-d", str(BUILD / "doctrees"), str(DOCS),
        str(BUILD / "linkcheck"),
    )  # fmt: skip


@nox.session(default=False)
def reproducible(session: nox.Session) -> None:
    """Build the site twice, from two copies in different folders, and compare every byte."""
    install(session, "docs", "test")
    session.run("pytest", "tests/site/test_reproducible.py", "-s", "-p", "no:cacheprovider")


@nox.session(default=False)
def bench_build(session: nox.Session) -> None:
    """Time clean, no-op and one-example rebuilds against running the examples by hand."""
    install(session, "docs", "test")
    session.run("python", "benchmarks/bench_build.py")


@nox.session(default=False)
def bench_pages(session: nox.Session) -> None:
    """Weigh every page of the site in Chromium, and time its math (``-- --baseline DIR``)."""
    install(session, "docs", "test")
    build_site(session, clean=False)
    session.run("python", "benchmarks/bench_pages.py", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time jacdoc.jacobian against PyTorch's strategies (pass --sizes/--device through)."""
    install(session, "test")
    session.run("python", "benchmarks/bench_jacobian.py", *session.posargs)


if __name__ == "__main__":
    nox.main()
