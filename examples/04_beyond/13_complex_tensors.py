"""
Complex tensors: what ``backward`` and the Jacobian mean
========================================================

Elsewhere this site uses real tensors, where ``y.backward(v)`` adds ``vᵀJ`` to ``x.grad``.
PyTorch differentiates complex tensors too, and there that sentence needs two changes: a
complex ``J`` is not enough to describe a map that is not holomorphic, and for a holomorphic
one ``backward`` adds ``vᵀ·conj(J)``, with the complex conjugate of ``J``.

This page works with the one description that always suffices: a complex number
``z = a + ib`` is the pair of reals ``(a, b)``, a complex tensor is its *real view*
(:func:`torch.view_as_real`, with a last dimension of size 2), and a complex function is a
real function of the real views, with an ordinary real Jacobian. Every result PyTorch gives,
and both Wirtinger derivatives, are read off that real Jacobian; each relation is checked
below, on three maps: ``z**2`` (holomorphic), ``|z|**2`` (real-valued) and ``conj(z)``
(not holomorphic).
"""

# %%
# The real Jacobian of the real views
# -----------------------------------
# :func:`jacdoc.jacobian` takes complex tensors and returns the Jacobian of the real views:
# for a complex input and output, ``J.shape == f(z).shape + (2,) + z.shape + (2,)``, and
# ``J[m, p, i, q]`` is the derivative of part ``p`` of output ``m`` (0: real, 1: imaginary)
# with respect to part ``q`` of input ``i``. ``torch.func.jacrev`` and ``jacfwd`` refuse
# complex inputs instead:
import torch

import jacdoc

torch.manual_seed(0)
z = torch.randn(3, dtype=torch.complex128)


def real_view(t):
    return torch.view_as_real(t.resolve_conj()) if t.is_complex() else t


maps = {
    "z**2": lambda z: z**2,
    "|z|**2": lambda z: z.abs() ** 2,
    "conj(z)": lambda z: z.conj(),
}
J = {name: jacdoc.jacobian(f, z) for name, f in maps.items()}
for name, J_f in J.items():
    print(f"{name:8} J.shape = {tuple(J_f.shape)}")
assert J["z**2"].shape == (3, 2, 3, 2)
assert J["|z|**2"].shape == (3, 3, 2)  # a real output has no part index
try:
    torch.func.jacrev(maps["z**2"])(z)
except RuntimeError as error:
    print("torch.func.jacrev:", error)
    # sphinx_gallery_start_ignore
    if "Expected all inputs to be real" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("torch.func.jacrev should refuse a complex input")

# %%
# It is an ordinary real Jacobian, so central differences on the real view check it, with no
# complex calculus at all:
eps = 1e-6


def by_differences(f, z):
    r = real_view(z)
    columns = []
    for k in range(r.numel()):
        step = torch.zeros(r.numel(), dtype=r.dtype)
        step[k] = eps
        step = step.reshape(r.shape)
        plus = real_view(f(torch.view_as_complex(r + step)))
        minus = real_view(f(torch.view_as_complex(r - step)))
        columns.append((plus - minus) / (2 * eps))
    return torch.stack(columns, dim=-1).reshape(columns[0].shape + r.shape)


for name, f in maps.items():
    torch.testing.assert_close(J[name], by_differences(f, z), rtol=1e-6, atol=1e-6)
print("each real Jacobian matches central differences on the real view")


# %%
# Holomorphic or not, in 2x2 blocks
# ---------------------------------
# Each complex output depends on each complex input through a 2x2 block: how ``(Re, Im)`` of
# the output moves with ``(Re, Im)`` of the input. With ``f = u + iw`` and ``z = a + ib``, the
# block is ``[[u_a, u_b], [w_a, w_b]]``. ``f`` is holomorphic, differentiable as a function
# of ``z`` alone, exactly when every block has the form ``[[p, -q], [q, p]]`` (the
# Cauchy-Riemann equations ``u_a = w_b``, ``u_b = -w_a``): multiplication by the complex
# number ``p + iq``, which is then ``f'(z)``. For ``z**2`` that number is ``2z``. ``conj(z)``
# has the block ``[[1, 0], [0, -1]]``, a reflection, which no complex number multiplies by.
def block(J_f, k):
    return J_f[k, :, k, :]  # output k, input k: elementwise maps have no other blocks


for k in range(3):
    (u_a, u_b), (w_a, w_b) = block(J["z**2"], k)
    torch.testing.assert_close(torch.stack([u_a, u_b]), torch.stack([w_b, -w_a]))
    torch.testing.assert_close(torch.complex(u_a, w_a), 2 * z[k])  # p + iq = f'(z) = 2z
    torch.testing.assert_close(
        block(J["conj(z)"], k), torch.tensor([[1.0, 0.0], [0.0, -1.0]], dtype=torch.float64)
    )
print("z**2: every block is [[p, -q], [q, p]] with p + iq = 2z; conj(z): [[1, 0], [0, -1]]")

# %%
# The same matrices, drawn by :func:`jacdoc.plot_jacobian` (rows: output element and part,
# columns: input element and part). The holomorphic map's blocks are scaled rotations; the
# conjugate's are reflections.
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), layout="constrained", facecolor="white")
for ax, name in zip(axes, ["z**2", "conj(z)"], strict=True):
    jacdoc.plot_jacobian(
        J[name], out_ndim=2, ax=ax, title=f"{name}: real Jacobian of the real views"
    )
plt.show()


# %%
# The Wirtinger derivatives
# -------------------------
# Complex analysis writes the same information as two complex derivatives, the Wirtinger
# derivatives
#
# .. math::
#
#    \frac{\partial f}{\partial z} = \frac{1}{2}\left(\frac{\partial f}{\partial a}
#    - i\,\frac{\partial f}{\partial b}\right), \qquad
#    \frac{\partial f}{\partial \bar z} = \frac{1}{2}\left(\frac{\partial f}{\partial a}
#    + i\,\frac{\partial f}{\partial b}\right),
#
# where :math:`\partial f / \partial a = u_a + i\,w_a` and
# :math:`\partial f / \partial b = u_b + i\,w_b` are the columns of a block. A map is holomorphic
# exactly when :math:`\partial f / \partial \bar z = 0`, and then
# :math:`\partial f / \partial z = f'(z)`. Read off the blocks:
def wirtinger(J_f):
    blocks = torch.stack([block(J_f, k) for k in range(J_f.shape[0])])
    d_da = torch.complex(blocks[:, 0, 0], blocks[:, 1, 0])
    d_db = torch.complex(blocks[:, 0, 1], blocks[:, 1, 1])
    return (d_da - 1j * d_db) / 2, (d_da + 1j * d_db) / 2


d_dz, d_dconj = wirtinger(J["z**2"])
torch.testing.assert_close(d_dz, 2 * z)
torch.testing.assert_close(d_dconj, torch.zeros_like(z))
d_dz, d_dconj = wirtinger(J["conj(z)"])
torch.testing.assert_close(d_dz, torch.zeros_like(z))
torch.testing.assert_close(d_dconj, torch.ones_like(z))
print("z**2: d/dz = 2z, d/dz̄ = 0;  conj(z): d/dz = 0, d/dz̄ = 1")

# %%
# What ``backward`` computes
# --------------------------
# For a real-valued loss ``L``, PyTorch's ``z.grad`` is ``∂L/∂a + i ∂L/∂b``: the real
# gradient of the real view, packed back into complex numbers. It is twice the *conjugate*
# Wirtinger derivative ``∂L/∂z̄``, PyTorch's convention, and not ``∂L/∂z``. So the real
# Jacobian of ``|z|**2 = a² + b²`` gives ``z.grad`` directly:
w = z.clone().requires_grad_(True)
(w.abs() ** 2).sum().backward()
rows = J["|z|**2"].sum(dim=0)  # the gradient of the sum: (∂/∂a, ∂/∂b) for each element
torch.testing.assert_close(w.grad, torch.complex(rows[:, 0], rows[:, 1]))
torch.testing.assert_close(w.grad, 2 * z)  # ∂/∂a + i ∂/∂b of a² + b² is 2a + 2ib
print("z.grad of sum |z|² =", w.grad)

# %%
# That is why gradient descent works unchanged: ``z - lr * z.grad`` is a step of ordinary
# gradient descent on ``(a, b)``, downhill for ``L``. One step on ``|z - c|²``:
c = torch.tensor([1 + 1j, -2j, 0.5], dtype=torch.complex128)
w = z.clone().requires_grad_(True)
loss = ((w - c).abs() ** 2).sum()
loss.backward()
with torch.no_grad():
    stepped = w - 0.1 * w.grad
r = real_view(z).requires_grad_(True)  # the same loss and step, on the real view
real_loss = ((r - real_view(c)) ** 2).sum()
(real_gradient,) = torch.autograd.grad(real_loss, r)
torch.testing.assert_close(real_view(stepped), real_view(z) - 0.1 * real_gradient)
assert ((stepped - c).abs() ** 2).sum() < loss
print(f"one step: loss {loss.item():.3f} -> {((stepped - c).abs() ** 2).sum().item():.3f}")

# %%
# For a complex output and a complex ``v``, ``y.backward(v)`` is the vector-Jacobian product
# *of the real views*: ``view_as_real(x.grad)`` sums ``view_as_real(v)`` against the real
# Jacobian's output indices, the einsum of the real case with one more index pair. It is the
# gradient of the real-valued ``Σ Re(conj(v) · y)``.
v = torch.randn(3, dtype=torch.complex128)
for name, f in maps.items():
    w = z.clone().requires_grad_(True)
    y = f(w)
    seed = v if y.is_complex() else v.real  # v has the output's dtype
    y.backward(seed)
    expected = torch.tensordot(real_view(seed), J[name], dims=real_view(seed).dim())
    torch.testing.assert_close(real_view(w.grad), expected)
    (as_real_loss,) = torch.autograd.grad((seed.conj() * f(w)).real.sum(), w)
    torch.testing.assert_close(as_real_loss, w.grad)
print("for each map, view_as_real(x.grad) = view_as_real(v) contracted with the real Jacobian")

# %%
# For a holomorphic map with complex Jacobian ``J_c`` (entries ``∂f_m/∂z_i``), that real-view
# product is ``vᵀ·conj(J_c)``: the real case's ``vᵀJ`` with ``J_c`` conjugated. For a matrix
# product ``A @ z``, ``J_c = A``, and ``z.grad = Aᴴ v``:
A = torch.randn(2, 3, dtype=torch.complex128)
w = z.clone().requires_grad_(True)
v2 = torch.randn(2, dtype=torch.complex128)
(A @ w).backward(v2)
torch.testing.assert_close(w.grad, v2 @ A.conj())
torch.testing.assert_close(w.grad, A.conj().T @ v2)
assert not torch.allclose(w.grad, v2 @ A)  # vᵀJ without the conjugate is wrong here
print("A @ z: x.grad = vᵀ conj(A), not vᵀ A")

# %%
# :func:`torch.autograd.grad` returns the same numbers, and :func:`torch.func.jvp` pushes a
# complex tangent ``t`` forward as the real Jacobian times ``view_as_real(t)``; for a
# holomorphic map that is ``f'(z) t``, for ``conj`` it is ``conj(t)``:
t = torch.randn(3, dtype=torch.complex128)
for name, f in maps.items():
    _, tangent = torch.func.jvp(f, (z,), (t,))
    torch.testing.assert_close(real_view(tangent), torch.tensordot(J[name], real_view(t), dims=2))
    w = z.clone().requires_grad_(True)
    y = f(w)
    seed = v if y.is_complex() else v.real
    (grad,) = torch.autograd.grad(y, w, seed)
    w.grad = None
    y = f(w)
    y.backward(seed)
    torch.testing.assert_close(grad, w.grad)
torch.testing.assert_close(torch.func.jvp(maps["z**2"], (z,), (t,))[1], 2 * z * t)
torch.testing.assert_close(torch.func.jvp(maps["conj(z)"], (z,), (t,))[1], t.conj())
print(
    "torch.func.jvp: the real Jacobian times view_as_real(t); z**2 gives 2z t, conj gives conj(t)"
)

# %%
# Key points
# ----------
# - A complex function is a real function of the real views (:func:`torch.view_as_real`);
#   its real Jacobian holds every derivative, holomorphic or not. :func:`jacdoc.jacobian`
#   returns it, shaped ``f(z).shape + (2,) + z.shape + (2,)``; ``torch.func.jacrev`` and
#   ``jacfwd`` refuse complex inputs.
# - Holomorphic maps have 2x2 blocks ``[[p, -q], [q, p]]``, multiplication by
#   ``f'(z) = p + iq``. The Wirtinger derivatives ``∂f/∂z`` and ``∂f/∂z̄`` are read off the
#   blocks; ``∂f/∂z̄ = 0`` exactly for holomorphic maps.
# - For a real loss, ``z.grad = ∂L/∂a + i ∂L/∂b = 2 ∂L/∂z̄``, so ``z - lr * z.grad`` is
#   ordinary gradient descent on the real view.
# - ``y.backward(v)`` is the vector-Jacobian product of the real views; for a holomorphic
#   map it is ``vᵀ·conj(J_c)``, not ``vᵀJ_c``. Every ``vᵀJ`` on the real pages of this site
#   assumes real tensors.
#
# Back to :doc:`the gallery </auto_examples/index>`.
