"""Build a full Jacobian, choosing between reverse and forward mode by shape."""

from __future__ import annotations

from collections.abc import Callable

import torch

from jacdoc._checks import check_choice, check_float_tensor, describe

__all__ = ["jacobian"]

MODES = ("auto", "reverse", "forward")

#: Up to this many output elements, reverse mode runs one plain backward pass per element:
#: below it, vectorizing the backward pass costs more than the passes it saves.
SMALL_OUTPUT = 2

#: ``mode="auto"`` switches to forward mode only for widening maps with at least this many
#: input elements. Forward mode through :func:`torch.func.jacfwd` has a larger fixed cost than a
#: vectorized backward pass, which fewer columns do not pay back (``benchmarks/bench_jacobian.py``
#: measures where the two cross).
FORWARD_MIN_INPUTS = 128


def jacobian(
    f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, *, mode: str = "auto"
) -> torch.Tensor:
    """The full Jacobian of ``f`` at ``x``, laid out outputs first like PyTorch.

    ``J[m..., i...] = d f(x)[m...] / d x[i...]``, so ``J.shape == f(x).shape + x.shape``.

    Reverse mode builds ``J`` one row (one output element) per vector-Jacobian product, and
    forward mode one column (one input element) per Jacobian-vector product. Both are
    vectorized, so the cost that matters is how many rows or columns there are.
    ``mode="auto"`` picks:

    * forward mode when ``f(x)`` has more elements than ``x`` (a map that widens) and ``x``
      has at least :data:`~jacdoc.autodiff.FORWARD_MIN_INPUTS` elements, since then there
      are fewer columns than rows to compute;
    * reverse mode otherwise: square maps, maps that narrow (a loss, a pooling layer), and
      small inputs, where the fixed cost of forward mode dominates. Up to
      :data:`~jacdoc.autodiff.SMALL_OUTPUT` output elements (a scalar loss has one) it runs
      plain backward passes; above, one backward pass vectorized with :func:`torch.vmap`
      over the rows of the identity.

    ``benchmarks/bench_jacobian.py`` (``nox -s bench``) times the rule against each of
    PyTorch's strategies, side by side, on elementwise, dense, scalar, widening and narrowing
    maps; the rule's goal is to stay within 1.3x of the fastest of them on every one.

    Parameters
    ----------
    f : callable
        Takes one tensor shaped like ``x`` and returns one tensor.
    x : torch.Tensor
        The point to differentiate at. Must have a floating-point dtype.
    mode : {"auto", "reverse", "forward"}
        How to build the Jacobian.

    Returns
    -------
    torch.Tensor
        ``J`` of shape ``f(x).shape + x.shape``, detached from any graph.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not a floating-point tensor or ``f`` does not
        return one tensor.
    ValueError
        If ``mode`` is not one of the three above.

    Notes
    -----
    ``x`` is left as it came: its ``.grad`` and ``requires_grad`` do not change, and nothing
    accumulates into the ``.grad`` of tensors that ``f`` closes over. It works inside
    :class:`torch.no_grad`.

    Examples
    --------
    The Jacobian of ``(x + 1)**2`` at ``eye(2)`` is a 2x2x2x2 tensor with ``2 (x_ij + 1)``
    where the output index equals the input index:

    >>> import torch
    >>> J = jacobian(lambda x: (x + 1) ** 2, torch.eye(2))
    >>> J.shape
    torch.Size([2, 2, 2, 2])
    >>> J[0, 0, 0, 0], J[0, 1, 0, 1], J[1, 0, 0, 1]
    (tensor(4.), tensor(2.), tensor(0.))

    A map that changes shape, ``x.T`` on a 2x3 input, has an output index pair first:

    >>> jacobian(torch.t, torch.zeros(2, 3)).shape
    torch.Size([3, 2, 2, 3])
    """
    if not callable(f):
        raise TypeError(f"f must be callable; got {describe(f)}")
    check_float_tensor(x, "x")
    check_choice(mode, "mode", MODES)

    with torch.enable_grad():
        # A detached alias keeps the graph, and any .grad, away from the caller's tensor.
        x_in = x.detach().requires_grad_(True)
        out = _call(f, x_in)
        if mode == "auto":
            mode = choose_mode(out.numel(), x.numel())
        if mode == "reverse":
            return _reverse(out, x_in)
    return _forward(f, x)


def choose_mode(out_numel: int, in_numel: int) -> str:
    """The mode ``jacobian(mode="auto")`` uses for these sizes: "forward" or "reverse"."""
    widens = out_numel > in_numel >= FORWARD_MIN_INPUTS
    return "forward" if widens else "reverse"


def _call(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    out = f(x)
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"f must return one torch.Tensor; got {describe(out)}")
    if not out.is_floating_point():
        raise TypeError(f"f must return a floating-point tensor; got dtype {out.dtype}")
    return out


def _reverse(out: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    shape = out.shape + x.shape
    if not out.requires_grad:  # f(x) does not depend on x at all
        return torch.zeros(shape, dtype=out.dtype, device=out.device)
    flat = out.reshape(-1)

    def row(cotangent: torch.Tensor) -> torch.Tensor:
        (grad,) = torch.autograd.grad(
            flat, x, cotangent, retain_graph=True, allow_unused=True, materialize_grads=True
        )
        return grad

    basis = torch.eye(flat.numel(), dtype=out.dtype, device=out.device)
    if flat.numel() <= SMALL_OUTPUT:
        rows = torch.stack([row(cotangent) for cotangent in basis])
    else:
        # torch.vmap over autograd.grad batches the backward pass with the batching rules of
        # torch.func; autograd.grad(is_grads_batched=True) uses an older vmap that lacks some
        # (matrix-vector products among them) and was far slower on dense maps.
        rows = torch.vmap(row)(basis)
    return rows.reshape(shape)


def _forward(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    J: torch.Tensor = torch.func.jacfwd(f)(x.detach())
    return J.detach()
