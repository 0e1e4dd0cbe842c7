"""The "Run it yourself" box follows the settings it shows, rebuild after rebuild."""

from __future__ import annotations

import hashlib
import html
import re
import shutil
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from .conftest import TINY_PROJECT


def page(app: SphinxTestApp) -> str:
    """The page's text, then the addresses its links and images point at."""
    source = (Path(app.outdir) / "index.html").read_text()
    addresses = re.findall(r'(?:href|src)="([^"]*)"', source)
    return html.unescape(re.sub(r"<[^>]+>", "", source) + "\n".join(addresses))


def test_a_local_build_says_how_to_install_from_a_clone(make_app, rootdir, tmp_path):
    app = make_app("html", srcdir=_copy(rootdir / "test-box", tmp_path))
    app.build()
    text = page(app)
    assert 'python -m pip install ".[plot]"' in text
    assert "a clone of https://github.com/example/tiny" in text
    assert "colab" not in text


def test_new_settings_reach_every_page_without_a_clean_build(make_app, rootdir, tmp_path):
    srcdir = _copy(rootdir / "test-box", tmp_path)
    first = {
        "extensions": ["jacdoc_docs.run_box", "jacdoc_docs.wheel"],
        "jacdoc_project": TINY_PROJECT,
        "html_baseurl": "https://one.example/site/",
        "jacdoc_colab_repository": "one/fork",
    }
    app = make_app("html", srcdir=srcdir, confoverrides=first)
    app.build()
    wheel = next((Path(app.outdir) / "wheels").glob("*.whl"))
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    text = page(app)
    assert f"jacdoc[plot] @ https://one.example/site/wheels/{wheel.name}#sha256={digest}" in text
    assert "github/one/fork/blob/notebooks/index.ipynb" in text

    second = first | {"html_baseurl": "https://two.example/", "jacdoc_colab_repository": "two/fork"}
    app = make_app("html", srcdir=srcdir, confoverrides=second)
    app.build()  # incremental: the same source and output folders
    text = page(app)
    assert "https://two.example/wheels/" in text
    assert "github/two/fork/blob/notebooks/index.ipynb" in text
    assert "one.example" not in text
    assert "one/fork" not in text
    assert 'alt="Open index.ipynb in Colab"' in (Path(app.outdir) / "index.html").read_text()


def _copy(root: Path, tmp_path: Path) -> Path:
    target = tmp_path / root.name
    shutil.copytree(root, target)
    return target
