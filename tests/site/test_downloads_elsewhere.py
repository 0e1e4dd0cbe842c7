"""Every download runs where the reader is: an environment with PyTorch but no jacdoc, no clone.

The site is built as the Pages workflow builds it, with a public address and a repository,
except that the address is a local server serving that very build. Then, in new virtual
environments that hold torch (the pinned CPU build), matplotlib, sympy and a notebook runner,
but neither jacdoc nor this repository:

* every downloaded notebook runs end to end; its first cell installs jacdoc from the site;
* the install command the gallery page shows installs jacdoc, and every downloaded script,
  run with plain ``python``, prints what its page shows;
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
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .helpers import REPOSITORY, ROOT, load_noxfile

pytestmark = pytest.mark.site

EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("[0-9][0-9]_*.py"))
RAW_MARKUP = re.compile(r":[a-z:]+:`|^\.\. [\w-]+::|\{[\w-]+\}`|^(```|:::)\{", re.MULTILINE)
TIMING = re.compile(r"\d+(?:\.\d+)?\s*ms\b|\d+(?:\.\d+)?\s*s\b")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        body: bytes = response.read()
    return body


def page_links(base: str, page: str) -> list[str]:
    text = fetch(base + page).decode()
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', text)]


def download(base: str, page: str, suffix: str) -> bytes:
    """What a reader gets from the page's own download link for that kind of file."""
    links = [urllib.parse.urljoin(base + page, link) for link in page_links(base, page)]
    ours = [link for link in links if link.startswith(base) and link.endswith(suffix)]
    assert ours, f"{page} has no {suffix} download"
    return fetch(ours[0])


def python_of(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(
        subprocess.run(
            [python, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
    )


@pytest.fixture(scope="module")
def reader_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """torch, matplotlib, sympy and a notebook runner, as a reader's machine or Colab has them."""
    venv = tmp_path_factory.mktemp("reader") / "base"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    python = python_of(venv)
    report = venv / "torch.json"
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    constraints = ["-c", str(ROOT / "constraints.txt")]
    dry_run = ["install", "--dry-run", "--ignore-installed", "--report", str(report)]
    subprocess.run([*pip, *dry_run, *constraints, "torch"], check=True)
    index = load_noxfile().torch_index(json.loads(report.read_text()))  # as nox does
    packages = ["torch", "matplotlib", "sympy", "nbclient", "ipykernel"]
    subprocess.run([*pip, "install", *constraints, *index, *packages], check=True)
    return venv


def reader_env(base: Path, name: str) -> Path:
    """A fresh environment that sees the base one's packages and installs into its own."""
    venv = base.parent / name
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    (site_packages(python_of(venv)) / "reader-base.pth").write_text(
        str(site_packages(python_of(base))) + "\n"
    )
    return venv


def assert_torch_untouched(venv: Path, base: Path) -> None:
    code = "import torch; print(torch.__version__); print(torch.__file__)"
    version, location = subprocess.run(
        [python_of(venv), "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert version == "2.13.0+cpu" or not version.startswith("2.13.0+cu"), version
    assert Path(location).is_relative_to(site_packages(python_of(base))), location
    assert not list(site_packages(python_of(venv)).glob("torch*")), "torch was installed again"


def notebook_names(base: str) -> list[tuple[str, str]]:
    """(page, notebook file) for every page that offers a notebook."""
    pages = [(f"auto_examples/{name}.html", f"{name}.ipynb") for name in EXAMPLES]
    return [*pages, ("derivation.html", "derivation.ipynb"), ("index.html", "cheat_sheet.ipynb")]


def test_notebooks_hold_no_raw_markup_and_colab_links_point_where_they_are_published(
    published,
):
    base, site = published.url, published.site
    for page, notebook in notebook_names(base):
        cells = json.loads((site / "notebooks" / notebook).read_text())["cells"]
        markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        assert not RAW_MARKUP.findall(markdown), (notebook, RAW_MARKUP.findall(markdown))
        install = "".join(cells[0]["source"])
        assert install.startswith('%pip install "jacdoc[plot] @ ' + base + "wheels/jacdoc-")
        colab = [link for link in page_links(base, page) if "colab.research.google.com" in link]
        expected = (
            f"https://colab.research.google.com/github/{REPOSITORY}/blob/notebooks/{notebook}"
        )
        assert colab == [expected], (page, colab)


def run_notebook(python: Path, notebook: bytes, folder: Path, name: str) -> None:
    path = folder / name
    path.write_bytes(notebook)
    code = (
        "import sys, nbformat, nbclient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3',"
        " resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
        "nbformat.write(nb, sys.argv[1])\n"
    )
    result = subprocess.run(
        [python, "-c", code, path, folder], capture_output=True, text=True, check=False,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert result.returncode == 0, f"{name}:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"


def test_every_downloaded_notebook_runs_and_installs_jacdoc_from_the_site(
    published, reader_base, tmp_path
):
    base = published.url
    python = python_of(reader_env(reader_base, "notebooks"))
    notebooks = {
        name: download(base, page, ".ipynb") if page.startswith("auto_examples")
        else fetch(f"{base}notebooks/{name}")
        for page, name in notebook_names(base)
    }  # fmt: skip
    # The first cell of each notebook installs jacdoc from the site. Run the first notebook
    # alone, so that it is the one that installs; then two at a time, one per core.
    first, *rest = notebooks
    run_notebook(python, notebooks[first], tmp_path, first)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda name: run_notebook(python, notebooks[name], tmp_path, name), rest))
    print(f"ran {len(notebooks)} downloaded notebooks in an environment that had no jacdoc")
    # Jupyter shows the derivation's heatmap as the page does, its cells titled.
    executed = json.loads((tmp_path / "derivation.ipynb").read_text())
    html_outputs = [
        "".join(output["data"]["text/html"])
        for cell in executed["cells"]
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]
    title = "<title>J[0, 1, 0, 1] = ∂y[0, 1] / ∂x[0, 1] = 2</title>"
    assert any(title in html for html in html_outputs), "no titled heatmap in the notebook"
    assert_torch_untouched(python.parents[1], reader_base)
    base_python = python_of(reader_base)
    no_jacdoc = subprocess.run(
        [base_python, "-c", "import jacdoc"], capture_output=True, check=False
    )
    assert no_jacdoc.returncode != 0, "the base environment must stay without jacdoc"


def visible_text(page_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page_html))


def page_output(page_html: str) -> list[str]:
    """The lines a gallery page shows as its script's output, in order."""
    blocks = re.findall(
        r'<div class="sphx-glr-script-out[^"]*">.*?<pre[^>]*>(.*?)</pre>', page_html, re.DOTALL
    )
    # sphinx-gallery dedents each block of output, so lines are compared without indentation.
    text = "\n".join(visible_text(block) for block in blocks)
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_downloaded_scripts_print_what_their_pages_show(published, reader_base, tmp_path):
    base = published.url
    python = python_of(reader_env(reader_base, "scripts"))
    gallery = visible_text(fetch(base + "auto_examples/index.html").decode())
    shown = re.search(r'python -m pip install "(jacdoc\[plot\] @ [^"]+)"', gallery)
    assert shown, "the gallery page shows no command that installs jacdoc from the site"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, shown.group(1)], check=True)
    assert_torch_untouched(python.parents[1], reader_base)

    def run(name: str) -> tuple[str, list[str], list[str]]:
        script = tmp_path / f"{name}.py"
        script.write_bytes(download(base, f"auto_examples/{name}.html", ".py"))
        result = subprocess.run(
            [python, script.name], cwd=tmp_path, capture_output=True, text=True, check=False,
            env={**os.environ, "MPLBACKEND": "Agg"},
        )  # fmt: skip
        assert result.returncode == 0, f"{name}:\n{result.stderr[-3000:]}"
        printed = [line.strip() for line in result.stdout.splitlines() if line.strip()]
        return name, printed, page_output(fetch(f"{base}auto_examples/{name}.html").decode())

    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, printed, expected in pool.map(run, EXAMPLES):
            # Timings differ from run to run by nature (and with them the padding that aligns
            # them); every other character must match.
            def mask(line: str) -> str:
                return " ".join(TIMING.sub("<time>", line).split())

            printed_lines = {mask(line) for line in printed}
            missing = [line for line in expected if mask(line) not in printed_lines]
            assert not missing, f"{name} printed differently from its page: {missing[:5]}"
            assert expected, f"{name}: its page shows no output to compare with"
    print(f"ran {len(EXAMPLES)} downloaded scripts with plain python; each printed its page")


def test_published_pages_have_social_previews_with_the_examples_thumbnails(published):
    page = fetch(published.url + "auto_examples/01_einsum_is_backward.html").decode()
    meta = dict(re.findall(r'<meta property="(og:[a-z:]+)" content="([^"]*)"', page))
    thumbnail = "_images/sphx_glr_01_einsum_is_backward_thumb.png"
    assert meta["og:image"] == published.url + thumbnail
    assert (published.site / thumbnail).is_file()
    assert meta["og:url"] == published.url + "auto_examples/01_einsum_is_backward.html"
    assert "einsum" in meta["og:title"]
    assert meta["og:description"]
