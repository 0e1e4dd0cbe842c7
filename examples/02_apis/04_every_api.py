"""
One Jacobian through PyTorch's APIs
===================================

PyTorch has four families of tools for derivatives of non-scalar functions: the
:meth:`torch.Tensor.backward` / :func:`torch.autograd.grad` pair,
:mod:`torch.autograd.functional`, the low-level forward-mode API ``torch.autograd.forward_ad``,
and the composable transforms of :mod:`torch.func`. They compute the same mathematics, by
different means. This example takes one function that mixes entries *and* changes shape,
derives its Jacobian by hand, and checks that the main APIs of each family reproduce it, or
the VJP and JVP that it implies. Their second-derivative tools are on later pages:
:func:`torch.func.hessian` and :func:`torch.autograd.functional.hessian` in
:doc:`/auto_examples/03_training/08_batches_and_hessians`, :func:`torch.autograd.functional.hvp` in
:doc:`/auto_examples/04_beyond/12_hessian_vector_products`.
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
import torch

import jacdoc

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

import matplotlib.pyplot as plt

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
# By default the returned gradient is a plain tensor, with no record of how it was computed.
# With ``create_graph=True`` autograd records the backward pass as well, and the gradient
# can itself be differentiated. That is what a gradient penalty (a loss that contains the
# size of a gradient) or meta-learning needs. Here the penalty is ``‖∇s‖²`` for the scalar
# ``s(x) = sum(sin(A @ x))``, whose gradient is ``Aᵀ cos(A @ x)`` by hand:
x_leaf = x.clone().requires_grad_(True)
(gradient,) = torch.autograd.grad(f(x_leaf).sum(), x_leaf, create_graph=True)
torch.testing.assert_close(gradient, A.T @ torch.cos(A @ x))
(gradient**2).sum().backward()
penalty_by_hand = torch.func.grad(lambda x: ((A.T @ torch.cos(A @ x)) ** 2).sum())(x)
torch.testing.assert_close(x_leaf.grad, penalty_by_hand)

# %%
# Without ``create_graph=True`` the gradient is a plain tensor with no history, and the
# penalty cannot be differentiated:
x_leaf = x.clone().requires_grad_(True)
(gradient,) = torch.autograd.grad(f(x_leaf).sum(), x_leaf)
assert not gradient.requires_grad
try:
    (gradient**2).sum().backward()
except RuntimeError as error:
    print("penalty without create_graph:", error)
else:
    raise AssertionError("a gradient computed without create_graph should have no graph")

# %%
# With ``is_grads_batched=True``, ``grad_outputs`` gets a leading batch dimension, and
# ``autograd.grad`` returns one VJP per batch entry. It makes one vectorized call over the
# whole batch of cotangents, through PyTorch's older vmap prototype (not
# :func:`torch.func.vmap`). A batch holding every basis cotangent (one per output entry)
# returns every row of the Jacobian at once:
x_leaf = x.clone().requires_grad_(True)
y = f(x_leaf)
basis = torch.eye(y.numel()).reshape(y.numel(), *y.shape)  # one cotangent per output entry
(rows,) = torch.autograd.grad(y, x_leaf, grad_outputs=basis, is_grads_batched=True)
assert rows.shape == (y.numel(), *x.shape) == (12, 2, 3)
torch.testing.assert_close(rows.reshape(J_hand.shape), J_hand)

# %%
# The older vmap has no batching rule for some operations' backward formulas. For those it
# falls back to running the operation once per batch entry, in a loop, which gives the same
# numbers but none of the speed. It says so only when its warnings are switched on, with
# the switch that the documentation of ``is_grads_batched`` names. GELU's backward is one
# such operation in torch 2.13; the backward of ``f`` above (a matrix product, then ``sin``)
# has batching rules throughout:
import warnings


def fallbacks(g):
    """The older vmap's warnings about loops, for all rows of g's Jacobian at x."""
    x_leaf = x.clone().requires_grad_(True)
    y = g(x_leaf)
    cotangents = torch.eye(y.numel()).reshape(y.numel(), *y.shape)
    torch._C._debug_only_display_vmap_fallback_warnings(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            (rows,) = torch.autograd.grad(y, x_leaf, cotangents, is_grads_batched=True)
    finally:
        torch._C._debug_only_display_vmap_fallback_warnings(False)
    torch.testing.assert_close(rows.reshape(y.shape + x.shape), torch.func.jacrev(g)(x))
    return [str(warning.message) for warning in caught]


def gelu_layer(x):
    return torch.nn.functional.gelu(A @ x)


assert fallbacks(f) == []
gelu_warnings = fallbacks(gelu_layer)
print(gelu_warnings[0].split(". ")[0])
# sphinx_gallery_start_ignore
assert len(gelu_warnings) == 1
assert "batching rule for aten::gelu_backward" in gelu_warnings[0]
assert "legacy vmap prototype" in gelu_warnings[0]
# sphinx_gallery_end_ignore

# %%
# ``torch.autograd.functional``: VJP, JVP and the whole Jacobian
# --------------------------------------------------------------
# These take the function itself and return the output too.
out, vjp_functional = torch.autograd.functional.vjp(f, x, v)
torch.testing.assert_close(vjp_functional, vjp_hand)
out, jvp_functional = torch.autograd.functional.jvp(f, x, t)
torch.testing.assert_close(jvp_functional, jvp_hand)


# %%
# :func:`torch.autograd.functional.jvp` does not use forward mode. It runs a backward pass
# with a placeholder cotangent, recording it as a graph, and differentiates *that* with
# respect to the placeholder (the "double-backward trick"): the backward pass is linear in
# its cotangent, with matrix ``Jᵀ``, so its VJP with ``t`` is ``J t``. So it needs no
# forward-mode formulas, only backward formulas that autograd can differentiate again. An
# operation that has a backward formula and no forward-mode formula shows the difference:
# here a custom :class:`torch.autograd.Function` (see :doc:`/auto_examples/02_apis/07_custom_backward`) that
# computes ``x²`` and defines only ``backward``.
class SquareWithoutJvp(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x**2

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, v):
        (x,) = ctx.saved_tensors
        return 2 * x * v  # vᵀJ for J = diag(2 x)


_, jvp_double_backward = torch.autograd.functional.jvp(SquareWithoutJvp.apply, x, t)
torch.testing.assert_close(jvp_double_backward, 2 * x * t)
try:
    torch.func.jvp(SquareWithoutJvp.apply, (x,), (t,))
except NotImplementedError as error:
    print("torch.func.jvp:", error)
else:
    raise AssertionError("forward mode should need the Function's jvp")


# %%
# The backward formula must be one that autograd can differentiate again. Mark the same
# ``backward`` with :func:`torch.autograd.function.once_differentiable`, which declares
# that it will not be, and :func:`torch.autograd.functional.jvp` goes wrong silently: the
# recorded backward pass no longer depends on the placeholder, so ``J·t`` comes out as
# zeros, with no error and no warning. Only ``strict=True`` turns that into an error.
from torch.autograd.function import once_differentiable


class SquareOnceDifferentiable(SquareWithoutJvp):
    @staticmethod
    @once_differentiable
    def backward(ctx, v):
        (x,) = ctx.saved_tensors
        return 2 * x * v


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    _, jvp_once = torch.autograd.functional.jvp(SquareOnceDifferentiable.apply, x, t)
print("J·t with a once_differentiable backward:", jvp_once)
assert not jvp_once.any()
assert (2 * x * t).all()  # the right answer has no zeros
assert caught == []
try:
    torch.autograd.functional.jvp(SquareOnceDifferentiable.apply, x, t, strict=True)
except RuntimeError as error:
    print("with strict=True:", error)
else:
    raise AssertionError("strict=True should reject a backward that ignores its cotangent")

# %%
# ``jacobian`` by default loops over the 12 output entries in Python, one backward pass
# each; ``vectorize=True`` batches them (through ``is_grads_batched``), and
# ``strategy="forward-mode"`` builds the 6 columns with forward-mode AD instead (it requires
# ``vectorize=True``). Its documentation calls ``vectorize`` experimental and points to
# :func:`torch.func.jacrev` and :func:`torch.func.jacfwd` instead.
assert (f(x).numel(), x.numel()) == (12, 6)
for options in [{}, {"vectorize": True}, {"vectorize": True, "strategy": "forward-mode"}]:
    torch.testing.assert_close(torch.autograd.functional.jacobian(f, x, **options), J_hand)
    print("autograd.functional.jacobian with", options or "defaults", "matches J by hand")

# %%
# ``torch.autograd.forward_ad``: forward mode by hand
# ---------------------------------------------------
# The low-level forward-mode API works on tensors rather than functions. Inside a
# :class:`torch.autograd.forward_ad.dual_level`,
# :func:`torch.autograd.forward_ad.make_dual` attaches a tangent to a tensor, every
# operation carries it along, and :func:`torch.autograd.forward_ad.unpack_dual` reads a
# result's value and tangent, ``J·t``, computed in the same pass as ``f``.
# ``strategy="forward-mode"`` above is built on it, and it needs the same forward-mode
# formulas as :func:`torch.func.jvp`:
import torch.autograd.forward_ad as fwAD

with fwAD.dual_level():
    primal, tangent = fwAD.unpack_dual(f(fwAD.make_dual(x, t)))
torch.testing.assert_close(primal, f(x))
torch.testing.assert_close(tangent, jvp_hand)
try:
    with fwAD.dual_level():
        SquareWithoutJvp.apply(fwAD.make_dual(x, t))
except NotImplementedError as error:
    print("forward_ad:", error)
else:
    raise AssertionError("forward mode should need the Function's jvp")

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
# :func:`jacdoc.jacobian` picks from the shapes: rows (VJPs), or, when ``J`` is clearly tall,
# columns (JVPs). In ``mode="auto"`` it gets those columns from the double-backward trick
# above, unless ``J`` must be differentiable (inside a ``torch.func`` transform, say), when
# it uses forward-mode AD, as ``mode="forward"`` always does. All three of its modes agree
# too:
for mode in ("auto", "reverse", "forward"):
    torch.testing.assert_close(jacdoc.jacobian(f, x, mode=mode), J_hand)
print("each API reproduced J, vᵀJ and J·t")

# %%
# Which to use
# ------------
# ==========================================  ===========================  =======================================
# API                                         returns                      use it for
# ==========================================  ===========================  =======================================
# ``y.backward(v)``                           nothing; adds ``vᵀJ`` to     training: gradients of a loss into the
#                                             each leaf's ``.grad``        parameters, accumulated
# ``torch.autograd.grad(y, x, v)``            ``vᵀJ`` as a new tensor      a gradient kept out of ``.grad``; with
#                                                                          ``create_graph=True``, one you can
#                                                                          differentiate (gradient penalties,
#                                                                          meta-learning)
# ``autograd.grad(..., is_grads_batched)``    a batch of ``vᵀJ``           many VJPs through one graph, in one
#                                                                          vectorized call (older vmap)
# ``autograd.functional.vjp`` / ``jvp``       ``(f(x), vᵀJ)`` /            one-off products of a function; older
#                                             ``(f(x), J·t)``              API; its ``jvp`` runs two backward
#                                                                          passes, not forward mode
# ``autograd.functional.jacobian``            ``J``                        a few outputs: the default loops in
#                                                                          Python, one backward pass per output.
#                                                                          For more, prefer ``jacrev`` or
#                                                                          ``jacfwd``: ``vectorize=True`` goes
#                                                                          through the older vmap, which can
#                                                                          fall back to a loop
# ``forward_ad.make_dual`` / ``unpack_dual``  ``J·t`` beside ``f(x)``      forward mode in plain eager code,
#                                                                          without wrapping ``f`` as a function
# ``torch.func.vjp``                          ``f(x)`` and a VJP function  many VJPs of one function; composes
#                                                                          with ``vmap`` and ``grad``
# ``torch.func.jvp``                          ``(f(x), J·t)``              directional derivatives, forward mode
# ``torch.func.jacrev``                       ``J`` from VJPs (rows),      wide Jacobians: fewer outputs than
#                                             vectorized                   inputs
# ``torch.func.jacfwd``                       ``J`` from JVPs (columns),   tall Jacobians: more outputs than
#                                             vectorized                   inputs
# ``torch.func.vmap``                         a batched function           per-sample Jacobians and gradients
# ``jacdoc.jacobian``                         ``J``                        rows, or columns when ``J`` is clearly
#                                                                          tall (``mode="auto"``)
# ==========================================  ===========================  =======================================
#
# The ``vᵀJ`` in the table are for real tensors. For complex ones the APIs follow the
# conjugate convention of :doc:`/auto_examples/04_beyond/13_complex_tensors`, and ``jacrev``
# and ``jacfwd`` refuse complex inputs.
#
# Key points
# ----------
# - All of these compute ``vᵀJ``, ``J·t`` or ``J`` itself, in the same outputs-first layout.
# - Only ``backward`` writes to ``.grad``; everything else returns its result.
# - ``autograd.grad`` returns a differentiable gradient only with ``create_graph=True``.
# - ``is_grads_batched=True`` is one vectorized call over a batch of cotangents, through the
#   older vmap, which loops over the batch for operations it has no batching rule for.
# - :func:`torch.autograd.functional.jvp` gets ``J·t`` from two backward passes, and needs a
#   backward that autograd can differentiate again (with a ``once_differentiable`` one it
#   returns zeros, silently unless ``strict=True``). :func:`torch.func.jvp` and
#   ``torch.autograd.forward_ad`` use forward mode, and need forward-mode formulas.
# - ``jacrev`` is ``vmap`` over VJPs (one per output entry), ``jacfwd`` is ``vmap`` over JVPs
#   (one per input entry). :doc:`/auto_examples/02_apis/05_cross_checks` checks them against finite differences and
#   symbols, and :doc:`/auto_examples/02_apis/06_cost` measures what each costs.
#
# Next: :doc:`finite differences and symbols against autograd </auto_examples/02_apis/05_cross_checks>`.
