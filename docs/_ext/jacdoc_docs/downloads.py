"""What readers take with them: a wheel of jacdoc, notebooks that install it, links to run them.

A reader who downloads an example has no clone of the repository, so the site serves what the
notebooks need:

* a wheel of jacdoc, built from the same source as the pages, at ``wheels/``;
* every notebook at ``notebooks/``: the gallery's, and those made from the MyST pages;
  their first cell installs jacdoc from the site, and their text has Markdown links where the
  pages have Sphinx roles, which Jupyter would show as raw text;
* a "Run it yourself" box (the ``run-it-yourself`` directive) with the install command, the
  repository and, on builds that publish the notebooks to GitHub, an "Open in Colab" link.

Without a public address (a local build), the boxes and notebooks say how to install jacdoc
from a clone instead: there is no served wheel to point at.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive

from jacdoc_docs import inventories

WHEELS = "wheels"
NOTEBOOKS = "notebooks"
#: The branch of the repository that the Pages workflow publishes the notebooks to.
NOTEBOOK_BRANCH = "notebooks"
#: The MyST pages that are also offered as notebooks, and the notebook's name.
MYST_NOTEBOOKS = {"derivation": "derivation.ipynb", "index": "cheat_sheet.ipynb"}
COLAB_BADGE = "_static/open-in-colab.svg"


def wheel_name(version: str) -> str:
    return f"jacdoc-{version}-py3-none-any.whl"


def install_command(base_url: str, version: str) -> str:
    """The pip command that installs jacdoc with its plotting extra, where readers can run it."""
    if base_url:
        return f'python -m pip install "jacdoc[plot] @ {base_url}{WHEELS}/{wheel_name(version)}"'
    return 'python -m pip install ".[plot]"'


def first_notebook_cell(base_url: str, version: str, repository: str) -> str:
    """The notebooks' first cell: the install command as IPython's ``%pip``."""
    if base_url:
        return "%" + install_command(base_url, version).removeprefix("python -m ")
    return (
        f"# This notebook needs jacdoc with its plotting extra. From a clone of\n"
        f"# {repository}, run: {install_command(base_url, version)}"
    )


def colab_link(repository: str, notebook: str) -> str:
    return (
        f"https://colab.research.google.com/github/{repository}/blob/{NOTEBOOK_BRANCH}/{notebook}"
    )


# -- Markdown links where the pages have roles ------------------------------------------------

_ROLE = r"(?:py:)?(?P<role>func|class|meth|mod|attr|data|exc|obj|doc|ref|download)"
RST_ROLE = re.compile(r":" + _ROLE + r":`(?P<content>[^`]+)`")
MYST_ROLE = re.compile(r"\{" + _ROLE + r"\}`(?P<content>[^`]+)`")
_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_OBJECT_PAGES = {
    name: base + uri
    for base, table in inventories.BASES.values()
    for name, (_, uri, _) in table.items()
}


def markdown_link(role: str, content: str, docname: str, base_url: str) -> str:
    """What one cross-reference becomes in a notebook: a link where there is an address."""
    match = _TARGET.match(content)
    title, target = (match["title"], match["target"]) if match else (None, content)
    if role in ("doc", "ref", "download"):
        if role != "doc" or not base_url:
            return title or target
        page = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.join(posixpath.dirname(docname), target)
        )
        return f"[{title or posixpath.basename(page)}]({base_url}{posixpath.normpath(page)}.html)"
    name = target.lstrip("~!")
    shown = title or (name.rsplit(".", 1)[-1] if target.startswith("~") else name)
    if not title and role in ("func", "meth"):
        shown += "()"
    url = _OBJECT_PAGES.get(name)
    if url is None and name.startswith("jacdoc") and base_url:
        url = f"{base_url}api.html#{name}"
    return f"[`{shown}`]({url})" if url else f"`{shown}`"


def markdown_links(text: str, pattern: re.Pattern[str], docname: str, base_url: str) -> str:
    return pattern.sub(lambda m: markdown_link(m["role"], m["content"], docname, base_url), text)


# -- The gallery's notebooks ------------------------------------------------------------------


def _gallery_markdown(app: Any) -> None:
    """Give sphinx-gallery's reST-to-Markdown step Markdown links in place of roles.

    sphinx-gallery converts headings, math and images, but leaves roles as they are. Its
    converter is wrapped here, once per build, before the gallery is generated.
    """
    from sphinx_gallery import notebook

    original = getattr(notebook.rst2md, "__wrapped__", notebook.rst2md)
    gallery = app.config.sphinx_gallery_conf["gallery_dirs"]

    def rst2md(text: str, *args: Any, **kwargs: Any) -> str:
        linked = markdown_links(text, RST_ROLE, f"{gallery}/index", app.config.html_baseurl)
        return str(original(linked, *args, **kwargs))

    rst2md.__wrapped__ = original  # type: ignore[attr-defined]
    notebook.rst2md = rst2md


# -- Notebooks of the MyST pages --------------------------------------------------------------

_FENCED_DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}(?P<arg>[^\n]*)\n"
                               r"(?P<body>.*?)^(?P=fence)\s*$\n?", re.MULTILINE | re.DOTALL)  # fmt: skip
_OPTION = re.compile(r"^:[\w-]+:.*$\n?", re.MULTILINE)


def _myst_markdown(text: str, docname: str, base_url: str) -> str:
    def directive(match: re.Match[str]) -> str:
        if match["name"] != "admonition":
            return ""  # a toctree or the run-it-yourself box: nothing a notebook needs
        body = _OPTION.sub("", match["body"]).strip()
        quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
        return f"> **{match['arg'].strip()}**\n>\n{quoted}\n"

    return markdown_links(_FENCED_DIRECTIVE.sub(directive, text), MYST_ROLE, docname, base_url)


def myst_notebook(source: Path, docname: str, first_cell: str, base_url: str) -> str:
    """A MyST-NB page as a notebook that a reader can run anywhere."""
    import jupytext
    import nbformat

    notebook = jupytext.read(source, fmt="md:myst")
    cells = [nbformat.v4.new_code_cell(first_cell)]
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _myst_markdown(cell.source, docname, base_url).strip()
            if not cell.source:
                continue
        cells.append(cell)
    notebook.cells = cells
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"  # stable ids: the same bytes on every build
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    written: str = nbformat.writes(notebook)
    return written


# -- What build-finished writes ---------------------------------------------------------------


def write_downloads(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    _write_wheel(Path(app.srcdir).parent, out / WHEELS)
    folder = out / NOTEBOOKS
    folder.mkdir(exist_ok=True)
    gallery = Path(app.srcdir) / app.config.sphinx_gallery_conf["gallery_dirs"]
    for notebook in sorted(gallery.glob("*.ipynb")):
        shutil.copyfile(notebook, folder / notebook.name)
    for docname, name in MYST_NOTEBOOKS.items():
        notebook = myst_notebook(
            Path(app.srcdir) / f"{docname}.md",
            docname,
            app.config.sphinx_gallery_conf["first_notebook_cell"],
            app.config.html_baseurl,
        )
        (folder / name).write_text(notebook)


def _write_wheel(project: Path, folder: Path) -> None:
    """Build jacdoc's wheel with its own build backend; the same bytes under SOURCE_DATE_EPOCH."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "hatchling", "build", "--target", "wheel", "--directory", tmp],
            cwd=project, check=True, capture_output=True,
        )  # fmt: skip
        folder.mkdir(exist_ok=True)
        for wheel in Path(tmp).glob("*.whl"):
            shutil.copyfile(wheel, folder / wheel.name)


# -- The "Run it yourself" box ----------------------------------------------------------------


class RunItYourself(Directive):
    """The install command, the repository, and where they exist the notebook and Colab."""

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        config = env.config
        base_url, version = config.html_baseurl, config.release
        repository = config.html_theme_options["source_repository"]
        docname = env.docname
        notebook = _notebook_of(env.app, docname)

        box = nodes.admonition(classes=["tip", "run-it-yourself"])
        box += nodes.title(text="Run it yourself")
        where = "the site" if base_url else f"a clone of {repository}"
        intro = nodes.paragraph(text=f"Install jacdoc with its plotting extra from {where}:")
        box += intro
        box += nodes.literal_block(text=install_command(base_url, version), language="bash")
        links = nodes.paragraph()
        links += nodes.Text("It needs PyTorch and matplotlib. ")
        if notebook and docname in MYST_NOTEBOOKS:
            depth = "../" * docname.count("/")
            href = f"{depth}{NOTEBOOKS}/{notebook}"
            links += nodes.reference("", "", nodes.Text(f"Download {notebook}"), refuri=href)
            links += nodes.Text(" (its first cell installs jacdoc). ")
        links += nodes.Text("Source: ")
        links += nodes.reference("", repository, refuri=repository)
        links += nodes.Text(".")
        box += links
        if notebook and config.jacdoc_colab_repository:
            colab = nodes.reference(refuri=colab_link(config.jacdoc_colab_repository, notebook))
            colab += nodes.image(
                uri=f"/{COLAB_BADGE}", alt=f"Open {notebook} in Colab", classes=["colab-badge"]
            )
            box += nodes.paragraph("", "", colab)
        return [box]


def _notebook_of(app: Any, docname: str) -> str | None:
    gallery, _, name = docname.partition("/")
    if gallery == app.config.sphinx_gallery_conf["gallery_dirs"] and name and name != "index":
        return f"{name}.ipynb"
    return MYST_NOTEBOOKS.get(docname)


def add_box_to_examples(app: Any, docname: str, source: list[str]) -> None:
    """Put the box under the title of every example page sphinx-gallery generates."""
    if _notebook_of(app, docname) is None or docname in MYST_NOTEBOOKS:
        return
    title = re.compile(r"^(\.\. _sphx_glr_[^\n]+:\n\n+[^\n]+\n=+\n)", re.MULTILINE)
    source[0] = title.sub(r"\1\n.. run-it-yourself::\n", source[0], count=1)


def setup(app: Any) -> None:
    # The repository whose "notebooks" branch the Pages workflow publishes; only such builds
    # link to Colab, which opens notebooks from GitHub.
    app.add_config_value("jacdoc_colab_repository", "", "html", types=frozenset({str}))
    app.add_directive("run-it-yourself", RunItYourself)
    app.connect("builder-inited", _gallery_markdown, priority=400)
    app.connect("source-read", add_box_to_examples)
    app.connect("build-finished", write_downloads)
