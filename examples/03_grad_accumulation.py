"""
The life of ``.grad``: accumulation, zeroing and ``None``
=========================================================

``backward`` does not *set* ``x.grad``, it *adds* to it. This example follows one leaf tensor
through every state its ``.grad`` can be in: ``None``, set, accumulated, zeroed, and back to
``None``, and shows what optimizers do with each. Then it uses accumulation on purpose, to
split a batch into micro-batches, and looks at why intermediate tensors have no ``.grad``.
"""

# %%
# ``None``, then set, then accumulated
# ------------------------------------
# A fresh leaf has no gradient at all: ``x.grad`` is ``None``, not zeros.
import warnings

import matplotlib.pyplot as plt
import torch

import jacdoc

# sphinx_gallery_thumbnail_number = 1


def f(x):
    return (x + 1) ** 2


x = torch.eye(2, requires_grad=True)
history = [("new leaf", None)]
assert x.grad is None

one_pass = 2 * (torch.eye(2) + 1)  # v * 2 (x + 1) with v = ones, worked out by hand
v = torch.ones(2, 2)

y = f(x)
y.backward(v, retain_graph=True)
print("after one backward:\n", x.grad)
torch.testing.assert_close(x.grad, one_pass)
torch.testing.assert_close(x.grad, jacdoc.vjp(v, jacdoc.jacobian(f, x)))
history.append(("backward", x.grad[0, 0].item()))

y.backward(v)
print("after a second backward on the same graph:\n", x.grad)
torch.testing.assert_close(x.grad, 2 * one_pass)
torch.testing.assert_close(x.grad, torch.tensor([[8.0, 4.0], [4.0, 8.0]]))
history.append(("backward again", x.grad[0, 0].item()))

# %%
# The second pass needed ``retain_graph=True`` on the first. A backward pass frees the
# tensors the graph saved for it (here ``x + 1``, which the derivative of ``**2`` needs), so
# a second pass through the same graph fails:
z = torch.eye(2, requires_grad=True)
y = f(z)
y.backward(v)
try:
    y.backward(v)
except RuntimeError as error:
    message = str(error)
    print(message)
assert "Trying to backward through the graph a second time" in message

# %%
# Building the graph again, ``f(z).backward(v)``, is always allowed, and accumulates too.
#
# Zeroing: ``zero_()`` keeps the tensor, ``None`` drops it
# --------------------------------------------------------
# ``x.grad.zero_()`` fills the existing gradient with zeros in place. The next backward then
# starts from zero, and ``x.grad`` holds one pass's worth again.
x.grad.zero_()
torch.testing.assert_close(x.grad, torch.zeros(2, 2))
history.append(("grad.zero_()", 0.0))
f(x).backward(v)
torch.testing.assert_close(x.grad, one_pass)
history.append(("backward", x.grad[0, 0].item()))

# %%
# Optimizers have their own ``zero_grad()``. Since PyTorch 2.0 its default is
# ``set_to_none=True``: it does not write zeros, it sets ``.grad`` back to ``None``.
optimizer = torch.optim.SGD([x], lr=0.1)
optimizer.zero_grad()
print("after optimizer.zero_grad():", x.grad)
assert x.grad is None
history.append(("zero_grad()", None))

# %%
# So ``x.grad.zero_()`` right after it fails, since there is no tensor to zero:
try:
    x.grad.zero_()
except AttributeError as error:
    message = str(error)
    print(message)
assert "'NoneType' object has no attribute 'zero_'" in message


# %%
# ``None`` and zeros are not the same to an optimizer
# ---------------------------------------------------
# An optimizer *skips* a parameter whose ``.grad`` is ``None``, but it *updates* one whose
# gradient is zero. With plain SGD a zero gradient changes nothing, but with weight decay
# (or momentum, or Adam's running averages) it does: weight decay shrinks the parameter even
# when the loss gradient is zero.
def step_with(grad):
    p = torch.ones(2, requires_grad=True)
    p.grad = grad
    torch.optim.SGD([p], lr=0.5, weight_decay=0.1).step()
    return p.detach()


skipped = step_with(None)
decayed = step_with(torch.zeros(2))
print("grad None: ", skipped.tolist())
print("grad zeros:", decayed.tolist())
torch.testing.assert_close(skipped, torch.ones(2))
# SGD with weight decay: p - lr * (grad + wd * p) = 1 - 0.5 * (0 + 0.1 * 1)
torch.testing.assert_close(decayed, torch.full((2,), 1 - 0.5 * 0.1))

# %%
# ``zero_grad(set_to_none=False)`` restores the old behaviour, zeros instead of ``None``.
#
# The figure traces ``x.grad[0, 0]`` through the steps above; a gap means ``None``.
f(x).backward(v)
history.append(("backward", x.grad[0, 0].item()))
assert x.grad[0, 0].item() == one_pass[0, 0].item()

labels = [label for label, _ in history]
values = [value for _, value in history]
fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained", facecolor="white")
ax.plot(range(len(values)), [float("nan") if v is None else v for v in values], "o-", ms=8)
for step, value in enumerate(values):
    ax.annotate(
        "None" if value is None else f"{value:g}",
        (step, value or 0.0),
        textcoords="offset points",
        xytext=(0, 10),
        ha="center",
    )
ax.set_xticks(range(len(labels)), labels, rotation=20)
ax.set_ylim(-1, 10)
ax.set_ylabel("x.grad[0, 0]")
ax.set_title("x.grad[0, 0] through the life of a leaf tensor")
plt.show()

# %%
# Accumulation on purpose: micro-batches
# --------------------------------------
# Because ``backward`` adds, a batch too large for memory can be processed in ``k`` chunks:
# call ``backward`` once per chunk and step once. For a loss that *averages* over the batch,
# each chunk's loss must be divided by ``k`` to get the same gradient.
torch.manual_seed(0)
features, targets = torch.randn(12, 3), torch.randn(12)


def loss_fn(w, rows):
    return ((features[rows] @ w - targets[rows]) ** 2).mean()


w_full = torch.zeros(3, requires_grad=True)
loss_fn(w_full, slice(None)).backward()

k = 4
w_chunks = torch.zeros(3, requires_grad=True)
for rows in torch.arange(12).chunk(k):
    (loss_fn(w_chunks, rows) / k).backward()

w_unscaled = torch.zeros(3, requires_grad=True)
for rows in torch.arange(12).chunk(k):
    loss_fn(w_unscaled, rows).backward()

print("full batch:         ", w_full.grad.tolist())
print("4 chunks, loss / k: ", w_chunks.grad.tolist())
print("4 chunks, no / k:   ", w_unscaled.grad.tolist())
torch.testing.assert_close(w_chunks.grad, w_full.grad)
torch.testing.assert_close(w_unscaled.grad, k * w_full.grad)
# The gradient of mean((X w - t)^2) at w = 0, by hand: 2/N Xᵀ(X w - t) = -2/N Xᵀ t
torch.testing.assert_close(w_full.grad, -2 / 12 * features.T @ targets)

# %%
# The chunks must be equal in size for ``/ k`` to be exact; with unequal chunks, weight each
# by its share of the rows instead.
#
# Only leaves keep a ``.grad``
# ----------------------------
# Gradients accumulate only in *leaf* tensors that require grad, the ones you created, not
# in intermediate results. Reading ``.grad`` of an intermediate gives ``None`` and a
# warning:
x = torch.eye(2, requires_grad=True)
h = x + 1  # an intermediate (non-leaf) tensor
(h**2).backward(v)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert h.grad is None
print(caught[0].message)
assert "is not a leaf Tensor" in str(caught[0].message)

# %%
# Ask for it beforehand with ``retain_grad()``. Then ``h.grad`` is ``dL/dh = 2 h``:
x = torch.eye(2, requires_grad=True)
h = x + 1
h.retain_grad()
(h**2).backward(v)
torch.testing.assert_close(h.grad, 2 * h.detach())
torch.testing.assert_close(x.grad, one_pass)
print("h.grad with retain_grad():\n", h.grad)

# %%
# Key points
# ----------
# - ``backward`` **adds** ``vᵀJ`` to ``.grad``; two passes give twice the gradient. A second
#   pass through the same graph needs ``retain_graph=True`` on the first.
# - ``grad.zero_()`` writes zeros; ``optimizer.zero_grad()`` sets ``None`` by default
#   (since PyTorch 2.0), and ``None`` is then not a tensor you can zero.
# - Optimizers skip parameters whose ``.grad`` is ``None`` but update those with zero
#   gradients, which matters with weight decay and momentum.
# - Micro-batching works because of accumulation: divide each chunk's mean loss by ``k``.
# - Only leaves keep ``.grad``; call ``retain_grad()`` to keep an intermediate's.
#
# Next: :doc:`one Jacobian through every PyTorch API <04_every_api>`.
