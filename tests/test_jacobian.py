"""jacdoc.jacobian against torch.func: values, the mode rule, composition, extreme shapes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import jacdoc
import jacdoc.autodiff
from jacdoc.autodiff import (
    COLUMN_MIN_ROWS,
    COLUMN_RATIO,
    MIN_CHUNK_ELEMENTS,
    MODES,
    choose_mode,
    chunk_size,
)

from .strategies import dense_map, modes, shapes

FUNCTIONS = {
    "cumsum": lambda x: torch.sin(x.reshape(-1).cumsum(0)).reshape(x.shape),
    "outer": lambda x: torch.outer(x.reshape(-1), x.reshape(-1).exp()),
    "scaled by sum": lambda x: x * x.sum(),
    "norm": lambda x: x.norm(),
    "flip": lambda x: x.flip(list(range(x.ndim))) ** 3,
}

# A map with enough rows, compared with its columns, that mode="auto" builds columns.
TALL_IN, TALL_OUT = (2,), (COLUMN_MIN_ROWS + 8,)


@settings(max_examples=30, deadline=None)
@given(in_shape=shapes, out_shape=shapes, mode=modes)
def test_matches_jacrev_on_dense_maps(in_shape, out_shape, mode):
    f = dense_map(in_shape, out_shape)
    x = torch.randn(in_shape, dtype=torch.float64)
    J = jacdoc.jacobian(f, x, mode=mode)
    assert J.shape == out_shape + in_shape
    torch.testing.assert_close(J, torch.func.jacrev(f)(x))


@settings(max_examples=30, deadline=None)
@given(in_shape=shapes, name=st.sampled_from(sorted(FUNCTIONS)), mode=modes)
def test_matches_jacrev_on_mixing_functions(in_shape, name, mode):
    f = FUNCTIONS[name]
    x = torch.rand(in_shape, dtype=torch.float64) + 0.5
    torch.testing.assert_close(jacdoc.jacobian(f, x, mode=mode), torch.func.jacrev(f)(x))


@pytest.mark.parametrize(
    ("n_in", "n_out", "expected"),
    [
        (8, 1, "reverse"),  # a scalar loss: one row
        (128, 128, "reverse"),  # square: a row costs less than a column
        (512, 16, "reverse"),  # wide
        (100, int(COLUMN_RATIO * 100), "reverse"),  # tall, but not by more than the ratio
        (100, int(COLUMN_RATIO * 100) + 1, "forward"),
        (4, COLUMN_MIN_ROWS - 1, "reverse"),  # tall, but too few rows to pay for columns
        (4, COLUMN_MIN_ROWS, "forward"),
        (3, 300_000, "forward"),
    ],
)
def test_auto_follows_the_documented_rule(n_in, n_out, expected):
    assert choose_mode(n_out, n_in) == expected


@settings(max_examples=60, deadline=None)
@given(count=st.integers(1, 10**6), other=st.integers(1, 10**6))
def test_chunks_never_exceed_the_jacobian(count, other):
    chunk = chunk_size(count, other)
    budget = max(count * other, MIN_CHUNK_ELEMENTS)
    assert 1 <= chunk <= count
    # A chunk of basis vectors (count elements each) and of results (other elements each).
    assert chunk * max(count, other) <= budget or chunk == 1
    if count * max(count, other) <= budget:
        assert chunk == count  # everything in one vectorized pass when it fits


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("in_shape", "out_shape"), [((3,), (40,)), ((40,), (3,)), (TALL_IN, TALL_OUT)]
)
def test_many_small_chunks_give_the_same_jacobian(monkeypatch, mode, in_shape, out_shape):
    monkeypatch.setattr(jacdoc.autodiff, "MIN_CHUNK_ELEMENTS", 1)
    f = dense_map(in_shape, out_shape)
    x = torch.randn(in_shape, dtype=torch.float64)
    assert chunk_size(40, 3) == 3  # so the 40 rows or columns take 14 chunks
    torch.testing.assert_close(jacdoc.jacobian(f, x, mode=mode), torch.func.jacrev(f)(x))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("in_shape", "out_shape"), [((0,), (3,)), ((3,), (0,)), ((2, 0), (4,)), ((0,), (0, 2))]
)
def test_empty_inputs_and_outputs_give_an_empty_jacobian(mode, in_shape, out_shape):
    def f(x):
        return torch.ones(out_shape, dtype=x.dtype) * x.sum()

    x = torch.randn(in_shape, dtype=torch.float64)
    J = jacdoc.jacobian(f, x, mode=mode)
    assert J.shape == out_shape + in_shape
    assert J.shape == torch.func.jacrev(f)(x).shape


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("in_shape", "out_shape"), [((5,), (3,)), ((4,), (4,)), (TALL_IN, TALL_OUT)]
)
def test_f_runs_once_when_one_chunk_holds_every_row_or_column(mode, in_shape, out_shape):
    inner = dense_map(in_shape, out_shape)
    calls = []

    def f(x):
        calls.append(x.shape)
        return inner(x)

    jacdoc.jacobian(f, torch.ones(in_shape, dtype=torch.float64), mode=mode)
    assert len(calls) == 1


@settings(max_examples=15, deadline=None)
@given(in_shape=shapes, inner=modes, outer=modes)
def test_nested_calls_give_the_hessian(in_shape, inner, outer):
    gen = torch.Generator().manual_seed(3)
    W = torch.randn(4, max(1, torch.Size(in_shape).numel()), generator=gen, dtype=torch.float64)

    def g(x):
        return torch.logsumexp(W @ x.reshape(-1), dim=0)

    x = torch.randn(in_shape, dtype=torch.float64)
    H = jacdoc.jacobian(lambda y: jacdoc.jacobian(g, y, mode=inner), x, mode=outer)
    assert H.shape == in_shape + in_shape
    torch.testing.assert_close(H, torch.func.hessian(g)(x))


def test_the_docstring_hessian_is_not_zero():
    """The bug this guards against: an inner Jacobian detached from x gave all zeros."""
    H = jacdoc.jacobian(
        lambda y: jacdoc.jacobian(lambda z: (z**3).sum(), y), torch.tensor([1.0, 2.0])
    )
    torch.testing.assert_close(H, torch.diag(torch.tensor([6.0, 12.0])))


@settings(max_examples=15, deadline=None)
@given(in_shape=shapes, out_shape=shapes, inner=modes, outer=modes)
def test_second_derivatives_of_vector_maps_match_jacfwd_of_jacrev(
    in_shape, out_shape, inner, outer
):
    f = dense_map(in_shape, out_shape)
    x = torch.randn(in_shape, dtype=torch.float64)
    D2 = jacdoc.jacobian(lambda y: jacdoc.jacobian(f, y, mode=inner), x, mode=outer)
    assert D2.shape == out_shape + in_shape + in_shape
    torch.testing.assert_close(D2, torch.func.jacfwd(torch.func.jacrev(f))(x))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("in_shape", "out_shape"), [((3,), (2, 2)), (TALL_IN, TALL_OUT)])
def test_composes_with_torch_func_transforms(mode, in_shape, out_shape):
    f = dense_map(in_shape, out_shape)
    X = torch.randn((5, *in_shape), dtype=torch.float64)
    x = X[0]

    def ours(y):
        return jacdoc.jacobian(f, y, mode=mode)

    jacrev = torch.func.jacrev(f)
    torch.testing.assert_close(torch.vmap(ours)(X), torch.vmap(jacrev)(X))
    torch.testing.assert_close(
        torch.func.grad(lambda y: ours(y).sin().sum())(x),
        torch.func.grad(lambda y: jacrev(y).sin().sum())(x),
    )
    second = torch.func.jacfwd(jacrev)(x)
    torch.testing.assert_close(torch.func.jacrev(ours)(x), second)
    torch.testing.assert_close(torch.func.jacfwd(ours)(x), second)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("in_shape", "out_shape"), [((3,), (2,)), (TALL_IN, TALL_OUT)])
def test_jacobian_is_differentiable_when_x_requires_grad(mode, in_shape, out_shape):
    f = dense_map(in_shape, out_shape)
    x = torch.randn(in_shape, dtype=torch.float64, requires_grad=True)
    J = jacdoc.jacobian(f, x, mode=mode)
    assert J.requires_grad
    (ours,) = torch.autograd.grad(J.sin().sum(), x)
    (expected,) = torch.autograd.grad(torch.func.jacrev(f)(x).sin().sum(), x)
    torch.testing.assert_close(ours, expected)
    assert x.grad is None


@pytest.mark.parametrize("mode", MODES)
def test_jacobian_is_detached_when_x_does_not_require_grad(mode):
    W = torch.randn(4, 3, requires_grad=True)  # a parameter f closes over
    J = jacdoc.jacobian(lambda x: torch.tanh(W @ x), torch.randn(3), mode=mode)
    assert not J.requires_grad
    assert J.grad_fn is None


class _SquareOnce(torch.autograd.Function):
    """x², with a backward that autograd cannot differentiate again."""

    @staticmethod
    def forward(x):
        return x * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 2 * x * grad


def test_auto_builds_rows_when_the_backward_pass_cannot_be_differentiated():
    W = torch.randn(*TALL_OUT, *TALL_IN, dtype=torch.float64)

    def f(x):
        return _SquareOnce.apply(W @ x)

    x = torch.randn(TALL_IN, dtype=torch.float64)
    assert choose_mode(TALL_OUT[0], TALL_IN[0]) == "forward"
    expected = 2 * (W @ x)[:, None] * W  # d (Wx)_m² / dx_i = 2 (Wx)_m W_mi
    torch.testing.assert_close(jacdoc.jacobian(f, x), expected)


@pytest.mark.parametrize("requires_grad", [False, True])
def test_no_silent_zeros_when_the_backward_pass_cannot_be_differentiated(requires_grad):
    """Tall maps in auto mode, where the double-backward trick would be the natural path."""
    W = torch.randn(*TALL_OUT, *TALL_IN, dtype=torch.float64)
    x = torch.randn(TALL_IN, dtype=torch.float64).requires_grad_(requires_grad)

    def once(x):
        return _SquareOnce.apply(W @ x)

    Y = torch.randn(100, 3, dtype=torch.float64)

    def cdist(x):  # its backward has no derivative of its own for p=1
        return torch.cdist(x.reshape(2, 3), Y, p=1)

    expected = 2 * (W @ x.detach())[:, None] * W
    torch.testing.assert_close(jacdoc.jacobian(once, x), expected)
    z = torch.randn(6, dtype=torch.float64).requires_grad_(requires_grad)
    torch.testing.assert_close(jacdoc.jacobian(cdist, z), torch.func.jacrev(cdist)(z.detach()))
    Z = torch.randn(3, 6, dtype=torch.float64)
    torch.testing.assert_close(
        torch.vmap(lambda z: jacdoc.jacobian(cdist, z))(Z), torch.vmap(torch.func.jacrev(cdist))(Z)
    )


@pytest.mark.parametrize("mode", MODES)
def test_function_that_ignores_its_input_has_a_zero_jacobian(mode):
    J = jacdoc.jacobian(lambda x: torch.ones(3), torch.ones(2), mode=mode)
    torch.testing.assert_close(J, torch.zeros(3, 2))


def test_float32_in_float32_out():
    J = jacdoc.jacobian(lambda x: x**2, torch.ones(2, dtype=torch.float32))
    assert J.dtype == torch.float32


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is Linux-only")
def test_extreme_aspect_ratios_complete_within_a_memory_limit():
    """3 -> 300,000 and 300,000 -> 3, each in auto mode, with 1 GiB of address space to spare.

    A square basis on the long side would need 360 GB; the Jacobians themselves are 3.6 MB.
    """
    code = textwrap.dedent(
        """
        import resource
        from pathlib import Path

        import torch

        import jacdoc

        status = Path("/proc/self/status").read_text().split()
        in_use = int(status[status.index("VmSize:") + 1]) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (in_use + 2**30, resource.RLIM_INFINITY))
        for shape in [(300_000, 3), (3, 300_000)]:
            W = torch.randn(shape)
            J = jacdoc.jacobian(lambda x: W @ x, torch.randn(shape[1]))
            assert torch.equal(J, W), shape  # the Jacobian of a linear map is its matrix
        print("both done")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "both done"
