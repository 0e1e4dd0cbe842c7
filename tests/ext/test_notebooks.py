"""Roles become Markdown links in notebooks; MyST pages become notebooks a reader can run."""

from __future__ import annotations

import json

import pytest

from jacdoc_docs.notebooks import MYST_ROLE, RST_ROLE, markdown_link, markdown_links

BASE = "https://jacdoc.example/"
TORCH = "https://docs.pytorch.org/docs/stable/"


@pytest.mark.parametrize(
    ("role", "content", "base", "expected"),
    [
        (
            "func",
            "torch.func.jacrev",
            BASE,
            f"[`torch.func.jacrev()`]({TORCH}generated/torch.func.jacrev.html#torch.func.jacrev)",
        ),
        (
            "func",
            "~torch.func.jacrev",
            BASE,
            f"[`jacrev()`]({TORCH}generated/torch.func.jacrev.html#torch.func.jacrev)",
        ),
        (
            "func",
            "the reverse way <torch.func.jacrev>",
            BASE,
            f"[`the reverse way`]({TORCH}generated/torch.func.jacrev.html#torch.func.jacrev)",
        ),
        (
            "class",
            "torch.no_grad",
            "",
            f"[`torch.no_grad`]({TORCH}generated/torch.no_grad.html#torch.no_grad)",
        ),
        ("func", "jacdoc.jacobian", BASE, f"[`jacdoc.jacobian()`]({BASE}api.html#jacdoc.jacobian)"),
        ("func", "jacdoc.jacobian", "", "`jacdoc.jacobian()`"),  # a local build: no address
        ("func", "math.sqrt", BASE, "`math.sqrt()`"),  # not in objects.toml: not linked
        (
            "doc",
            "02_misconception_traps",
            BASE,
            f"[02_misconception_traps]({BASE}auto_examples/02_misconception_traps.html)",
        ),
        ("doc", "the derivation </derivation>", BASE, f"[the derivation]({BASE}derivation.html)"),
        ("doc", "/derivation", "", "/derivation"),
        ("ref", "the criterion <derivation-criterion>", BASE, "the criterion"),
    ],
)
def test_one_role_as_markdown(role, content, base, expected):
    assert markdown_link(role, content, "auto_examples/01_einsum_is_backward", base) == expected


def test_both_role_syntaxes_are_found():
    rst = "See :func:`torch.func.jacrev` and :py:class:`torch.no_grad`."
    myst = "See {func}`torch.func.jacrev` and {doc}`derivation`."
    assert "`torch.no_grad`](" in markdown_links(rst, RST_ROLE, "index", BASE)
    assert f"[derivation]({BASE}derivation.html)" in markdown_links(myst, MYST_ROLE, "index", BASE)
    assert ":func:" not in markdown_links(rst, RST_ROLE, "index", "")


def test_a_myst_page_becomes_a_notebook_without_directives(tmp_path):
    from types import SimpleNamespace

    from jacdoc_docs.notebooks import myst_notebook

    page = tmp_path / "page.md"
    page.write_text(
        "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n"
        "# Title\n\n```{run-it-yourself}\n```\n\nSee {func}`torch.func.jacrev`.\n\n"
        ":::{admonition} A note\n:class: tip\n\nBody text.\n:::\n\n"
        "```{code-cell} ipython3\nprint(1)\n```\n"
    )
    config = SimpleNamespace(
        html_baseurl="", jacdoc_repository="https://github.com/x/y", jacdoc_torch="Tested with 9.9"
    )
    cells = json.loads(myst_notebook(page, "page", config))["cells"]  # type: ignore[arg-type]
    assert [c["cell_type"] for c in cells] == ["code", "markdown", "code"]
    assert cells[0]["source"].startswith("# Tested with 9.9\n# This notebook needs jacdoc")
    assert "run-it-yourself" not in cells[1]["source"]
    assert "> **A note**\n>\n> Body text." in cells[1]["source"]
    assert cells[2]["source"] == "print(1)"
    assert [c["id"] for c in cells] == ["cell-0", "cell-1", "cell-2"]
