"""
Cross-checks: finite differences and symbols
============================================

Autograd checking autograd proves little. This example checks the Jacobians of the earlier
pages against two methods that share no code with it: finite differences, which only
evaluate the function, and sympy, which differentiates the formula symbolically.
"""

# %%
# ``gradcheck``: finite differences against autograd
# --------------------------------------------------
# :func:`torch.autograd.gradcheck` perturbs each input entry by a small step ``eps``,
# measures how every output entry moves, and compares that numerical Jacobian with the one
# autograd computes. By default it checks the Jacobian that reverse mode builds, one VJP per
# row, which is what ``backward`` uses. With ``check_forward_ad=True``, as here, it also
# checks the one that forward mode builds, one JVP per column.
# :func:`torch.autograd.gradgradcheck` does the same for second derivatives. The inputs are
# ``float64`` because we make them so: gradcheck works in the dtype it is given, and
# ``float32`` is too coarse for it (shown below).
import torch

import jacdoc

torch.manual_seed(0)
A = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
functions = {
    "(x + 1)**2": lambda x: (x + 1) ** 2,
    "A @ x": lambda x: A @ x,
    "x.T": lambda x: x.T,
    "sin(A @ x)": lambda x: torch.sin(A @ x),
}
for name, f in functions.items():
    x = torch.randn(2, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(f, (x,), check_forward_ad=True)
    assert torch.autograd.gradgradcheck(f, (x,))
    print(f"gradcheck and gradgradcheck pass for {name}")


# %%
# Without ``check_forward_ad=True``, forward mode goes unchecked. A custom
# :class:`torch.autograd.Function` (see :doc:`/auto_examples/02_apis/07_custom_backward`) with a right ``backward``
# and a wrong ``jvp`` shows it: the default check passes it, and only the forward-mode check
# catches the bug.
class SquareWithWrongJvp(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x**2

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])
        ctx.save_for_forward(inputs[0])

    @staticmethod
    def backward(ctx, v):
        (x,) = ctx.saved_tensors
        return 2 * x * v  # right: vᵀJ with J = diag(2 x)

    @staticmethod
    def jvp(ctx, t):
        (x,) = ctx.saved_tensors
        return 3 * x * t  # wrong: J t is 2 x t


x = torch.randn(3, dtype=torch.float64, requires_grad=True)
default_check = torch.autograd.gradcheck(SquareWithWrongJvp.apply, (x,))
forward_check = torch.autograd.gradcheck(
    SquareWithWrongJvp.apply, (x,), check_forward_ad=True, raise_exception=False
)
print("default gradcheck:", default_check, "  with check_forward_ad=True:", forward_check)
assert default_check
assert not forward_check

# %%
# The same check in ``float32`` fails on a correct function. gradcheck warns about the dtype
# and goes ahead: a difference quotient with its default step ``eps = 1e-6`` loses most of
# float32's seven or so significant digits to rounding.
import warnings

x32 = torch.randn(2, 2, requires_grad=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    passed = torch.autograd.gradcheck(
        lambda x: torch.sin(A.float() @ x), (x32,), raise_exception=False
    )
print("float32 gradcheck passed:", passed)
print("warning:", str(caught[0].message).split(". ")[0])
assert not passed
# sphinx_gallery_start_ignore
assert "is not a double precision floating point" in str(caught[0].message)
import inspect

parameters = inspect.signature(torch.autograd.gradcheck).parameters
defaults = {name: parameter.default for name, parameter in parameters.items()}
assert defaults["eps"] == 1e-6
assert defaults["check_forward_ad"] is False
assert defaults["check_backward_ad"] is True
assert torch.finfo(torch.float32).eps > 1e-7  # "seven or so significant digits"
assert torch.finfo(torch.float32).eps < 1e-6
# sphinx_gallery_end_ignore

# %%
# A central difference by hand
# ----------------------------
# The same idea, written out: column ``(i, j)`` of the Jacobian is how ``f(x)`` changes when
# ``x[i, j]`` moves, ``(f(x + h e_ij) - f(x - h e_ij)) / 2h``.


def central_difference(f, x, h):
    columns = []
    for k in range(x.numel()):
        step = torch.zeros(x.numel(), dtype=x.dtype)
        step[k] = h
        step = step.reshape(x.shape)
        columns.append((f(x + step) - f(x - step)) / (2 * h))
    return torch.stack(columns, dim=-1).reshape(f(x).shape + x.shape)


f = functions["sin(A @ x)"]
x = torch.randn(2, 2, dtype=torch.float64)
J_numeric = central_difference(f, x, h=1e-6)
torch.testing.assert_close(jacdoc.jacobian(f, x), J_numeric, rtol=0, atol=1e-8)
print("central differences agree with autograd to within 1e-8")

# %%
# How small should the step be?
# -----------------------------
# The error of a central difference has two parts: the truncation of the Taylor series,
# which shrinks like ``h²`` and grows with the function's third derivatives, and rounding,
# which grows like ``ε / h``, where ``ε`` is the float64 machine epsilon. The total is
# smallest in between, and where that is depends on the function: one that varies faster has
# larger third derivatives and wants a smaller step. Compare ``sin(A x)`` with
# ``sin(100 A x)``, which varies a hundred times faster. The error is measured relative to
# the largest entry of ``J``, so that both functions share one scale:
functions["sin(100 A @ x)"] = lambda x: torch.sin(100 * (A @ x))
steps = torch.logspace(-1, -13, 25, dtype=torch.float64)
errors, best_step = {}, {}
for name in ["sin(A @ x)", "sin(100 A @ x)"]:
    f = functions[name]
    J_exact = jacdoc.jacobian(f, x)
    errors[name] = [
        ((central_difference(f, x, h.item()) - J_exact).abs().max() / J_exact.abs().max()).item()
        for h in steps
    ]
    best = min(range(len(steps)), key=errors[name].__getitem__)
    best_step[name] = steps[best].item()
    print(f"{name:15} smallest error {errors[name][best]:.1e} at h = {best_step[name]:.0e}")
eps64 = torch.finfo(torch.float64).eps
print(f"float64 epsilon = {eps64:.1e}")

assert best_step["sin(A @ x)"] > 3 * best_step["sin(100 A @ x)"]  # a grid step (10**0.5) or more
assert 1e-7 <= best_step["sin(A @ x)"] <= 1e-4
assert min(errors["sin(A @ x)"]) < 1e-9

# %%
# Over the large steps, where truncation dominates, the error of ``sin(A x)`` falls as
# ``h²``: the slope of ``log(error)`` against ``log(h)`` is 2. That needs ``h`` small enough
# for the Taylor expansion behind it, and ``sin(100 A x)`` needs smaller steps: over steps
# of ``1e-2`` and more its error does not fall at all, and stays about as large as ``J``
# itself; the slope 2 appears only from ``1e-3`` down.


def slope_of(name, smallest, largest):
    """The fitted slope of log(error) against log(h), for smallest <= h <= largest."""
    chosen = (steps >= smallest) & (steps <= largest)
    design = torch.stack([steps[chosen].log10(), torch.ones_like(steps[chosen])], dim=1)
    logs = torch.tensor(errors[name], dtype=torch.float64)[chosen].log10().unsqueeze(1)
    return torch.linalg.lstsq(design, logs).solution[0].item()


slope = slope_of("sin(A @ x)", 1e-3, 1)
print(f"sin(A @ x):     error ~ h^{slope:.2f} for h >= 1e-3")
fast_slope = slope_of("sin(100 A @ x)", 1e-6, 1e-3)
print(f"sin(100 A @ x): error ~ h^{fast_slope:.2f} for 1e-6 <= h <= 1e-3")
saturated = [e for e, h in zip(errors["sin(100 A @ x)"], steps, strict=True) if h >= 1e-2]
print("sin(100 A @ x): error / max |J| for h >= 1e-2:", ", ".join(f"{e:.2f}" for e in saturated))
slow = errors["sin(A @ x)"]
assert 1.8 < slope < 2.2
assert 1.8 < fast_slope < 2.2
assert all(0.5 < e < 2 for e in saturated)  # about the size of J: no truncation order at all
assert slow[0] > 100 * min(slow)
assert slow[-1] > 100 * min(slow)

import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6.8, 4.4), layout="constrained", facecolor="white")
for name, marker in zip(errors, "os", strict=True):
    ax.loglog(steps, errors[name], f"{marker}-", label=f"{name} (best h = {best_step[name]:.0e})")
ax.axvline(1e-6, color="0.5", linestyle="--", label="gradcheck's default eps = 1e-6")
ax.set_xlabel("step h")
ax.set_ylabel("max |central difference - autograd| / max |J|")
ax.set_title("Finite-difference error: truncation vs rounding")
ax.invert_xaxis()
ax.legend(fontsize=8)
plt.show()

# %%
# Left of each minimum, once ``h`` is small enough for the Taylor expansion, the truncation
# error falls as ``h²``; right of it, rounding takes over. The best step moves with the
# function, yet gradcheck's default ``eps = 1e-6`` still serves both here: at ``h = 1e-6``
# the error of ``sin(100 A x)`` is a few times ``1e-8`` of ``J``'s largest entry, well
# within gradcheck's default tolerances, and gradcheck passes it:
at_default_eps = errors["sin(100 A @ x)"][int((steps - 1e-6).abs().argmin())]
print(f"sin(100 A @ x) at h = 1e-6: error {at_default_eps:.1e} of max |J|")
assert 1e-8 < at_default_eps < 1e-7
assert torch.autograd.gradcheck(functions["sin(100 A @ x)"], (x.clone().requires_grad_(True),))

# %%
# Its ``eps``, ``atol`` and ``rtol`` arguments are there for functions where the default
# step is too coarse or too fine.
#
# sympy: the derivative as a formula
# ----------------------------------
# Now the 2x2 case of ``y = (x + 1)²`` symbolically. ``J[m][n][i][j]`` is
# ``diff(y[m, n], x[i, j])``, exactly the definition, with no index bookkeeping of ours.
import sympy

X = sympy.Matrix(2, 2, lambda i, j: sympy.Symbol(f"x{i}{j}"))
Y = X.applyfunc(lambda entry: (entry + 1) ** 2)
J_symbolic = [
    [[[sympy.diff(Y[m, n], X[i, j]) for j in range(2)] for i in range(2)] for n in range(2)]
    for m in range(2)
]
for m, n, i, j in [(0, 0, 0, 0), (0, 0, 0, 1), (0, 1, 0, 1), (1, 0, 0, 1), (1, 1, 1, 1)]:
    print(f"dy{m}{n}/dx{i}{j} = {J_symbolic[m][n][i][j]}")

# %%
# Every entry with ``(i, j) ≠ (m, n)`` is the symbol ``0``, and the others are
# ``2 x_mn + 2``: the derivation's ``2 (x_ij + 1) δ_mi δ_nj``. Check all 16 entries as
# expressions, then substitute ``x = eye(2)`` and compare with autograd:
import itertools

for m, n, i, j in itertools.product(range(2), repeat=4):
    expected = 2 * X[i, j] + 2 if (m, n) == (i, j) else 0
    assert sympy.simplify(J_symbolic[m][n][i][j] - expected) == 0

at_identity = {X[i, j]: int(i == j) for i in range(2) for j in range(2)}
J_from_sympy = torch.tensor(
    [
        [[[float(entry.subs(at_identity)) for entry in row] for row in block] for block in half]
        for half in J_symbolic
    ]
)
J_autograd = torch.autograd.functional.jacobian(lambda x: (x + 1) ** 2, torch.eye(2))
torch.testing.assert_close(J_autograd, J_from_sympy)
print("sympy and autograd agree on all 16 entries at x = eye(2)")

# %%
# The same for the matrix product, where the index order matters: sympy finds
# ``dy[m, n]/dx[i, j] = A[m, i] δ[n, j]`` on its own.
A_sym = sympy.Matrix([[1, 2], [3, 4]])
Y = A_sym * X
J_from_sympy = torch.tensor(
    [
        [
            [[float(sympy.diff(Y[m, n], X[i, j])) for j in range(2)] for i in range(2)]
            for n in range(2)
        ]
        for m in range(2)
    ]
)
J_autograd = jacdoc.jacobian(lambda x: A.float() @ x, torch.eye(2))
torch.testing.assert_close(J_autograd, J_from_sympy)
torch.testing.assert_close(J_from_sympy, torch.einsum("mi,nj->mnij", A.float(), torch.eye(2)))
print("sympy and autograd agree on the Jacobian of A @ x")

# %%
# Key points
# ----------
# - :func:`torch.autograd.gradcheck` compares autograd with finite differences: the
#   reverse-mode Jacobian by default, the forward-mode one as well with
#   ``check_forward_ad=True``. Pass it ``float64`` inputs; it does not convert them.
# - A central difference's error is smallest where truncation and rounding balance, and
#   that step depends on the function: smaller steps lose to rounding, larger ones to
#   truncation, and a function that varies faster needs a smaller step.
# - sympy differentiates the definition ``dy_mn / dx_ij`` entry by entry, with no layout to
#   get wrong, and agrees with PyTorch's outputs-first tensor.
#
# Next: :doc:`what a full Jacobian costs </auto_examples/02_apis/06_cost>`.
