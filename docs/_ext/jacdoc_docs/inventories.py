"""Intersphinx inventories written from the verified table, so the build fetches nothing.

Sphinx resolves a reference such as :func:`torch.func.jacrev` through the other project's
``objects.inv``. Downloading those is not allowed at build time, so each inventory is written
here from :mod:`jacdoc_docs.doc_pages`: only objects whose page was checked against the
project's own documentation sources are linked. A reference to any other object fails the
strict build (``-n``), which is the cue to verify it and add it to the table.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from jacdoc_docs import doc_pages

BASES = {
    "python": ("https://docs.python.org/3/", doc_pages.PYTHON),
    "torch": ("https://docs.pytorch.org/docs/stable/", doc_pages.TORCH),
    "matplotlib": ("https://matplotlib.org/stable/", doc_pages.MATPLOTLIB),
}


def intersphinx_mapping(folder: Path) -> dict[str, tuple[str, str]]:
    """``intersphinx_mapping`` for conf.py, with each inventory written into ``folder``."""
    mapping = {}
    for project, (base, pages) in BASES.items():
        path = folder / f"{project}.inv"
        write_inventory(path, project, pages)
        mapping[project] = (base, str(path))
    return mapping


def write_inventory(path: Path, project: str, pages: dict[str, tuple[str, str, str]]) -> None:
    """Write a Sphinx objects.inv (version 2), unless the file already holds these bytes."""
    lines = [f"{name} {role} 1 {uri} -" for name, (role, uri, _) in sorted(pages.items())]
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n# Version: \n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    content = header.encode() + zlib.compress(("\n".join(lines) + "\n").encode())
    if not path.exists() or path.read_bytes() != content:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
