"""Draw a Jacobian as a heatmap of its matrix view."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

import torch

from jacdoc._checks import check_out_ndim, check_tensor
from jacdoc._layout import block_starts, format_number, index_labels, ink
from jacdoc.contract import as_matrix

if TYPE_CHECKING:
    import matplotlib.axes

__all__ = ["plot_jacobian"]

#: Past this many rows or columns, tick labels and printed values would overlap.
_MAX_LABELLED = 16


def plot_jacobian(
    J: torch.Tensor,
    out_ndim: int,
    ax: matplotlib.axes.Axes | None = None,
    *,
    annotate: bool | None = None,
    title: str | None = None,
    cmap: str = "RdBu_r",
) -> matplotlib.axes.Axes:
    """Draw ``as_matrix(J, out_ndim)`` as a heatmap, one row per output element.

    The colour map diverges around zero (white), so structure shows at a glance: a diagonal for
    an elementwise map, blocks for a matrix product, a permutation for a transpose. Thin lines
    separate the blocks of different first output and first input indices (on a side of rank 2
    or more, as in :func:`~jacdoc.to_latex`), and tick labels name
    each row's output index and each column's input index. The figure keeps an opaque white
    background so it stays readable on a dark page.

    Requires matplotlib (jacdoc's ``plot`` extra), imported only when this is called.

    Parameters
    ----------
    J : torch.Tensor
        A Jacobian in PyTorch's layout, ``f(x).shape + x.shape``.
    out_ndim : int
        How many leading dimensions of ``J`` belong to the output.
    ax : matplotlib.axes.Axes, optional
        Where to draw. A new figure is made when omitted.
    annotate : bool, optional
        Print each value in its cell. By default only when the matrix is at most 8x8.
    title : str, optional
        Axes title.
    cmap : str
        A diverging matplotlib colour map.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    TypeError
        If ``J`` is not a tensor or ``out_ndim`` is not an int.
    ValueError
        If ``out_ndim`` is out of range.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_jacobian(torch.eye(4).reshape(2, 2, 2, 2), out_ndim=2)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('input index (i, j)', 'output index (m, n)')
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['(0, 0)', '(0, 1)', '(1, 0)', '(1, 1)']
    """
    check_tensor(J, "J")
    out_ndim = check_out_ndim(out_ndim, J)
    import matplotlib.pyplot as plt
    import numpy as np

    matrix = as_matrix(J, out_ndim).detach().to("cpu", torch.float64).numpy()
    if ax is None:
        fig = plt.figure(figsize=(4.8, 4.0), layout="constrained", facecolor="white")
        ax = fig.add_subplot()
    limit = float(abs(matrix).max()) if matrix.size else 0.0
    limit = limit or 1.0  # an all-zero Jacobian still needs a colour scale
    image = ax.imshow(matrix, cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, shrink=0.8)

    out_shape, in_shape = tuple(J.shape[:out_ndim]), tuple(J.shape[out_ndim:])
    _label_axis(ax.set_yticks, out_shape, _index_names("mnopqr", out_ndim), ax.set_ylabel, "output")
    _label_axis(
        ax.set_xticks, in_shape, _index_names("ijklab", J.ndim - out_ndim), ax.set_xlabel, "input"
    )
    if matrix.shape[1] > 4 and J.ndim - out_ndim > 1:
        # Index-pair labels side by side overlap past a few columns; stand them upright.
        ax.tick_params(axis="x", labelrotation=90)
    for row in block_starts(out_shape):
        ax.axhline(row - 0.5, color="0.4", linewidth=0.8)
    for column in block_starts(in_shape):
        ax.axvline(column - 0.5, color="0.4", linewidth=0.8)

    if annotate is None:
        annotate = max(matrix.shape) <= 8
    if annotate:
        colours = np.asarray(image.cmap(image.norm(matrix)))  # RGBA in 0-1, a cell each
        for (r, c), value in zip(
            itertools.product(range(matrix.shape[0]), range(matrix.shape[1])),
            matrix.flat,
            strict=True,
        ):
            red, green, blue = (255 * float(channel) for channel in colours[r, c, :3])
            shade = ink((red, green, blue))
            ax.text(c, r, format_number(value), ha="center", va="center", color=shade, fontsize=9)
    if title is not None:
        ax.set_title(title)
    return ax


def _index_names(letters: str, ndim: int) -> str:
    return ", ".join(letters[:ndim])


def _label_axis(
    set_ticks: Callable[..., object],
    shape: tuple[int, ...],
    names: str,
    set_label: Callable[[str], object],
    side: str,
) -> None:
    set_label(f"{side} index ({names})" if names else f"{side} (scalar)")
    labels = index_labels(shape)
    if len(labels) > _MAX_LABELLED:
        set_ticks([])
        return
    set_ticks(range(len(labels)), labels)
