"""The "Run it yourself" box: how to install jacdoc, and the page's notebook and Colab link.

The box depends on settings that only exist at write time: the site's public address, the
wheel it serves and the repository that publishes its notebooks. So the directive, and every
example page, which gets its box under the title, only mark where the box goes, and the box
is made from the current settings each time a page is written. Those settings rewrite every
page when they change, so no page can show a stale box.
"""

from __future__ import annotations

import html

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from jacdoc_docs.wheel import install_command

#: The branch of the repository that the Pages workflow publishes the notebooks to.
NOTEBOOK_BRANCH = "notebooks"
COLAB_BADGE = "_static/open-in-colab.svg"


class run_it_yourself(nodes.General, nodes.Element):  # lower case, as docutils names nodes
    """Where a box goes; replaced by the box when the page is written."""


class RunItYourself(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        return [run_it_yourself()]


def notebook_of(config: Config, docname: str) -> str | None:
    """The notebook readers can download for a page, if it has one."""
    if docname in config.jacdoc_notebooks:
        return str(config.jacdoc_notebooks[docname])
    if "sphinx_gallery_conf" not in config:
        return None
    gallery = config.sphinx_gallery_conf["gallery_dirs"]
    folder, _, name = docname.rpartition("/")
    in_gallery = folder == gallery or folder.startswith(f"{gallery}/")
    return f"{name}.ipynb" if in_gallery and name != "index" else None


def colab_link(repository: str, notebook: str) -> str:
    return (
        f"https://colab.research.google.com/github/{repository}/blob/{NOTEBOOK_BRANCH}/{notebook}"
    )


def add_to_examples(app: Sphinx, doctree: nodes.document) -> None:
    """Mark a box under the title of every example page sphinx-gallery generates."""
    docname = app.env.docname
    if docname in app.config.jacdoc_notebooks or notebook_of(app.config, docname) is None:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        raise ValueError(f"{docname}: an example page without a title has no place for its box")
    section.insert(1, run_it_yourself())


def box(config: Config, docname: str) -> nodes.admonition:
    repository = config.jacdoc_repository
    notebook = notebook_of(config, docname)
    where = "the site" if config.html_baseurl else f"a clone of {repository}"
    admonition = nodes.admonition(classes=["tip", "run-it-yourself"])
    admonition += nodes.title(text="Run it yourself")
    admonition += nodes.paragraph(text=f"Install jacdoc with its plotting extra from {where}:")
    command = install_command(config)
    admonition += nodes.literal_block(command, command, language="bash")
    links = nodes.paragraph()
    links += nodes.Text(f"It needs PyTorch and matplotlib. {config.jacdoc_torch} ")
    if notebook and docname in config.jacdoc_notebooks:
        href = "../" * docname.count("/") + f"notebooks/{notebook}"
        links += nodes.reference("", f"Download {notebook}", refuri=href)
        links += nodes.Text(" (its first cell installs jacdoc). ")
    links += nodes.Text("Source: ")
    links += nodes.reference("", repository, refuri=repository)
    links += nodes.Text(".")
    admonition += links
    if notebook and config.jacdoc_colab_repository:
        badge = "../" * docname.count("/") + COLAB_BADGE
        href = html.escape(colab_link(config.jacdoc_colab_repository, notebook))
        label = html.escape(f"Open {notebook} in Colab")
        admonition += nodes.raw(
            "",
            f'<p><a class="colab-link" href="{href}"><img class="colab-badge" src="{badge}" '
            f'alt="{label}" width="117" height="20"></a></p>',
            format="html",
        )
    return admonition


def fill_boxes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(run_it_yourself)):
        node.replace_self(box(app.config, docname))


def setup(app: Sphinx) -> ExtensionMetadata:
    # The project's repository, which readers can clone.
    app.add_config_value("jacdoc_repository", "", "html", types=frozenset({str}))
    # The repository whose "notebooks" branch the Pages workflow publishes; only such builds
    # link to Colab, which opens notebooks from GitHub.
    app.add_config_value("jacdoc_colab_repository", "", "html", types=frozenset({str}))
    # Pages other than the gallery's that are offered as notebooks: docname -> notebook.
    app.add_config_value("jacdoc_notebooks", {}, "env", types=frozenset({dict}))
    # A sentence on the torch versions: the one that built the site, and the tested ones.
    app.add_config_value("jacdoc_torch", "", "html", types=frozenset({str}))
    app.add_node(run_it_yourself)
    app.add_directive("run-it-yourself", RunItYourself)
    app.connect("doctree-read", add_to_examples)
    app.connect("doctree-resolved", fill_boxes)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
