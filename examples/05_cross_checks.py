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
# :func:`torch.autograd.gradcheck` perturbs each input entry by a small step, measures how
# every output entry moves, and compares that numerical Jacobian with the one autograd
# computes (both VJPs and JVPs). It needs ``float64``: in ``float32`` the rounding error of a
# difference quotient is larger than its tolerance.
import itertools

import matplotlib.pyplot as plt
import sympy
import torch

import jacdoc

# sphinx_gallery_thumbnail_number = 1

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
# How small should the step be? The error of a central difference has two parts: the
# truncation of the Taylor series, which shrinks like ``h²``, and rounding, which grows like
# ``ε / h``, where ``ε`` is the float64 machine epsilon. The total is smallest in between.
steps = torch.logspace(-1, -13, 25, dtype=torch.float64)
J_exact = jacdoc.jacobian(f, x)
errors = [(central_difference(f, x, h.item()) - J_exact).abs().max().item() for h in steps]
best = min(range(len(errors)), key=errors.__getitem__)
print(f"smallest error {errors[best]:.1e} at h = {steps[best].item():.0e}")
assert errors[best] < 1e-9
assert 1e-7 <= steps[best].item() <= 1e-4
# Slope of log(error) against log(h) over the large steps, where truncation dominates:
large = steps >= 1e-3
slope = (
    torch.linalg.lstsq(
        torch.stack([steps[large].log10(), torch.ones(int(large.sum()), dtype=torch.float64)], 1),
        torch.tensor(errors, dtype=torch.float64)[large].log10().unsqueeze(1),
    )
    .solution[0]
    .item()
)
print(
    f"error ~ h^{slope:.2f} for h >= 1e-3; float64 epsilon = {torch.finfo(torch.float64).eps:.1e}"
)
assert 1.8 < slope < 2.2
assert errors[0] > 100 * errors[best]
assert errors[-1] > 100 * errors[best]

fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained", facecolor="white")
ax.loglog(steps, errors, "o-")
ax.set_xlabel("step h")
ax.set_ylabel("max |central difference - autograd|")
ax.set_title("Finite-difference error: truncation vs rounding")
ax.invert_xaxis()
plt.show()

# %%
# Left of the minimum the truncation error falls as ``h²`` (the fitted slope above); right of
# it, rounding takes over. That is why ``gradcheck`` uses ``float64`` and a step near
# ``1e-6``.
#
# sympy: the derivative as a formula
# ----------------------------------
# Now the 2x2 case of ``y = (x + 1)²`` symbolically. ``J[m][n][i][j]`` is
# ``diff(y[m, n], x[i, j])``, exactly the definition, with no index bookkeeping of ours.
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
# - ``torch.autograd.gradcheck`` compares autograd with finite differences; use ``float64``.
# - A central difference's error is smallest for a step around ``1e-6`` in float64: smaller
#   steps lose to rounding, larger ones to truncation.
# - sympy differentiates the definition ``dy_mn / dx_ij`` entry by entry, with no layout to
#   get wrong, and agrees with PyTorch's outputs-first tensor.
#
# Next: :doc:`what a full Jacobian costs <06_cost>`.
