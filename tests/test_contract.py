"""einsum_subscripts, vjp, jvp, as_matrix and elementwise_jacobian."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings

import jacdoc

from .strategies import shapes


@pytest.mark.parametrize(
    ("out_ndim", "in_ndim", "product", "expected"),
    [
        (2, 2, "vjp", "ab,abcd->cd"),  # the examples in the API's specification
        (2, 2, "jvp", "abcd,cd->ab"),
        (0, 0, "vjp", ",->"),
        (0, 2, "jvp", "ab,ab->"),
        (1, 0, "vjp", "a,a->"),
    ],
)
def test_einsum_subscripts(out_ndim, in_ndim, product, expected):
    assert jacdoc.einsum_subscripts(out_ndim, in_ndim, product) == expected


def test_einsum_subscripts_uses_distinct_letters_up_to_52_indices():
    subscripts = jacdoc.einsum_subscripts(26, 26, "jvp")
    operand = subscripts.split(",")[0]
    assert len(set(operand)) == 52


@settings(max_examples=40, deadline=None)
@given(in_shape=shapes, out_shape=shapes)
def test_vjp_and_jvp_match_autograd(in_shape, out_shape):
    gen = torch.Generator().manual_seed(7)
    W = torch.randn(math.prod(out_shape), math.prod(in_shape), generator=gen, dtype=torch.float64)

    def f(x):
        return torch.sin(W @ x.reshape(-1)).reshape(out_shape)

    x = torch.randn(in_shape, dtype=torch.float64, requires_grad=True)
    v = torch.randn(out_shape, dtype=torch.float64)
    t = torch.randn(in_shape, dtype=torch.float64)
    J = torch.func.jacrev(f)(x.detach())

    (expected_vjp,) = torch.autograd.grad(f(x), x, grad_outputs=v)
    torch.testing.assert_close(jacdoc.vjp(v, J), expected_vjp)
    expected_jvp = torch.func.jvp(f, (x.detach(),), (t,))[1]
    torch.testing.assert_close(jacdoc.jvp(J, t), expected_jvp)


@settings(max_examples=30, deadline=None)
@given(in_shape=shapes, out_shape=shapes)
def test_as_matrix_rows_are_outputs_and_columns_inputs(in_shape, out_shape):
    J = torch.randn(out_shape + in_shape)
    M = jacdoc.as_matrix(J, len(out_shape))
    assert M.shape == (math.prod(out_shape), math.prod(in_shape))
    torch.testing.assert_close(M, J.reshape(M.shape))
    # The last entry of both is the last output against the last input.
    assert M[-1, -1] == J.reshape(-1)[-1]


@settings(max_examples=30, deadline=None)
@given(shape=shapes)
def test_elementwise_jacobian_matches_autograd(shape):
    x = torch.randn(shape, dtype=torch.float64)
    expected = torch.autograd.functional.jacobian(torch.sin, x)
    torch.testing.assert_close(jacdoc.elementwise_jacobian(torch.cos(x)), expected)
