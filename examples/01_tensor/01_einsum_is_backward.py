"""
The einsum contraction that ``backward(v)`` computes
====================================================

``y.backward(v)`` never builds the Jacobian. It computes one contraction of it with ``v``, a
*vector-Jacobian product*, and adds the result to ``x.grad``. This example builds the full
Jacobian anyway, writes that contraction as a :func:`torch.einsum`, shows how to read the
einsum string, and checks it against autograd: for ``y = (x + 1)**2`` at ``x = eye(2)``, with
a non-uniform ``v``, as a matrix product, through a chain of two layers, for the
forward-mode counterpart, and finally for any ranks. Like every page but the last, it uses
real tensors: for complex ones, ``backward`` conjugates (see
:doc:`/auto_examples/04_beyond/13_complex_tensors`).
"""

# %%
# .. _backward-numbers:
#
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
import torch

import jacdoc

torch.manual_seed(0)


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
# ``x.grad`` has the input's shape; ``J`` has the output's shape followed by the input's. Both
# must equal the derivative worked out by hand. Because ``J`` is zero unless
# ``(i, j) = (m, n)``, the sum collapses to one term, ``v[i, j] * 2 (x[i, j] + 1)``: 4 on the
# diagonal of ``eye(2)`` and 2 elsewhere.
assert x.grad.shape == x.shape
assert J.shape == y.shape + x.shape
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
# layer to layer, each layer contracting it with its own Jacobian (see
# :ref:`the chain of two layers <chain-of-layers>` below).
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
import matplotlib.pyplot as plt

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
# sphinx_gallery_start_ignore
assert latex.count(r"\\") == 3  # four rows
assert r"{cc|cc}" in latex  # a rule between the blocks of i = 0 and i = 1
# sphinx_gallery_end_ignore

# %%
# .. _einsum-letters:
#
# How to read an einsum string
# ----------------------------
# ``torch.einsum("mn,mnij->ij", v, J)`` gives each axis of each operand a letter, in order:
# the two axes of ``v`` are called ``m`` and ``n``, the four axes of ``J`` are called ``m``,
# ``n``, ``i`` and ``j``. The letters are labels for *positions*, nothing more: einsum does not
# know that we think of ``m, n`` as output indices. Two rules produce the result:
#
# - a letter shared by several operands pairs up those axes, and their entries are multiplied
#   where the indices agree;
# - a letter that does not appear after ``->`` is summed over. Here ``m`` and ``n`` are summed,
#   and ``i, j`` remain, in that order.
#
# Written as loops, the same computation is:
import itertools

by_loops = torch.zeros(2, 2)
for i, j in itertools.product(range(2), repeat=2):
    for m, n in itertools.product(range(2), repeat=2):
        by_loops[i, j] += v[m, n] * J[m, n, i, j]
torch.testing.assert_close(by_loops, x.grad)
print("four nested loops give x.grad:\n", by_loops)

# %%
# Because the letters only name positions, renaming them consistently changes nothing. The
# string that :func:`jacdoc.einsum_subscripts` writes, ``"ab,abcd->cd"``, and the string of
# the popular answer (see :ref:`what it gets wrong <popular-answer>`), ``"ij,ijmn->mn"``,
# both pair the two axes of ``v`` with the *first two* axes of ``J`` and sum them, so on
# PyTorch's outputs-first ``J`` all three compute the same vector-Jacobian product. Only the
# names we give the letters can be wrong.
for subscripts in ["mn,mnij->ij", jacdoc.einsum_subscripts(2, 2, "vjp"), "ij,ijmn->mn"]:
    torch.testing.assert_close(torch.einsum(subscripts, v, J), x.grad)
    print(f"einsum({subscripts!r}, v, J) == x.grad")

# %%
# .. _vjp-matrix-form:
#
# Why the contraction is written vᵀJ
# ----------------------------------
# Number the four output entries ``(m, n)`` in row-major order, and the four input entries
# ``(i, j)`` the same way. ``J`` becomes a 4x4 matrix (:func:`jacdoc.as_matrix`), with one
# row per output entry and one column per input entry, and ``v`` becomes a vector of length
# 4. The einsum is then an ordinary row-vector-times-matrix product, ``vᵀJ``, whose result,
# one number per input entry, is ``x.grad`` flattened:
M = jacdoc.as_matrix(J, out_ndim=2)
as_row_vector = v.flatten() @ M
print("v.flatten() @ as_matrix(J, 2):", as_row_vector.tolist())
torch.testing.assert_close(as_row_vector, x.grad.flatten())
torch.testing.assert_close(as_row_vector.reshape(x.shape), torch.einsum("mn,mnij->ij", v, J))

# %%
# That is what "vector-Jacobian product" means for a Jacobian with any number of indices:
# flatten the output indices into rows and the input indices into columns, and ``backward``
# computes ``vᵀJ`` with that matrix, reshaped to the input's shape.
#
# .. _words-other-docs-use:
#
# The words other documentation uses
# ----------------------------------
# Other texts describe the same product in other words. On this site it is always ``vᵀJ``,
# ``einsum("mn,mnij->ij", v, J)``, with ``J`` outputs first:
#
# - :func:`torch.autograd.grad` calls ``grad_outputs`` the "vector" in the *vector-Jacobian*
#   product: ``vᵀJ``, the same name as here.
# - :func:`torch.autograd.backward`, which :meth:`torch.Tensor.backward` calls, describes its
#   ``grad_tensors`` as the "vector" in the *Jacobian-vector* product, and
#   :meth:`torch.Tensor.backward` calls its ``gradient`` "the gradient of the function being
#   differentiated" with respect to the tensor. Both mean ``v = dL/dy`` here, and what the
#   call computes is ``vᵀJ``, a sum over the output indices. (A Jacobian-vector product in
#   the sense of :func:`torch.func.jvp`, ``J·t``, sums over the input indices instead; see
#   below.)
# - PyTorch's tutorial "A Gentle Introduction to torch.autograd" writes ``Jᵀ·v``, with ``v``
#   a column vector. ``Jᵀv`` is the column vector ``(vᵀJ)ᵀ``: the same numbers.
torch.testing.assert_close(M.T @ v.flatten(), v.flatten() @ M)


# sphinx_gallery_start_ignore
# The phrases quoted above, as torch 2.13's docstrings word them.
def words(doc):
    return " ".join(doc.split())


assert 'The "vector" in the vector-Jacobian product' in words(torch.autograd.grad.__doc__)
assert 'The "vector" in the Jacobian-vector product' in words(torch.autograd.backward.__doc__)
assert "The gradient of the function being differentiated w.r.t. ``self``" in words(
    torch.Tensor.backward.__doc__
)
# sphinx_gallery_end_ignore

# %%
# The forward-mode counterpart: ``J · t``
# ----------------------------------------
# Contracting the *input* indices instead gives a Jacobian-vector product: how ``y`` changes
# when ``x`` moves in direction ``t``. ``t`` has the input's shape and the result the output's;
# in the matrix view it is ``M`` times ``t`` flattened, a column vector.
# :func:`torch.func.jvp` computes it without the Jacobian, in forward mode.
t = torch.tensor([[1.0, -1.0], [0.5, 2.0]])
by_einsum = torch.einsum("mnij,ij->mn", J, t)
_, by_forward_mode = torch.func.jvp(f, (torch.eye(2),), (t,))
print("einsum('mnij,ij->mn', J, t):\n", by_einsum)

torch.testing.assert_close(by_einsum, by_forward_mode)
torch.testing.assert_close(jacdoc.jvp(J, t), by_forward_mode)
torch.testing.assert_close((M @ t.flatten()).reshape(2, 2), by_forward_mode)
torch.testing.assert_close(by_einsum, 2 * (torch.eye(2) + 1) * t)

# %%
# For this elementwise ``f`` the VJP and the JVP with the same tensor happen to coincide,
# because its matrix ``M`` is symmetric (diagonal, even): ``vᵀM`` and ``M v`` are then the
# same numbers. :doc:`/derivation` shows that this is exactly the condition, and the
# :doc:`traps example </auto_examples/01_tensor/02_misconception_traps>` how far apart the two are for other maps.
torch.testing.assert_close(M, M.T)

# %%
# .. _chain-of-layers:
#
# A chain of two layers: why PyTorch never builds ``J``
# ------------------------------------------------------
# A network is a chain of functions. Take two layers, ``h = tanh(A @ x)`` and
# ``y = sin(B @ h)``, with ``x`` of shape 2x3, ``h`` of shape 4x3 and ``y`` of shape 3x3. The
# chain rule says that the Jacobian of the whole chain is the product of the two Jacobians,
# ``J = J₂ J₁`` as matrices. ``backward`` groups the product ``vᵀJ₂J₁`` from the left: it
# contracts ``v`` with ``J₂`` first, which gives a tensor shaped like ``h``, and contracts
# *that* with ``J₁``:
#
# .. math:: v^\top J = (v^\top J_2)\, J_1
#
# Each step is one VJP, a vector (shaped like a layer's input) as its result. Neither
# Jacobian, nor their product, is ever formed.
A = torch.randn(4, 2)
B = torch.randn(3, 4)


def layer1(x):
    return torch.tanh(A @ x)


def layer2(h):
    return torch.sin(B @ h)


x = torch.randn(2, 3, requires_grad=True)
h = layer1(x)
y = layer2(h)
v = torch.randn(3, 3)

# Step by step, with autograd.grad through the intermediate h:
(v_J2,) = torch.autograd.grad(y, h, grad_outputs=v, retain_graph=True)  # vᵀJ₂, shaped like h
(v_J2_J1,) = torch.autograd.grad(h, x, grad_outputs=v_J2, retain_graph=True)  # (vᵀJ₂)J₁
y.backward(v)  # all at once
torch.testing.assert_close(v_J2_J1, x.grad)
print(
    "shapes along the backward pass:",
    tuple(v.shape),
    "->",
    tuple(v_J2.shape),
    "->",
    tuple(x.grad.shape),
)

# %%
# Now build the two Jacobians, which ``backward`` did not, and check both the step and the
# whole chain against their matrix product:
J1 = jacdoc.jacobian(layer1, x.detach())  # (4, 3) + (2, 3)
J2 = jacdoc.jacobian(layer2, h.detach())  # (3, 3) + (4, 3)
J_chain = jacdoc.jacobian(lambda x: layer2(layer1(x)), x.detach())  # (3, 3) + (2, 3)
M1, M2 = jacdoc.as_matrix(J1, 2), jacdoc.as_matrix(J2, 2)

torch.testing.assert_close(v_J2, jacdoc.vjp(v, J2))
torch.testing.assert_close(M2 @ M1, jacdoc.as_matrix(J_chain, 2))
torch.testing.assert_close((v.flatten() @ M2 @ M1).reshape(x.shape), x.grad)
print(f"J₁ has {J1.numel()} entries, J₂ {J2.numel()}, their product {J_chain.numel()};")
print(f"backward passed on {v_J2.numel()} numbers, then returned {x.grad.numel()}")
assert J1.numel() == h.numel() * x.numel()
assert J2.numel() == y.numel() * h.numel()

# %%
# A layer's Jacobian has as many entries as its output times its input (checked above),
# while its VJP is one tensor the size of its input. Multiplying from the left, vector
# first, keeps every intermediate result a vector: that is reverse mode.
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
# sphinx_gallery_start_ignore
assert (vjp_subscripts, jvp_subscripts) == ("ab,abc->c", "abc,c->ab")
# sphinx_gallery_end_ignore

x_leaf = x.clone().requires_grad_(True)
(by_autograd,) = torch.autograd.grad(g(x_leaf), x_leaf, grad_outputs=v)
torch.testing.assert_close(torch.einsum(vjp_subscripts, v, J), by_autograd)
torch.testing.assert_close(torch.einsum(jvp_subscripts, J, t), torch.func.jvp(g, (x,), (t,))[1])
torch.testing.assert_close(v.flatten() @ jacdoc.as_matrix(J, 2), by_autograd)
print("VJP and JVP by einsum match autograd for a rank-(2, 1) Jacobian")

# %%
# Key points
# ----------
# - ``y.backward(v)`` adds ``einsum("mn,mnij->ij", v, J)`` to ``x.grad``: a sum over the
#   **output** indices of ``J``. As a matrix, with outputs as rows, that is ``vᵀJ``, a
#   vector-Jacobian product, whatever words a document uses for it. That holds for real
#   tensors; for a holomorphic complex map ``backward`` adds ``vᵀ·conj(J)``.
# - ``v`` has the output's shape; it is ``dL/dy``, one weight per output entry.
# - einsum letters name positions: a letter shared by two operands and missing after ``->``
#   is summed. ``"ij,ijmn->mn"`` and ``"mn,mnij->ij"`` are the same contraction.
# - Through a chain of layers, ``backward`` computes ``(vᵀJ₂)J₁``, one VJP per layer, and
#   never forms a Jacobian.
# - Summing over the **input** indices instead, ``einsum("mnij,ij->mn", J, t)``, is a
#   Jacobian-vector product, which :func:`torch.func.jvp` computes in forward mode.
# - For any ranks, :func:`jacdoc.einsum_subscripts` writes the string; :func:`jacdoc.vjp` and
#   :func:`jacdoc.jvp` apply it with shape checks.
#
# Next: :doc:`wrong readings that look right </auto_examples/01_tensor/02_misconception_traps>`.
