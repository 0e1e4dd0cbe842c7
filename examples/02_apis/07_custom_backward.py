"""
A custom ``backward`` is a VJP
==============================

A :class:`torch.autograd.Function` lets you write the derivative of an operation yourself.
Its ``backward`` receives ``v``, the gradient of the loss with respect to the output (one
such ``v`` per output, if ``forward`` returns several), and must return ``vᵀJ``: exactly what
``y.backward(v)`` computes for built-in operations. Its optional ``jvp`` receives a tangent
``t`` and returns ``J t``, for forward mode. This example writes one, checks both products
against finite differences and against autograd on the plain formula, makes it work under
``torch.func``, and then runs the classic bug, a ``backward`` that returns ``J v`` instead of
``vᵀJ``, into ``gradcheck``.
"""

# %%
# A softplus with its own derivative
# ----------------------------------
# ``softplus(x) = log(1 + exp(x))``. Written that way it overflows for large ``x``; the
# same function as ``max(x, 0) + log1p(exp(-|x|))`` never exponentiates a positive number.
# Its derivative is ``sigmoid(x)``, entry by entry, so its Jacobian is diagonal:
# ``J[m, n, i, j] = sigmoid(x[i, j])`` where ``(m, n) = (i, j)``, and zero elsewhere.
# (PyTorch's own ``torch.nn.functional.softplus`` is already stable; the point here is a
# function whose Jacobian we know.)
#
# The ``Function`` has four parts:
#
# - ``forward`` computes the output from the inputs, nothing else;
# - ``setup_context`` saves what the derivatives need (here ``x``), for ``backward`` with
#   ``ctx.save_for_backward`` and for ``jvp`` with ``ctx.save_for_forward``;
# - ``backward(ctx, v)`` returns ``vᵀJ``: with a diagonal ``J`` that is ``v * sigmoid(x)``;
# - ``jvp(ctx, t)`` returns ``J t``: here ``sigmoid(x) * t``.
#
# ``generate_vmap_rule = True`` gives the function a batching rule for
# :func:`torch.func.vmap`, made by running these same methods on batched tensors; without
# it (or a hand-written ``vmap`` staticmethod) ``vmap`` refuses the function, and so do
# ``jacfwd`` and ``hessian``, which map over it. The forward-mode transforms (``jvp``,
# ``jacfwd``, ``hessian``) also need the ``jvp`` method. ``grad`` and ``jacrev`` need neither
# the batching rule nor ``jvp`` (as of PyTorch 2.13: ``jacrev`` maps over the backward pass
# only). Every ``torch.func`` transform needs ``setup_context`` to be separate from
# ``forward``.
import torch

torch.manual_seed(0)


class StableSoftplus(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return x.clamp(min=0) + torch.log1p(torch.exp(-x.abs()))

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)

    @staticmethod
    def backward(ctx, v):
        (x,) = ctx.saved_tensors
        return v * torch.sigmoid(x)  # vᵀJ for J = diag(sigmoid(x))

    @staticmethod
    def jvp(ctx, t):
        (x,) = ctx.saved_tensors
        return torch.sigmoid(x) * t  # J t


softplus = StableSoftplus.apply


# sphinx_gallery_start_ignore
# F.softplus is stable at large x, as the text says.
import torch.nn.functional as F

assert F.softplus(torch.tensor([100.0])).item() == 100.0


# The requirements the text states, checked on minimal Functions: each lacks one part.
class NoVmapRule(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return 2 * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, v):
        return 2 * v

    @staticmethod
    def jvp(ctx, t):
        return 2 * t


class ForwardWithCtx(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, v):
        return 2 * v

    @staticmethod
    def jvp(ctx, t):
        return 2 * t


class NoJvp(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return 2 * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, v):
        return 2 * v


ones = torch.ones(2, 3)
transforms = {
    "vmap": lambda f: torch.func.vmap(f)(ones),
    "grad": lambda f: torch.func.grad(lambda x: f(x).sum())(ones),
    "jacrev": lambda f: torch.func.jacrev(f)(ones),
    "jvp": lambda f: torch.func.jvp(f, (ones,), (ones,)),
    "jacfwd": lambda f: torch.func.jacfwd(f)(ones),
    "hessian": lambda f: torch.func.hessian(lambda x: f(x).sum())(ones),
}
for function, refused_by, missing in [
    (NoVmapRule, {"vmap", "jacfwd", "hessian"}, "vmap"),
    (NoJvp, {"jvp", "jacfwd", "hessian"}, "jvp"),
]:
    for name, run in transforms.items():
        try:
            run(function.apply)
        except (RuntimeError, NotImplementedError) as error:
            if name not in refused_by or missing not in str(error):
                raise
        else:
            if name in refused_by:
                raise AssertionError(f"{name} should refuse {function.__name__}")
for name, run in transforms.items():
    try:
        run(ForwardWithCtx.apply)
    except RuntimeError as error:
        if "must override the setup_context staticmethod" not in str(error):
            raise AssertionError(f"unexpected message: {error}") from error
    else:
        raise AssertionError(f"{name} should need setup_context")
# sphinx_gallery_end_ignore

# %%
# ``backward`` receives ``v`` and returns ``vᵀJ``
# ------------------------------------------------
# A hook on the output records the gradient that arrives there, which is what ``backward``
# receives. With ``y.backward(v)`` it is ``v`` itself, and ``x.grad`` is ``vᵀJ``:
import jacdoc

x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
y = softplus(x)
received = []
y.register_hook(received.append)
v = torch.randn(3, 4, dtype=torch.float64)
y.backward(v)
torch.testing.assert_close(received[0], v)

J = jacdoc.elementwise_jacobian(torch.sigmoid(x.detach()))  # the diagonal Jacobian, by hand
assert J.shape == y.shape + x.shape == (3, 4, 3, 4)
torch.testing.assert_close(x.grad, jacdoc.vjp(v, J))
print("x.grad == vᵀJ, with v the gradient that reached the output")

# %%
# Now the same ``Function`` through other routes. :func:`torch.autograd.gradcheck`
# compares both ``backward`` and ``jvp`` (with ``check_forward_ad=True``) with finite
# differences. And the Jacobians from reverse and forward mode must equal the one that
# autograd builds for the plain formula, with no custom code at all, at any ``x`` away from
# 0: at 0 the two differ, as the next cell shows.
assert torch.autograd.gradcheck(softplus, (x,), check_forward_ad=True)


def plain_softplus(x):
    return x.clamp(min=0) + torch.log1p(torch.exp(-x.abs()))


x0 = x.detach()
assert (x0 != 0).all()  # random points, none of them 0
J_plain = jacdoc.jacobian(plain_softplus, x0)
torch.testing.assert_close(J_plain, J)
torch.testing.assert_close(jacdoc.jacobian(softplus, x0), J_plain)
torch.testing.assert_close(torch.func.jacrev(softplus)(x0), J_plain)
torch.testing.assert_close(torch.func.jacfwd(softplus)(x0), J_plain)
t = torch.randn(3, 4, dtype=torch.float64)
torch.testing.assert_close(torch.func.jvp(softplus, (x0,), (t,))[1], jacdoc.jvp(J_plain, t))
print("gradcheck passes; jacrev, jacfwd and jvp match autograd on the plain formula")


# %%
# At ``x = 0`` both pieces of the formula, ``clamp(min=0)`` and ``log1p(exp(-|x|))``, have a
# kink, and the kinks cancel in the sum: softplus is smooth there, with derivative
# ``sigmoid(0) = 1/2``. The ``Function`` returns that, and a central difference of the plain
# formula agrees. Autograd on the plain formula differentiates each piece on its own: at its
# kink it takes, by that operation's convention, one value between the piece's one-sided
# derivatives, and the two values it takes do not add up to ``1/2``. (Which values it takes is
# PyTorch's choice, and it changes: ``clamp``'s is 1 in torch 2.13 and 0 in torch 2.15. Those
# printed are from the torch that ran this page.)
def clamp_piece(x):
    return x.clamp(min=0)


def log_piece(x):
    return torch.log1p(torch.exp(-x.abs()))


zero = torch.zeros(1, dtype=torch.float64, requires_grad=True)
(by_function,) = torch.autograd.grad(softplus(zero).sum(), zero)
(by_plain,) = torch.autograd.grad(plain_softplus(zero).sum(), zero)
(clamp_part,) = torch.autograd.grad(clamp_piece(zero).sum(), zero)
(log_part,) = torch.autograd.grad(log_piece(zero).sum(), zero)
print(f"at x = 0: the Function gives {by_function.item()}")
print(
    f"autograd on the plain formula: {by_plain.item()} = {clamp_part.item()} (clamp)"
    f" + {log_part.item() + 0.0} (log1p(exp(-|x|)))"
)
h, at = 1e-6, zero.detach()
by_difference = (plain_softplus(at + h) - plain_softplus(at - h)) / (2 * h)
assert by_function.item() == 0.5  # sigmoid(0)
torch.testing.assert_close(by_difference, torch.full_like(at, 0.5))
torch.testing.assert_close(by_plain, clamp_part + log_part)
for piece, part in ((clamp_piece, clamp_part), (log_piece, log_part)):
    left, right = (piece(at) - piece(at - h)) / h, (piece(at + h) - piece(at)) / h
    assert torch.minimum(left, right) - 1e-6 <= part <= torch.maximum(left, right) + 1e-6
assert by_plain.item() != 0.5

# %%
# ``vmap`` runs it on a batch, and composed with ``jacrev`` gives per-sample Jacobians, as in
# :doc:`/auto_examples/03_training/08_batches_and_hessians`. And since ``backward`` is made of differentiable torch
# operations, it can itself be differentiated (:func:`torch.autograd.gradgradcheck`):
X = torch.randn(5, 3, 4, dtype=torch.float64)
torch.testing.assert_close(torch.func.vmap(softplus)(X), plain_softplus(X))
per_sample = torch.func.vmap(torch.func.jacrev(softplus))(X)
assert per_sample.shape == (5, 3, 4, 3, 4)
for b in range(5):
    torch.testing.assert_close(per_sample[b], jacdoc.jacobian(plain_softplus, X[b]))
assert torch.autograd.gradgradcheck(softplus, (x,))

# %%
# Why write the stable form: the naive formula overflows to ``inf`` at ``x = 100`` in
# ``float32``, and autograd's gradient of it, ``1 / (1 + exp(x))`` times ``exp(x)``, is
# ``0 · inf = nan``. The ``Function`` gives ``100`` and a derivative of ``sigmoid(100)``,
# which is 1 in ``float32``.
big = torch.tensor([100.0], requires_grad=True)
naive = torch.log(1 + torch.exp(big))
naive.backward()
print("naive: value", naive.item(), " gradient", big.grad.item())
assert naive.isinf().all()
assert big.grad.isnan().all()

big.grad = None
stable = softplus(big)
stable.backward()
print("Function: value", stable.item(), " gradient", big.grad.item())
assert stable.item() == 100.0
assert big.grad.item() == 1.0

# %%
# The classic bug: returning ``J v`` instead of ``vᵀJ``
# -----------------------------------------------------
# For softplus ``J`` is diagonal, so ``vᵀJ`` and ``J v`` are the same numbers: a
# ``backward`` that mixed them up would pass every check above. A matrix product shows the
# difference. ``y = A @ x`` has the Jacobian ``J = A``, so ``backward`` must return
# ``vᵀA = Aᵀ v``. The buggy version returns ``A v``. (``backward`` returns one gradient per
# input of ``forward``: ``None`` for ``A``, a constant here.)
A = torch.tensor([[1.0, 2.0, 0.0], [0.0, 3.0, 4.0], [5.0, 0.0, 6.0]], dtype=torch.float64)
assert not torch.equal(A, A.T)


class MatVec(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x, A):
        return A @ x

    @staticmethod
    def setup_context(ctx, inputs, output):
        _, A = inputs
        ctx.save_for_backward(A)

    @staticmethod
    def backward(ctx, v):
        (A,) = ctx.saved_tensors
        return A.T @ v, None  # vᵀJ = vᵀA = Aᵀ v


class BuggyMatVec(MatVec):
    @staticmethod
    def backward(ctx, v):
        (A,) = ctx.saved_tensors
        return A @ v, None  # J v: wrong unless A is symmetric


# sphinx_gallery_start_ignore
import re


def matrix_after(label, text):
    """The 3x3 matrix that gradcheck's message prints after `label`."""
    block = text.split(label, 1)[1].split("dtype", 1)[0]
    return torch.tensor([float(s) for s in re.findall(r"-?\d+\.\d*", block)]).reshape(3, 3)


# sphinx_gallery_end_ignore
x = torch.randn(3, dtype=torch.float64, requires_grad=True)
assert torch.autograd.gradcheck(MatVec.apply, (x, A))
torch.testing.assert_close(torch.func.jacrev(MatVec.apply)(x.detach(), A), A)

# %%
# ``gradcheck`` catches the buggy one. It raises :class:`RuntimeError` (its subclass
# ``GradcheckError``) and prints both Jacobians. It writes them with one row per *input*
# entry and one column per *output* entry, the transpose of the layout used on this site, so
# the numerical matrix is ``Jᵀ = Aᵀ``; the buggy ``backward`` implies a Jacobian ``Aᵀ``, which
# gradcheck prints as ``A``.
try:
    torch.autograd.gradcheck(BuggyMatVec.apply, (x, A))
except RuntimeError as error:
    print(type(error).__name__ + ":", str(error).strip())
    # sphinx_gallery_start_ignore
    # The printed matrices are what the text says: numerical Aᵀ, analytical A.
    if "Jacobian mismatch for output 0 with respect to input 0" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    numerical = matrix_after("numerical:", str(error))
    analytical = matrix_after("analytical:", str(error))
    torch.testing.assert_close(numerical, A.T.float(), atol=1e-3, rtol=0)
    torch.testing.assert_close(analytical, A.float())
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("gradcheck should reject a backward that returns J v")

# %%
# Built from the buggy ``backward`` row by row, the Jacobian comes out transposed: each row
# of ``J`` is ``eᵢᵀJ``, one VJP with a basis vector, and the bug returns ``A eᵢ``, column
# ``i`` of ``A``, instead.
J_buggy = torch.func.jacrev(BuggyMatVec.apply)(x.detach(), A)
print("Jacobian built from the buggy backward:\n", J_buggy)
torch.testing.assert_close(J_buggy, A.T)

import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained", facecolor="white")
J_correct = torch.func.jacrev(MatVec.apply)(x.detach(), A)
jacdoc.plot_jacobian(J_correct, out_ndim=1, ax=axes[0], title="correct backward: J = A")
jacdoc.plot_jacobian(J_buggy, out_ndim=1, ax=axes[1], title="buggy backward: J = Aᵀ")
fig.suptitle("Jacobians of y = A @ x built from two custom backward methods")
plt.show()

# %%
# With a symmetric matrix the bug is invisible, and ``gradcheck`` passes. That is why a
# check on an elementwise function, or on any map with a symmetric Jacobian, proves nothing
# about the order of ``v`` and ``J``: test a custom ``backward`` on a non-symmetric case.
S = A + A.T
assert torch.autograd.gradcheck(BuggyMatVec.apply, (x, S))
assert not torch.autograd.gradcheck(BuggyMatVec.apply, (x, A), raise_exception=False)
print("the buggy backward passes gradcheck with a symmetric matrix and fails with A")

# %%
# With a matrix that is not square the bug does not even produce a Jacobian to compare. ``v``
# has one entry per output and ``vᵀA`` one per input, but ``A v`` needs ``v`` to have one
# entry per input: the matrix product inside the buggy ``backward`` raises, and the error
# that comes out of ``gradcheck`` is that one, not a ``GradcheckError``. The correct
# ``backward`` passes:
from torch.autograd.gradcheck import GradcheckError

A_wide = A[:2]  # y = A_wide @ x has 2 entries, x has 3
assert torch.autograd.gradcheck(MatVec.apply, (x, A_wide))
try:
    torch.autograd.gradcheck(BuggyMatVec.apply, (x, A_wide))
except GradcheckError as error:  # a subclass of RuntimeError: catch it first
    raise AssertionError("expected an error from backward, not a comparison") from error
except RuntimeError as error:
    print(f"{type(error).__name__}: {error}")
else:
    raise AssertionError("the buggy backward cannot multiply A (2 x 3) by v (2 entries)")

# %%
# Key points
# ----------
# - A custom ``backward(ctx, v)`` receives one ``v`` per output of ``forward``, shaped like
#   that output, and must return ``vᵀJ`` (shaped like each input), one per input of
#   ``forward``, ``None`` for inputs that need no gradient. A ``jvp(ctx, t)`` returns ``J t``
#   for forward mode.
# - Every ``torch.func`` transform needs ``setup_context``; ``vmap``, ``jacfwd`` and
#   ``hessian`` also need ``generate_vmap_rule = True`` (or a ``vmap`` staticmethod), and
#   ``jvp``, ``jacfwd`` and ``hessian`` a ``jvp`` staticmethod. ``grad`` and ``jacrev`` need
#   neither (PyTorch 2.13).
# - Check it with :func:`torch.autograd.gradcheck` (``float64``,
#   ``check_forward_ad=True`` for the ``jvp``), on a case whose Jacobian is not symmetric.
# - Returning ``J v`` instead of ``vᵀJ`` transposes the Jacobian; it passes on symmetric
#   Jacobians (elementwise maps included) and fails otherwise: a Jacobian mismatch in
#   ``gradcheck`` when ``J`` is square, a shape error from ``backward`` itself when it is not.
#
# Next: :doc:`batches and second derivatives </auto_examples/03_training/08_batches_and_hessians>`.
