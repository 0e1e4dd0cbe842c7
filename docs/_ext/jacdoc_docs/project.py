"""The project as the tools around the site handle it, for the noxfile, the tests and the
benchmarks alike.

How a strict build runs, the project as a fresh clone holds it, the built site served as
GitHub Pages serves it, and its pages, the Chromium that opens it, and where PyTorch comes from. Standard
library only: nox imports this before any environment exists.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import mimetypes
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]

SPHINX_OPTIONS = [
    "-b",
    "html",
    "-n",  # nitpicky: every cross-reference must resolve
    "-W",  # a warning is an error ...
    "--keep-going",  # ... but report all of them before failing
]

#: PyTorch's index of CPU builds. PyPI's torch for Linux is a CUDA build (about 3 GB with its
#: nvidia packages); this index has the same release as ``2.13.0+cpu``, which the pin
#: ``torch==2.13.0`` accepts and pip prefers, since a local version label sorts after it.
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def myst_pages() -> list[Path]:
    """The MyST pages whose code runs at build, each also served as a notebook."""
    docs = ROOT / "docs"
    pages = sorted([*docs.glob("*.md"), *docs.glob("questions/*.md")])
    return [page for page in pages if "```{code-cell}" in page.read_text(encoding="utf-8")]


def sphinx_arguments(project: Path, *extra: str) -> list[str]:
    """``python``'s arguments for a strict build of ``project``'s site into ``docs/_build/html``.

    Its warnings also go to ``docs/_build/warnings.txt``, so that a failed build can end by
    repeating them.
    """
    build = project / "docs" / "_build"
    return [
        "-m",
        "sphinx",
        *SPHINX_OPTIONS,
        "-d",
        str(build / "doctrees"),
        "-w",
        str(build / "warnings.txt"),
        *extra,
        str(project / "docs"),
        str(build / "html"),
    ]


def copy_project(destination: Path) -> Path:
    """Copy the files git sees (tracked, or new and not ignored), as a fresh clone holds them.

    A new file counts before it is committed, so a new example is built and tested as soon
    as it exists.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    shutil.copytree(ROOT / ".git", destination / ".git", symlinks=True)  # for the version
    return destination


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files as GitHub Pages sends them: text compressed when the browser accepts gzip."""

    protocol_version = "HTTP/1.1"  # connections kept open, as any real host does
    COMPRESSED = ("text/", "application/javascript", "application/json", "image/svg+xml")

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = mimetypes.guess_type(path.name)[0] or ""
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and kind.startswith(self.COMPRESSED)):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1, on a free port, while the block runs; yield its URL."""
    handler = functools.partial(_Handler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def content_pages(site: Path) -> list[str]:
    """The built site's pages, by path, without the old addresses, which only redirect."""
    return [
        page.relative_to(site).as_posix()
        for page in sorted(site.rglob("*.html"))
        if 'http-equiv="refresh"' not in page.read_text(encoding="utf-8")
    ]


#: Debian's Chromium, headless. Without the background-networking flags it phones home at
#: start, which a closed network refuses; --no-sandbox is needed when running as root, as CI.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def is_cuda_package(name: str, version: str) -> bool:
    """Whether a distribution is part of a CUDA build of torch."""
    name = name.lower()
    return name.startswith(("nvidia-", "triton", "cuda-")) or (name == "torch" and "+cu" in version)


def cpu_index_arguments(report: dict[str, Any]) -> list[str]:
    """Extra pip arguments that keep a CUDA build of torch out, from pip's dry-run report.

    ``report`` is ``pip install --dry-run --report`` of the pinned torch. Where pip's own
    configuration already provides a CPU wheel (a local folder), or PyPI's wheel is a CPU
    build (macOS, Windows), nothing changes; where pip would bring CUDA (Linux with only
    PyPI), PyTorch's CPU index is added, so the CUDA build is never downloaded.
    """
    cuda = [
        item
        for item in report["install"]
        if is_cuda_package(item["metadata"]["name"], item["metadata"]["version"])
    ]
    return ["--extra-index-url", CPU_INDEX] if cuda else []
