"""Contract a Jacobian tensor with einsum, and view it as a matrix.

PyTorch lays a Jacobian out *outputs first*: ``J.shape == f(x).shape + x.shape``. Every function
here relies on that layout, so a vector-Jacobian product sums over J's leading (output) indices
and a Jacobian-vector product over its trailing (input) indices.
"""

from __future__ import annotations

import math
import string
from typing import Literal

import torch

from jacdoc._checks import (
    check_choice,
    check_compatible,
    check_out_ndim,
    check_rank,
    check_tensor,
)

__all__ = ["as_matrix", "einsum_subscripts", "elementwise_jacobian", "jvp", "vjp"]

_LETTERS = string.ascii_lowercase + string.ascii_uppercase


Product = Literal["vjp", "jvp"]


def einsum_subscripts(out_ndim: int, in_ndim: int, product: Product = "vjp") -> str:
    """Return the einsum string that contracts a Jacobian of the given ranks.

    Output indices take the first letters of the alphabet and input indices the next ones, in
    the order they have in ``J`` (outputs first).

    Parameters
    ----------
    out_ndim : int
        Rank of the function's output, ``f(x).ndim``. Zero for a scalar output.
    in_ndim : int
        Rank of the function's input, ``x.ndim``.
    product : {"vjp", "jvp"}
        ``"vjp"`` contracts a cotangent ``v`` shaped like the output with ``J`` (what
        ``backward(v)`` computes). ``"jvp"`` contracts ``J`` with a tangent ``t`` shaped like
        the input.

    Returns
    -------
    str
        Subscripts for :func:`torch.einsum`, operands in the order ``(v, J)`` for a VJP and
        ``(J, t)`` for a JVP.

    Raises
    ------
    TypeError
        If a rank is not an int.
    ValueError
        If a rank is negative, the ranks need more than 52 letters, or ``product`` is unknown.

    Examples
    --------
    >>> einsum_subscripts(2, 2)
    'ab,abcd->cd'
    >>> einsum_subscripts(2, 2, product="jvp")
    'abcd,cd->ab'
    >>> einsum_subscripts(0, 3)  # scalar output: the VJP scales the gradient
    ',abc->abc'
    """
    check_rank(out_ndim, "out_ndim")
    check_rank(in_ndim, "in_ndim")
    check_choice(product, "product", ("vjp", "jvp"))
    if out_ndim + in_ndim > len(_LETTERS):
        raise ValueError(
            f"out_ndim + in_ndim must be at most {len(_LETTERS)} (one letter per index); "
            f"got {out_ndim} + {in_ndim}"
        )
    out = _LETTERS[:out_ndim]
    inp = _LETTERS[out_ndim : out_ndim + in_ndim]
    if product == "vjp":
        return f"{out},{out}{inp}->{inp}"
    return f"{out}{inp},{inp}->{out}"


def vjp(v: torch.Tensor, J: torch.Tensor) -> torch.Tensor:
    """Vector-Jacobian product ``vᵀJ``: what ``y.backward(v)`` accumulates into ``x.grad``.

    ``v`` carries the *output's* indices, so its shape must equal the leading ``v.ndim``
    dimensions of ``J``. The result has the input's shape, the trailing dimensions of ``J``:

    .. math:: (v^\\top J)_{i\\ldots} = \\sum_{m\\ldots} v_{m\\ldots}\\, J_{m\\ldots,\\, i\\ldots}

    Parameters
    ----------
    v : torch.Tensor
        The cotangent (incoming gradient ``dL/dy``), shaped like ``f(x)``.
    J : torch.Tensor
        A Jacobian in PyTorch's layout, ``f(x).shape + x.shape``.

    Returns
    -------
    torch.Tensor
        ``vᵀJ``, shaped like ``x``.

    Raises
    ------
    TypeError
        If ``v`` or ``J`` is not a tensor, or their dtypes differ.
    ValueError
        If ``v.shape`` is not the leading part of ``J.shape``, or they are on different
        devices.

    Examples
    --------
    The Jacobian of ``y = A @ x`` for a 2-vector ``x`` is ``A`` itself, and ``vᵀA`` picks the
    first row of ``A`` when ``v`` is the first basis vector:

    >>> A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> vjp(torch.tensor([1.0, 0.0]), A)
    tensor([1., 2.])
    """
    check_tensor(v, "v")
    check_tensor(J, "J")
    check_compatible(v, "v", J, "J")
    if v.ndim > J.ndim or tuple(J.shape[: v.ndim]) != tuple(v.shape):
        raise ValueError(
            "v must have the output's shape, which is the leading dimensions of J "
            f"(J.shape = {tuple(J.shape)}); got v.shape = {tuple(v.shape)}"
        )
    return torch.einsum(einsum_subscripts(v.ndim, J.ndim - v.ndim, "vjp"), v, J)


def jvp(J: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Jacobian-vector product ``J·t``: the change of ``f(x)`` along the direction ``t``.

    ``t`` carries the *input's* indices, so its shape must equal the trailing ``t.ndim``
    dimensions of ``J``. The result has the output's shape:

    .. math:: (J t)_{m\\ldots} = \\sum_{i\\ldots} J_{m\\ldots,\\, i\\ldots}\\, t_{i\\ldots}

    Parameters
    ----------
    J : torch.Tensor
        A Jacobian in PyTorch's layout, ``f(x).shape + x.shape``.
    t : torch.Tensor
        The tangent (a direction in input space), shaped like ``x``.

    Returns
    -------
    torch.Tensor
        ``J·t``, shaped like ``f(x)``.

    Raises
    ------
    TypeError
        If ``J`` or ``t`` is not a tensor, or their dtypes differ.
    ValueError
        If ``t.shape`` is not the trailing part of ``J.shape``, or they are on different
        devices.

    Examples
    --------
    With ``J = A`` as in :func:`vjp`, ``J·t`` picks the first *column* of ``A``:

    >>> A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> jvp(A, torch.tensor([1.0, 0.0]))
    tensor([1., 3.])
    """
    check_tensor(J, "J")
    check_tensor(t, "t")
    check_compatible(J, "J", t, "t")
    out_ndim = J.ndim - t.ndim
    if out_ndim < 0 or tuple(J.shape[out_ndim:]) != tuple(t.shape):
        raise ValueError(
            "t must have the input's shape, which is the trailing dimensions of J "
            f"(J.shape = {tuple(J.shape)}); got t.shape = {tuple(t.shape)}"
        )
    return torch.einsum(einsum_subscripts(out_ndim, t.ndim, "jvp"), J, t)


def as_matrix(J: torch.Tensor, out_ndim: int) -> torch.Tensor:
    """View a Jacobian tensor as a ``(numel of output) × (numel of input)`` matrix.

    Row ``r`` is the flat (row-major) position of an output element and column ``c`` the flat
    position of an input element, so ``as_matrix(J, out_ndim)[r, c] = dy_r / dx_c``.

    Parameters
    ----------
    J : torch.Tensor
        A Jacobian in PyTorch's layout, ``f(x).shape + x.shape``.
    out_ndim : int
        How many leading dimensions of ``J`` belong to the output, from 0 to ``J.ndim``.

    Returns
    -------
    torch.Tensor
        A 2-D tensor (a view when ``J`` is contiguous).

    Raises
    ------
    TypeError
        If ``J`` is not a tensor or ``out_ndim`` is not an int.
    ValueError
        If ``out_ndim`` is outside ``[0, J.ndim]``.

    Examples
    --------
    >>> J = torch.arange(16.0).reshape(2, 2, 2, 2)
    >>> as_matrix(J, out_ndim=2).shape
    torch.Size([4, 4])
    >>> as_matrix(J, out_ndim=2)[1, 2] == J[0, 1, 1, 0]
    tensor(True)
    """
    check_tensor(J, "J")
    out_ndim = check_out_ndim(out_ndim, J)
    rows = math.prod(J.shape[:out_ndim])
    cols = math.prod(J.shape[out_ndim:])
    return J.reshape(rows, cols)


def elementwise_jacobian(d: torch.Tensor) -> torch.Tensor:
    """The Jacobian of an elementwise function, from its derivative values.

    For ``y = g(x)`` applied entry by entry, ``dy[m..]/dx[i..] = g'(x[i..])`` when every output
    index equals the matching input index, and zero otherwise:

    .. math:: J_{m\\ldots,\\, i\\ldots} = d_{i\\ldots}\\, \\delta_{m i} \\cdots

    This builds that tensor directly, without autograd: the derivation written as code.

    Parameters
    ----------
    d : torch.Tensor
        The derivative ``g'(x)`` evaluated at every entry of ``x``.

    Returns
    -------
    torch.Tensor
        A tensor of shape ``d.shape + d.shape``.

    Raises
    ------
    TypeError
        If ``d`` is not a tensor.

    Examples
    --------
    For ``y = (x + 1)**2`` the derivative is ``2 (x + 1)``. At ``x = eye(2)``:

    >>> x = torch.eye(2)
    >>> J = elementwise_jacobian(2 * (x + 1))
    >>> J.shape
    torch.Size([2, 2, 2, 2])
    >>> J[0, 0, 0, 0], J[0, 1, 0, 1], J[0, 1, 1, 0]
    (tensor(4.), tensor(2.), tensor(0.))
    """
    check_tensor(d, "d")
    return torch.diag(d.reshape(-1)).reshape(d.shape + d.shape)
