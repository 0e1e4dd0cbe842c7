"""A tiny gallery through the whole extension: loud failures, boxes, notebooks, archives."""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from pathlib import Path

import pytest

from jacdoc_docs.gallery import example_source

from .conftest import TINY_PROJECT


@pytest.fixture(scope="module")
def gallery(make_app, rootdir, tmp_path_factory):
    import shutil

    srcdir = tmp_path_factory.mktemp("gallery") / "src"
    shutil.copytree(rootdir / "test-gallery", srcdir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # as outside pytest, which makes warnings errors
        app = make_app("html", srcdir=srcdir, confoverrides={"jacdoc_project": TINY_PROJECT})
        app.build()
    app.python_warnings = [str(w.message) for w in caught]
    return app


@pytest.fixture(scope="module")
def make_app(tmp_path_factory):
    """sphinx.testing's make_app, for a module-scoped build."""
    from sphinx.testing.util import SphinxTestApp

    apps = []

    def make(*args, **kwargs):
        app = SphinxTestApp(*args, **kwargs)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.cleanup()


def test_a_failing_example_is_a_warning_naming_its_file_line_and_assertion(gallery):
    warnings = gallery.warning.getvalue()
    assert "02_failing.py" in warnings
    assert "line 7, in <module>" in warnings
    assert "AssertionError: planted failure" in warnings
    page = (Path(gallery.outdir) / "auto_examples" / "02_failing.html").read_text()
    assert "AssertionError: planted failure" in re.sub(r"<[^>]+>", "", page)  # as a preview shows


def test_names_linked_in_the_code_are_read_without_warnings(gallery):
    """Reading ``y.grad`` of an intermediate, to link it, made torch warn in the build."""
    assert not [w for w in gallery.python_warnings if "not a leaf" in w]


def test_every_example_gets_a_box_under_its_title(gallery):
    page = (Path(gallery.outdir) / "auto_examples" / "01_passing.html").read_text()
    body = page[page.index("<body") :]  # the head's description quotes the text too
    title, box = body.index("<h1>A passing example"), body.index("run-it-yourself")
    assert title < box < body.index("It links")


def test_notebooks_install_first_and_link_where_pages_have_roles(gallery):
    notebook = json.loads((Path(gallery.outdir) / "notebooks" / "01_passing.ipynb").read_text())
    first = notebook["cells"][0]
    assert first["cell_type"] == "code"
    assert first["source"].startswith("# This notebook needs jacdoc")
    markdown = "".join(c["source"] for c in notebook["cells"] if c["cell_type"] == "markdown")
    jacrev = (
        "https://docs.pytorch.org/docs/stable/generated/torch.func.jacrev.html#torch.func.jacrev"
    )
    assert f"[`torch.func.jacrev()`]({jacrev})" in markdown  # listed in objects.toml: a link
    assert "`math.sqrt()`" in markdown  # not listed: code, no link
    assert ":func:" not in markdown
    served = list((Path(gallery.outdir) / "_downloads").rglob("01_passing.ipynb"))
    assert served
    assert all(json.loads(p.read_text()) == notebook for p in served)


def test_archives_hold_the_served_notebooks_with_fixed_dates(gallery):
    archives = list((Path(gallery.outdir) / "_downloads").rglob("*.zip"))
    assert archives
    for path in archives:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            assert [i.filename for i in infos] == sorted(i.filename for i in infos)
            assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
            for info in infos:
                if info.filename.endswith("01_passing.ipynb"):
                    assert json.loads(archive.read(info))["cells"][0]["cell_type"] == "code"


def test_view_links_name_the_example_not_the_generated_page(gallery):
    # Paths from the folder above the docs; in this tiny project the examples are inside them.
    assert example_source(gallery, "auto_examples/01_passing") == "src/examples/01_passing.py"
    assert example_source(gallery, "auto_examples/index") == "src/examples/GALLERY_HEADER.rst"
    assert example_source(gallery, "index") is None


@pytest.mark.sphinx("html", testroot="failing-cell")
def test_a_failing_notebook_cell_fails_the_build_naming_page_and_exception(app):
    from myst_nb.core.execute import ExecutionError

    with pytest.raises(ExecutionError, match=r"index\.md") as failure:
        app.build()
    assert "ZeroDivisionError" in str(failure.value.__cause__)
