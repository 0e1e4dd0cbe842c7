#!/usr/bin/env python3
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Sessions for building the jacdoc site, testing it, and benchmarking.

``nox -s docs`` builds the site, ``nox -s tests`` runs every test; see the README.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "virtualenv"
# Reuse environments between runs; install() skips pip when nothing it reads has changed.
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).parent
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
HTML = BUILD / "html"
# Everything the site build generates, removed by --clean.
GENERATED = [BUILD, DOCS / "auto_examples", DOCS / "gen_modules"]
PYPROJECT = nox.project.load_toml("pyproject.toml")
SPHINX_ARGS = [
    "-b",
    "html",
    "-d",
    str(BUILD / "doctrees"),
    "-n",
    "-W",
    "--keep-going",
    "-T",
    str(DOCS),
    str(HTML),
]


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


def install(session: nox.Session, *groups: str) -> None:
    """Install the pinned dependency groups and jacdoc itself, unless already done."""
    stamp = Path(session.virtualenv.location) / "jacdoc-installed"
    wanted = fingerprint(ROOT / "pyproject.toml", ROOT / "constraints.txt") + " ".join(groups)
    if stamp.exists() and stamp.read_text() == wanted:
        session.log("Dependencies unchanged since the last install; skipping pip.")
        return
    requirements = [r for g in groups for r in nox.project.dependency_groups(PYPROJECT, g)]
    # constraints.txt pins torch==2.13.0 (the CPU build) and everything else, so a fresh
    # environment never resolves to a 3 GB CUDA build.
    session.install("-c", "constraints.txt", *requirements, "-e", ".")
    session.run("python", "-c", NO_CUDA, silent=True)
    stamp.write_text(wanted)


NO_CUDA = """
import importlib.metadata as md, sys, torch
cuda = sorted(d.metadata["Name"] for d in md.distributions()
              if d.metadata["Name"].lower().startswith(("nvidia-", "triton")))
if torch.version.cuda or cuda:
    sys.exit(f"A CUDA build of torch was installed ({torch.__version__}; {cuda}). "
             "Install torch==2.13.0 from the CPU wheel instead.")
"""


def built_from_other_source(build: Path, source: str) -> bool:
    """Whether ``build`` holds outputs made from a src/jacdoc other than ``source``."""
    stamp = build / "jacdoc-source.sha256"
    return build.exists() and (not stamp.exists() or stamp.read_text() != source)


def build_site(session: nox.Session, *, clean: bool) -> None:
    """Build the HTML site, from scratch when asked to or when src/jacdoc changed."""
    source = fingerprint(ROOT / "src" / "jacdoc")
    if not clean and built_from_other_source(BUILD, source):
        # Neither sphinx-gallery nor the notebook cache notices a change in the package the
        # pages import, so their outputs would silently go stale.
        session.log("src/jacdoc changed since the last build: rebuilding from scratch.")
        clean = True
    if clean:
        for path in GENERATED:
            shutil.rmtree(path, ignore_errors=True)
    BUILD.mkdir(parents=True, exist_ok=True)
    # Record what the outputs are built from before building, so a failed build counts too.
    (BUILD / "jacdoc-source.sha256").write_text(source)
    session.run("sphinx-build", *SPHINX_ARGS)
    session.log(f"Site built: open {HTML / 'index.html'}")


@nox.session(default=True)
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html. ``nox -s docs -- --clean`` starts from scratch."""
    install(session, "docs")
    build_site(session, clean="--clean" in session.posargs)


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Run the doctests and unit tests, then check the built site (built here if needed)."""
    install(session, "docs", "test")
    build_site(session, clean=False)
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and mypy on src/."""
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
def bench(session: nox.Session) -> None:
    """Time jacdoc.jacobian against PyTorch's strategies (pass --sizes/--device through)."""
    install(session, "test")
    session.run("python", "benchmarks/bench_jacobian.py", *session.posargs)


if __name__ == "__main__":
    nox.main()
