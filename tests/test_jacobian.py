"""jacdoc.jacobian against torch.func.jacrev, on random shapes and functions that mix entries."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import jacdoc
from jacdoc.autodiff import FORWARD_MIN_INPUTS, SMALL_OUTPUT, choose_mode

shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)


def dense_map(in_shape: tuple[int, ...], out_shape: tuple[int, ...]):
    """tanh of a random linear map between the two shapes: every output mixes every input."""
    gen = torch.Generator().manual_seed(math.prod(in_shape) * 31 + math.prod(out_shape))
    W = torch.randn(math.prod(out_shape), math.prod(in_shape), generator=gen, dtype=torch.float64)
    return lambda x: torch.tanh(W @ x.reshape(-1)).reshape(out_shape)


FUNCTIONS = {
    "cumsum": lambda x: torch.sin(x.reshape(-1).cumsum(0)).reshape(x.shape),
    "outer": lambda x: torch.outer(x.reshape(-1), x.reshape(-1).exp()),
    "scaled by sum": lambda x: x * x.sum(),
    "norm": lambda x: x.norm(),
    "flip": lambda x: x.flip(list(range(x.ndim))) ** 3,
}


@settings(max_examples=30, deadline=None)
@given(in_shape=shapes, out_shape=shapes, mode=st.sampled_from(["auto", "reverse", "forward"]))
def test_matches_jacrev_on_dense_maps(in_shape, out_shape, mode):
    f = dense_map(in_shape, out_shape)
    x = torch.randn(in_shape, dtype=torch.float64)
    J = jacdoc.jacobian(f, x, mode=mode)
    assert J.shape == out_shape + in_shape
    torch.testing.assert_close(J, torch.func.jacrev(f)(x))


@settings(max_examples=30, deadline=None)
@given(
    in_shape=shapes,
    name=st.sampled_from(sorted(FUNCTIONS)),
    mode=st.sampled_from(["auto", "reverse", "forward"]),
)
def test_matches_jacrev_on_mixing_functions(in_shape, name, mode):
    f = FUNCTIONS[name]
    x = torch.rand(in_shape, dtype=torch.float64) + 0.5
    torch.testing.assert_close(jacdoc.jacobian(f, x, mode=mode), torch.func.jacrev(f)(x))


@pytest.mark.parametrize(
    ("n_in", "n_out", "expected"),
    [
        (8, 1, "reverse"),  # a scalar: one backward pass
        (8, 32, "reverse"),  # widening, but too few inputs for forward mode to pay
        (FORWARD_MIN_INPUTS, 4 * FORWARD_MIN_INPUTS, "forward"),
        (FORWARD_MIN_INPUTS, FORWARD_MIN_INPUTS, "reverse"),  # square
        (4 * FORWARD_MIN_INPUTS, 16, "reverse"),  # narrowing
    ],
)
def test_auto_follows_the_documented_rule(n_in, n_out, expected):
    assert choose_mode(n_out, n_in) == expected
    f = dense_map((n_in,), (n_out,))
    x = torch.randn(n_in, dtype=torch.float64)
    torch.testing.assert_close(jacdoc.jacobian(f, x), torch.func.jacrev(f)(x))


def test_small_outputs_take_the_loop_and_stay_exact():
    f = dense_map((5,), (SMALL_OUTPUT,))
    x = torch.randn(5, dtype=torch.float64)
    torch.testing.assert_close(jacdoc.jacobian(f, x, mode="reverse"), torch.func.jacrev(f)(x))


@pytest.mark.parametrize("mode", ["auto", "reverse", "forward"])
def test_function_that_ignores_its_input_has_a_zero_jacobian(mode):
    J = jacdoc.jacobian(lambda x: torch.ones(3), torch.ones(2), mode=mode)
    torch.testing.assert_close(J, torch.zeros(3, 2))


def test_result_is_detached_even_when_x_requires_grad():
    x = torch.randn(3, requires_grad=True)
    J = jacdoc.jacobian(lambda x: x.sin(), x)
    assert not J.requires_grad
    assert J.grad_fn is None


def test_float32_in_float32_out():
    J = jacdoc.jacobian(lambda x: x**2, torch.ones(2, dtype=torch.float32))
    assert J.dtype == torch.float32
