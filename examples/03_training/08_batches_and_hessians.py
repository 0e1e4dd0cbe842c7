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
import torch

import jacdoc

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


# sphinx_gallery_start_ignore
# The cell the text below points at.
assert "<title>J[1, 0, 2, 0] = ∂Y[1, 0] / ∂X[2, 0] = 0</title>" in (
    jacdoc.show_jacobian(J_naive, out_ndim=2, names=("Y", "X")).svg
)
# sphinx_gallery_end_ignore
jacdoc.show_jacobian(J_naive, out_ndim=2, names=("Y", "X"))

# %%
# Rows are ``(b, m)``, sample and output; columns ``(c, i)``, sample and input. Point at a
# cell to read it: ``J[1, 0, 2, 0] = ∂Y[1, 0] / ∂X[2, 0] = 0``, sample 1's output against
# sample 2's input, is zero like every cell outside the diagonal blocks.
#
# Each 2x3 block on the diagonal is one sample's Jacobian; everything else is zero. The
# naive tensor is ``B`` times larger than the per-sample one (checked above): with ``B``
# samples, ``B - 1`` of every ``B`` blocks are zeros, computed and stored for nothing.
#
# The work grows nearly as much. Count the matrix-product FLOPs, as :doc:`/auto_examples/02_apis/06_cost` does. One
# evaluation of the batch costs the same either way. The naive Jacobian adds one VJP through
# the whole batch per output entry, ``B · out`` of them; ``vmap(jacrev(f))`` adds ``out``
# VJPs, each batched over the samples and so of the same size. The ratio is
# ``(1 + B · out) / (1 + out)``: 3 here, and it approaches ``B`` as ``out`` grows.
from torch.utils.flop_counter import FlopCounterMode


def matrix_flops(run):
    with FlopCounterMode(display=False) as counter:
        run()
    return counter.get_total_flops()


B, n_out = Y.shape
naive_flops = matrix_flops(lambda: jacdoc.jacobian(batched_layer, X))
per_sample_flops = matrix_flops(lambda: torch.func.vmap(torch.func.jacrev(layer))(X))
print(f"naive: {naive_flops} FLOPs, per sample with vmap: {per_sample_flops} FLOPs")
assert naive_flops * (1 + n_out) == per_sample_flops * (1 + B * n_out)
# sphinx_gallery_start_ignore
assert (1 + B * n_out) / (1 + n_out) == 3  # the ratio the text quotes
# sphinx_gallery_end_ignore

# %%
# When samples are independent there is an equivalent trick that needs no ``vmap``: sum the
# output over the batch first. Sample ``b``'s output then only picks up sample ``b``'s
# input, so the Jacobian of the sum, shape ``(2, 4, 3)``, holds every per-sample block. It
# does the same matrix arithmetic as ``vmap(jacrev(f))``:
J_of_sum = jacdoc.jacobian(lambda X: batched_layer(X).sum(dim=0), X)
assert J_of_sum.shape == (2, 4, 3)
torch.testing.assert_close(J_of_sum.movedim(1, 0), per_sample)
assert matrix_flops(lambda: jacdoc.jacobian(lambda X: batched_layer(X).sum(dim=0), X)) == (
    per_sample_flops
)


# %%
# This only holds when samples do not interact. A layer that normalises over the batch
# (batch norm in training mode) couples them, and only the full ``B × out × B × in`` tensor
# is right.
#
# Hessians: the Jacobian of the gradient
# --------------------------------------
# For a scalar function ``g``, the gradient is a vector-valued function of ``x`` and its
# Jacobian is the Hessian, ``H_ij = d²g / dx_i dx_j``. Compose the transforms: ``jacrev`` for
# the gradient (one output and many inputs, a wide Jacobian, so reverse mode), then a second
# transform over it. Take the log-sum-exp, ``g(x) = log Σ exp(x_k)``, whose Hessian has a
# closed form: with ``p = softmax(x)``, ``H = diag(p) - p pᵀ``.
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

import matplotlib.pyplot as plt

ax = jacdoc.plot_jacobian(H, out_ndim=1, title="Hessian of log-sum-exp: diag(p) - p pᵀ")
plt.show()

# %%
# Which transform goes where? The inner one computes the gradient, a wide Jacobian (one
# output, ``n`` inputs): reverse mode gets it with one VJP, forward mode needs ``n`` JVPs,
# one per input. The outer one differentiates the gradient, whose Jacobian is square, so
# counting passes decides nothing there: ``n`` JVPs or ``n`` VJPs. All four compositions give
# the same Hessian. :class:`jacdoc.PeakMemory` counts the tensor memory each one needs, for
# ``n = 64``:
x64 = torch.randn(64, dtype=torch.float64)
p64 = torch.softmax(x64, dim=0)
peaks = {}
for outer in (torch.func.jacfwd, torch.func.jacrev):
    for inner in (torch.func.jacfwd, torch.func.jacrev):
        name = f"{outer.__name__}({inner.__name__}(g))"
        with jacdoc.PeakMemory() as memory:
            H64 = outer(inner(logsumexp))(x64)
        torch.testing.assert_close(H64, torch.diag(p64) - torch.outer(p64, p64))
        peaks[name] = memory.peak
        print(f"{name:18} peak {memory.peak:>10,} bytes")

inner_forward = [peaks["jacfwd(jacfwd(g))"], peaks["jacrev(jacfwd(g))"]]
inner_reverse = [peaks["jacfwd(jacrev(g))"], peaks["jacrev(jacrev(g))"]]
assert min(inner_forward) > 10 * max(inner_reverse)
assert peaks["jacrev(jacrev(g))"] < peaks["jacfwd(jacrev(g))"] < 2 * peaks["jacrev(jacrev(g))"]

# %%
# The inner transform should be reverse mode. All four compositions give the right Hessian,
# but an inner forward mode runs its ``n`` JVPs for each of the outer transform's ``n``
# vectors, ``n × n`` at once, and needs more than ten times the memory here. The outer
# choice matters far less; here it changes the peak by less than a factor of two, in favour
# of reverse mode.
#
# :func:`torch.func.hessian` is ``jacfwd(jacrev(g))``, forward-over-reverse, and its
# documentation calls that a good default for performance. The JAX Autodiff Cookbook argues
# for it from shapes: the outer transform differentiates the gradient, whose Jacobian is
# square, and for square or nearly square Jacobians it expects forward mode to have the
# edge. Counting passes, as above, gives a tie there; what decides is each mode's overhead
# and memory, which depend on the function and the library. For this small function in
# eager PyTorch, the memory count above comes out slightly in favour of
# reverse-over-reverse, and :doc:`/auto_examples/04_beyond/12_hessian_vector_products` finds the same for a single
# Hessian-vector product. Measure on your own function when it matters.
#
# For a matrix input the same composition gives a rank-4 Hessian, ``x.shape + x.shape``,
# in the same layout as a Jacobian: ``H[m, n, i, j] = d²g / dx_mn dx_ij``. For
# ``g(x) = Σ (x + 1)³``, it is ``6 (x_ij + 1) δ_mi δ_nj``: the elementwise pattern of the
# derivation page, one derivative higher.
x = torch.eye(2, dtype=torch.float64)
H_rank4 = torch.func.hessian(lambda x: ((x + 1) ** 3).sum())(x)
assert H_rank4.shape == (2, 2, 2, 2)
torch.testing.assert_close(H_rank4, jacdoc.elementwise_jacobian(6 * (x + 1)))

# %%
# Key points
# ----------
# - ``vmap(jacrev(f))`` gives per-sample Jacobians, shape ``(B,) + out + in``.
# - Differentiating the batched function gives ``(B,) + out + (B,) + in``: block diagonal,
#   ``B`` times the size, and ``(1 + B · out) / (1 + out)`` times the matrix-product work,
#   which approaches ``B`` as ``out`` grows. Summing over the batch first recovers the
#   blocks, with the same arithmetic as ``vmap``, but only when samples do not interact.
# - A Hessian is the Jacobian of the gradient: ``jacfwd(jacrev(g))``, or
#   :func:`torch.func.hessian`, in the same outputs-first layout. The inner transform should
#   be reverse mode (the gradient is a wide Jacobian). The gradient's own Jacobian is square,
#   so for the outer one neither mode wins by count; forward-over-reverse is the documented
#   default, argued for from that square shape (the JAX Autodiff Cookbook), and worth
#   measuring on your own function: here reverse-over-reverse needed less memory.
#
# Next: :doc:`Jacobians of a model's parameters </auto_examples/03_training/09_model_parameters>`.
