"""A Jacobian heatmap whose cells name their own derivative: inline SVG, no JavaScript."""

from __future__ import annotations

import hashlib
import itertools
import math
from html import escape

import torch

from jacdoc._checks import check_out_ndim, check_rank, check_tensor, describe
from jacdoc._layout import block_starts, format_number, index_labels, ink
from jacdoc.contract import as_matrix

__all__ = ["JacobianHeatmap", "show_jacobian"]

CELL = 36  # pixels per cell at 100 % zoom, at least; the SVG scales without loss
FONT = 12
CHARACTER = 7.5  # the width of one character of the cells' numbers, with some room
# The diverging scale: the ends and middle of ColorBrewer's 9-class RdBu, reversed so that
# positive is red, as in plot_jacobian's "RdBu_r" (whose ends are darker), near-white at zero.
NEGATIVE, ZERO, POSITIVE = (33, 102, 172), (247, 247, 247), (178, 24, 43)
NOT_A_NUMBER = (200, 200, 200)


def show_jacobian(
    J: torch.Tensor,
    out_ndim: int,
    *,
    names: tuple[str, str] = ("y", "x"),
    max_entries: int = 144,
) -> JacobianHeatmap:
    """A heatmap of ``as_matrix(J, out_ndim)`` in which every cell says what it is.

    Each cell carries a title such as ``J[0, 1, 0, 1] = ∂y[0, 1] / ∂x[0, 1] = 2``: browsers
    show it when the pointer rests on the cell, and screen readers read it. Rows are labelled
    by their output index and columns by their input index, and rules separate the blocks of
    different first indices, as in :func:`~jacdoc.plot_jacobian` and
    :func:`~jacdoc.to_latex`.

    The result shows itself as inline SVG wherever rich output is shown: in Jupyter and Colab,
    on sphinx-gallery and MyST-NB pages. Labels and rules take the page's text colour, so they
    read in light and dark mode; each cell's number takes black or white, whichever contrasts
    with its fill. Nothing is loaded from anywhere and no script runs.

    Parameters
    ----------
    J : torch.Tensor
        A Jacobian in PyTorch's layout, ``f(x).shape + x.shape``.
    out_ndim : int
        How many leading dimensions of ``J`` belong to the output.
    names : tuple of str
        The names of the output and the input, as the titles use them.
    max_entries : int
        Refuse more entries than this: cells would be too small to read or to point at.

    Returns
    -------
    JacobianHeatmap
        Shows itself in notebooks and pages; its :attr:`~JacobianHeatmap.svg` is the markup.

    Raises
    ------
    TypeError
        If ``J`` is not a tensor, ``out_ndim`` or ``max_entries`` is not an int, or ``names``
        is not two strings.
    ValueError
        If ``out_ndim`` is out of range, ``max_entries`` is negative, or ``J`` is empty or
        has more than ``max_entries`` entries.

    Examples
    --------
    The Jacobian of ``(x + 1)**2`` at ``eye(2)``; the cell of output ``(0, 1)`` and input
    ``(0, 1)`` names its derivative:

    >>> import torch
    >>> J = torch.diag(torch.tensor([4.0, 2.0, 2.0, 4.0])).reshape(2, 2, 2, 2)
    >>> heatmap = show_jacobian(J, out_ndim=2)
    >>> "<title>J[0, 1, 0, 1] = ∂y[0, 1] / ∂x[0, 1] = 2</title>" in heatmap.svg
    True
    >>> heatmap
    <JacobianHeatmap: 16 cells, as SVG>
    """
    check_tensor(J, "J")
    out_ndim = check_out_ndim(out_ndim, J)
    check_rank(max_entries, "max_entries")
    if not _two_names(names):
        raise TypeError(f"names must be a tuple of two strings; got {describe(names)}")
    if J.numel() == 0:
        raise ValueError(f"J must have at least one entry; got shape {tuple(J.shape)}")
    if J.numel() > max_entries:
        raise ValueError(
            f"J has {J.numel()} entries, more than max_entries={max_entries} cells can show "
            "readably; pass a larger max_entries, slice J, or draw it with plot_jacobian"
        )
    return JacobianHeatmap(_svg(J, out_ndim, names))


class JacobianHeatmap:
    """What :func:`show_jacobian` returns: an SVG heatmap that notebooks and pages display.

    Jupyter, Colab, sphinx-gallery and MyST-NB call its ``_repr_html_`` (or ``_repr_svg_``);
    :attr:`svg` holds the markup, to save or embed elsewhere.

    Examples
    --------
    >>> import torch
    >>> heatmap = show_jacobian(torch.eye(2), out_ndim=1)
    >>> heatmap.svg.startswith("<svg"), heatmap._repr_html_().startswith("<div")
    (True, True)
    """

    def __init__(self, svg: str) -> None:
        #: The SVG markup, one ``<svg>`` element.
        self.svg = svg

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        return f'<div class="jacdoc-heatmap">{self.svg}</div>'

    def __repr__(self) -> str:
        cells = self.svg.count('role="img"')
        return f"<JacobianHeatmap: {cells} cells, as SVG>"


def _two_names(names: object) -> bool:
    return isinstance(names, tuple) and len(names) == 2 and all(isinstance(n, str) for n in names)


def _colour(value: float, limit: float) -> tuple[int, int, int]:
    if math.isnan(value):
        return NOT_A_NUMBER
    share = min(abs(value) / limit, 1.0)
    end = POSITIVE if value > 0 else NEGATIVE
    red, green, blue = (round(z + share * (e - z)) for z, e in zip(ZERO, end, strict=True))
    return red, green, blue


def _svg(J: torch.Tensor, out_ndim: int, names: tuple[str, str]) -> str:
    matrix = as_matrix(J, out_ndim).detach().to("cpu", torch.float64).tolist()
    out_shape, in_shape = tuple(J.shape[:out_ndim]), tuple(J.shape[out_ndim:])
    rows, cols = index_labels(out_shape), index_labels(in_shape)
    finite = [abs(v) for row in matrix for v in row if math.isfinite(v)]
    limit = max(finite, default=0.0) or 1.0  # infinities take the colour of the largest
    y, x = (escape(name) for name in names)

    shown = [[format_number(v) for v in row] for row in matrix]
    cell: float = max(CELL, 10 + CHARACTER * max(len(text) for row in shown for text in row))
    label_width = 14 + 8 * max(len(r) for r in rows)
    label_height = 14 + 8 * max(len(c) for c in cols)
    width = label_width + cell * len(cols) + 2
    height = label_height + cell * len(rows) + 2
    caption = (
        f"Jacobian of {y} with respect to {x}, shape {tuple(J.shape)}, as a "
        f"{len(rows)} by {len(cols)} matrix: rows are output entries of {y}, columns are "
        f"input entries of {x}"
    )

    cells = []
    for (r, row), (c, col) in itertools.product(enumerate(rows), enumerate(cols)):
        fill = _colour(matrix[r][c], limit)
        value = shown[r][c]
        both = (row[1:-1] + ", " + col[1:-1]).strip(", ")
        title = f"J[{both}] = ∂{y}[{row[1:-1]}] / ∂{x}[{col[1:-1]}] = {value}"
        left, top = label_width + c * cell, label_height + r * cell
        cells.append(
            f'<g role="img"><title>{title}</title>'
            f'<rect x="{left}" y="{top}" width="{cell}" height="{cell}" fill="rgb{fill}"/>'
            f'<text x="{left + cell / 2}" y="{top + cell / 2}" fill="{ink(fill)}" '
            f'text-anchor="middle" dominant-baseline="central">{value}</text></g>'
        )
    labels = [
        f'<text x="{label_width - 6}" y="{label_height + (r + 0.5) * cell}" '
        f'text-anchor="end" dominant-baseline="central">{row}</text>'
        for r, row in enumerate(rows)
    ] + [
        f'<text transform="translate({label_width + (c + 0.5) * cell},{label_height - 6}) '
        f'rotate(-90)" dominant-baseline="central">{col}</text>'
        for c, col in enumerate(cols)
    ]
    # The corner says which side is which: outputs down the rows, inputs along the columns.
    labels.append(f'<text x="4" y="{label_height - 6}" font-style="italic">{y} ↓ {x} →</text>')
    rules = [
        f'<line x1="{label_width}" x2="{width - 2}" y1="{label_height + r * cell}" '
        f'y2="{label_height + r * cell}"/>'
        for r in block_starts(out_shape)
    ] + [
        f'<line y1="{label_height}" y2="{height - 2}" x1="{label_width + c * cell}" '
        f'x2="{label_width + c * cell}"/>'
        for c in block_starts(in_shape)
    ]
    body = "".join(cells)
    ident = "jacdoc-" + hashlib.sha256(body.encode()).hexdigest()[:12]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="group" aria-labelledby="{ident}" '
        f'font-family="sans-serif" font-size="{FONT}" style="max-width: 100%; height: auto">'
        f'<title id="{ident}">{caption}</title>'
        f'<g fill="currentColor">{"".join(labels)}</g>{body}'
        f'<g stroke="currentColor" stroke-width="2">{"".join(rules)}</g>'
        f'<rect x="{label_width}" y="{label_height}" width="{cell * len(cols)}" '
        f'height="{cell * len(rows)}" fill="none" stroke="currentColor"/></svg>'
    )
