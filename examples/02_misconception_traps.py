"""
Misconception traps: wrong readings that look right
===================================================

A popular explanation of ``backward(v)`` labels the Jacobian inputs-first, lets the incoming
gradient carry the *input* indices, and passes ``torch.ones_like(inp)`` as ``v``. On the
elementwise example it explains, every one of these slips gives the right numbers, because
that Jacobian is symmetric under swapping its index pairs (see :doc:`/derivation`).

Here each slip runs on a function that mixes entries or changes shape, with the wrong answer
printed beside the right one. The right one is always checked against an independent
derivation; the wrong one is checked to really differ.
"""

# %%
# Two readings to test
# --------------------
# The chain rule, with PyTorch's outputs-first Jacobian ``J[m, n, i, j] = dy[m, n]/dx[i, j]``:
#
# .. math:: \frac{\partial L}{\partial x_{ij}} = \sum_{m,n} v_{mn}\, J_{mnij}
#
# A tempting but wrong version lets ``v`` carry the input indices ``i, j``, which leaves
# nothing for the sum over ``m, n`` to pair with:
#
# .. math:: \text{wrong}_{ij} = v_{ij} \sum_{m,n} J_{mnij}
import matplotlib.pyplot as plt
import torch

import jacdoc

# sphinx_gallery_thumbnail_number = 1


def right_vjp(f, x, v):
    """What backward(v) accumulates into x.grad."""
    x = x.clone().requires_grad_(True)
    f(x).backward(v)
    return x.grad


def wrong_formula(J, v):
    """The incoming gradient carrying the input indices: v[i, j] * sum over m, n."""
    return torch.einsum("ij,mnij->ij", v, J)


# %%
# Trap 1: a matrix product
# ------------------------
# ``y = A @ x`` mixes the entries of each column of ``x``: ``y[m, n] = sum_k A[m, k] x[k, n]``,
# so ``dy[m, n]/dx[i, j] = A[m, i] δ[n, j]``, and the chain rule gives ``x.grad = Aᵀ v``.
A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
x = torch.eye(2)
v = torch.tensor([[1.0, 0.0], [0.0, 0.0]])


def matmul(x):
    return A @ x


J = jacdoc.jacobian(matmul, x)
right = right_vjp(matmul, x, v)
wrong = wrong_formula(J, v)
print("backward(v):      ", right.tolist())
print("wrong formula:    ", wrong.tolist())

torch.testing.assert_close(J, torch.einsum("mi,nj->mnij", A, torch.eye(2)))
torch.testing.assert_close(right, A.T @ v)
torch.testing.assert_close(right, torch.tensor([[1.0, 0.0], [2.0, 0.0]]))
torch.testing.assert_close(wrong, torch.tensor([[4.0, 0.0], [0.0, 0.0]]))

# %%
# The wrong formula multiplies ``v[0, 0] = 1`` by the sum of the first column of ``A``
# (1 + 3 = 4) and can never put anything where ``v`` is zero. The right gradient,
# ``Aᵀ v``, has a 2 in row 1: input ``x[1, 0]`` feeds output ``y[0, 0]`` through
# ``A[0, 1] = 2``.
#
# Trap 2: a transpose
# -------------------
# ``y = x.T`` moves entries without changing them: ``dy[m, n]/dx[i, j] = δ[m, j] δ[n, i]``.
# The gradient must move back the other way, ``x.grad = vᵀ``.
v = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
J = jacdoc.jacobian(torch.t, x)
right = right_vjp(torch.t, x, v)
wrong = wrong_formula(J, v)
print("backward(v):      ", right.tolist())
print("wrong formula:    ", wrong.tolist())

torch.testing.assert_close(J, torch.einsum("mj,ni->mnij", torch.eye(2), torch.eye(2)))
torch.testing.assert_close(right, v.T)
torch.testing.assert_close(wrong, v)
assert not torch.equal(right, wrong)

# %%
# The wrong formula returns ``v`` unchanged, as if the transpose were not there.
#
# These two Jacobians are the heatmaps below: a block pattern for the matrix product (each
# output depends on one column of ``x``) and a permutation for the transpose. Neither is
# symmetric about the swap of output and input indices, so neither forgives an index-order
# slip.
fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained", facecolor="white")
jacdoc.plot_jacobian(jacdoc.jacobian(matmul, x), 2, ax=axes[0], title="y = A @ x: blocks")
jacdoc.plot_jacobian(J, 2, ax=axes[1], title="y = x.T: a permutation")
plt.show()

# %%
# Trap 3: a shape-changing function
# ---------------------------------
# When ``y`` and ``x`` have different shapes, the wrong formula cannot even be evaluated:
# ``v`` has the output's shape, ``J``'s last two indices the input's, and ``v[i, j]`` has no
# meaning. Take the transpose of a 4x5 input, so ``y`` is 5x4.
x = torch.arange(20.0).reshape(4, 5)
v = torch.randn(5, 4)
J = jacdoc.jacobian(torch.t, x)
assert J.shape == (5, 4, 4, 5)

right = right_vjp(torch.t, x, v)
torch.testing.assert_close(right, v.T)
assert right.shape == x.shape
try:
    wrong_formula(J, v)
except RuntimeError as error:
    message = str(error)
    print("wrong formula fails:", message)
assert "subscript i has size 4" in message

# %%
# The right contraction works for any shapes; :func:`jacdoc.vjp` also checks that ``v``
# matches the output part of ``J`` and says so when it does not:
torch.testing.assert_close(jacdoc.vjp(v, J), right)
try:
    jacdoc.vjp(torch.ones(4, 5), J)
except ValueError as error:
    print("jacdoc.vjp:", error)

# %%
# Trap 4: ``ones_like(inp)`` instead of ``ones_like(out)``
# --------------------------------------------------------
# ``v`` is ``dL/dy``, so it has the output's shape. Passing a tensor shaped like the input
# works only when the two shapes agree. With the 4x5 transpose it fails:
x = torch.arange(20.0).reshape(4, 5).requires_grad_(True)
out = x.T
try:
    out.backward(torch.ones_like(x))
except RuntimeError as error:
    message = str(error)
    print("backward(ones_like(inp)) fails:", message)
assert "Mismatch in shape" in message

out.backward(torch.ones_like(out))
torch.testing.assert_close(x.grad, torch.ones(4, 5))
print("backward(ones_like(out)) gives x.grad of shape", tuple(x.grad.shape))

# %%
# Trap 5: a JVP mistaken for a VJP
# --------------------------------
# ``backward(v)`` is a *vector-Jacobian* product: it sums over ``J``'s output indices.
# Summing over the input indices instead is a *Jacobian-vector* product, ``J·t``, what
# :func:`torch.func.jvp` computes. The popular einsum ``"ij,ijmn->mn"`` reads as a JVP if the
# Jacobian really were stored inputs first. For the matrix product the two differ:
# ``vᵀJ`` is ``Aᵀ v`` and ``J·v`` is ``A v``.
x = torch.eye(2)
v = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
J = jacdoc.jacobian(matmul, x)
J_inputs_first = J.permute(2, 3, 0, 1)  # J_inputs_first[i, j, m, n] = dy[m, n]/dx[i, j]
as_jvp = torch.einsum("ij,ijmn->mn", v, J_inputs_first)
_, by_forward_mode = torch.func.jvp(matmul, (x,), (v,))
right = right_vjp(matmul, x, v)
print("backward(v) = Aᵀv: ", right.tolist())
print("JVP J·v = A v:     ", as_jvp.tolist())

torch.testing.assert_close(as_jvp, by_forward_mode)
torch.testing.assert_close(as_jvp, A @ v)
torch.testing.assert_close(as_jvp, torch.tensor([[1.0, 0.0], [3.0, 0.0]]))
assert not torch.equal(as_jvp, right)

# %%
# Trap 6: expecting the Jacobian from ``backward()``
# --------------------------------------------------
# ``backward()`` with no argument only works on a scalar, where ``v = 1`` is implied. On a
# non-scalar output PyTorch refuses rather than guess a ``v``; it never returns a Jacobian.
x = torch.eye(2, requires_grad=True)
try:
    ((x + 1) ** 2).backward()
except RuntimeError as error:
    message = str(error)
    print("backward() on a 2x2 output:", message)
assert "grad can be implicitly created only for scalar outputs" in message

# %%
# Key points
# ----------
# - The incoming gradient ``v`` carries the **output** indices and has the output's shape:
#   ``x.grad[i, j] = sum over m, n of v[m, n] J[m, n, i, j]``.
# - Test an explanation on a function that mixes entries (``A @ x``) or moves them
#   (``x.T``); an elementwise map agrees with almost any index mistake.
# - For shape-changing functions, the wrong formula and ``ones_like(inp)`` do not even run.
# - ``backward`` computes ``vᵀJ`` (reverse mode); ``J·t`` is forward mode,
#   :func:`torch.func.jvp`. They differ whenever ``J`` is not symmetric.
#
# Next: :doc:`the life of .grad <03_grad_accumulation>`.
