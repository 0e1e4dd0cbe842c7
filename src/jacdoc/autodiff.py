"""Build a full Jacobian from rows (VJPs) or, when it is clearly tall, from columns (JVPs)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import torch
from torch.overrides import TorchFunctionMode

from jacdoc._checks import check_choice, check_differentiable_tensor, describe

__all__ = ["jacobian"]

Function: TypeAlias = Callable[[torch.Tensor], torch.Tensor]
Mode: TypeAlias = Literal["auto", "reverse", "forward"]

MODES: tuple[Mode, ...] = ("auto", "reverse", "forward")


@dataclass(frozen=True)
class Tuning:
    """The constants behind ``mode="auto"``'s choices on one kind of device.

    They pick the side that is usually cheaper there, measured with
    ``benchmarks/bench_jacobian.py``; they are a heuristic, not a guarantee.
    """

    #: Chunks of up to this many rows (or columns) run as plain calls in a loop; larger chunks
    #: run as one call vectorized with :func:`torch.vmap`, whose fixed cost a few calls do
    #: not pay back on a CPU. On a GPU one vectorized call wins from two vectors on.
    small_count: int
    #: Columns only when ``J`` has more than this many times as many rows as columns: a column
    #: costs a little more than a row, so rows win on square maps ...
    column_ratio: float
    #: ... and at least this many rows. Below it, the rows' vectorized pass costs little more
    #: than its fixed overhead, which the columns' extra evaluation of ``f`` would exceed.
    column_min_rows: int


#: The constants for each device type, ``x.device.type``; other accelerators use "cuda"'s. The
#: CPU row was measured on one thread with torch 2.13, the CUDA row on an NVIDIA H200 with
#: torch 2.11.
TUNING = {
    "cpu": Tuning(small_count=3, column_ratio=1.5, column_min_rows=128),
    "cuda": Tuning(small_count=1, column_ratio=1.5, column_min_rows=128),
}

#: The memory budget of a chunk, in tensor elements, is the size of ``J`` but at least this
#: much: a chunk of basis vectors, and the chunk of rows or columns it yields, each stay
#: within ``max(J.numel(), MIN_CHUNK_ELEMENTS)`` elements.
MIN_CHUNK_ELEMENTS = 2**20

# True while an outer jacobian() evaluates f, so that a jacobian() inside f keeps its result
# differentiable with respect to what the outer one differentiates, as torch.func does.
_NESTED: ContextVar[bool] = ContextVar("jacdoc_nested", default=False)
# True while f's own code runs under _AsReverseModeSees; False in jacobian()'s own code, even
# that of a jacobian() called inside f, which the outer call's mode must leave alone.
_IN_F: ContextVar[bool] = ContextVar("jacdoc_in_f", default=False)


def jacobian(f: Function, x: torch.Tensor, *, mode: Mode = "auto") -> torch.Tensor:
    """The full Jacobian of ``f`` at ``x``, laid out outputs first like PyTorch.

    ``J[m..., i...] = d f(x)[m...] / d x[i...]``, so ``J.shape == f(x).shape + x.shape``.

    ``J`` has one row per output element and one column per input element. Reverse mode
    builds it one row per vector-Jacobian product (VJP), forward mode one column per
    Jacobian-vector product (JVP), with :func:`torch.func.jvp`. Both are batched with
    :func:`torch.vmap`, except that chunks of at most ``small_count`` vectors (see
    :class:`~jacdoc.autodiff.Tuning`: 3 on a CPU, 1 on a GPU) run as a loop; so what decides the cost is
    mostly how many rows or columns there are. With ``m`` output and ``n`` input elements:

    * ``mode="auto"`` builds columns when ``J`` is clearly tall, with more than
      ``column_ratio`` times as many rows as columns and at least ``column_min_rows`` rows
      (see :data:`~jacdoc.autodiff.TUNING`), and rows otherwise. It evaluates ``f`` once, which tells ``J``'s
      shape; rows are then VJPs through that evaluation, while columns evaluate ``f`` again,
      once per chunk of columns. Where an operation of ``f`` has no forward-mode rule
      (``torch.cdist``, or a custom :class:`torch.autograd.Function` without ``jvp``), it
      builds rows instead.
    * ``mode="reverse"`` always builds rows, evaluating ``f`` once. On a very tall map that
      is many chunks: a map from 3 inputs to 300,000 outputs takes 100,000 chunks of 3 rows,
      300,000 VJPs in all.
    * ``mode="forward"`` always builds columns, evaluating ``f`` once per chunk of columns.

    Every mode gives the same ``J``. In particular, what ``f`` computes under
    :class:`torch.no_grad` (or with grad mode otherwise off) is a constant in every mode, as
    reverse-mode autograd sees it, although forward-mode AD on its own would differentiate it;
    and ``f`` may call ``requires_grad_()`` on its own intermediates, which :mod:`torch.func`'s
    transforms, used in forward mode and wherever ``J`` must be differentiable, otherwise
    refuse.

    Rows and columns are built in chunks: each chunk of basis vectors, and the chunk of rows
    or columns it yields, holds at most ``J``'s number of elements or
    :data:`~jacdoc.autodiff.MIN_CHUNK_ELEMENTS`, whichever is larger. So a map from 3 inputs to
    300,000 outputs needs no 300,000 x 300,000 identity. The chunks are then stacked into
    ``J``: the peak memory is a small multiple of ``J`` when ``J`` holds more than
    ``MIN_CHUNK_ELEMENTS`` elements, and a small multiple of that many at most otherwise.
    ``benchmarks/bench_jacobian.py`` (``nox -s bench``) times every mode against PyTorch's own
    strategies, side by side, on maps of every shape.

    It composes like :mod:`torch.func`: inside :func:`torch.vmap`, :func:`torch.func.grad`,
    :func:`torch.func.jacrev` or :func:`torch.func.jacfwd`, and nested in itself, where the
    outer call differentiates the inner one, also through tensors the inner ``f`` closes
    over. It works inside :class:`torch.no_grad` and :class:`torch.inference_mode`. On a torch
    whose :func:`torch.func.grad`, ``vjp`` and ``jvp`` give zeros in inference mode (torch 2.6;
    2.13 gives the right values), it leaves inference mode for a copy of ``x`` and builds ``J``
    by columns where ``f``'s operations allow, by rows otherwise; that ``J`` is never
    differentiable.

    Parameters
    ----------
    f : callable
        Takes one tensor shaped like ``x`` and returns one floating-point or complex tensor.
    x : torch.Tensor
        The point to differentiate at. Must have a floating-point or complex dtype.
    mode : {"auto", "reverse", "forward"}
        How to build the Jacobian.

    Returns
    -------
    torch.Tensor
        ``J`` of shape ``f(x).shape + x.shape``, of the dtype that ``f(x)`` and ``x`` promote
        to (:func:`torch.promote_types`), whichever way it was built. Complex tensors are
        differentiated as their real views (see Notes). When ``x`` requires grad (and grad
        mode is on), under a :mod:`torch.func` transform, or inside another call of
        ``jacobian``, ``J`` is differentiable with respect to ``x``, and then also with
        respect to tensors that ``f`` closes over and that require grad. Otherwise ``J`` is
        detached, even from such tensors; :func:`torch.func.jacrev` would keep it attached to
        them.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not a floating-point or complex tensor, or ``f``
        does not return one floating-point or complex tensor.
    ValueError
        If ``mode`` is not one of the three above.

    Notes
    -----
    A complex tensor is differentiated as its real view, :func:`torch.view_as_real`, which
    holds the real and the imaginary part of each element side by side in a last dimension of
    size 2. So for a complex ``x`` and a complex ``f(x)``, ``J.shape == f(x).shape + (2,) +
    x.shape + (2,)`` and ``J[m..., a, i..., b]`` is the derivative of part ``a`` (0: real,
    1: imaginary) of output ``m`` with respect to part ``b`` of input ``i``. This real
    ``J`` holds every derivative, holomorphic map or not; both Wirtinger derivatives, and
    what ``backward`` computes, are read off it (see the site's page on complex tensors).
    :func:`torch.func.jacrev` and :func:`torch.func.jacfwd` refuse complex inputs.

    ``x`` is left as it came: its values, ``.grad`` and ``requires_grad`` do not change, and
    nothing accumulates into the ``.grad`` of tensors that ``f`` closes over. An input or
    output with no elements gives an empty ``J``.

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

    A complex map, ``z**2`` at ``1 + 2j``: its real view maps ``(a, b)`` to
    ``(a**2 - b**2, 2 a b)``, whose Jacobian is ``[[2a, -2b], [2b, 2a]]``:

    >>> jacobian(lambda z: z**2, torch.tensor([1 + 2j]))[0, :, 0, :]
    tensor([[ 2., -4.],
            [ 4.,  2.]])
    """
    if not callable(f):
        raise TypeError(f"f must be callable; got {describe(f)}")
    check_differentiable_tensor(x, "x")
    check_choice(mode, "mode", MODES)
    if torch.is_inference_mode_enabled() and not _transforms_work_in_inference_mode():
        # Outside inference mode, on a detached copy, since leaving it turns grad mode back
        # on. Columns first: forward mode saves nothing for a backward pass, so f may close
        # over inference tensors; rows where an operation of f has no forward-mode rule.
        with torch.inference_mode(False):
            copy = x.detach().clone()
            try:
                return jacobian(f, copy, mode="forward").detach()
            except NotImplementedError:
                if mode == "forward":
                    raise
                return jacobian(f, copy, mode="reverse").detach()
    if x.is_complex():  # the Jacobian of the real views
        return jacobian(lambda real: f(torch.view_as_complex(real)), _real(x), mode=mode)
    f = _real_valued(f)
    # PyTorch asks the same question before a backward pass: a transform's wrapped tensors
    # cannot become autograd leaves, so inside one only torch.func's own operations work.
    # Inference mode is the same: only torch.func's transforms differentiate there.
    differentiable = (
        torch._C._are_functorch_transforms_active()
        or torch.is_inference_mode_enabled()
        or _NESTED.get()
        or (torch.is_grad_enabled() and x.requires_grad)
    )
    tuning = tuning_for(x.device)
    with _nested():
        if mode == "forward":
            J = _by_columns(f, x if differentiable else x.detach(), tuning)
        elif differentiable:
            J = _by_torch_func(f, x, mode, tuning)
        else:
            J = _by_autograd(f, x, mode, tuning)
    return J if differentiable else J.detach()


@functools.cache
def _transforms_work_in_inference_mode() -> bool:
    """Whether :mod:`torch.func` differentiates in inference mode on this torch.

    Until pytorch/pytorch#177596 (2026), grad, vjp and jvp silently gave zeros there
    (pytorch/pytorch#177318): torch 2.6 does, torch 2.13 does not.
    """
    with torch.inference_mode():
        try:
            return bool(torch.func.grad(torch.square)(torch.ones(())) == 2)
        except RuntimeError:  # a torch that refuses, rather than answering wrong
            return False


def tuning_for(device: torch.device) -> Tuning:
    """The :data:`TUNING` of a device; accelerators without their own take ``"cuda"``'s."""
    return TUNING.get(device.type, TUNING["cuda"])


def choose_mode(out_numel: int, in_numel: int, tuning: Tuning = TUNING["cpu"]) -> Mode:
    """Whether ``jacobian(mode="auto")`` builds rows ("reverse") or columns ("forward")."""
    tall = out_numel > tuning.column_ratio * in_numel and out_numel >= tuning.column_min_rows
    return "forward" if tall else "reverse"


def chunk_size(count: int, other: int) -> int:
    """How many of the ``count`` basis vectors to push through at once.

    Each basis vector holds ``count`` elements and yields ``other`` elements of ``J``, which
    holds ``count * other`` in all. A chunk of basis vectors and a chunk of results each stay
    within the size of ``J``, or :data:`MIN_CHUNK_ELEMENTS` when ``J`` is smaller.
    """
    budget = max(count * other, MIN_CHUNK_ELEMENTS)
    return max(1, min(count, budget // max(count, other, 1)))


@contextmanager
def _nested() -> Iterator[None]:
    nested, in_f = _NESTED.set(True), _IN_F.set(False)
    try:
        yield
    finally:
        _IN_F.reset(in_f)
        _NESTED.reset(nested)


def _real(t: torch.Tensor) -> torch.Tensor:
    """A complex tensor's real view; a lazily conjugated one is conjugated first."""
    return torch.view_as_real(t.resolve_conj()) if t.is_complex() else t


def _real_valued(f: Function) -> Function:
    """``f``, checked, with a complex output replaced by its real view."""

    def call(x: torch.Tensor) -> torch.Tensor:
        out = f(x)
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"f must return one torch.Tensor; got {describe(out)}")
        if not (out.is_floating_point() or out.is_complex()):
            raise TypeError(
                f"f must return a floating-point or complex tensor; got dtype {out.dtype}"
            )
        return _real(out)

    return call


def _dtype(out: torch.Tensor, x: torch.Tensor) -> torch.dtype:
    return torch.promote_types(out.dtype, x.dtype)


def _zeros(out: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return torch.zeros(out.shape + x.shape, dtype=_dtype(out, x), device=out.device)


def _basis(start: int, stop: int, like: torch.Tensor) -> torch.Tensor:
    """Rows ``start`` to ``stop`` of the identity matrix of ``like.numel()``, shaped like it."""
    rows = torch.zeros(stop - start, like.numel(), dtype=like.dtype, device=like.device)
    rows.diagonal(offset=start).fill_(1)
    return rows.reshape(stop - start, *like.shape)


def _batched(product: Function, tuning: Tuning) -> Function:
    """Apply ``product`` to each vector of a batch: vectorized, or in a loop for a few."""

    def block(vectors: torch.Tensor) -> torch.Tensor:
        if vectors.shape[0] <= tuning.small_count:
            return torch.stack([product(vector) for vector in vectors])
        return torch.vmap(product)(vectors)

    return block


def _stack(block: Function, like: torch.Tensor, count: int, chunk: int) -> torch.Tensor:
    """``block`` of every basis vector shaped like ``like``, a chunk at a time, stacked."""
    blocks = [
        block(_basis(begin, min(begin + chunk, count), like)) for begin in range(0, count, chunk)
    ]
    return blocks[0] if len(blocks) == 1 else torch.cat(blocks)


def _rows(vjp: Function, out: torch.Tensor, x: torch.Tensor, tuning: Tuning) -> torch.Tensor:
    m, n = out.numel(), x.numel()
    rows = _stack(_batched(vjp, tuning), out, m, chunk_size(m, n))
    return rows.reshape(out.shape + x.shape).to(_dtype(out, x))


def _by_autograd(f: Function, x: torch.Tensor, mode: Mode, tuning: Tuning) -> torch.Tensor:
    """Plain autograd on a private leaf: the fastest way when nothing needs to compose."""
    with torch.enable_grad():
        # A detached alias keeps the graph, and any .grad, away from the caller's tensor.
        leaf = x.detach().requires_grad_(True)
        out = f(leaf)
        if out.numel() == 0 or x.numel() == 0 or not out.requires_grad:  # empty, or f ignores x
            return _zeros(out, x)
        if mode == "auto" and choose_mode(out.numel(), x.numel(), tuning) == "forward":
            try:
                return _by_columns(f, x, tuning)
            except NotImplementedError:
                pass  # an operation without a forward-mode rule: rows need only its backward

        def vjp(cotangent: torch.Tensor) -> torch.Tensor:
            (row,) = torch.autograd.grad(
                out, leaf, cotangent, retain_graph=True, materialize_grads=True
            )
            return row

        return _rows(vjp, out, x, tuning)


def _by_torch_func(f: Function, x: torch.Tensor, mode: Mode, tuning: Tuning) -> torch.Tensor:
    """Rows through torch.func, so that outer transforms and autograd see them; or, for a
    clearly tall ``J`` in ``mode="auto"``, columns where ``f``'s operations allow."""
    out, vjp_fn = torch.func.vjp(_as_reverse_mode_sees(f), x)[:2]  # [:2]: typing allows aux
    if out.numel() == 0 or x.numel() == 0:
        return _zeros(out, x)
    if mode == "auto" and choose_mode(out.numel(), x.numel(), tuning) == "forward":
        try:
            return _by_columns(f, x, tuning)
        except NotImplementedError:
            pass  # an operation without a forward-mode rule: rows need only its backward
    return _rows(lambda v: vjp_fn(v)[0], out, x, tuning)


class _AsReverseModeSees(TorchFunctionMode):
    """Run ``f`` under torch.func as plain reverse-mode autograd would see it.

    Forward-mode AD ignores :class:`torch.no_grad`, so what ``f`` computes with grad mode off
    is made a constant here, as reverse mode treats it; without this the modes would disagree.
    And ``requires_grad_()`` on one of ``f``'s own intermediates, which torch.func's
    transforms refuse, is skipped: it makes a tensor that was not connected to ``x`` require
    grad, which changes no derivative with respect to ``x``.
    """

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        kwargs = kwargs or {}
        if not _IN_F.get():  # jacobian()'s own code, in a call nested in f
            return func(*args, **kwargs)
        if (
            func is torch.Tensor.requires_grad_
            and (args[1:] or [kwargs.get("requires_grad", True)])[0]
        ):
            return args[0]
        result = func(*args, **kwargs)
        if torch.is_grad_enabled():
            return result
        if isinstance(result, torch.Tensor):
            return result.detach()
        if isinstance(result, tuple | list):
            detached = [r.detach() if isinstance(r, torch.Tensor) else r for r in result]
            return type(result)(detached)
        return result


def _as_reverse_mode_sees(f: Function) -> Function:
    def call(x: torch.Tensor) -> torch.Tensor:
        token = _IN_F.set(True)
        try:
            with torch.enable_grad(), _AsReverseModeSees():
                return f(x)
        finally:
            _IN_F.reset(token)

    return call


def _by_columns(f: Function, x: torch.Tensor, tuning: Tuning) -> torch.Tensor:
    """Columns by forward-mode AD. The first chunk also tells the output's size."""

    as_reverse_mode_sees = _as_reverse_mode_sees(f)
    n = x.numel()
    if n == 0:
        return _zeros(f(x), x)

    def column(tangent: torch.Tensor) -> torch.Tensor:
        tangent_out: torch.Tensor = torch.func.jvp(as_reverse_mode_sees, (x,), (tangent,))[1]
        return tangent_out

    # The output's size is unknown until f has run once: the first chunk is sized by n alone.
    first = _batched(column, tuning)(_basis(0, min(n, max(1, MIN_CHUNK_ELEMENTS // n)), x))
    chunk = chunk_size(n, first[0].numel())
    blocks = [first] + [
        _batched(column, tuning)(_basis(begin, min(begin + chunk, n), x))
        for begin in range(first.shape[0], n, chunk)
    ]
    columns = blocks[0] if len(blocks) == 1 else torch.cat(blocks)
    out_shape = columns.shape[1:]
    # (input elements, *output shape) -> (*output shape, *input shape), as a view.
    J = columns.reshape(x.shape + out_shape).movedim(tuple(range(x.ndim)), tuple(range(-x.ndim, 0)))
    return J.to(torch.promote_types(columns.dtype, x.dtype))
