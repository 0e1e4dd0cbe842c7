"""
Batches and second derivatives
==============================

Two things change the shape of a Jacobian in practice. A batch dimension multiplies it, often
by far more than the question needs. And a second derivative is a Jacobian of a Jacobian.
This example builds both with ``torch.func`` and checks them against closed forms.
"""

# %%
# Per-sample Jacobians with ``vmap(jacrev(f))``
# ---------------------------------------------
# A layer maps one sample ``x`` (3 features) to ``y = tanh(W x)`` (2 outputs). Its Jacobian
# for one sample is 2x3: ``dy_m / dx_i = (1 - y_m²) W_mi``. For a batch of 4 samples we want
# four of them, shape ``(4, 2, 3)``. ``vmap`` maps ``jacrev`` over the batch dimension:
import matplotlib.pyplot as plt
import torch

import jacdoc

# sphinx_gallery_thumbnail_number = 1

torch.manual_seed(0)
W = torch.randn(2, 3)
X = torch.randn(4, 3)  # a batch: 4 samples of 3 features


def layer(x):
    """One sample: 3 features in, 2 outputs."""
    return torch.tanh(W @ x)


per_sample = torch.func.vmap(torch.func.jacrev(layer))(X)
Y = torch.tanh(X @ W.T)
by_hand = (1 - Y**2)[:, :, None] * W  # (4, 2, 1) * (2, 3) -> (4, 2, 3)
assert per_sample.shape == (4, 2, 3)
torch.testing.assert_close(per_sample, by_hand)
print("per-sample Jacobians:", tuple(per_sample.shape))


# %%
# The naive batched Jacobian is B × out × B × in
# ----------------------------------------------
# Differentiating the *batched* function instead treats the whole batch as one input and the
# whole output batch as one output. Its Jacobian has shape ``(4, 2) + (4, 3)``: it also holds
# the derivative of sample ``b``'s output with respect to sample ``c``'s input, which is zero
# for ``b ≠ c`` because samples do not interact.
def batched_layer(X):
    return torch.tanh(X @ W.T)


J_naive = jacdoc.jacobian(batched_layer, X)
assert J_naive.shape == (4, 2, 4, 3)
for b in range(4):
    for c in range(4):
        block = J_naive[b, :, c, :]
        if b == c:
            torch.testing.assert_close(block, per_sample[b])
        else:
            assert not block.any(), "samples do not interact"
print(f"naive: {J_naive.numel()} numbers, of which {per_sample.numel()} are not structurally zero")
assert J_naive.numel() == 4 * per_sample.numel()
# As a matrix: 8 output entries (4 samples x 2) by 12 input entries (4 samples x 3).
assert jacdoc.as_matrix(J_naive, out_ndim=2).shape == (8, 12)

ax = jacdoc.plot_jacobian(J_naive, out_ndim=2, title="Naive batched Jacobian, B = 4")
plt.show()

# %%
# Each 2x3 block on the diagonal is one sample's Jacobian; everything else is zero. The
# naive tensor is ``B`` times larger than the per-sample one (checked above): with ``B``
# samples, ``B - 1`` of every ``B`` blocks are zeros, computed and stored for nothing.
#
# When samples are independent there is a cheaper trick than ``vmap``: sum the output over
# the batch first. Sample ``b``'s output then only picks up sample ``b``'s input, so the
# Jacobian of the sum, shape ``(2, 4, 3)``, holds every per-sample block:
J_of_sum = jacdoc.jacobian(lambda X: batched_layer(X).sum(dim=0), X)
assert J_of_sum.shape == (2, 4, 3)
torch.testing.assert_close(J_of_sum.movedim(1, 0), per_sample)


# %%
# This only holds when samples do not interact. A layer that normalises over the batch
# (batch norm in training mode) couples them, and only the full ``B × out × B × in`` tensor
# is right.
#
# Hessians: the Jacobian of the gradient
# --------------------------------------
# For a scalar function ``g``, the gradient is a vector-valued function of ``x`` and its
# Jacobian is the Hessian, ``H_ij = d²g / dx_i dx_j``. Compose the transforms: ``jacrev`` for
# the gradient (one output, so reverse mode), then ``jacfwd`` over it (as many outputs as
# inputs; forward-over-reverse is PyTorch's recommended way). Take the log-sum-exp,
# ``g(x) = log Σ exp(x_k)``, whose Hessian has a closed form: with ``p = softmax(x)``,
# ``H = diag(p) - p pᵀ``.
def logsumexp(x):
    return torch.logsumexp(x, dim=0)


x = torch.randn(5, dtype=torch.float64)
H = torch.func.jacfwd(torch.func.jacrev(logsumexp))(x)
p = torch.softmax(x, dim=0)
H_closed_form = torch.diag(p) - torch.outer(p, p)
assert H.shape == (5, 5)
torch.testing.assert_close(H, H_closed_form)
torch.testing.assert_close(torch.func.hessian(logsumexp)(x), H_closed_form)
torch.testing.assert_close(torch.autograd.functional.hessian(logsumexp, x), H_closed_form)
torch.testing.assert_close(jacdoc.jacobian(torch.func.grad(logsumexp), x), H_closed_form)
print("Hessian of log-sum-exp matches diag(p) - p pᵀ")

# %%
# Two facts about this Hessian, both checked: it is symmetric, as every Hessian of a smooth
# function is, and its rows sum to zero, because adding a constant to every ``x_k`` leaves
# the gradient ``p`` unchanged.
torch.testing.assert_close(H, H.T)
torch.testing.assert_close(H.sum(dim=1), torch.zeros(5, dtype=torch.float64))

ax = jacdoc.plot_jacobian(H, out_ndim=1, title="Hessian of log-sum-exp: diag(p) - p pᵀ")
plt.show()

# %%
# For a matrix input the same composition gives a rank-4 Hessian, ``x.shape + x.shape``,
# in the same layout as a Jacobian: ``H[m, n, i, j] = d²g / dx_mn dx_ij``. For
# ``g(x) = Σ (x + 1)³``, it is ``6 (x_ij + 1) δ_mi δ_nj``: the elementwise pattern of the
# derivation page, one derivative higher.
x = torch.eye(2, dtype=torch.float64)
H = torch.func.hessian(lambda x: ((x + 1) ** 3).sum())(x)
assert H.shape == (2, 2, 2, 2)
torch.testing.assert_close(H, jacdoc.elementwise_jacobian(6 * (x + 1)))

# %%
# Key points
# ----------
# - ``vmap(jacrev(f))`` gives per-sample Jacobians, shape ``(B,) + out + in``.
# - Differentiating the batched function gives ``(B,) + out + (B,) + in``: block diagonal,
#   ``B`` times the size and work. Summing over the batch first recovers the blocks, but only
#   when samples do not interact.
# - A Hessian is the Jacobian of the gradient: ``jacfwd(jacrev(g))``, or
#   :func:`torch.func.hessian`, in the same outputs-first layout.
