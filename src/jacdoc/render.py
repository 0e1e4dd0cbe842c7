"""Render a Jacobian as a LaTeX block matrix."""

from __future__ import annotations

import torch

from jacdoc._checks import check_out_ndim, check_rank, check_tensor
from jacdoc._layout import block_starts, format_number
from jacdoc.contract import as_matrix

__all__ = ["to_latex"]


def to_latex(J: torch.Tensor, out_ndim: int, *, digits: int = 3, max_entries: int = 64) -> str:
    r"""Render a Jacobian as a LaTeX block matrix, rows by output and columns by input.

    The matrix is :func:`~jacdoc.as_matrix`: row ``r`` is an output element and column ``c`` an
    input element, both in row-major order. Horizontal rules separate the rows of different
    first output indices, and vertical rules the columns of different first input indices, so
    for a 4-D ``J[m, n, i, j]`` each block holds one ``(m, i)`` pair.

    Parameters
    ----------
    J : torch.Tensor
        A Jacobian in PyTorch's layout, ``f(x).shape + x.shape``.
    out_ndim : int
        How many leading dimensions of ``J`` belong to the output.
    digits : int
        Significant digits for entries that are not whole numbers.
    max_entries : int
        Refuse to render more entries than this: past a few dozen numbers, a heatmap
        (:func:`~jacdoc.plot_jacobian`) says more.

    Returns
    -------
    str
        A ``\left[\begin{array}...\end{array}\right]`` expression, without math delimiters.

    Raises
    ------
    TypeError
        If ``J`` is not a tensor or an int argument is not an int.
    ValueError
        If ``out_ndim`` is out of range or ``J`` has more than ``max_entries`` entries.

    Examples
    --------
    >>> print(to_latex(torch.tensor([[1.0, 2.0], [3.0, 0.5]]), out_ndim=1))
    \left[\begin{array}{cc}
    1 & 2 \\
    3 & 0.5
    \end{array}\right]
    """
    check_tensor(J, "J")
    out_ndim = check_out_ndim(out_ndim, J)
    check_rank(digits, "digits")
    check_rank(max_entries, "max_entries")
    if J.numel() > max_entries:
        raise ValueError(
            f"J has {J.numel()} entries, more than max_entries={max_entries} can show "
            "readably; pass a larger max_entries, slice J, or draw it with plot_jacobian"
        )
    if J.numel() == 0:
        raise ValueError(f"J must have at least one entry; got shape {tuple(J.shape)}")
    matrix = as_matrix(J, out_ndim).detach().cpu().tolist()
    row_rules = set(block_starts(tuple(J.shape[:out_ndim])))
    col_rules = set(block_starts(tuple(J.shape[out_ndim:])))
    spec = "".join(("|c" if c in col_rules else "c") for c in range(len(matrix[0])))
    lines = []
    for r, row in enumerate(matrix):
        if r in row_rules:
            lines.append(r"\hline")
        lines.append(" & ".join(_latex(format_number(v, digits)) for v in row) + r" \\")
    lines[-1] = lines[-1].removesuffix(r" \\")
    return "\n".join([rf"\left[\begin{{array}}{{{spec}}}", *lines, r"\end{array}\right]"])


def _latex(shown: str) -> str:
    return {"nan": r"\mathrm{NaN}", "inf": r"\infty", "-inf": r"-\infty"}.get(shown, shown)
