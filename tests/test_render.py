"""to_latex and plot_jacobian."""

from __future__ import annotations

import subprocess
import sys

import matplotlib as mpl
import pytest
import torch

import jacdoc

mpl.use("Agg")


def test_to_latex_groups_rows_by_output_and_columns_by_input():
    J = torch.arange(1.0, 17.0).reshape(2, 2, 2, 2)
    latex = jacdoc.to_latex(J, out_ndim=2)
    lines = latex.splitlines()
    assert lines[0] == r"\left[\begin{array}{cc|cc}"
    assert lines[-1] == r"\end{array}\right]"
    assert lines.count(r"\hline") == 1
    rows = [line.removesuffix(r" \\") for line in lines[1:-1] if line != r"\hline"]
    # Row 1 is output (0, 1); its columns are inputs (0, 0), (0, 1), (1, 0), (1, 1).
    assert rows[1].split(" & ") == [str(int(v)) for v in J[0, 1].reshape(-1)]


def test_to_latex_formats_fractions_with_digits():
    latex = jacdoc.to_latex(torch.tensor([1 / 3, -0.0, 2.5]), out_ndim=0, digits=2)
    assert "0.33 & 0 & 2.5" in latex


def test_to_latex_refuses_a_wall_of_numbers():
    with pytest.raises(ValueError, match=r"J has 100 entries, more than max_entries=64"):
        jacdoc.to_latex(torch.zeros(10, 10), out_ndim=1)
    assert jacdoc.to_latex(torch.zeros(10, 10), out_ndim=1, max_entries=100)


def test_plot_jacobian_centres_the_colour_scale_and_labels_blocks():
    J = torch.einsum("mi,nj->mnij", torch.tensor([[1.0, 2.0], [3.0, -4.0]]), torch.eye(2))
    ax = jacdoc.plot_jacobian(J, out_ndim=2, title="A @ x")
    image = ax.get_images()[0]
    assert image.get_clim() == (-4.0, 4.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["(0, 0)", "(0, 1)", "(1, 0)", "(1, 1)"]
    assert ax.get_title() == "A @ x"
    assert len(ax.lines) == 2  # one rule between the two m blocks, one between the two i blocks
    assert len(ax.texts) == 16  # 4x4 is small enough to print every value
    assert ax.figure.get_facecolor()[:3] == (1.0, 1.0, 1.0)  # opaque, readable on dark pages


def test_plot_jacobian_draws_no_block_rules_for_vectors():
    ax = jacdoc.plot_jacobian(torch.eye(5), out_ndim=1)
    assert len(ax.lines) == 0


def test_plot_jacobian_stands_many_column_labels_upright():
    ax = jacdoc.plot_jacobian(torch.zeros(4, 2, 3), out_ndim=1)
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["(0, 0)", "(0, 1)"]
    assert {t.get_rotation() for t in ax.get_xticklabels()} == {90.0}


def test_plot_jacobian_drops_labels_and_values_on_large_matrices():
    ax = jacdoc.plot_jacobian(torch.zeros(20, 20), out_ndim=1)
    assert ax.get_xticks().size == 0
    assert len(ax.texts) == 0
    assert ax.get_images()[0].get_clim() == (-1.0, 1.0)  # all zeros still get a scale


def test_importing_jacdoc_does_not_import_matplotlib():
    code = "import sys, jacdoc; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_to_latex_shows_non_finite_entries():
    J = torch.tensor([[1.0, float("nan")], [float("inf"), -float("inf")]])
    latex = jacdoc.to_latex(J, out_ndim=1)
    assert r"1 & \mathrm{NaN} \\" in latex
    assert r"\infty & -\infty" in latex
