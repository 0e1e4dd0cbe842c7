"""Sphinx configuration for the jacdoc site. It states only what differs from the defaults."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import torch

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "jacdoc"
author = "The jacdoc developers"
copyright = "2026, The jacdoc developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx_gallery.gen_gallery",
    "myst_nb",
    "sphinx_copybutton",
    "notfound.extension",
    "jacdoc_docs",  # docs/_ext/jacdoc_docs: math as MathML, notebooks, offline links, ...
]

exclude_patterns = [
    "_build",
    # sphinx-gallery writes a notebook beside each example page; myst-nb would otherwise read
    # it as a second source for the same page ("multiple files found") and run it again.
    "auto_examples/**.ipynb",
    "auto_examples/**.py",
    "auto_examples/**.zip",
]
nitpicky = True
# Type names that napoleon writes from docstrings in words, not as importable objects.
nitpick_ignore = [("py:class", "callable"), ("py:class", "optional")]

# -- HTML: furo --------------------------------------------------------------------------------
html_theme = "furo"
html_title = "jacdoc"
html_static_path = ["_static"]
html_css_files = ["jacdoc.css"]
html_favicon = "_static/favicon.svg"
templates_path = ["_templates"]
# The pages link to their real sources (the examples, the MyST files); no _sources/ copies.
html_copy_source = False
html_math_renderer = "mathml"  # docs/_ext/jacdoc_docs/mathml.py: no math JavaScript at all
# The repository's address lives in one place, pyproject.toml's [project.urls]. The boxes tell
# readers to clone it; furo's "view" and "edit" links use it, and jacdoc_docs points those of
# gallery pages at the example scripts.
PYPROJECT = tomllib.loads((DOCS.parent / "pyproject.toml").read_text())
jacdoc_repository = PYPROJECT["project"]["urls"]["Source"]
html_theme_options = {
    "source_repository": jacdoc_repository,
    "source_branch": "main",
    "source_directory": "docs/",
}
# The gallery's pages before it had sections: their old addresses send readers on.
jacdoc_redirects = {
    f"auto_examples/{old}": f"auto_examples/{new}"
    for old, new in {
        "01_einsum_is_backward": "01_tensor/01_einsum_is_backward",
        "02_misconception_traps": "01_tensor/02_misconception_traps",
        "03_grad_accumulation": "01_tensor/03_grad_accumulation",
        "04_every_api": "02_apis/04_every_api",
        "05_cross_checks": "02_apis/05_cross_checks",
        "06_cost": "02_apis/06_cost",
        "10_custom_backward": "02_apis/07_custom_backward",
        "07_batches_and_hessians": "03_training/08_batches_and_hessians",
        "08_model_parameters": "03_training/09_model_parameters",
        "11_distributed_accumulation": "03_training/10_distributed_accumulation",
        "09_hessian_vector_products": "04_beyond/12_hessian_vector_products",
    }.items()
}
# The public address comes from the host: the GitHub Pages workflow sets JACDOC_BASE_URL. A local
# build has no public address, so it gets no canonical link, sitemap or social preview (their
# URLs must be absolute), and its boxes say how to install jacdoc from a clone.
html_baseurl = os.environ.get("JACDOC_BASE_URL", "")
if html_baseurl:
    extensions += ["sphinx_sitemap", "sphinxext.opengraph"]
    sitemap_url_scheme = "{link}"
    sitemap_excludes = ["404.html", "search.html", "genindex.html", "py-modindex.html"]
    sitemap_excludes += [f"{page}.html" for page in jacdoc_redirects]
    ogp_site_url = html_baseurl
    ogp_use_first_image = True
    ogp_social_cards = {"enable": False}  # no generated cards: the figures say more
# The repository whose "notebooks" branch the Pages workflow publishes: Colab opens notebooks
# from there. Only GitHub's builds know it, so a local build shows no Colab link.
jacdoc_colab_repository = os.environ.get("GITHUB_REPOSITORY", "")
# The questions, a page per subject (docs/questions/), listed by docs/questions.md.
QUESTIONS = sorted(page.stem for page in (DOCS / "questions").glob("*.md"))
# The MyST pages that are also offered as notebooks, and the notebooks' names.
jacdoc_notebooks = {
    "derivation": "derivation.ipynb",
    "index": "cheat_sheet.ipynb",
} | {f"questions/{name}": f"questions_{name}.ipynb" for name in QUESTIONS}
# Every box and notebook says which torch ran the pages, and which versions CI tests.
TESTED = PYPROJECT["tool"]["jacdoc"]["torch-tested"]
jacdoc_torch = (
    f"This site was built with torch {torch.__version__}; jacdoc is tested with torch "
    f"{', '.join(TESTED[:-1])} and {TESTED[-1]}."
)
# The list of questions repeats their titles, which are indexed where they are answered.
jacdoc_search_skips = ["404", "questions"]
jacdoc_search_entries = {f"questions/{name}": "q-" for name in QUESTIONS}
# The 404 page is served at any depth, so its links are root-relative, under the site's path.
notfound_urls_prefix = urlsplit(html_baseurl).path or "/"

# -- API reference -----------------------------------------------------------------------------
autodoc_typehints = "description"
autodoc_member_order = "bysource"
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_preprocess_types = True

# -- Gallery -----------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example, not only plot_*.py
    "within_subsection_order": "FileNameSortKey",
    # A failing example is a warning, which the strict build turns into a failure at its end,
    # after every example ran; a preview without -W shows the traceback on the page.
    "only_warn_on_example_error": True,
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("jacdoc",),
    "reset_modules": ("matplotlib", "jacdoc_docs.gallery.reset_torch"),
    # The computation-times page loads jQuery and DataTables from CDNs.
    "write_computation_times": False,
    # Run times differ from build to build; leave them out of reproducible builds.
    "min_reported_time": sys.maxsize if "SOURCE_DATE_EPOCH" in os.environ else 0,
    "remove_config_comments": True,
}

# -- MyST-NB -----------------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = os.environ.get("NB_EXECUTION_MODE", "cache")
nb_execution_raise_on_error = True
nb_execution_timeout = 120  # the default, 30 s, is tight for a cold torch import on CI
nb_execution_show_tb = True
nb_merge_streams = True

# -- copybutton: copy code, not prompts or outputs ------------------------------------------
copybutton_exclude = ".linenos, .gp, .go"
