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
from jacdoc.autodiff import MIN_CHUNK_ELEMENTS, MODES, TUNING, choose_mode, chunk_size

from .strategies import dense_map, modes, shapes

FUNCTIONS = {
    "cumsum": lambda x: torch.sin(x.reshape(-1).cumsum(0)).reshape(x.shape),
    "outer": lambda x: torch.outer(x.reshape(-1), x.reshape(-1).exp()),
    "scaled by sum": lambda x: x * x.sum(),
    "norm": lambda x: x.norm(),
    "flip": lambda x: x.flip(list(range(x.ndim))) ** 3,
}

CPU = TUNING["cpu"]
COLUMN_RATIO, COLUMN_MIN_ROWS = CPU.column_ratio, CPU.column_min_rows
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


@pytest.mark.parametrize(
    ("mode", "in_shape", "out_shape", "calls"),
    [
        ("reverse", (5,), (3,), 1),  # rows: one evaluation, then VJPs through it
        ("auto", (5,), (3,), 1),
        ("reverse", TALL_IN, TALL_OUT, 1),
        ("forward", (4,), (4,), 1),  # 4 columns: one vectorized chunk
        ("forward", TALL_IN, TALL_OUT, 2),  # 2 columns, at most small_count: one call each
        ("auto", TALL_IN, TALL_OUT, 3),  # one to learn J's shape, then the 2 columns
        ("auto", (5,), (5 * COLUMN_MIN_ROWS,), 2),  # one to learn J's shape, then one chunk
    ],
)
def test_f_runs_as_often_as_the_docstring_says(mode, in_shape, out_shape, calls):
    inner = dense_map(in_shape, out_shape)
    shapes_seen = []

    def f(x):
        shapes_seen.append(x.shape)
        return inner(x)

    jacdoc.jacobian(f, torch.ones(in_shape, dtype=torch.float64), mode=mode)
    assert CPU.small_count == 3
    assert len(shapes_seen) == calls


def test_the_docstring_quotes_the_tuning_and_the_chunks_the_code_uses():
    doc = " ".join((jacdoc.jacobian.__doc__ or "").split())
    loop = f"{TUNING['cpu'].small_count} on a CPU, {TUNING['cuda'].small_count} on a GPU"
    assert loop in doc
    rows = chunk_size(300_000, 3)  # reverse mode on a map from 3 inputs to 300,000 outputs
    assert f"takes {300_000 // rows:,} chunks of {rows} rows, 300,000 VJPs in all" in doc


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


# -- Each of these once gave a wrong answer without an error -------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_inference_mode_gives_the_jacobian_not_zeros(mode):
    with torch.inference_mode():
        x = torch.tensor([1.0, 2.0, 3.0])
        W = torch.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])  # an inference tensor f uses
        J = jacdoc.jacobian(lambda x: x**2, x, mode=mode)
        J_W = jacdoc.jacobian(lambda x: torch.sin(W @ x), x, mode=mode)
        H = jacdoc.jacobian(lambda y: jacdoc.jacobian(lambda z: (z**3).sum(), y), x, mode=mode)
    torch.testing.assert_close(J, torch.diag(torch.tensor([2.0, 4.0, 6.0])))
    torch.testing.assert_close(J_W, torch.cos(W @ x)[:, None] * W)
    torch.testing.assert_close(H, torch.diag(6 * x))


def test_the_releases_the_docstring_names_are_told_apart():
    """jacobian's docstring: torch.func gives zeros in inference mode on 2.6, not on 2.13."""
    release = ".".join(torch.__version__.split(".")[:2])
    works = {"2.6": False, "2.13": True, "2.15": True}  # the releases jacdoc is tested with
    if release not in works:
        pytest.skip(f"torch {release} is not one of the tested releases {sorted(works)}")
    assert jacdoc.autodiff._transforms_work_in_inference_mode() is works[release]


@pytest.mark.parametrize("mode", MODES)
def test_on_a_torch_whose_transforms_fail_in_inference_mode_too(mode, monkeypatch):
    """torch 2.6's torch.func gives zeros in inference mode; jacobian then leaves it."""
    monkeypatch.setattr(jacdoc.autodiff, "_transforms_work_in_inference_mode", lambda: False)
    test_inference_mode_gives_the_jacobian_not_zeros(mode)


@pytest.mark.parametrize("mode", ["auto", "reverse"])
def test_leaving_inference_mode_builds_rows_where_f_has_no_forward_rule(mode, monkeypatch):
    monkeypatch.setattr(jacdoc.autodiff, "_transforms_work_in_inference_mode", lambda: False)
    points = torch.tensor([[0.0, 1.0], [2.0, 0.5], [1.0, 3.0]])
    x = torch.tensor([[1.0, 2.0]], requires_grad=True)
    expected = torch.autograd.functional.jacobian(lambda x: torch.cdist(x, points), x)
    with torch.inference_mode():
        J = jacdoc.jacobian(lambda x: torch.cdist(x, points), x, mode=mode)
        with pytest.raises(NotImplementedError, match="forward AD"):
            jacdoc.jacobian(lambda x: torch.cdist(x, points), x, mode="forward")
    torch.testing.assert_close(J, expected)
    assert not J.requires_grad  # no graph back to the caller's x, as in inference mode
    assert x.grad is None
    assert x._version == 0


def _shifted_by_a_constant(x):
    with torch.no_grad():
        shift = x.repeat(100) ** 2
    return x.repeat(100) ** 2 - shift


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("requires_grad", [False, True])
def test_no_grad_inside_f_is_a_constant_in_every_mode_and_path(mode, requires_grad):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=requires_grad)
    J = jacdoc.jacobian(_shifted_by_a_constant, x, mode=mode)
    # d/dx_i of x_i² repeated 100 times: 2 x_i in 100 rows of column i; the shift is constant.
    expected = torch.eye(3).repeat(100, 1) * 2 * torch.tensor([1.0, 2.0, 3.0])
    torch.testing.assert_close(J, expected)
    torch.testing.assert_close(J, torch.func.jacrev(_shifted_by_a_constant)(x.detach()))


class _CubeWithoutVmap(torch.autograd.Function):
    """x³ with a jvp and a backward but no vmap rule: it works only one vector at a time."""

    @staticmethod
    def forward(x):
        return x**3

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])
        ctx.save_for_forward(inputs[0])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad

    @staticmethod
    def jvp(ctx, tangent):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * tangent


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("n", [1, 2, CPU.small_count])
def test_a_few_vectors_run_as_a_loop_as_documented(mode, n):
    x = torch.arange(1.0, n + 1, dtype=torch.float64)
    J = jacdoc.jacobian(_CubeWithoutVmap.apply, x, mode=mode)
    torch.testing.assert_close(J, torch.diag(3 * x**2))
    with pytest.raises(RuntimeError, match="vmap"):  # one more needs vmap, which it lacks
        torch.func.jacfwd(_CubeWithoutVmap.apply)(torch.ones(CPU.small_count + 1))


@pytest.mark.parametrize("inner", MODES)
@pytest.mark.parametrize("outer", MODES)
def test_mixed_second_derivatives_through_a_closure(inner, outer):
    x0, y0 = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    # d/dy of d/dx sum(x * y) = d/dy y = identity.
    mixed = jacdoc.jacobian(
        lambda y: jacdoc.jacobian(lambda x: (x * y).sum(), x0, mode=inner), y0, mode=outer
    )
    torch.testing.assert_close(mixed, torch.eye(2))
    expected = torch.func.jacrev(lambda y: torch.func.jacrev(lambda x: (x * y).sum())(x0))(y0)
    torch.testing.assert_close(mixed, expected)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("out_size", [3, 2 * COLUMN_MIN_ROWS])  # small, and tall enough for auto
@pytest.mark.parametrize(
    ("in_dtype", "out_dtype"), [(torch.float32, torch.float64), (torch.float64, torch.float32)]
)
def test_one_dtype_rule_in_every_mode(mode, requires_grad, out_size, in_dtype, out_dtype):
    x = torch.ones(2, dtype=in_dtype, requires_grad=requires_grad)

    def f(x):
        return (x.to(out_dtype) ** 2).repeat(out_size)[:out_size]

    J = jacdoc.jacobian(f, x, mode=mode)
    assert J.dtype == torch.float64  # what float32 and float64 promote to
    assert J.shape == (out_size, 2)
    torch.testing.assert_close(J[:2], 2 * torch.eye(2, dtype=torch.float64))


class _SquareOnceMixed(torch.autograd.Function):
    """x², whose backward autograd cannot differentiate again."""

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


def test_a_once_differentiable_part_of_a_tall_map_is_not_left_out():
    """A double-backward trick would see only the rest of the map, without an error."""
    W = torch.randn(*TALL_OUT, *TALL_IN, dtype=torch.float64)

    def f(x):
        return _SquareOnceMixed.apply(W @ x) + (W @ x) ** 2

    x = torch.randn(TALL_IN, dtype=torch.float64)
    expected = 4 * (W @ x)[:, None] * W  # two terms, each 2 (Wx)_m W_mi
    for mode in ("auto", "reverse"):
        torch.testing.assert_close(jacdoc.jacobian(f, x, mode=mode), expected)
