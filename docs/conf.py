"""Sphinx configuration for the jacdoc site."""

from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import version as _version
from pathlib import Path
from urllib.parse import urlsplit

import mathjax

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_ext"))

import jacdoc_docs

project = "jacdoc"
author = "The jacdoc developers"
copyright = "2026, The jacdoc developers"
release = _version("jacdoc")
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
    "myst_nb",
    "sphinx_copybutton",
    "notfound.extension",
]

exclude_patterns = [
    "_build",
    "**.ipynb_checkpoints",
    # sphinx-gallery writes a notebook beside each example page; myst-nb would otherwise read
    # it as a second source for the same page ("multiple files found") and run it again.
    "auto_examples/**.ipynb",
    "auto_examples/**.py",
    "auto_examples/**.zip",
]
templates_path: list[str] = []
nitpicky = True
# Type names that napoleon writes from docstrings in words, not as importable objects.
nitpick_ignore = [("py:class", "callable"), ("py:class", "optional")]

# -- HTML: furo --------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"jacdoc {release}"
html_static_path = ["_static"]
html_css_files = ["jacdoc.css"]
html_favicon = "_static/favicon.svg"
html_last_updated_fmt = None
html_copy_source = False
# "View source" and "edit" links need the real repository, which only the host knows: GitHub
# Actions sets GITHUB_SERVER_URL and GITHUB_REPOSITORY, Read the Docs READTHEDOCS_GIT_CLONE_URL.
_repository = os.environ.get("READTHEDOCS_GIT_CLONE_URL", "").removesuffix(".git") or (
    f"{os.environ['GITHUB_SERVER_URL']}/{os.environ['GITHUB_REPOSITORY']}"
    if "GITHUB_REPOSITORY" in os.environ and "GITHUB_SERVER_URL" in os.environ
    else ""
)
html_theme_options = (
    {"source_repository": f"{_repository}/", "source_branch": "main", "source_directory": "docs/"}
    if _repository.startswith("https://")
    else {}
)
# The public address comes from the host: Read the Docs sets READTHEDOCS_CANONICAL_URL, and the
# GitHub Pages workflow sets JACDOC_BASE_URL. A local build has no public address, so it gets
# neither a canonical link nor a sitemap (whose entries must be absolute URLs).
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL") or os.environ.get("JACDOC_BASE_URL", "")
if html_baseurl:
    extensions.append("sphinx_sitemap")
    sitemap_url_scheme = "{link}"
    sitemap_excludes = ["404.html", "search.html", "genindex.html", "py-modindex.html"]
# The 404 page is served at any depth, so its links are root-relative, under the site's path.
notfound_urls_prefix = urlsplit(html_baseurl).path or "/"

# -- Math: MathJax served by the site itself ------------------------------------------------
# MathJax 3.2.2 comes from the django-static-mathjax wheel (pinned in constraints.txt); the
# "full" SVG build bundles every TeX extension and needs no web fonts, so a page never fetches
# anything from another host.
_MATHJAX = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5" / "tex-svg-full.js"
html_static_path.append(str(_MATHJAX))
mathjax_path = "tex-svg-full.js"
mathjax3_config = {
    "options": {
        # Typeset only what Sphinx marks as math, never stray backslashes in prose or code.
        "ignoreHtmlClass": "tex2jax_ignore|mathjax_ignore|document",
        "processHtmlClass": "tex2jax_process|mathjax_process|math|output_area",
    },
    "svg": {"fontCache": "global"},
}

# -- API reference -----------------------------------------------------------------------------
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": False}
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_preprocess_types = True

# -- Cross-references without the network ----------------------------------------------------
_INV = DOCS / "_build" / "inventories"
intersphinx_mapping = {
    "python": (
        "https://docs.python.org/3/",
        jacdoc_docs.inventory(_INV, "python", platform.python_version(), jacdoc_docs.python_names),
    ),
    "torch": (
        "https://docs.pytorch.org/docs/stable/",
        jacdoc_docs.inventory(_INV, "torch", _version("torch"), jacdoc_docs.torch_names),
    ),
    "matplotlib": (
        "https://matplotlib.org/stable/",
        jacdoc_docs.inventory(
            _INV, "matplotlib", _version("matplotlib"), jacdoc_docs.matplotlib_names
        ),
    ),
}
intersphinx_timeout = 1

# -- Gallery -----------------------------------------------------------------------------------
_reproducible = "SOURCE_DATE_EPOCH" in os.environ
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example, not only plot_*.py
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("jacdoc",),
    "reference_url": {"jacdoc": None},
    "download_all_examples": True,
    "reset_modules": ("matplotlib", "jacdoc_docs.reset_torch"),
    # The computation-times page loads jQuery and DataTables from CDNs.
    "write_computation_times": False,
    # Run times differ from build to build; leave them out of reproducible builds.
    "min_reported_time": sys.maxsize if _reproducible else 0,
    "show_memory": False,
    "remove_config_comments": True,
    "capture_repr": ("_repr_html_", "__repr__"),
    "first_notebook_cell": (
        "# This notebook needs PyTorch, matplotlib and jacdoc. From a clone of the jacdoc\n"
        '# repository: python -m pip install ".[plot]"'
    ),
    "matplotlib_animations": False,
    "image_srcset": [],
}

# -- MyST-NB -----------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = os.environ.get("NB_EXECUTION_MODE", "cache")
nb_execution_raise_on_error = True
nb_execution_timeout = 120
nb_execution_show_tb = True
nb_merge_streams = True

# -- copybutton: copy code, not prompts or outputs ------------------------------------------
copybutton_exclude = ".linenos, .gp, .go"


def setup(app):
    app.connect("source-read", jacdoc_docs.track_minigalleries)
    app.connect("doctree-resolved", jacdoc_docs.describe_thumbnails)
    app.connect("build-finished", jacdoc_docs.normalize_zips)
