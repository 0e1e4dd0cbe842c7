"""What a reader takes away runs where the reader is: with PyTorch, but no jacdoc and no clone.

The site is the published build, served from the address it was built for. In new virtual
environments that hold torch (the pinned CPU build), matplotlib, sympy and a notebook runner,
but neither jacdoc nor this repository:

* every notebook the site serves runs end to end: its first cell installs jacdoc from the
  site, pinned by the wheel's sha256, and each example's notebook prints what its page shows;
* the install command on the pages installs the served wheel, and refuses it, installing
  nothing, once one byte of it has changed;
* no install step touches torch.

The notebooks' text holds no raw reST or MyST markup, and every "Open in Colab" link points
where the Pages workflow publishes that notebook.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import REPOSITORY
from .helpers import ROOT, myst_pages

pytestmark = pytest.mark.site

EXAMPLES = {p.stem: p for p in (ROOT / "examples").rglob("[0-9][0-9]_*.py")}
MYST_PAGES = myst_pages()
RAW_MARKUP = re.compile(r":[a-z:]+:`|^\.\. [\w-]+::|\{[\w-]+\}`|^(```|:::)\{", re.MULTILINE)
INSTALL = re.compile(r'python -m pip install "(jacdoc\[plot\] @ [^"]+)"')
BORROWED = sysconfig.get_paths()["purelib"]  # this environment's packages


def python_of(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(
        subprocess.run(
            [python, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
    )


@pytest.fixture
def reader(tmp_path: Path) -> Path:
    """A new environment with torch, matplotlib, sympy and a notebook runner, as a reader's
    machine or Colab has them, but no jacdoc.

    It borrows this environment's packages (the pinned CPU torch among them) through a ``.pth``
    file: a folder listed there is searched for modules, but its own ``.pth`` files, one of
    which is jacdoc's editable install, are not read.
    """
    venv = tmp_path / "reader"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    (site_packages(python_of(venv)) / "borrowed.pth").write_text(BORROWED + "\n")
    absent = subprocess.run(
        [python_of(venv), "-c", "import jacdoc"], capture_output=True, check=False
    )
    assert absent.returncode != 0, "the reader's environment must start without jacdoc"
    return venv


def assert_torch_untouched(venv: Path) -> None:
    code = "import torch; print(torch.__file__)"
    location = subprocess.run(
        [python_of(venv), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert Path(location).is_relative_to(BORROWED), location
    assert not list(site_packages(python_of(venv)).glob("torch*")), "torch was installed again"


def shown_command(site) -> str:
    """The install command the gallery page shows, in the words a reader copies."""
    text = html.unescape(
        re.sub(r"<[^>]+>", "", (site.folder / "auto_examples/index.html").read_text())
    )
    match = INSTALL.search(text)
    assert match, "the gallery page shows no command that installs jacdoc from the site"
    return match.group(1)


def test_install_commands_pin_the_served_wheel(site):
    requirement = shown_command(site)
    (wheel,) = (site.folder / "wheels").glob("*.whl")
    import hashlib

    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert requirement == f"jacdoc[plot] @ {site.url}wheels/{wheel.name}#sha256={digest}"
    pages = [p for p in site.folder.rglob("*.html") if "Run it yourself" in p.read_text()]
    notebooks = sorted((site.folder / "notebooks").glob("*.ipynb"))
    for page in pages:
        assert requirement in html.unescape(page.read_text()), page
    for notebook in notebooks:
        first = "".join(json.loads(notebook.read_text())["cells"][0]["source"])
        versions, install = first.split("\n")
        assert versions.startswith("# This site was built with torch "), notebook.name
        assert install == f'%pip install "{requirement}"', notebook.name
    print(f"{len(pages)} pages and {len(notebooks)} notebooks pin the wheel's sha256")
    assert len(pages) >= len(EXAMPLES) + len(MYST_PAGES)
    assert len(notebooks) == len(EXAMPLES) + len(MYST_PAGES)


def test_notebooks_hold_no_raw_markup_and_colab_links_point_where_they_are_published(site):
    for notebook in sorted((site.folder / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        assert not RAW_MARKUP.findall(markdown), (notebook.name, RAW_MARKUP.findall(markdown))
    for page in site.folder.rglob("*.html"):
        colab = re.findall(r'href="(https://colab\.research\.google\.com/[^"]+)"', page.read_text())
        for link in colab:
            notebook = link.rsplit("/", 1)[1]
            assert (
                link
                == f"https://colab.research.google.com/github/{REPOSITORY}/blob/notebooks/{notebook}"
            )
            assert (site.folder / "notebooks" / notebook).is_file(), link


def test_a_changed_byte_in_the_served_wheel_is_refused(site, reader):
    python = python_of(reader)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-cache-dir"]
    (wheel,) = (site.folder / "wheels").glob("*.whl")
    original = wheel.read_bytes()
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 0x01
    try:
        wheel.write_bytes(bytes(changed))
        refused = subprocess.run(
            [*pip, shown_command(site)], capture_output=True, text=True, check=False
        )
    finally:
        wheel.write_bytes(original)
    assert refused.returncode != 0
    assert "DO NOT MATCH THE HASHES" in refused.stderr, refused.stderr[-2000:]
    absent = subprocess.run([python, "-c", "import jacdoc"], capture_output=True, check=False)
    assert absent.returncode != 0, "the changed wheel must not be installed"
    installed = subprocess.run([*pip, "-q", shown_command(site)], check=False)
    assert installed.returncode == 0
    assert_torch_untouched(reader)


def page_output(page_html: str) -> list[str]:
    """The lines a gallery page shows as its script's output, in order."""
    blocks = re.findall(
        r'<div class="sphx-glr-script-out[^"]*">.*?<pre[^>]*>(.*?)</pre>', page_html, re.DOTALL
    )
    # sphinx-gallery dedents each block of output, so lines are compared without indentation.
    text = html.unescape(re.sub(r"<[^>]+>", "", "\n".join(blocks)))
    return [line.strip() for line in text.splitlines() if line.strip()]


TIMING = re.compile(r"\d+(?:\.\d+)?(?= ?(?:ms|s)\b)")


def test_every_notebook_runs_where_the_reader_is_and_prints_what_its_page_shows(
    site, reader, tmp_path
):
    """The derivation's notebook runs whole in Jupyter: its first cell installs jacdoc, and
    its heatmap shows with titled cells. Then every other notebook runs, from its second cell
    on (every first cell is that same install command, checked above), in a fresh IPython."""
    python = python_of(reader)
    notebooks = []
    for served in sorted((site.folder / "notebooks").glob("*.ipynb")):
        notebooks.append(tmp_path / served.name)
        notebooks[-1].write_bytes(served.read_bytes())  # what Colab opens
    kernel = (
        "import sys, nbformat, nbclient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3',"
        " resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
        "nbformat.write(nb, sys.argv[1])\n"
    )
    derivation = tmp_path / "derivation.ipynb"
    environment = {**os.environ, "MPLBACKEND": "Agg"}
    ran = subprocess.run(
        [python, "-c", kernel, derivation, tmp_path], capture_output=True, text=True,
        check=False, env=environment,
    )  # fmt: skip
    assert ran.returncode == 0, f"derivation.ipynb:\n{ran.stdout[-2000:]}\n{ran.stderr[-4000:]}"
    cells = json.loads(derivation.read_text())["cells"]
    installed = "".join("".join(o.get("text", "")) for o in cells[0]["outputs"])
    assert "Successfully installed jacdoc" in installed
    html_outputs = [
        "".join(output["data"]["text/html"])
        for cell in cells
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]
    title = "<title>J[0, 1, 0, 1] = ∂y[0, 1] / ∂x[0, 1] = 2</title>"
    assert any(title in shown for shown in html_outputs), "Jupyter shows the titled heatmap"

    results = tmp_path / "results.json"
    others = [str(n) for n in notebooks if n != derivation]
    ran = subprocess.run(
        [python, Path(__file__).with_name("run_notebooks.py"), results, *others],
        capture_output=True, text=True, check=False, env=environment,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-4000:]
    executed = json.loads(results.read_text())
    assert sorted(executed) == sorted(Path(n).name for n in others)
    failed = {name: result["error"] for name, result in executed.items() if result["error"]}
    assert not failed, "\n".join(f"{name}: {error}" for name, error in failed.items())

    for name, result in executed.items():
        stem = name.removesuffix(".ipynb")
        if stem not in EXAMPLES:
            continue
        source = EXAMPLES[stem].relative_to(ROOT / "examples").with_suffix(".html")
        page = (site.folder / "auto_examples" / source).read_text()
        timed = "# jacdoc: timed" in EXAMPLES[stem].read_text()

        def mask(line: str, timed: bool = timed) -> str:
            return " ".join((TIMING.sub("<t>", line) if timed else line).split())

        expected = [mask(line) for line in page_output(page)]
        got = {mask(line) for line in result["shown"]}
        missing = [line for line in expected if line not in got]
        assert expected, f"{stem}: its page shows no output to compare with"
        assert not missing, f"{stem} printed differently from its page: {missing[:5]}"
    print(f"ran {len(executed) + 1} notebooks in an environment that had no jacdoc")
    assert_torch_untouched(reader)
