"""
One Jacobian through every PyTorch API
======================================

PyTorch has three families of tools for derivatives of non-scalar functions: the
``Tensor.backward`` / ``torch.autograd.grad`` pair, ``torch.autograd.functional``, and the
composable transforms of ``torch.func``. They compute the same mathematics. This example
takes one function that mixes entries *and* changes shape, derives its Jacobian by hand, and
checks that every API reproduces it, or the VJP and JVP that it implies.
"""

# %%
# The function and its Jacobian by hand
# -------------------------------------
# ``y = sin(A @ x)`` with ``A`` of shape 4x2 and ``x`` of shape 2x3, so ``y`` is 4x3. From
# ``y[m, n] = sin(sum_k A[m, k] x[k, n])``:
#
# .. math:: \frac{\partial y_{mn}}{\partial x_{ij}} = \cos\big((Ax)_{mn}\big)\, A_{mi}\,
#           \delta_{nj}
#
# The Jacobian has shape ``(4, 3) + (2, 3)``: 12 output entries times 6 input entries.
import matplotlib.pyplot as plt
import torch
import torch.autograd.functional as AF

import jacdoc

# sphinx_gallery_thumbnail_number = 1

torch.manual_seed(0)
A = torch.randn(4, 2)
x = torch.randn(2, 3)


def f(x):
    return torch.sin(A @ x)


J_hand = torch.einsum("mn,mi,nj->mnij", torch.cos(A @ x), A, torch.eye(3))
assert J_hand.shape == f(x).shape + x.shape == (4, 3, 2, 3)

v = torch.randn(4, 3)  # a cotangent: the output's shape
t = torch.randn(2, 3)  # a tangent: the input's shape
vjp_hand = jacdoc.vjp(v, J_hand)  # sum over the output indices
jvp_hand = jacdoc.jvp(J_hand, t)  # sum over the input indices

ax = jacdoc.plot_jacobian(J_hand, out_ndim=2, title="Jacobian of sin(A @ x), 12 x 6")
plt.show()

# %%
# Each column of ``x`` only affects the same column of ``y`` (the ``δ[n, j]``), which is why
# the matrix is mostly zeros in a regular pattern.
#
# ``Tensor.backward(gradient)``: a VJP into ``.grad``
# ---------------------------------------------------
x_leaf = x.clone().requires_grad_(True)
f(x_leaf).backward(gradient=v)
torch.testing.assert_close(x_leaf.grad, vjp_hand)

# %%
# ``torch.autograd.grad``: a VJP, returned instead of accumulated
# ---------------------------------------------------------------
x_leaf = x.clone().requires_grad_(True)
(grad,) = torch.autograd.grad(f(x_leaf), x_leaf, grad_outputs=v)
torch.testing.assert_close(grad, vjp_hand)
assert x_leaf.grad is None  # autograd.grad leaves .grad alone

# %%
# With ``is_grads_batched=True``, ``grad_outputs`` gets a leading batch dimension and
# autograd runs one vectorized backward pass per batch entry. A batch holding every basis
# cotangent (one per output entry) returns every row of the Jacobian at once:
x_leaf = x.clone().requires_grad_(True)
y = f(x_leaf)
basis = torch.eye(y.numel()).reshape(y.numel(), *y.shape)  # 12 cotangents, each 4x3
(rows,) = torch.autograd.grad(y, x_leaf, grad_outputs=basis, is_grads_batched=True)
assert rows.shape == (12, 2, 3)
torch.testing.assert_close(rows.reshape(J_hand.shape), J_hand)

# %%
# ``torch.autograd.functional``: VJP, JVP and the whole Jacobian
# --------------------------------------------------------------
# These take the function itself and return the output too.
out, vjp_af = AF.vjp(f, x, v)
torch.testing.assert_close(vjp_af, vjp_hand)
out, jvp_af = AF.jvp(f, x, t)
torch.testing.assert_close(jvp_af, jvp_hand)

# %%
# ``jacobian`` by default loops over the 12 output entries in Python, one backward pass
# each; ``vectorize=True`` batches them, and ``strategy="forward-mode"`` builds the 6 columns
# with forward-mode AD instead (it requires ``vectorize=True``).
for options in [{}, {"vectorize": True}, {"vectorize": True, "strategy": "forward-mode"}]:
    torch.testing.assert_close(AF.jacobian(f, x, **options), J_hand)
    print("autograd.functional.jacobian with", options or "defaults", "matches J by hand")

# %%
# ``torch.func``: transforms that compose
# ---------------------------------------
# ``torch.func.vjp`` returns the output and a function that applies ``vᵀJ`` to any ``v``;
# ``torch.func.jvp`` computes ``J·t`` in forward mode, in the same pass as ``f``.
out, vjp_fn = torch.func.vjp(f, x)
(vjp_func,) = vjp_fn(v)
torch.testing.assert_close(vjp_func, vjp_hand)
out, jvp_func = torch.func.jvp(f, (x,), (t,))
torch.testing.assert_close(jvp_func, jvp_hand)

# %%
# ``vmap`` turns "one VJP" into "all rows" and "one JVP" into "all columns". That is exactly
# what ``jacrev`` and ``jacfwd`` do:
(rows,) = torch.func.vmap(vjp_fn)(basis)
torch.testing.assert_close(rows.reshape(J_hand.shape), J_hand)

input_basis = torch.eye(x.numel()).reshape(x.numel(), *x.shape)  # 6 tangents, each 2x3
columns = torch.func.vmap(lambda tangent: torch.func.jvp(f, (x,), (tangent,))[1])(input_basis)
torch.testing.assert_close(columns.movedim(0, -1).reshape(J_hand.shape), J_hand)

torch.testing.assert_close(torch.func.jacrev(f)(x), J_hand)
torch.testing.assert_close(torch.func.jacfwd(f)(x), J_hand)

# %%
# ``jacdoc.jacobian`` picks reverse or forward mode from the shapes, and all three of its
# modes agree too:
for mode in ("auto", "reverse", "forward"):
    torch.testing.assert_close(jacdoc.jacobian(f, x, mode=mode), J_hand)
print("every API reproduced J, vᵀJ and J·t")

# %%
# Which to use
# ------------
# ==========================================  ===========================  =======================================
# API                                         returns                      use it for
# ==========================================  ===========================  =======================================
# ``y.backward(v)``                           nothing; adds ``vᵀJ`` to     training: gradients of a loss into the
#                                             each leaf's ``.grad``        parameters, accumulated
# ``torch.autograd.grad(y, x, v)``            ``vᵀJ`` as a new tensor      a gradient you want to keep out of
#                                                                          ``.grad`` (penalties, meta-learning)
# ``autograd.grad(..., is_grads_batched)``    a batch of ``vᵀJ``           many VJPs through one graph
# ``autograd.functional.vjp`` / ``jvp``       ``(f(x), vᵀJ)`` /            one-off products of a function;
#                                             ``(f(x), J·t)``              older API
# ``autograd.functional.jacobian``            ``J``                        ``vectorize=True`` or not at all: the
#                                                                          default loops in Python
# ``torch.func.vjp``                          ``f(x)`` and a VJP function  many VJPs of one function; composes
#                                                                          with ``vmap`` and ``grad``
# ``torch.func.jvp``                          ``(f(x), J·t)``              directional derivatives, forward mode
# ``torch.func.jacrev``                       ``J``, row by row            outputs no larger than inputs
# ``torch.func.jacfwd``                       ``J``, column by column      outputs larger than inputs
# ``torch.func.vmap``                         a batched function           per-sample Jacobians and gradients
# ``jacdoc.jacobian``                         ``J``                        rows or columns, whichever is fewer
# ==========================================  ===========================  =======================================
#
# The PyTorch documentation recommends the ``torch.func`` transforms over
# ``torch.autograd.functional.jacobian`` for new code.
#
# Key points
# ----------
# - All of these compute ``vᵀJ``, ``J·t`` or ``J`` itself, in the same outputs-first layout.
# - Only ``backward`` writes to ``.grad``; everything else returns its result.
# - ``jacrev`` is ``vmap`` over VJPs (one per output entry), ``jacfwd`` is ``vmap`` over JVPs
#   (one per input entry). :doc:`05_cross_checks` checks them against finite differences and
#   symbols, and :doc:`06_cost` measures what each costs.
