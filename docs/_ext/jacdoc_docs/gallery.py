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


# -- Alt text for gallery thumbnails -----------------------------------------------------


def describe_thumbnails(app: Any, doctree: Any, docname: str) -> None:
    """Give each gallery thumbnail the title of its example as alt text.

    sphinx-gallery leaves thumbnail alt text empty; a screen reader then announces nothing for
    the picture, and an image that fails to load leaves a blank box.
    """
    from docutils import nodes

    for image in doctree.findall(nodes.image):
        name = Path(image["uri"]).name
        if image.get("alt") or not name.startswith("sphx_glr_") or "_thumb." not in name:
            continue
        example = name.removeprefix("sphx_glr_").rsplit("_thumb.", 1)[0]
        title = app.env.titles.get(f"{app.config.sphinx_gallery_conf['gallery_dirs']}/{example}")
        image["alt"] = f"Thumbnail of the example: {title.astext() if title else example}"


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


def setup(app: Any) -> None:
    app.connect("source-read", track_minigalleries)
    app.connect("doctree-resolved", describe_thumbnails)
    app.connect("build-finished", normalize_zips)
