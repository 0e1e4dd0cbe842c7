"""Bad input gets a TypeError or ValueError from jacdoc naming the argument, what was expected
and what came; and jacdoc never changes the caller's tensors."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import jacdoc

J22 = torch.zeros(2, 2, 2, 2)

BAD_CALLS = [
    # (call, exception, pattern that names the argument, the expectation and what came)
    (
        lambda: jacdoc.jacobian("sin", torch.ones(2)),
        TypeError,
        r"f must be callable; got str 'sin'",
    ),
    (
        lambda: jacdoc.jacobian(torch.sin, [1.0, 2.0]),
        TypeError,
        r"x must be a torch.Tensor; got list",
    ),
    (
        lambda: jacdoc.jacobian(torch.sin, torch.ones(2, dtype=torch.int64)),
        TypeError,
        r"x must have a floating-point or complex dtype .* got dtype torch.int64",
    ),
    (
        lambda: jacdoc.jacobian(torch.sin, torch.ones(2, dtype=torch.bool)),
        TypeError,
        r"x must have a floating-point or complex dtype .* got dtype torch.bool",
    ),
    (
        lambda: jacdoc.jacobian(lambda x: (x, x), torch.ones(2)),
        TypeError,
        r"f must return one torch.Tensor; got tuple",
    ),
    (
        lambda: jacdoc.jacobian(lambda x: x.sum().item(), torch.ones(2)),
        TypeError,
        r"f must return one torch.Tensor; got float",
    ),
    (
        lambda: jacdoc.jacobian(lambda x: (x > 0).long(), torch.ones(2)),
        TypeError,
        r"f must return a floating-point or complex tensor; got dtype torch.int64",
    ),
    (
        lambda: jacdoc.jacobian(torch.sin, list(range(1000))),
        TypeError,
        r"x must be a torch.Tensor; got list \[0, 1, 2, 3, 4, 5, \.\.\.\]$",
    ),
    (
        lambda: jacdoc.jacobian(torch.sin, torch.ones(2), mode="sideways"),
        ValueError,
        r"mode must be one of 'auto', 'reverse', 'forward'; got 'sideways'",
    ),
    (
        lambda: jacdoc.vjp(torch.ones(3), J22),
        ValueError,
        r"v must have the output's shape.*J.shape = \(2, 2, 2, 2\).*got v.shape = \(3,\)",
    ),
    (
        lambda: jacdoc.vjp(torch.ones(2, 2, 2, 2, 2), J22),
        ValueError,
        r"v must have the output's shape.*got v.shape = \(2, 2, 2, 2, 2\)",
    ),
    (
        lambda: jacdoc.jvp(J22, torch.ones(3, 2)),
        ValueError,
        r"t must have the input's shape.*got t.shape = \(3, 2\)",
    ),
    (
        lambda: jacdoc.vjp(torch.ones(2, 2, dtype=torch.float64), J22),
        TypeError,
        r"v and J must have the same dtype; got v.dtype = torch.float64 and J.dtype = torch.float32",
    ),
    (lambda: jacdoc.vjp(J22, [1.0]), TypeError, r"J must be a torch.Tensor; got list"),
    (lambda: jacdoc.jvp(J22, 1.0), TypeError, r"t must be a torch.Tensor; got float 1.0"),
    (
        lambda: jacdoc.as_matrix(J22, 5),
        ValueError,
        r"out_ndim must be between 0 and J.ndim = 4; got 5",
    ),
    (lambda: jacdoc.as_matrix(J22, -1), ValueError, r"out_ndim must be 0 or more; got -1"),
    (lambda: jacdoc.as_matrix(J22, 1.5), TypeError, r"out_ndim must be an int; got float 1.5"),
    (lambda: jacdoc.as_matrix(J22, True), TypeError, r"out_ndim must be an int; got bool True"),
    (lambda: jacdoc.to_latex(J22, 9), ValueError, r"out_ndim must be between 0 and J.ndim = 4"),
    (
        lambda: jacdoc.plot_jacobian(J22, -2),
        ValueError,
        r"out_ndim must be 0 or more; got -2",
    ),
    (
        lambda: jacdoc.einsum_subscripts(-1, 2),
        ValueError,
        r"out_ndim must be 0 or more; got -1",
    ),
    (
        lambda: jacdoc.einsum_subscripts(2, -3),
        ValueError,
        r"in_ndim must be 0 or more; got -3",
    ),
    (
        lambda: jacdoc.einsum_subscripts(30, 30),
        ValueError,
        r"out_ndim \+ in_ndim must be at most 52 .* got 30 \+ 30",
    ),
    (
        lambda: jacdoc.einsum_subscripts(1, 1, product="hvp"),
        ValueError,
        r"product must be one of 'vjp', 'jvp'; got 'hvp'",
    ),
    (
        lambda: jacdoc.elementwise_jacobian([1.0, 2.0]),
        TypeError,
        r"d must be a torch.Tensor; got list \[1.0, 2.0\]",
    ),
    (
        lambda: jacdoc.show_jacobian(J22, 2, names="yx"),
        TypeError,
        r"names must be a tuple of two strings; got str 'yx'",
    ),
    (
        lambda: jacdoc.show_jacobian([[1.0]], 1),
        TypeError,
        r"J must be a torch.Tensor; got list",
    ),
    (
        lambda: jacdoc.show_jacobian(J22, 5),
        ValueError,
        r"out_ndim must be between 0 and J.ndim = 4; got 5",
    ),
    (
        lambda: jacdoc.show_jacobian(torch.zeros(2, 0), 1),
        ValueError,
        r"J must have at least one entry; got shape \(2, 0\)",
    ),
    (
        lambda: jacdoc.to_latex(torch.zeros(0, 3), 1),
        ValueError,
        r"J must have at least one entry; got shape \(0, 3\)",
    ),
]


@pytest.mark.parametrize(("call", "error", "pattern"), BAD_CALLS)
def test_bad_input_gets_a_clear_error(call, error, pattern):
    with pytest.raises(error, match=pattern) as info:
        call()
    # Raised by jacdoc's own checks, not from somewhere inside torch.
    assert Path(info.traceback[-1].path).parent.name == "jacdoc"


@pytest.mark.parametrize("mode", ["auto", "reverse", "forward"])
@pytest.mark.parametrize("existing_grad", [None, torch.full((3,), 7.0)])
def test_jacobian_leaves_the_callers_tensors_alone(mode, existing_grad):
    W = torch.randn(4, 3, requires_grad=True)  # a parameter f closes over
    x = torch.randn(3, requires_grad=True)
    x.grad = None if existing_grad is None else existing_grad.clone()
    before = x.detach().clone()

    J = jacdoc.jacobian(lambda x: torch.tanh(W @ x), x, mode=mode)

    assert J.shape == (4, 3)
    assert x.requires_grad
    assert torch.equal(x.detach(), before)
    if existing_grad is None:
        assert x.grad is None
    else:
        assert x.grad is not None
        assert torch.equal(x.grad, existing_grad)
    assert W.grad is None


@pytest.mark.parametrize("mode", ["auto", "reverse", "forward"])
def test_jacobian_works_inside_no_grad_and_keeps_it(mode):
    x = torch.randn(3)
    with torch.no_grad():
        J = jacdoc.jacobian(lambda x: x.sin() * x.sum(), x, mode=mode)
        assert not torch.is_grad_enabled()
    assert not x.requires_grad
    torch.testing.assert_close(J, torch.func.jacrev(lambda x: x.sin() * x.sum())(x))


def test_a_failed_call_changes_nothing():
    x = torch.randn(2, requires_grad=True)
    with pytest.raises(TypeError):
        jacdoc.jacobian(lambda x: [x], x)
    assert x.grad is None
    assert x.requires_grad


def test_vjp_and_jvp_do_not_touch_their_operands():
    v, J, t = torch.randn(2), torch.randn(2, 3), torch.randn(3)
    copies = [v.clone(), J.clone(), t.clone()]
    jacdoc.vjp(v, J)
    jacdoc.jvp(J, t)
    for original, copy in zip([v, J, t], copies, strict=True):
        assert torch.equal(original, copy)
