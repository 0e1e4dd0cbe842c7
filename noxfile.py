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
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent / "docs" / "_ext"))
from jacdoc_docs.project import (
    ROOT,
    cpu_index_arguments,
    is_cuda_package,
    myst_pages,
    sphinx_arguments,
)

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "virtualenv"
# Reuse environments between runs; install() skips pip when nothing it reads has changed.
nox.options.reuse_venv = "yes"

BUILD = ROOT / "docs" / "_build"
# Everything the site build generates, removed by --clean.
GENERATED = [BUILD, ROOT / "docs" / "auto_examples", ROOT / "docs" / "gen_modules"]
PYPROJECT = nox.project.load_toml("pyproject.toml")
# The benchmarks of the site import its extension's helpers, as Sphinx and pytest do.
EXTENSION_PATH = {"PYTHONPATH": str(ROOT / "docs" / "_ext")}


def fingerprint(*paths: Path) -> str:
    """A hash of the files' contents, to tell whether anything in them changed."""
    digest = hashlib.sha256()
    for path in paths:
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(ROOT).as_posix().encode() + file.read_bytes())
    return digest.hexdigest()


def install(session: nox.Session, *groups: str) -> None:
    """Install the pinned dependency groups and jacdoc itself, unless already done."""
    stamp = Path(session.virtualenv.location) / "jacdoc-installed"
    wanted = fingerprint(ROOT / "pyproject.toml", ROOT / "constraints.txt") + " ".join(groups)
    if stamp.exists() and stamp.read_text() == wanted:
        session.log("Dependencies unchanged since the last install; skipping pip.")
        return
    # Ask pip what the pinned torch would bring, installing nothing, to keep CUDA out.
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        dry_run = ["--dry-run", "--ignore-installed", "--quiet", "--report", str(report)]
        session.run("python", "-m", "pip", "install", *dry_run, "-c", "constraints.txt", "torch")
        index = cpu_index_arguments(json.loads(report.read_text()))
    session.log(f"torch comes from {'PyTorch CPU index' if index else 'pip as configured'}")
    requirements = [r for g in groups for r in nox.project.dependency_groups(PYPROJECT, g)]
    session.install("-c", "constraints.txt", *index, *requirements, "-e", ".")
    listed = session.run("python", "-m", "pip", "list", "--format", "json", silent=True)
    installed = json.loads(str(listed).splitlines()[-1])
    cuda = sorted(p["name"] for p in installed if is_cuda_package(p["name"], p["version"]))
    if cuda:
        session.error(f"A CUDA build of torch got in: {cuda}. It must be the CPU build.")
    # The kernels that run the notebook pages warn at every start that they talk to the build
    # over TCP without encryption: true of every build, and nothing a contributor can act on.
    # And jupyter_client interrupts each kernel as it shuts it down, which a kernel still
    # finishing its last cell logs as an error. A cell's own error comes back as its output,
    # and fails the build, whatever the kernel's log level.
    kernel_config = Path(session.virtualenv.location, "etc", "ipython", "ipython_kernel_config.py")
    kernel_config.parent.mkdir(parents=True, exist_ok=True)
    kernel_config.write_text('c.IPKernelApp.log_level = "CRITICAL"\n')
    stamp.write_text(wanted)


def build_site(session: nox.Session, *, clean: bool) -> None:
    """Build the site in place, from scratch when asked to or when src/jacdoc changed.

    Sphinx runs quietly (``-q``): the terminal shows warnings, and at the end what was done.
    """
    stamp = BUILD / "jacdoc-source.sha256"
    source = fingerprint(ROOT / "src" / "jacdoc")
    if not clean and BUILD.exists() and (not stamp.exists() or stamp.read_text() != source):
        # Neither sphinx-gallery nor the notebook cache notices a change in the package the
        # pages import: their outputs would go stale.
        session.log("src/jacdoc changed: rebuilding from scratch.")
        clean = True
    if clean:
        for path in GENERATED:
            shutil.rmtree(path, ignore_errors=True)
    BUILD.mkdir(parents=True, exist_ok=True)
    stamp.write_text(source)  # before building, so that a failed build counts too
    start = time.time()
    try:
        session.run("python", *sphinx_arguments(ROOT, "-q"))
    except nox.command.CommandFailed:
        warnings = (BUILD / "warnings.txt").read_text(encoding="utf-8").strip()
        session.error(f"The site did not build. Sphinx reported:\n\n{warnings}\n")
    ran = sorted(p.stem for p in GENERATED[1].rglob("*.py.md5") if p.stat().st_mtime >= start)
    written = sum(p.stat().st_mtime >= start for p in (BUILD / "html").rglob("*.html"))
    done = f"{written} pages written, {len(ran)} examples run" + (
        f" ({', '.join(ran)})" if ran else ""
    )
    session.log(f"Site built ({done}): open {BUILD / 'html' / 'index.html'} or run `nox -s serve`")


@nox.session(default=True)
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html. ``nox -s docs -- --clean`` starts from scratch."""
    install(session, "docs")
    build_site(session, clean="--clean" in session.posargs)


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Run every test; the checks of the site build it once, in a copy of the project."""
    install(session, "docs", "test")
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def reproducible(session: nox.Session) -> None:
    """Two clean builds of the site, at once, in two folders: byte-identical but for timings."""
    install(session, "docs", "test")
    session.run("pytest", "-m", "reproducible", *session.posargs)


@nox.session(default=False)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check on every Python file; mypy on all but the examples."""
    install(session, "docs", "test", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Live preview on http://127.0.0.1:8000: a failing example shows its traceback there."""
    install(session, "docs")
    session.install("-c", "constraints.txt", "sphinx-autobuild")
    session.run(
        "sphinx-autobuild",
        # Without -W, so that the page of a failing example or cell shows the error.
        *[a for a in sphinx_arguments(ROOT)[2:] if a not in ("-W", "--keep-going")],
        "-D",
        "nb_execution_raise_on_error=0",
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
    session.run("python", "-m", "sphinx", "-b", "linkcheck", "docs", str(BUILD / "linkcheck"))


def normalized(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# A new environment every time: torch installed over another version leaves that version's
# CUDA libraries behind (2.15 over 2.6 fails to import: "undefined symbol: ncclCommResume").
@nox.session(default=False, name="torch", reuse_venv=False)
def torch_version(session: nox.Session) -> None:
    """Unit tests, doctests, every example and page, with plain python, on another torch.

    ``nox -s torch -- 2.15.0``. torch comes from wherever pip is configured to take it: on
    Linux, set ``PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu`` for the CPU build.
    """
    if len(session.posargs) != 1:
        session.error("Give one torch version: nox -s torch -- 2.15.0")
    (version,) = session.posargs
    with tempfile.TemporaryDirectory() as tmp:
        # Every pin but those of torch and of what it requires, which it pins itself (torch
        # 2.6 requires an older sympy than the pins'): pip's dry run says what that is.
        report = Path(tmp) / "report.json"
        dry_run = ["--dry-run", "--ignore-installed", "--quiet", "--report", str(report)]
        session.run("python", "-m", "pip", "install", *dry_run, f"torch=={version}")
        required = {
            normalized(p["metadata"]["name"]) for p in json.loads(report.read_text())["install"]
        }
        pins = Path(tmp) / "constraints.txt"
        lines = (ROOT / "constraints.txt").read_text().splitlines()
        pins.write_text("\n".join(l for l in lines if normalized(l.split("==")[0]) not in required))
        requirements = nox.project.dependency_groups(PYPROJECT, "test")
        extra = ["sympy", "jupytext", "ipython"]  # for the examples and the MyST pages
        session.install("-c", str(pins), f"torch=={version}", *requirements, *extra, "-e", ".")
    session.run("python", "-c", "import torch; print('torch', torch.__version__)")
    session.run("pytest", "src", "tests", "--ignore=tests/site", "--ignore=tests/ext")
    examples = sorted((ROOT / "examples").rglob("[0-9][0-9]_*.py"))
    # The MyST pages too, whose notebooks readers run: each page's code as one script.
    pages = myst_pages()
    names = [page.relative_to(ROOT / "docs").as_posix() for page in pages]
    with tempfile.TemporaryDirectory() as tmp, session.chdir(tmp):
        for page, name in zip(pages, names, strict=True):
            script = name.replace("/", "_").replace(".md", ".py")
            session.run("jupytext", "--quiet", "--to", "py:percent", "-o", script, str(page))
            examples.append(Path(tmp, script))
        for example in examples:
            session.run("python", str(example), env={"MPLBACKEND": "Agg"}, silent=True)
            session.log(f"ran {example.name}")
    session.log(
        f"torch {version}: the unit tests, doctests, {len(examples) - len(pages)} examples "
        f"and {len(pages)} pages ({', '.join(names)}) passed"
    )


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time jacdoc.jacobian against PyTorch's strategies (pass --sizes/--device through)."""
    install(session, "test")
    session.run("python", "benchmarks/bench_jacobian.py", *session.posargs)


@nox.session(default=False)
def bench_pages(session: nox.Session) -> None:
    """Weigh every page of the built site in Chromium (``-- --baseline OTHER/html``)."""
    install(session, "docs", "test")
    build_site(session, clean=False)
    session.run("python", "benchmarks/bench_pages.py", *session.posargs, env=EXTENSION_PATH)


@nox.session(default=False)
def lighthouse(session: nox.Session) -> None:
    """Lighthouse's four scores for every page (needs npm; ``-- PAGE ...`` for some)."""
    install(session, "docs")
    build_site(session, clean=False)
    prefix = Path(session.virtualenv.location)
    if not (prefix / "node_modules" / ".bin" / "lighthouse").exists():
        session.run("npm", "install", "--prefix", str(prefix), "lighthouse@12", external=True)
    binary = str(prefix / "node_modules" / ".bin" / "lighthouse")
    args = ["--lighthouse", binary, *session.posargs]
    session.run("python", "benchmarks/lighthouse.py", *args, env=EXTENSION_PATH)


if __name__ == "__main__":
    nox.main()
