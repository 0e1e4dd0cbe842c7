"""Images that keep their place while they load, and load when they come near.

Every ``<img>`` gets its file's ``width`` and ``height``, so that the browser reserves the
space before the file arrives and nothing below moves. Every image but a page's first one
loads lazily: the first is likely to be seen at once, the others are further down. The
figures come from sphinx-gallery and myst-nb, which write their own ``<img>`` tags, so this
is done on the written pages.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx.application import Sphinx
from sphinx.util.typing import ExtensionMetadata

IMG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\bsrc="([^"]+)"')


def size(image: Path) -> tuple[int, int] | None:
    """The pixel size of a PNG, JPEG or SVG file; None when it cannot tell."""
    if image.suffix == ".svg":
        root = ET.parse(image).getroot()
        width, height = root.get("width", ""), root.get("height", "")
        if width.isdigit() and height.isdigit():
            return int(width), int(height)
        return None
    from PIL import Image

    with Image.open(image) as opened:
        return opened.size


def sized_and_lazy(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    seen = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal seen
        tag = match.group(0)
        seen += 1
        src = SRC.search(tag)
        if src is None or urlsplit(src.group(1)).scheme:
            return tag
        image = (page.parent / unquote(urlsplit(src.group(1)).path)).resolve()
        extra = ""
        if " width=" not in tag and " height=" not in tag and image.is_file():
            measured = size(image)
            if measured:
                extra += f' width="{measured[0]}" height="{measured[1]}"'
        if seen > 1 and "loading=" not in tag:
            extra += ' loading="lazy"'
        closing = "/>" if tag.endswith("/>") else ">"
        return tag[: -len(closing)].rstrip() + extra + closing

    return IMG.sub(fix, text)


def size_images(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in sorted(Path(app.outdir).rglob("*.html")):
        fixed = sized_and_lazy(page)
        if fixed != page.read_text(encoding="utf-8"):
            page.write_text(fixed, encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", size_images, priority=800)  # before the index and the policy
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
