"""A wheel of jacdoc, built from the same source as the pages and served by the site.

jacdoc is not on PyPI, and a reader who downloads an example has no clone of the repository,
so the site serves the wheel that its pages were built with, at ``wheels/``. It is built at
``config-inited``, with jacdoc's own build backend (the same bytes from the same commit), and
its file name, which carries the version, and its sha256 become the config values
``jacdoc_wheel`` and ``jacdoc_wheel_sha256``. Sphinx compares config values with those of the
last build, so a new wheel rewrites the pages that show it; nothing else does.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util.typing import ExtensionMetadata

FOLDER = "wheels"


def build_wheel(app: Sphinx, config: Config) -> None:
    folder = Path(app.doctreedir).parent / FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    built = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "--target", "wheel", "--directory", folder],
        cwd=config.jacdoc_project or Path(app.srcdir).parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        raise ExtensionError(
            f"hatchling could not build the wheel the site serves:\n{built.stderr}"
        )
    (wheel,) = folder.glob("*.whl")
    config.jacdoc_wheel = wheel.name
    config.jacdoc_wheel_sha256 = hashlib.sha256(wheel.read_bytes()).hexdigest()


def install_command(config: Config) -> str:
    """The pip command that installs jacdoc with its plotting extra, where readers can run it.

    On the published site it names the served wheel and its sha256, which pip checks: a file
    that does not match is refused, not installed. A local build has no address to serve it
    from, so the command installs from a clone instead.
    """
    if not config.html_baseurl:
        return 'python -m pip install ".[plot]"'
    url = f"{config.html_baseurl}{FOLDER}/{config.jacdoc_wheel}#sha256={config.jacdoc_wheel_sha256}"
    return f'python -m pip install "jacdoc[plot] @ {url}"'


def serve_wheel(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    served = Path(app.outdir) / FOLDER
    shutil.rmtree(served, ignore_errors=True)
    served.mkdir()
    built = Path(app.doctreedir).parent / FOLDER / app.config.jacdoc_wheel
    shutil.copyfile(built, served / built.name)


def setup(app: Sphinx) -> ExtensionMetadata:
    # The project whose wheel the site serves: by default the folder above the docs.
    app.add_config_value("jacdoc_project", "", "env", types=frozenset({str}))
    app.add_config_value("jacdoc_wheel", "", "html", types=frozenset({str}))
    app.add_config_value("jacdoc_wheel_sha256", "", "html", types=frozenset({str}))
    app.connect("config-inited", build_wheel)
    app.connect("build-finished", serve_wheel)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
