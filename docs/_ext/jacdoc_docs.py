"""Build-time helpers for the jacdoc site: the gallery's per-example reset, offline intersphinx
inventories, and byte-stable download archives.
"""

from __future__ import annotations

import inspect
import os
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any


def reset_torch(gallery_conf: dict[str, Any], fname: str) -> None:
    """Give every example the same random numbers and default dtype, whatever ran before it."""
    import torch

    torch.manual_seed(0)
    torch.set_default_dtype(torch.float32)


# -- Offline intersphinx inventories -------------------------------------------------------
#
# The build may not fetch anything, so instead of downloading objects.inv from docs.python.org,
# pytorch.org and matplotlib.org, we write small inventories ourselves: the names we use or that
# the installed packages define, mapped to the URL pattern each site uses. Links still point to
# the real documentation; only the lookup is local.


def python_names() -> dict[str, dict[str, str]]:
    """The few builtins and standard-library names the API reference mentions."""
    builtins = ("int", "float", "str", "bool", "tuple", "list", "dict")
    return {
        "py:function": {"callable": "library/functions.html#callable"},
        "py:class": {name: f"library/functions.html#{name}" for name in builtins}
        | {
            "TypeError": "library/exceptions.html#TypeError",
            "ValueError": "library/exceptions.html#ValueError",
            "RuntimeError": "library/exceptions.html#RuntimeError",
            "collections.abc.Callable": "library/collections.abc.html#collections.abc.Callable",
            "typing.Callable": "library/typing.html#typing.Callable",
        },
        "py:data": {"None": "library/constants.html#None"},
    }


def _public(module: ModuleType) -> list[str]:
    names = getattr(module, "__all__", None) or dir(module)
    return [n for n in names if not n.startswith("_")]


def torch_names() -> dict[str, dict[str, str]]:
    """Public functions, classes and Tensor methods of the torch modules the site uses."""
    import torch
    import torch.autograd.functional
    import torch.func
    import torch.optim
    import torch.testing

    names: dict[str, dict[str, str]] = {"py:function": {}, "py:class": {}, "py:method": {}}
    modules = [
        torch,
        torch.autograd,
        torch.autograd.functional,
        torch.func,
        torch.optim,
        torch.nn,
        torch.testing,
        torch.linalg,
    ]
    for module in modules:
        for attr in _public(module):
            obj = getattr(module, attr, None)
            full = f"{module.__name__}.{attr}"
            role = "py:class" if inspect.isclass(obj) else "py:function"
            if callable(obj):
                names[role][full] = f"generated/{full}.html#{full}"
    for attr in _public(torch.Tensor):
        full = f"torch.Tensor.{attr}"
        names["py:method"][full] = f"generated/{full}.html#{full}"
    names["py:class"]["torch.Tensor"] = "tensors.html#torch.Tensor"
    names["py:function"]["torch.testing.assert_close"] = "testing.html#torch.testing.assert_close"
    names["py:class"]["torch.dtype"] = "tensor_attributes.html#torch.dtype"
    return names


def matplotlib_names() -> dict[str, dict[str, str]]:
    import matplotlib.axes
    import matplotlib.pyplot as plt

    gen = "api/_as_gen/"
    names: dict[str, dict[str, str]] = {"py:function": {}, "py:class": {}, "py:method": {}}
    for attr in _public(plt):
        if inspect.isfunction(getattr(plt, attr)):
            full = f"matplotlib.pyplot.{attr}"
            names["py:function"][full] = f"{gen}{full}.html#{full}"
    for attr in _public(matplotlib.axes.Axes):
        full = f"matplotlib.axes.Axes.{attr}"
        names["py:method"][full] = f"{gen}{full}.html#{full}"
    for cls in ("matplotlib.axes.Axes", "matplotlib.figure.Figure"):
        names["py:class"][cls] = f"{gen}{cls}.html#{cls}"
    return names


def inventory(
    folder: Path, project: str, version: str, names: Callable[[], dict[str, dict[str, str]]]
) -> str:
    """The path of an inventory for this project and version, written only if missing.

    Listing torch's and matplotlib's names means importing them, about 3 s; keyed by version,
    the file is made once and every later build, a no-op rebuild included, skips that.
    """
    path = folder / f"{project}-{version}.inv"
    if not path.exists():
        write_inventory(path, project, names())
    return str(path)


def write_inventory(path: Path, project: str, names: dict[str, dict[str, str]]) -> None:
    """Write a Sphinx objects.inv (version 2)."""
    lines = [
        f"{name} {role} 1 {uri} -"
        for role, entries in sorted(names.items())
        for name, uri in sorted(entries.items())
    ]
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n# Version: \n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    body = zlib.compress(("\n".join(lines) + "\n").encode())
    path.write_bytes(header.encode() + body)


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
