"""
Misconception traps: wrong readings that look right
===================================================

A popular explanation of ``backward(v)`` (see :ref:`what it gets wrong <popular-answer>`)
labels the Jacobian inputs-first, lets the incoming gradient carry the *input* indices, and
passes ``torch.ones_like(inp)`` as ``v``. On the elementwise example it explains, every one of these
slips gives the right numbers, because that Jacobian, as a matrix, is symmetric and even
diagonal (see :doc:`/derivation`).

Here each slip runs on a function whose Jacobian, as a matrix, is not diagonal, or that changes
shape, with the wrong answer
printed beside the right one. The right one is always checked against an independent
derivation; the wrong one is checked to really differ, or, where a slip still goes
unnoticed, to really agree. The page ends with the error that ``backward()`` raises on a
non-scalar output, and its usual causes in a training loop.
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
import torch

import jacdoc

torch.manual_seed(0)


def right_vjp(f, x, v):
    """What backward(v) accumulates into x.grad."""
    x = x.clone().requires_grad_(True)
    f(x).backward(v)
    return x.grad


def wrong_formula(J, v):
    """The incoming gradient carrying the input indices: v[i, j] * sum over m, n."""
    return torch.einsum("ij,mnij->ij", v, J)


# %%
# .. _trap-matmul:
#
# Trap 1: a matrix product
# ------------------------
# ``y = A @ x`` mixes the entries of each column of ``x``: ``y[m, n] = sum_k A[m, k] x[k, n]``,
# so ``dy[m, n]/dx[i, j] = A[m, i] δ[n, j]``, and the chain rule gives ``x.grad = Aᵀ v``.
A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
x = torch.eye(2)
v = torch.tensor([[1.0, 0.0], [0.0, 0.0]])


def matmul(x):
    return A @ x


J_matmul = jacdoc.jacobian(matmul, x)
right = right_vjp(matmul, x, v)
wrong = wrong_formula(J_matmul, v)
print("backward(v):      ", right.tolist())
print("wrong formula:    ", wrong.tolist())

torch.testing.assert_close(J_matmul, torch.einsum("mi,nj->mnij", A, torch.eye(2)))
torch.testing.assert_close(right, A.T @ v)
torch.testing.assert_close(right, torch.tensor([[1.0, 0.0], [2.0, 0.0]]))
torch.testing.assert_close(wrong, torch.tensor([[4.0, 0.0], [0.0, 0.0]]))

# %%
# The wrong formula multiplies ``v[0, 0] = 1`` by the sum of the first column of ``A``
# (1 + 3 = 4) and can never put anything where ``v`` is zero. The right gradient,
# ``Aᵀ v``, has a 2 in row 1: input ``x[1, 0]`` feeds output ``y[0, 0]`` through
# ``A[0, 1] = 2``.
#
# .. _trap-transpose:
#
# Trap 2: a transpose
# -------------------
# ``y = x.T`` moves entries without changing them: ``dy[m, n]/dx[i, j] = δ[m, j] δ[n, i]``.
# The gradient must move back the other way, ``x.grad = vᵀ``.
v = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
J_transpose = jacdoc.jacobian(torch.t, x)
right = right_vjp(torch.t, x, v)
wrong = wrong_formula(J_transpose, v)
print("backward(v):      ", right.tolist())
print("wrong formula:    ", wrong.tolist())

torch.testing.assert_close(J_transpose, torch.einsum("mj,ni->mnij", torch.eye(2), torch.eye(2)))
torch.testing.assert_close(right, v.T)
torch.testing.assert_close(wrong, v)
assert not torch.equal(right, wrong)

# %%
# The wrong formula returns ``v`` unchanged, as if the transpose were not there: the
# transpose catches the slip of giving ``v`` the input indices.
#
# It does not catch the other slip, reading ``J`` inputs first. Swapping the two index pairs
# of this ``J`` gives the same tensor back: ``δ[m, j] δ[n, i]`` is unchanged when ``(m, n)``
# and ``(i, j)`` trade places, because transposing twice gives back the input. So contracting
# ``v`` with the wrong pair of ``J`` still gives ``vᵀ``, and the VJP equals the JVP with the
# same tensor (:func:`torch.func.jvp` of ``x.T`` along ``v`` is ``vᵀ`` too):
assert torch.equal(J_transpose.permute(2, 3, 0, 1), J_transpose)
wrong_pair = torch.einsum("mnij,ij->mn", J_transpose, v)  # sums over J's last two axes
torch.testing.assert_close(wrong_pair, right)
torch.testing.assert_close(torch.func.jvp(torch.t, (x,), (v,))[1], right)
print("contracting the wrong pair of J for x.T:", wrong_pair.tolist(), "(still right)")

# %%
# In the matrix view (:func:`jacdoc.as_matrix`, rows by output entry, columns by input
# entry), swapping the index pairs transposes the matrix, so for a map whose output has its
# input's shape, as here, the inputs-first misreading goes unnoticed exactly when that matrix
# is symmetric. For ``A @ x`` it is not; for the
# transpose of a square matrix it is a symmetric permutation matrix. The heatmaps show both:
# a block pattern for the matrix product (each output depends on one column of ``x``) and a
# permutation for the transpose, symmetric about its diagonal. The derivation page runs
# :ref:`this test on four maps <derivation-criterion>`.
M_matmul = jacdoc.as_matrix(J_matmul, 2)
M_transpose = jacdoc.as_matrix(J_transpose, 2)
torch.testing.assert_close(jacdoc.as_matrix(J_matmul.permute(2, 3, 0, 1), 2), M_matmul.T)
assert not torch.equal(M_matmul, M_matmul.T)
assert torch.equal(M_transpose, M_transpose.T)

import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained", facecolor="white")
jacdoc.plot_jacobian(J_matmul, 2, ax=axes[0], title="y = A @ x: blocks, not symmetric")
jacdoc.plot_jacobian(J_transpose, 2, ax=axes[1], title="y = x.T: a symmetric permutation")
plt.show()

# %%
# To see which derivative a cell holds, point at it in these two heatmaps of the same
# Jacobians (:func:`jacdoc.show_jacobian`). In the first, the cell of output ``(0, 0)`` and
# input ``(1, 0)`` reads ``J[0, 0, 1, 0] = ∂y[0, 0] / ∂x[1, 0] = 2``: that is ``A[0, 1]``, the
# weight with which ``x[1, 0]`` enters ``y[0, 0]``. The mirror cell, output ``(1, 0)`` and
# input ``(0, 0)``, holds ``A[1, 0] = 3``: the matrix is not symmetric.
jacdoc.show_jacobian(J_matmul, 2)

# %%
# In the transpose, output ``(0, 1)`` comes from input ``(1, 0)`` and output ``(1, 0)`` from
# input ``(0, 1)``: two mirror cells, both 1, which is why this matrix is symmetric.

# sphinx_gallery_start_ignore
# The cells the two paragraphs point at.
for J_shown, cell, value in [
    (J_matmul, "J[0, 0, 1, 0] = ∂y[0, 0] / ∂x[1, 0] = 2", A[0, 1]),
    (J_matmul, "J[1, 0, 0, 0] = ∂y[1, 0] / ∂x[0, 0] = 3", A[1, 0]),
    (J_transpose, "J[0, 1, 1, 0] = ∂y[0, 1] / ∂x[1, 0] = 1", 1.0),
    (J_transpose, "J[1, 0, 0, 1] = ∂y[1, 0] / ∂x[0, 1] = 1", 1.0),
]:
    assert f"<title>{cell}</title>" in jacdoc.show_jacobian(J_shown, 2).svg
    m, n, i, j = map(int, cell[2:12].split(", "))
    assert J_shown[m, n, i, j] == value
# sphinx_gallery_end_ignore
jacdoc.show_jacobian(J_transpose, 2)

# %%
# .. _trap-shape-change:
#
# Trap 3: a shape-changing function
# ---------------------------------
# When ``y`` and ``x`` have different shapes, the wrong formula usually cannot even be
# evaluated: ``v`` has the output's shape, ``J``'s last two indices the input's, and
# ``v[i, j]`` has no meaning. Take the transpose of a 4x5 input, so ``y`` is 5x4. Here the inputs-first
# misreading cannot hide either: ``J`` has shape ``(5, 4) + (4, 5)``, and swapping its index
# pairs gives a different shape.
x = torch.arange(20.0).reshape(4, 5)
v = torch.randn(5, 4)
J = jacdoc.jacobian(torch.t, x)
assert J.shape == (5, 4, 4, 5)
assert J.permute(2, 3, 0, 1).shape != J.shape

right = right_vjp(torch.t, x, v)
torch.testing.assert_close(right, v.T)
assert right.shape == x.shape
try:
    wrong_formula(J, v)
except RuntimeError as error:
    print("wrong formula fails:", error)
    # sphinx_gallery_start_ignore
    if "subscript i has size 4" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("the wrong formula should fail on a shape-changing function")

# %%
# "Usually": :func:`torch.einsum` broadcasts dimensions of size 1, so when the shapes differ
# only by such dimensions the wrong formula runs, and what it returns depends on the map. For
# the transpose of a 1x4 row, a wrong answer of the wrong shape:
x_row = torch.ones(1, 4)
v_column = torch.tensor([[1.0], [10.0], [100.0], [1000.0]])  # shaped like y = x_row.T
J_row = jacdoc.jacobian(torch.t, x_row)
assert J_row.shape == (4, 1, 1, 4)
wrong_row = wrong_formula(J_row, v_column)
right_row = right_vjp(torch.t, x_row, v_column)
print("right:", right_row.tolist(), " wrong formula:", tuple(wrong_row.shape))
torch.testing.assert_close(right_row, v_column.T)
assert wrong_row.shape == (4, 4)

# %%
# For a sum over the rows that keeps its dimension, ``(4, 4) -> (1, 4)``, the right answer in
# the right shape: every ``dy[0, n]/dx[i, j]`` is ``δ[n, j]``, so ``v[0, j]`` summed with it
# is ``v[0, j]`` itself, and broadcasting ``v`` over the rows gives the same. This map cannot
# catch the slip, although it changes shape.
x_square = torch.randn(4, 4)
v_row = torch.tensor([[1.0, 10.0, 100.0, 1000.0]])  # shaped like y = x.sum(0, keepdim=True)


def column_sums(x):
    return x.sum(dim=0, keepdim=True)


J_sum = jacdoc.jacobian(column_sums, x_square)
assert J_sum.shape == (1, 4, 4, 4)
right_sum = right_vjp(column_sums, x_square, v_row)
torch.testing.assert_close(right_sum, v_row.expand(4, 4))  # each x[i, j] feeds y[0, j] once
torch.testing.assert_close(wrong_formula(J_sum, v_row), right_sum)
print("keep-dim sum: the wrong formula gives backward's answer:", right_sum[0].tolist())

# %%
# The right contraction works for any shapes; :func:`jacdoc.vjp` also checks that ``v``
# matches the output part of ``J`` and says so when it does not:
torch.testing.assert_close(jacdoc.vjp(v, J), right)
try:
    jacdoc.vjp(torch.ones(4, 5), J)
except ValueError as error:
    print("jacdoc.vjp:", error)
else:
    raise AssertionError("jacdoc.vjp should reject a v shaped like the input")

# %%
# .. _trap-ones-like-input:
#
# Trap 4: ``ones_like(inp)`` instead of ``ones_like(out)``
# --------------------------------------------------------
# ``v`` is ``dL/dy``, so it has the output's shape. Passing a tensor shaped like the input
# works only when the two shapes agree. With the 4x5 transpose it fails:
x = torch.arange(20.0).reshape(4, 5).requires_grad_(True)
out = x.T
try:
    out.backward(torch.ones_like(x))
except RuntimeError as error:
    print("backward(ones_like(inp)) fails:", error)
    # sphinx_gallery_start_ignore
    if "Mismatch in shape" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("backward should reject a gradient shaped like the input")

out.backward(torch.ones_like(out))
torch.testing.assert_close(x.grad, torch.ones(4, 5))
print("backward(ones_like(out)) gives x.grad of shape", tuple(x.grad.shape))

# %%
# .. _trap-jvp-for-vjp:
#
# Trap 5: a JVP mistaken for a VJP
# --------------------------------
# ``backward(v)`` is a *vector-Jacobian* product: it sums over ``J``'s output indices.
# Summing over the input indices instead is a *Jacobian-vector* product, ``J·t``, what
# :func:`torch.func.jvp` computes. The popular einsum ``"ij,ijmn->mn"`` would be a JVP if the
# Jacobian really were stored inputs first, as the answer's labels say. For the matrix product
# the two differ: ``vᵀJ`` is ``Aᵀ v`` and ``J·v`` is ``A v``.
x = torch.eye(2)
v = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
J_inputs_first = J_matmul.permute(2, 3, 0, 1)  # J_inputs_first[i, j, m, n] = dy[m, n]/dx[i, j]
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
# On the tensor PyTorch actually returns, outputs first, the same string is the right VJP:
# einsum letters name positions, and ``"ij,ijmn"`` pairs ``v`` with the first two axes of
# ``J``, its output axes, whatever the letters are called. The answer's code is right; its
# labels are not.
torch.testing.assert_close(torch.einsum("ij,ijmn->mn", v, J_matmul), right)

# %%
# Trap 6: expecting the Jacobian from ``backward()``
# --------------------------------------------------
# ``backward()`` with no argument only works on an output with one element (a scalar, or a
# tensor such as shape ``(1, 1)``), where ``v = 1`` is implied. On any other output PyTorch
# refuses rather than guess a ``v``; it never returns a Jacobian.
x = torch.eye(2, requires_grad=True)
try:
    ((x + 1) ** 2).backward()
except RuntimeError as error:
    print("backward() on a 2x2 output:", error)
    # sphinx_gallery_start_ignore
    if "grad can be implicitly created only for scalar outputs" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("backward() on a non-scalar output should have raised")

# %%
# .. _scalar-output-error:
#
# The same error in a training loop
# ---------------------------------
# In practice this error ("grad can be implicitly created only for scalar outputs") means
# that a loss meant to be a scalar is not. The usual causes:
#
# - a loss built with ``reduction="none"``, which returns one loss per entry;
# - a hand-written loss such as ``(pred - target) ** 2`` without its ``.mean()``;
# - under ``torch.nn.DataParallel``, a model whose ``forward`` returns the loss: each device
#   computes its own scalar loss, and DataParallel gathers them into a vector with one entry
#   per device.
#
# The first of these, on a linear model and a batch of samples:
import torch.nn.functional as F

w = torch.randn(3, requires_grad=True)
features, targets = torch.randn(8, 3), torch.randn(8)
losses = F.mse_loss(features @ w, targets, reduction="none")
print("losses.shape:", tuple(losses.shape))
try:
    losses.backward()
except RuntimeError as error:
    print("losses.backward():", error)
else:
    raise AssertionError("backward() on a vector of losses should have raised")

# %%
# Reduce the losses to a scalar first. ``.mean()`` is what the default ``reduction="mean"``
# computes. ``.sum()`` runs too, but its gradient is ``N`` times larger, ``N`` being the
# number of losses, which for plain SGD (and momentum) scales the effective learning rate by
# ``N``; adaptive optimizers such as Adam largely cancel a constant scale. Both are VJPs of the vector of
# losses: ``.mean()`` is ``backward(v)`` with every entry of ``v`` equal to ``1/N``, ``.sum()``
# with every entry 1.
N = losses.numel()
(grad_mean,) = torch.autograd.grad(losses.mean(), w, retain_graph=True)
(grad_sum,) = torch.autograd.grad(losses.sum(), w, retain_graph=True)
(grad_vjp,) = torch.autograd.grad(losses, w, grad_outputs=torch.full((N,), 1 / N))
(grad_default,) = torch.autograd.grad(F.mse_loss(features @ w, targets), w)
print(f"N = {N}; gradient of .mean(): {grad_mean.tolist()}")
print(f"       gradient of .sum():  {grad_sum.tolist()}")
torch.testing.assert_close(grad_mean, grad_default)
torch.testing.assert_close(grad_vjp, grad_mean)
torch.testing.assert_close(grad_sum, N * grad_mean)

# %%
# Key points
# ----------
# - The incoming gradient ``v`` carries the **output** indices and has the output's shape:
#   ``x.grad[i, j] = sum over m, n of v[m, n] J[m, n, i, j]``.
# - For a map whose output has its input's shape, reading ``J`` inputs first goes unnoticed
#   exactly when ``as_matrix(J)`` is symmetric: for an elementwise map, and also for the
#   transpose of a square matrix. Test an explanation on a map whose matrix is not symmetric,
#   such as ``A @ x`` with a non-symmetric ``A``, or on one that changes shape.
# - Giving ``v`` the input indices is a different slip; the transpose catches it.
# - For shape-changing functions, ``ones_like(inp)`` does not even run, and the wrong formula
#   runs only when the shapes differ by dimensions of size 1 (einsum broadcasts them). Then
#   it may return a wrong answer (a transposed row) or, by accident, the right one (a sum that
#   keeps its dimension): a change of shape does not always catch the slip.
# - ``backward`` computes ``vᵀJ`` for real tensors (reverse mode); ``J·t`` is forward mode,
#   :func:`torch.func.jvp`. With the same vector, which needs the output to have the input's
#   shape, the two agree for every ``v`` exactly when ``as_matrix(J)`` is symmetric.
# - "grad can be implicitly created only for scalar outputs" means the loss is not a scalar;
#   reduce it with ``.mean()`` or ``.sum()``, which give gradients ``N`` times apart.
#
# Next: :doc:`the life of .grad </auto_examples/01_tensor/03_grad_accumulation>`.
