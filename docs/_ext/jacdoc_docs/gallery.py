"""The gallery: the same random numbers for every example, and links to the examples' sources."""

from __future__ import annotations

import warnings
from pathlib import Path, PurePosixPath
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata


def reset_torch(gallery_conf: dict[str, Any], fname: str) -> None:
    """Give every example the same random numbers and default dtype, whatever ran before it."""
    import torch

    torch.manual_seed(0)
    torch.set_default_dtype(torch.float32)


def example_source(app: Sphinx, pagename: str) -> str | None:
    """The repository path of the file a gallery page is made from, if it is one."""
    conf = app.config.sphinx_gallery_conf
    gallery = conf["gallery_dirs"]
    if not pagename.startswith(f"{gallery}/"):
        return None
    examples = Path(app.srcdir, conf["examples_dirs"]).resolve()
    folder = examples.relative_to(Path(app.srcdir).resolve().parent).as_posix()
    relative = pagename.removeprefix(f"{gallery}/")
    if relative == "index" or relative.endswith("/index"):
        return f"{folder}/{relative.removesuffix('index')}GALLERY_HEADER.rst"
    return f"{folder}/{relative}.py"


def link_example_sources(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Point furo's "view" and "edit" links of gallery pages at the examples.

    By default they name the generated ``docs/auto_examples/*.rst``, which is not in the
    repository.
    """
    source = example_source(app, pagename)
    repository = context.get("theme_source_repository", "").rstrip("/")
    if source is None or not repository:
        return
    branch = context["theme_source_branch"]
    context["theme_source_view_link"] = f"{repository}/blob/{branch}/{source}?plain=true"
    context["theme_source_edit_link"] = f"{repository}/edit/{branch}/{source}"


def preview_with_first_figure(app: Sphinx, doctree: nodes.document) -> None:
    """Social previews of an example page show its first figure.

    sphinxext-opengraph looks for the first docutils image; sphinx-gallery's figures are its
    own node, which it copies to ``_images/`` under their own names. A path relative to the
    site's root is made absolute by sphinxext-opengraph, where a public address exists.
    """
    from sphinx_gallery.directives import imgsgnode

    figure = next(iter(doctree.findall(imgsgnode)), None)
    if figure is not None:
        name = PurePosixPath(figure["uri"]).name
        app.env.metadata[app.env.docname].setdefault("og:image", f"_images/{name}")


def setup(app: Sphinx) -> ExtensionMetadata:
    # To link the names in an example's code, sphinx-gallery reads each of them from the
    # example's variables: reading ``y.grad`` of an intermediate ``y`` makes torch warn, in
    # the build's output, about what the example itself may be showing.
    warnings.filterwarnings(
        "ignore",
        "The .grad attribute of a Tensor that is not a leaf",
        UserWarning,
        "sphinx_gallery.backreferences",
    )
    app.connect("html-page-context", link_example_sources)
    app.connect("doctree-read", preview_with_first_figure)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
