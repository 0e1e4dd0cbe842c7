"""
The einsum contraction that ``backward(v)`` computes
====================================================

``y.backward(v)`` never builds the Jacobian. It computes one contraction of it with ``v``, a
*vector-Jacobian product*, and adds the result to ``x.grad``. This example builds the full
Jacobian anyway, writes that contraction as a :func:`torch.einsum`, and checks it against
autograd: first for ``y = (x + 1)**2`` at ``x = eye(2)``, then with a non-uniform ``v``, then
for the forward-mode counterpart, and finally for any ranks.
"""

# %%
# The numbers from the derivation
# -------------------------------
# ``J[m, n, i, j] = dy[m, n] / dx[i, j]`` (outputs first, as in PyTorch). The incoming
# gradient ``v`` carries the *output* indices ``m, n``: ``v[m, n] = dL/dy[m, n]``. The chain rule
# sums over them and leaves the input indices:
#
# .. math:: \frac{\partial L}{\partial x_{ij}}
#           = \sum_{m,n} \frac{\partial L}{\partial y_{mn}}\,
#             \frac{\partial y_{mn}}{\partial x_{ij}}
#           = \sum_{m,n} v_{mn}\, J_{mnij}
#
# In einsum notation that is ``"mn,mnij->ij"``.
import matplotlib.pyplot as plt
import torch

import jacdoc

# sphinx_gallery_thumbnail_number = 1


def f(x):
    return (x + 1) ** 2


x = torch.eye(2, requires_grad=True)
y = f(x)
v = torch.ones_like(y)  # shaped like the OUTPUT: one weight per y[m, n]
y.backward(v)
print("x.grad after y.backward(ones):\n", x.grad)

J = torch.autograd.functional.jacobian(f, x)
by_einsum = torch.einsum("mn,mnij->ij", v, J)
print("einsum('mn,mnij->ij', v, J):\n", by_einsum)

# %%
# Both must equal the derivative worked out by hand. Because ``J`` is zero unless
# ``(i, j) = (m, n)``, the sum collapses to one term, ``v[i, j] * 2 (x[i, j] + 1)``: 4 on the
# diagonal of ``eye(2)`` and 2 elsewhere.
by_hand = v * 2 * (x.detach() + 1)
torch.testing.assert_close(x.grad, by_hand)
torch.testing.assert_close(by_einsum, by_hand)
torch.testing.assert_close(by_hand, torch.tensor([[4.0, 2.0], [2.0, 4.0]]))

# %%
# Why ``v`` has the output's shape
# --------------------------------
# ``backward(v)`` answers the question "what is the gradient of the scalar
# ``L = sum(v * y)``?". Each entry of ``v`` weighs one entry of ``y``, so there must be one
# per output entry. Calling ``backward()`` on that scalar gives the same gradient:
x2 = torch.eye(2, requires_grad=True)
(v * f(x2)).sum().backward()
torch.testing.assert_close(x2.grad, x.grad)
print("gradient of sum(v * y):\n", x2.grad)

# %%
# In a training loop ``v`` is ``dL/dy`` for the real loss: autograd passes it backward from
# layer to layer, each layer contracting it with its own Jacobian.
#
# A non-uniform ``v``
# -------------------
# With ``v = ones`` every output counts the same, which hides which index of ``v`` goes where.
# Distinct weights make the contraction visible: ``x.grad[i, j]`` picks up ``v[i, j]`` (and
# only it) times the local derivative.
x = torch.eye(2, requires_grad=True)
v = torch.tensor([[1.0, 10.0], [100.0, 1000.0]])
f(x).backward(v)
print("x.grad with v = [[1, 10], [100, 1000]]:\n", x.grad)

torch.testing.assert_close(x.grad, torch.einsum("mn,mnij->ij", v, J))
torch.testing.assert_close(x.grad, torch.tensor([[4.0, 20.0], [200.0, 4000.0]]))
torch.testing.assert_close(jacdoc.vjp(v, J), x.grad)

# %%
# The figure shows the contraction: each row of the Jacobian (one output entry) is scaled by
# its entry of ``v``, and the rows are summed into one gradient per input entry.
fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), layout="constrained", facecolor="white")
for ax, data, title in [(axes[0], v, "v = dL/dy (output shape)"), (axes[2], x.grad, "x.grad")]:
    ax.imshow(data.log10().numpy(), cmap="Blues", vmin=-1, vmax=4.5)
    for (r, c), value in zip(
        [(0, 0), (0, 1), (1, 0), (1, 1)], data.flatten().tolist(), strict=True
    ):
        ax.text(c, r, f"{value:g}", ha="center", va="center", fontsize=12)
    ax.set_title(title)
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
jacdoc.plot_jacobian(J, out_ndim=2, ax=axes[1], title="J (rows: m, n; columns: i, j)")
fig.suptitle("x.grad[i, j] = sum over m, n of v[m, n] J[m, n, i, j]")
plt.show()

# %%
# For a paper or a notebook, :func:`jacdoc.to_latex` writes the same 4x4 matrix as LaTeX,
# rows by output index ``(m, n)`` and columns by input index ``(i, j)``:
latex = jacdoc.to_latex(J, out_ndim=2)
print(latex)
assert latex.count(r"\\") == 3  # four rows
assert r"{cc|cc}" in latex  # a rule between the blocks of i = 0 and i = 1

# %%
# The forward-mode counterpart: ``J · t``
# ----------------------------------------
# Contracting the *input* indices instead gives a Jacobian-vector product: how ``y`` changes
# when ``x`` moves in direction ``t``. ``t`` has the input's shape and the result the output's.
# :func:`torch.func.jvp` computes it without the Jacobian, in forward mode.
t = torch.tensor([[1.0, -1.0], [0.5, 2.0]])
by_einsum = torch.einsum("mnij,ij->mn", J, t)
_, by_forward_mode = torch.func.jvp(f, (torch.eye(2),), (t,))
print("einsum('mnij,ij->mn', J, t):\n", by_einsum)

torch.testing.assert_close(by_einsum, by_forward_mode)
torch.testing.assert_close(jacdoc.jvp(J, t), by_forward_mode)
torch.testing.assert_close(by_einsum, 2 * (torch.eye(2) + 1) * t)

# %%
# For this elementwise ``f`` the VJP and the JVP with the same tensor happen to coincide,
# since ``J`` is symmetric under swapping its index pairs (see :doc:`/derivation`). The
# :doc:`traps example <02_misconception_traps>` shows how far apart they are for other maps.
#
# The recipe for any rank
# -----------------------
# Nothing above depends on having two output and two input indices. For an output of rank
# ``p`` and an input of rank ``q``, the VJP sums over the ``p`` leading indices of ``J`` and the
# JVP over its ``q`` trailing ones. :func:`jacdoc.einsum_subscripts` writes the string:
for out_ndim, in_ndim in [(0, 1), (1, 1), (2, 2), (2, 1), (1, 3)]:
    print(
        f"output rank {out_ndim}, input rank {in_ndim}:  "
        f"VJP {jacdoc.einsum_subscripts(out_ndim, in_ndim, 'vjp')!r:18} "
        f"JVP {jacdoc.einsum_subscripts(out_ndim, in_ndim, 'jvp')!r}"
    )

# %%
# Check it on a map from a 3-vector to a 2x4 matrix, ``y = tanh(T x)`` with a random 2x4x3
# tensor ``T``: the VJP by einsum must match :func:`torch.autograd.grad`, and the JVP
# must match :func:`torch.func.jvp`.
T = torch.randn(2, 4, 3)


def g(x):
    return torch.tanh(T @ x)


x = torch.randn(3)
J = jacdoc.jacobian(g, x)
assert J.shape == g(x).shape + x.shape == (2, 4, 3)

v = torch.randn(2, 4)
t = torch.randn(3)
vjp_subscripts = jacdoc.einsum_subscripts(2, 1, "vjp")
jvp_subscripts = jacdoc.einsum_subscripts(2, 1, "jvp")
assert (vjp_subscripts, jvp_subscripts) == ("ab,abc->c", "abc,c->ab")

x_leaf = x.clone().requires_grad_(True)
(by_autograd,) = torch.autograd.grad(g(x_leaf), x_leaf, grad_outputs=v)
torch.testing.assert_close(torch.einsum(vjp_subscripts, v, J), by_autograd)
torch.testing.assert_close(torch.einsum(jvp_subscripts, J, t), torch.func.jvp(g, (x,), (t,))[1])
print("VJP and JVP by einsum match autograd for a rank-(2, 1) Jacobian")

# %%
# Key points
# ----------
# - ``y.backward(v)`` adds ``einsum("mn,mnij->ij", v, J)`` to ``x.grad``: a sum over the
#   **output** indices of ``J``. That is a vector-Jacobian product, ``vᵀJ``.
# - ``v`` has the output's shape; it is ``dL/dy``, one weight per output entry.
# - Summing over the **input** indices instead, ``einsum("mnij,ij->mn", J, t)``, is a
#   Jacobian-vector product, which :func:`torch.func.jvp` computes in forward mode.
# - For any ranks, :func:`jacdoc.einsum_subscripts` writes the string; :func:`jacdoc.vjp` and
#   :func:`jacdoc.jvp` apply it with shape checks.
