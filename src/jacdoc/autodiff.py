"""Build a full Jacobian from rows (VJPs) or, when it is clearly tall, from columns (JVPs)."""

from __future__ import annotations

from collections.abc import Callable

import torch

from jacdoc._checks import check_choice, check_float_tensor, describe

__all__ = ["jacobian"]

Function = Callable[[torch.Tensor], torch.Tensor]

MODES = ("auto", "reverse", "forward")

# The three constants below were tuned with benchmarks/bench_jacobian.py on a CPU, one thread,
# torch 2.13. They pick the side that is usually cheaper there; they are a heuristic, not a
# guarantee, and other hardware moves the crossovers.

#: Chunks of up to this many rows (or columns) run as plain autograd calls in a loop; larger
#: chunks run as one vectorized call, whose fixed cost a few calls do not pay back.
SMALL_COUNT = 3

#: ``mode="auto"`` builds ``J`` column by column only when it has more than this many times
#: as many rows as columns: a column costs a little more than a row (it differentiates the
#: backward pass once more), so rows win on square maps.
COLUMN_RATIO = 1.5

#: ... and at least this many rows. Below it, the rows' vectorized pass costs little more
#: than its fixed overhead, which the columns' extra backward pass would exceed.
COLUMN_MIN_ROWS = 128

#: The memory budget of a chunk, in tensor elements, is the size of ``J`` but at least this
#: much: a chunk of basis vectors, and the chunk of rows or columns it yields, each stay
#: within ``max(J.numel(), MIN_CHUNK_ELEMENTS)`` elements.
MIN_CHUNK_ELEMENTS = 2**20


def jacobian(f: Function, x: torch.Tensor, *, mode: str = "auto") -> torch.Tensor:
    """The full Jacobian of ``f`` at ``x``, laid out outputs first like PyTorch.

    ``J[m..., i...] = d f(x)[m...] / d x[i...]``, so ``J.shape == f(x).shape + x.shape``.

    ``J`` has one row per output element and one column per input element. Reverse mode
    builds it one row per vector-Jacobian product (VJP), forward mode one column per
    Jacobian-vector product (JVP). Both are batched with :func:`torch.vmap` (chunks of at
    most :data:`~jacdoc.autodiff.SMALL_COUNT` run as a loop), so what decides the cost is
    mostly how many rows or columns there are. With ``m`` output and ``n`` input elements:

    * ``mode="auto"`` builds columns when ``J`` is clearly tall, with more than
      :data:`~jacdoc.autodiff.COLUMN_RATIO` times as many rows as columns and at least
      :data:`~jacdoc.autodiff.COLUMN_MIN_ROWS` rows, and rows otherwise: a heuristic tuned
      on one CPU (see the constants). It evaluates ``f`` once, recording the graph; rows are
      VJPs through that graph, and columns are JVPs obtained by differentiating one VJP once
      more with respect to its cotangent (the double-backward trick), so ``f`` is not
      evaluated again. When ``J`` must be differentiable (see Returns), columns come from
      forward-mode AD instead, which composes with outer transforms, at the price of one
      more evaluation of ``f``; where an operation has no forward-mode rule, rows again.
    * ``mode="reverse"`` always builds rows. On a very tall map that is many chunks: a map
      from 3 inputs to 300,000 outputs takes 100,000 of them.
    * ``mode="forward"`` always builds columns, with forward-mode AD (:func:`torch.func.jvp`),
      which needs no graph of its own. It evaluates ``f`` once per chunk of columns.

    Rows and columns are built in chunks: each chunk of basis vectors, and the chunk of rows
    or columns it yields, holds at most ``J``'s number of elements or
    :data:`~jacdoc.autodiff.MIN_CHUNK_ELEMENTS`, whichever is larger. So in ``mode="auto"`` a
    map from 3 inputs to 300,000 outputs needs no 300,000 x 300,000 identity. The chunks are
    then stacked into ``J``: for a ``J`` larger than that budget the peak is a small multiple
    of ``J``; for a smaller one, a small multiple of the budget at most.
    ``benchmarks/bench_jacobian.py`` (``nox -s bench``) times every mode against PyTorch's
    own strategies, side by side, on maps of every shape.

    It composes like :mod:`torch.func`: inside :func:`torch.vmap`, :func:`torch.func.grad`,
    :func:`torch.func.jacrev` or :func:`torch.func.jacfwd`, and nested in itself, where the
    outer call differentiates the inner one.

    Parameters
    ----------
    f : callable
        Takes one tensor shaped like ``x`` and returns one floating-point tensor.
    x : torch.Tensor
        The point to differentiate at. Must have a floating-point dtype.
    mode : {"auto", "reverse", "forward"}
        How to build the Jacobian.

    Returns
    -------
    torch.Tensor
        ``J`` of shape ``f(x).shape + x.shape``. When ``x`` requires grad (and grad mode is
        on), or under a :mod:`torch.func` transform, ``J`` is differentiable with respect to
        ``x``, and then also with respect to tensors that ``f`` closes over and that require
        grad. Otherwise ``J`` is detached, even from such tensors; :func:`torch.func.jacrev`
        would keep it attached to them.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not a floating-point tensor or ``f`` does not
        return one floating-point tensor.
    ValueError
        If ``mode`` is not one of the three above.

    Notes
    -----
    ``x`` is left as it came: its values, ``.grad`` and ``requires_grad`` do not change, and
    nothing accumulates into the ``.grad`` of tensors that ``f`` closes over. It works inside
    :class:`torch.no_grad`. An input or output with no elements gives an empty ``J``.

    The double-backward trick needs a backward pass that autograd can differentiate again,
    which most PyTorch operations have; a few do not (``torch.cdist`` with ``p=1`` among
    them), nor does a custom :class:`torch.autograd.Function` whose backward is
    ``once_differentiable``. There ``mode="auto"`` builds rows instead, which need only the
    backward pass itself.

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

    Nested, it differentiates itself: the Hessian of ``sum(z**3)`` is ``diag(6 z)``.

    >>> def gradient(z):
    ...     return jacobian(lambda z: (z**3).sum(), z)
    >>> jacobian(gradient, torch.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])

    Under :func:`torch.vmap` it gives one Jacobian per sample, here three 2x2 diagonals:

    >>> torch.vmap(lambda z: jacobian(torch.sin, z))(torch.zeros(3, 2)).shape
    torch.Size([3, 2, 2])
    """
    if not callable(f):
        raise TypeError(f"f must be callable; got {describe(f)}")
    check_float_tensor(x, "x")
    check_choice(mode, "mode", MODES)

    # PyTorch asks the same question before a backward pass: a transform's wrapped tensors
    # cannot become autograd leaves, so inside one only torch.func's own operations work.
    in_transform = torch._C._are_functorch_transforms_active()
    differentiable = in_transform or (torch.is_grad_enabled() and x.requires_grad)
    if mode == "forward":
        return _by_forward_mode(f, x if differentiable else x.detach(), differentiable)
    if differentiable:
        return _by_torch_func(f, x, mode)
    return _by_autograd(f, x, mode)


def choose_mode(out_numel: int, in_numel: int) -> str:
    """Whether ``jacobian(mode="auto")`` builds rows ("reverse") or columns ("forward")."""
    tall = out_numel > COLUMN_RATIO * in_numel and out_numel >= COLUMN_MIN_ROWS
    return "forward" if tall else "reverse"


def chunk_size(count: int, other: int) -> int:
    """How many of the ``count`` basis vectors to push through at once.

    Each basis vector holds ``count`` elements and yields ``other`` elements of ``J``, which
    holds ``count * other`` in all. A chunk of basis vectors and a chunk of results each stay
    within the size of ``J``, or :data:`MIN_CHUNK_ELEMENTS` when ``J`` is smaller.
    """
    budget = max(count * other, MIN_CHUNK_ELEMENTS)
    return max(1, min(count, budget // max(count, other, 1)))


def _checked(f: Function) -> Function:
    def call(x: torch.Tensor) -> torch.Tensor:
        out = f(x)
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"f must return one torch.Tensor; got {describe(out)}")
        if not out.is_floating_point():
            raise TypeError(f"f must return a floating-point tensor; got dtype {out.dtype}")
        return out

    return call


def _basis(start: int, stop: int, like: torch.Tensor) -> torch.Tensor:
    """Rows ``start`` to ``stop`` of the identity matrix of ``like.numel()``, shaped like it."""
    rows = torch.zeros(stop - start, like.numel(), dtype=like.dtype, device=like.device)
    rows.diagonal(offset=start).fill_(1)
    return rows.reshape(stop - start, *like.shape)


def _batched(product: Function) -> Function:
    """Apply ``product`` to each vector of a batch: vectorized, or in a loop for a few."""

    def block(vectors: torch.Tensor) -> torch.Tensor:
        if vectors.shape[0] <= SMALL_COUNT:
            return torch.stack([product(vector) for vector in vectors])
        return torch.vmap(product)(vectors)

    return block


def _stack(
    block: Function, like: torch.Tensor, count: int, chunk: int, done: torch.Tensor | None = None
) -> torch.Tensor:
    """``block`` of every basis vector shaped like ``like``, a chunk at a time, stacked.

    ``done`` holds the results for the first vectors, when the caller already has them.
    """
    blocks = [] if done is None else [done]
    for begin in range(0 if done is None else done.shape[0], count, chunk):
        blocks.append(block(_basis(begin, min(begin + chunk, count), like)))
    return blocks[0] if len(blocks) == 1 else torch.cat(blocks)


def _from_columns(columns: torch.Tensor, out_shape: torch.Size, x: torch.Tensor) -> torch.Tensor:
    return columns.reshape(x.numel(), -1).T.reshape(out_shape + x.shape)


def _by_autograd(f: Function, x: torch.Tensor, mode: str) -> torch.Tensor:
    """Plain autograd on a private leaf: the fastest way when nothing needs to compose."""
    with torch.enable_grad():
        # A detached alias keeps the graph, and any .grad, away from the caller's tensor.
        leaf = x.detach().requires_grad_(True)
        out = _checked(f)(leaf)
        m, n = out.numel(), x.numel()
        if m == 0 or n == 0 or not out.requires_grad:  # empty, or f ignores x
            return torch.zeros(out.shape + x.shape, dtype=out.dtype, device=out.device)
        if mode == "auto" and choose_mode(m, n) == "forward":
            columns = _columns_by_double_backward(out, leaf)
            if columns is not None:
                return _from_columns(columns, out.shape, x)

        def vjp(cotangent: torch.Tensor) -> torch.Tensor:
            (row,) = torch.autograd.grad(
                out, leaf, cotangent, retain_graph=True, materialize_grads=True
            )
            return row

        rows = _stack(_batched(vjp), out, m, chunk_size(m, n))
    return rows.reshape(out.shape + x.shape)


def _columns_by_double_backward(out: torch.Tensor, leaf: torch.Tensor) -> torch.Tensor | None:
    """Every ``J t``, from the graph already recorded: the VJP ``u -> Jᵀu`` is linear in
    ``u``, so differentiating it with respect to ``u`` along ``t`` gives ``J t``.

    None when the backward pass cannot be differentiated (a ``once_differentiable`` custom
    function), so that the caller builds rows instead, which need only the backward pass.
    """
    u = torch.zeros_like(out, requires_grad=True)
    (transposed,) = torch.autograd.grad(out, leaf, u, create_graph=True, materialize_grads=True)
    if not transposed.requires_grad:
        # Either J is zero, or a custom backward escaped autograd: only rows can tell.
        return None

    def jvp(tangent: torch.Tensor) -> torch.Tensor:
        (column,) = torch.autograd.grad(transposed, u, tangent, retain_graph=True)
        return column

    m, n = out.numel(), leaf.numel()
    try:
        return _stack(_batched(jvp), leaf, n, chunk_size(n, m))
    except RuntimeError:
        # "appears to not have been used in the graph": a backward marked once_differentiable.
        return None


def _by_torch_func(f: Function, x: torch.Tensor, mode: str) -> torch.Tensor:
    """Rows through torch.func, so that outer transforms and autograd see them.

    A clearly tall ``J`` in ``mode="auto"`` is built from columns with forward-mode AD where
    ``f``'s operations support it, and from rows otherwise. The double-backward trick is not
    used here: under a transform, a backward pass that hides its dependence on the cotangent
    (``once_differentiable``) would give zeros instead of an error.
    """
    out, vjp_fn = torch.func.vjp(_checked(f), x)[:2]  # [:2]: the typing allows an aux output
    m, n = out.numel(), x.numel()
    if m == 0 or n == 0:
        return torch.zeros(out.shape + x.shape, dtype=out.dtype, device=out.device)
    if mode == "auto" and choose_mode(m, n) == "forward":
        try:
            return _by_forward_mode(f, x, differentiable=True)
        except (NotImplementedError, RuntimeError):
            pass  # an operation without a forward-mode rule (torch.cdist, say): rows work
    rows = _stack(_batched(lambda v: vjp_fn(v)[0]), out, m, chunk_size(m, n))
    return rows.reshape(out.shape + x.shape)


def _by_forward_mode(f: Function, x: torch.Tensor, differentiable: bool) -> torch.Tensor:
    """Columns by forward-mode AD. The first chunk also tells the output's size."""
    checked = _checked(f)
    n = x.numel()
    if n == 0:
        out = checked(x)
        return torch.zeros(out.shape + x.shape, dtype=out.dtype, device=out.device)

    def jvp(tangent: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out, column = torch.func.jvp(checked, (x,), (tangent,))[:2]
        return out, column

    def columns(tangents: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """f(x), evaluated once, and the JVP with each tangent."""
        if tangents.shape[0] == 1:
            out, column = jvp(tangents[0])
            return out, column[None]
        outs, batch = torch.vmap(jvp)(tangents)
        return outs[0], batch  # f(x) is the same for every tangent: an expanded view

    # Until the output's size is known, the first chunk is sized by the input alone.
    out, first = columns(_basis(0, min(n, max(1, MIN_CHUNK_ELEMENTS // n)), x))
    m = out.numel()
    every = _stack(lambda t: columns(t)[1], x, n, chunk_size(n, m), first)
    J = _from_columns(every, out.shape, x)
    return J if differentiable else J.detach()
