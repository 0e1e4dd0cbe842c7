"""Intersphinx inventories written from ``objects.toml``, so that the build fetches nothing.

Sphinx resolves a reference such as :func:`torch.func.jacrev` through the other project's
``objects.inv``. The build may not download those, so each inventory is written here, at
``config-inited``, from the objects listed in ``objects.toml``: only objects whose page was
checked against the project's own documentation sources are linked, and a reference to any
other object fails the strict build (``-n``), which is the cue to check it and add it.
"""

from __future__ import annotations

import tomllib
import zlib
from functools import cache
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.typing import ExtensionMetadata

OBJECTS = Path(__file__).with_name("objects.toml")


@cache
def projects() -> dict[str, tuple[str, dict[str, tuple[str, str]]]]:
    """project -> (its documentation's base URL, object -> (Sphinx role, page and anchor))."""
    table = tomllib.loads(OBJECTS.read_text(encoding="utf-8"))
    return {
        name: (entry["base"], {obj: (role, page) for obj, (role, page) in entry["objects"].items()})
        for name, entry in table.items()
    }


def object_urls() -> dict[str, str]:
    """The full URL of every listed object's documentation."""
    return {
        obj: base + page
        for base, objects in projects().values()
        for obj, (_, page) in objects.items()
    }


def inventory(project: str, objects: dict[str, tuple[str, str]]) -> bytes:
    """A Sphinx ``objects.inv`` (version 2) listing ``objects``."""
    lines = [f"{obj} {role} 1 {page} -" for obj, (role, page) in sorted(objects.items())]
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n# Version: \n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    return header.encode() + zlib.compress(("\n".join(lines) + "\n").encode())


def write_inventories(app: Sphinx, config: Config) -> None:
    """Point ``intersphinx_mapping`` at inventories written beside the doctrees."""
    folder = Path(app.doctreedir).parent / "inventories"
    folder.mkdir(parents=True, exist_ok=True)
    mapping = {}
    for project, (base, objects) in projects().items():
        path = folder / f"{project}.inv"
        content = inventory(project, objects)
        if not path.exists() or path.read_bytes() != content:  # an unchanged file stays put
            path.write_bytes(content)
        mapping[project] = (base, str(path))
    config.intersphinx_mapping = mapping


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("sphinx.ext.intersphinx")
    # Before intersphinx normalizes its mapping, at priority 800.
    app.connect("config-inited", write_inventories, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
