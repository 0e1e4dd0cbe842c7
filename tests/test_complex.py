"""jacdoc.jacobian on complex tensors: the Jacobian of the real views, in every mode.

Checked against central finite differences on the real view, which involve no autograd, and
against what PyTorch's own ``backward`` computes, read off the same real Jacobian.
"""

from __future__ import annotations

import pytest
import torch

import jacdoc
from jacdoc.autodiff import MODES

A = torch.tensor([[1 + 2j, -0.5j], [0.25, 3 - 1j], [2j, 1 + 0j]], dtype=torch.complex128)

MAPS = {  # name: (f, input dtype)
    "z**2, holomorphic": (lambda z: z**2, torch.complex128),
    "|z|**2, real output": (lambda z: z.abs() ** 2, torch.complex128),
    "conj(z), not holomorphic": (lambda z: z.conj(), torch.complex128),
    "A @ z, changes shape": (lambda z: A @ z, torch.complex128),
    "exp(z) on a matrix": (lambda z: torch.exp(z.reshape(2, 1)) * z.sum(), torch.complex128),
    "x * (1 + 2j), real input": (lambda x: x * (1 + 2j), torch.float64),
}


def real_view(t: torch.Tensor) -> torch.Tensor:
    return torch.view_as_real(t.resolve_conj()) if t.is_complex() else t


def as_complex(r: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    return torch.view_as_complex(r.contiguous()) if dtype.is_complex else r


def finite_differences(f, z: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """d real_view(f(z)) / d real_view(z), one central difference per real input coordinate."""
    r = real_view(z)
    columns = []
    for k in range(r.numel()):
        step = torch.zeros(r.numel(), dtype=r.dtype)
        step[k] = eps
        step = step.reshape(r.shape)

        def at(s: torch.Tensor) -> torch.Tensor:
            return real_view(f(as_complex(s, z.dtype)))

        columns.append((at(r + step) - at(r - step)) / (2 * eps))
    out_shape = columns[0].shape
    return torch.stack(columns, dim=-1).reshape(out_shape + r.shape)


def point(dtype: torch.dtype) -> torch.Tensor:
    gen = torch.Generator().manual_seed(0)
    return torch.randn(2, dtype=dtype, generator=gen)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("name", sorted(MAPS))
def test_matches_finite_differences_on_the_real_view(mode, requires_grad, name):
    f, dtype = MAPS[name]
    z = point(dtype).requires_grad_(requires_grad)
    J = jacdoc.jacobian(f, z, mode=mode)
    assert J.shape == real_view(f(z.detach())).shape + real_view(z.detach()).shape
    assert J.dtype == torch.float64
    # Differentiable where torch.func's J of the views is (x requires grad, J depends on x);
    # never attached when x does not require grad.
    reference = torch.func.jacrev(lambda r: real_view(f(as_complex(r, dtype))))(real_view(z))
    assert reference.requires_grad <= J.requires_grad <= requires_grad
    torch.testing.assert_close(J, finite_differences(f, z.detach()), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(MAPS))
def test_backward_is_the_vjp_of_the_real_views(name):
    """PyTorch's x.grad, viewed as real, is the VJP of v's real view with the real Jacobian."""
    f, dtype = MAPS[name]
    z = point(dtype).requires_grad_(True)
    y = f(z)
    v = torch.randn(y.shape, dtype=y.dtype, generator=torch.Generator().manual_seed(1))
    y.backward(v)
    J = jacdoc.jacobian(f, z.detach())
    grad = torch.tensordot(real_view(v), J, dims=real_view(v).ndim)
    assert z.grad is not None
    torch.testing.assert_close(real_view(z.grad), grad)


def test_wirtinger_derivatives_read_off_the_real_jacobian():
    """For z**2: d/dz = 2 z and d/d(conj z) = 0 (holomorphic); for conj(z), the other way."""
    z = point(torch.complex128)
    for f, d_dz, d_dconj in [
        (lambda z: z**2, 2 * z, torch.zeros_like(z)),
        (lambda z: z.conj(), torch.zeros_like(z), torch.ones_like(z)),
    ]:
        J = jacdoc.jacobian(f, z)  # shape (2, 2, 2, 2): output, part, input, part
        diagonal = torch.stack([J[k, :, k, :] for k in range(2)])  # [[u_a, u_b], [w_a, w_b]]
        u_a, u_b = diagonal[:, 0, 0], diagonal[:, 0, 1]
        w_a, w_b = diagonal[:, 1, 0], diagonal[:, 1, 1]
        torch.testing.assert_close(torch.complex(u_a + w_b, w_a - u_b) / 2, d_dz)
        torch.testing.assert_close(torch.complex(u_a - w_b, w_a + u_b) / 2, d_dconj)


@pytest.mark.parametrize("inner", MODES)
@pytest.mark.parametrize("outer", MODES)
def test_nested_calls_differentiate_complex_maps_twice(inner, outer):
    """The real Hessian of |z|² = a² + b² is 2 I, whatever the modes."""
    z = point(torch.complex128)
    H = jacdoc.jacobian(
        lambda w: jacdoc.jacobian(lambda u: (u.abs() ** 2).sum(), w, mode=inner), z, mode=outer
    )
    assert H.shape == (2, 2, 2, 2)
    torch.testing.assert_close(H.reshape(4, 4), 2 * torch.eye(4, dtype=torch.float64))


def test_the_caller_complex_tensor_is_left_alone():
    z = point(torch.complex128).requires_grad_(True)
    before = z.detach().clone()
    jacdoc.jacobian(lambda z: z**2, z).sum().backward()
    assert torch.equal(z.detach(), before)
    assert z.grad is not None  # the caller differentiated J, so z.grad holds that, nothing else
    torch.testing.assert_close(
        real_view(z.grad), torch.tensor([[4.0, 0.0], [4.0, 0.0]], dtype=torch.float64)
    )
