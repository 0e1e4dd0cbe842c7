"""How every picture of a Jacobian lays it out: the LaTeX matrix, the SVG and the matplotlib
heatmap share the same blocks, labels, numbers and ink."""

from __future__ import annotations

import itertools
import math


def block_starts(shape: tuple[int, ...]) -> list[int]:
    """Where a new value of the first index starts, in the row-major order of ``shape``.

    Blocks need an index pair to group by: a side of rank 0 or 1 has none.
    """
    if len(shape) < 2:
        return []
    step = math.prod(shape[1:])
    return [step * k for k in range(1, shape[0])]


def index_labels(shape: tuple[int, ...]) -> list[str]:
    """Every position of ``shape``, in row-major order, as ``"(i, j)"``; ``"()"`` for a scalar."""
    return ["(" + ", ".join(map(str, p)) + ")" for p in itertools.product(*map(range, shape))]


def format_number(value: float, digits: int = 3) -> str:
    """A value as the pictures show it: whole numbers without a point, ``-0`` as ``0``."""
    if not math.isfinite(value):
        return str(value)  # "nan", "inf", "-inf"
    if value == int(value):
        return str(int(value))
    return f"{value:.{digits}g}"


def ink(fill: tuple[float, float, float]) -> str:
    """``"#000"`` or ``"#fff"``, whichever contrasts more with ``fill`` (RGB in 0-255, WCAG 2)."""

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(fill[0]) + 0.7152 * channel(fill[1]) + 0.0722 * channel(fill[2])
    return "#000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#fff"
