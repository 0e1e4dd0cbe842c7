"""show_jacobian: an SVG heatmap whose cells name their derivative."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest
import torch

import jacdoc

SVG = "{http://www.w3.org/2000/svg}"


def cells(heatmap: jacdoc.JacobianHeatmap) -> list[ET.Element]:
    return ET.fromstring(heatmap.svg).findall(f".//{SVG}g[@role='img']")


def test_every_cell_titles_its_own_derivative():
    J = torch.arange(1.0, 25.0).reshape(2, 3, 2, 2)  # y of shape (2, 3), x of shape (2, 2)
    heatmap = jacdoc.show_jacobian(J, out_ndim=2)
    titles = [cell.find(f"{SVG}title").text for cell in cells(heatmap)]
    expected = [
        f"J[{m}, {n}, {i}, {j}] = ∂y[{m}, {n}] / ∂x[{i}, {j}] = {int(J[m, n, i, j])}"
        for m, n, i, j in itertools.product(range(2), range(3), range(2), range(2))
    ]
    assert titles == expected  # row-major: rows are outputs, columns inputs


def test_names_and_fractions_in_titles():
    heatmap = jacdoc.show_jacobian(torch.tensor([[0.125, -1 / 3]]), 1, names=("loss", "w"))
    titles = [cell.find(f"{SVG}title").text for cell in cells(heatmap)]
    assert titles == ["J[0, 0] = ∂loss[0] / ∂w[0] = 0.125", "J[0, 1] = ∂loss[0] / ∂w[1] = -0.333"]


def test_the_figure_has_an_accessible_name_and_cells_read_as_images():
    svg = ET.fromstring(jacdoc.show_jacobian(torch.eye(3), 1).svg)
    title = svg.find(f"{SVG}title")
    assert svg.get("aria-labelledby") == title.get("id")
    assert "Jacobian of y with respect to x" in str(title.text)
    assert all(
        cell.find(f"{SVG}title") is not None
        for cell in svg.iter(f"{SVG}g")
        if cell.get("role") == "img"
    )


def test_numbers_contrast_with_their_cells():
    """WCAG AA asks 4.5:1 for text: black or white on every fill of the diverging scale."""

    def luminance(red: int, green: int, blue: int) -> float:
        def channel(c: float) -> float:
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    heatmap = jacdoc.show_jacobian(torch.linspace(-1, 1, 101).reshape(101, 1), 1)
    for cell in cells(heatmap):
        fill = tuple(map(int, re.findall(r"\d+", str(cell.find(f"{SVG}rect").get("fill")))))
        ink = 0.0 if cell.find(f"{SVG}text").get("fill") == "#000" else 1.0
        light, dark = sorted([luminance(*fill), ink], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (fill, ink)


def test_labels_and_rules_follow_the_page_colour():
    svg = jacdoc.show_jacobian(torch.eye(4).reshape(2, 2, 2, 2), 2).svg
    assert '<g fill="currentColor">' in svg
    assert '<g stroke="currentColor"' in svg
    assert svg.count("<line") == 2  # between the blocks of m = 0, 1 and of i = 0, 1


def test_no_block_rules_on_a_side_of_rank_one():
    assert "<line" not in jacdoc.show_jacobian(torch.eye(5), 1).svg


def test_a_4x4_jacobian_weighs_a_few_kilobytes():
    svg = jacdoc.show_jacobian(torch.eye(4).reshape(2, 2, 2, 2), 2).svg
    assert len(svg.encode()) < 6000


def test_renders_in_notebooks_and_pages():
    heatmap = jacdoc.show_jacobian(torch.eye(2), 1)
    assert heatmap._repr_svg_() == heatmap.svg
    assert heatmap.svg in heatmap._repr_html_()
    assert repr(heatmap) == "<JacobianHeatmap: 4 cells, as SVG>"


def test_the_same_jacobian_gives_the_same_bytes():
    J = torch.randn(3, 4, generator=torch.Generator().manual_seed(1))
    assert jacdoc.show_jacobian(J, 1).svg == jacdoc.show_jacobian(J.clone(), 1).svg


def test_refuses_more_cells_than_are_readable():
    with pytest.raises(ValueError, match=r"J has 169 entries, more than max_entries=144"):
        jacdoc.show_jacobian(torch.zeros(13, 13), 1)
    assert isinstance(
        jacdoc.show_jacobian(torch.zeros(13, 13), 1, max_entries=169), jacdoc.JacobianHeatmap
    )


def test_leaves_j_alone():
    J = torch.randn(2, 3, requires_grad=True)
    before = J.detach().clone()
    jacdoc.show_jacobian(J, 1)
    assert torch.equal(J.detach(), before)
    assert J.grad is None


def test_non_finite_entries_are_shown_not_raised():
    J = torch.tensor([[1.0, float("nan")], [float("inf"), -2.0]])
    titles = [cell.find(f"{SVG}title").text for cell in cells(jacdoc.show_jacobian(J, 1))]
    assert titles[1].endswith("= nan")
    assert titles[2].endswith("= inf")
