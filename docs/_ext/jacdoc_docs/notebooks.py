"""The notebooks readers take with them, and the archives that carry them.

Every page with code is offered as a notebook: sphinx-gallery writes one per example, and the
MyST pages listed in ``jacdoc_notebooks`` are converted here. At the end of each build, every
notebook the site serves is written anew from those sources and the current settings:

* its first cell installs jacdoc, with the same command as the page's "Run it yourself" box;
* its Markdown has links where the page has Sphinx roles, which Jupyter would show as raw
  text (and no MyST directives, which it cannot run);
* the copies under ``_downloads/``, the zip archives and ``notebooks/`` (where Colab opens
  them) all hold those same bytes, the archives with fixed dates, so that two builds of one
  commit serve identical files.

sphinx-gallery's own notebooks are never changed in place, so nothing here can go stale.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import re
import time
import zipfile
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.typing import ExtensionMetadata

from jacdoc_docs.inventories import object_urls
from jacdoc_docs.wheel import install_command

FOLDER = "notebooks"

# -- Markdown links where the pages have roles ------------------------------------------------

_ROLE = r"(?:py:)?(?P<role>func|class|meth|mod|attr|data|exc|obj|doc|ref|download)"
RST_ROLE = re.compile(r":" + _ROLE + r":`(?P<content>[^`]+)`")
MYST_ROLE = re.compile(r"\{" + _ROLE + r"\}`(?P<content>[^`]+)`")
_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


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
    url = object_urls().get(name)
    if url is None and name.startswith("jacdoc") and base_url:
        url = f"{base_url}api.html#{name}"
    return f"[`{shown}`]({url})" if url else f"`{shown}`"


def markdown_links(text: str, pattern: re.Pattern[str], docname: str, base_url: str) -> str:
    return pattern.sub(lambda m: markdown_link(m["role"], m["content"], docname, base_url), text)


# -- The notebooks ------------------------------------------------------------------------------


def install_cell(config: Config) -> str:
    """The notebooks' first cell: the box's install command, as IPython's ``%pip``."""
    command = install_command(config)
    versions = f"# {config.jacdoc_torch}\n" if config.jacdoc_torch else ""
    if config.html_baseurl:
        return versions + "%" + command.removeprefix("python -m ")
    return versions + (
        "# This notebook needs jacdoc with its plotting extra. From a clone of\n"
        f"# {config.jacdoc_repository}, run: {command}"
    )


def _cell(kind: str, source: str, index: int) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "id": f"cell-{index}", "metadata": {}}
    cell["source"] = source
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    return cell


def notebook(cells: list[tuple[str, str]], config: Config) -> str:
    """A notebook of ``(kind, source)`` cells after the install cell, in stable bytes."""
    everything = [("code", install_cell(config)), *cells]
    return json.dumps(
        {
            "cells": [_cell(kind, source, i) for i, (kind, source) in enumerate(everything)],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
        ensure_ascii=False,
    )


def gallery_notebook(path: Path, docname: str, config: Config) -> str:
    """sphinx-gallery's notebook of an example, with links and the install cell."""
    base_url = config.html_baseurl
    cells = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            source = markdown_links(source, RST_ROLE, docname, base_url)
        cells.append((cell["cell_type"], source))
    return notebook(cells, config)


_FENCED_DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}(?P<arg>[^\n]*)\n(?P<body>.*?)^(?P=fence)\s*$\n?",
    re.MULTILINE | re.DOTALL,
)
_OPTION = re.compile(r"^:[\w-]+:.*$\n?", re.MULTILINE)


def _myst_markdown(text: str, docname: str, base_url: str) -> str:
    def directive(match: re.Match[str]) -> str:
        if match["name"] != "admonition":
            return ""  # a toctree or the run-it-yourself box: nothing a notebook needs
        body = _OPTION.sub("", match["body"]).strip()
        quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
        return f"> **{match['arg'].strip()}**\n>\n{quoted}\n"

    return markdown_links(_FENCED_DIRECTIVE.sub(directive, text), MYST_ROLE, docname, base_url)


def myst_notebook(source: Path, docname: str, config: Config) -> str:
    """A MyST-NB page as a notebook that a reader can run anywhere."""
    import jupytext

    cells = []
    for cell in jupytext.read(source, fmt="md:myst").cells:
        text = cell.source
        if cell.cell_type == "markdown":
            text = _myst_markdown(text, docname, config.html_baseurl).strip()
            if not text:
                continue
        cells.append((cell.cell_type, text))
    return notebook(cells, config)


# -- Writing them ------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    """An archive with its members sorted and dated alike, the same bytes on every build."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01, zip's minimum
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()


def write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    config, srcdir, outdir = app.config, Path(app.srcdir), Path(app.outdir)
    written: dict[str, bytes] = {}
    galleries = (
        [config.sphinx_gallery_conf["gallery_dirs"]] if "sphinx_gallery_conf" in config else []
    )
    for path in sorted(p for gallery in galleries for p in (srcdir / gallery).rglob("*.ipynb")):
        docname = path.relative_to(srcdir).with_suffix("").as_posix()
        written[path.name] = gallery_notebook(path, docname, config).encode()
    for docname, name in config.jacdoc_notebooks.items():
        written[name] = myst_notebook(srcdir / f"{docname}.md", docname, config).encode()
    folder = outdir / FOLDER
    folder.mkdir(exist_ok=True)
    for name, content in written.items():
        (folder / name).write_bytes(content)
    downloads = outdir / "_downloads"
    for path in downloads.rglob("*.ipynb"):
        path.write_bytes(written[path.name])
    for path in downloads.rglob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: archive.read(info) for info in archive.infolist()}
        served = {
            name: written.get(posixpath.basename(name), data) for name, data in members.items()
        }
        path.write_bytes(_zip(served))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("build-finished", write_notebooks)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
