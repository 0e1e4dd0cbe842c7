"""The gallery: the per-example reset, mini-galleries that follow the examples, and byte-stable
download archives.
"""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path
from typing import Any


def reset_torch(gallery_conf: dict[str, Any], fname: str) -> None:
    """Give every example the same random numbers and default dtype, whatever ran before it."""
    import torch

    torch.manual_seed(0)
    torch.set_default_dtype(torch.float32)


# -- Mini-galleries that follow the examples ------------------------------------------------


def track_minigalleries(app: Any, docname: str, source: list[str]) -> None:
    """Make a page with a ``minigallery`` depend on sphinx-gallery's backreference files.

    The directive reads them while the page is parsed, but Sphinx does not know that, so an
    incremental build would keep showing the old list after an example starts or stops using
    a function. sphinx-gallery rewrites those files only when their content changes.
    """
    if "minigallery::" not in source[0]:
        return
    backreferences = Path(app.srcdir) / app.config.sphinx_gallery_conf["backreferences_dir"]
    for path in sorted(backreferences.glob("*.examples")):
        app.env.note_dependency(str(path))


# -- Reproducible downloads ---------------------------------------------------------------


def normalize_zips(app: Any, exception: Exception | None) -> None:
    """Rewrite the gallery's zip downloads with fixed timestamps and order.

    sphinx-gallery stores each file's modification time, which differs between two clones, so
    two builds of the same commit would ship different bytes.
    """
    if exception is not None or app.builder.format != "html":
        return
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01, zip's minimum
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    for archive in Path(app.outdir).rglob("*.zip"):
        with zipfile.ZipFile(archive) as source:
            members = sorted((info.filename, source.read(info)) for info in source.infolist())
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                target.writestr(info, data)


# -- Links to the examples themselves ---------------------------------------------------


def _example_source(app: Any, pagename: str) -> str | None:
    """The repository path of the file a gallery page is generated from, if it is one."""
    conf = app.config.sphinx_gallery_conf
    gallery, _, name = pagename.partition("/")
    if gallery != conf["gallery_dirs"] or not name or "/" in name:
        return None
    examples = Path(app.srcdir, conf["examples_dirs"]).resolve()
    folder = examples.relative_to(Path(app.srcdir).resolve().parent).as_posix()
    return f"{folder}/GALLERY_HEADER.rst" if name == "index" else f"{folder}/{name}.py"


def link_example_sources(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Point furo's "view" and "edit" links of gallery pages at the examples.

    By default they name the generated ``docs/auto_examples/*.rst``, which is not in the
    repository.
    """
    source = _example_source(app, pagename)
    repository = context.get("theme_source_repository", "").rstrip("/")
    if source is None or not repository:
        return
    branch = context["theme_source_branch"]
    context["theme_source_view_link"] = f"{repository}/blob/{branch}/{source}?plain=true"
    context["theme_source_edit_link"] = f"{repository}/edit/{branch}/{source}"


def preview_with_thumbnail(app: Any, doctree: Any) -> None:
    """Social previews of an example page show its gallery thumbnail."""
    name = app.env.docname.partition("/")[2]
    if app.config.html_baseurl and _example_source(app, app.env.docname) and name != "index":
        thumbnail = f"_images/sphx_glr_{name}_thumb.png"
        app.env.metadata[app.env.docname]["og:image"] = app.config.html_baseurl + thumbnail


def setup(app: Any) -> None:
    app.connect("html-page-context", link_example_sources)
    app.connect("doctree-read", preview_with_thumbnail)
    app.connect("source-read", track_minigalleries)
    app.connect("build-finished", normalize_zips)
