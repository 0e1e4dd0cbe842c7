"""
The life of ``.grad``: accumulation, zeroing and ``None``
=========================================================

``backward`` does not *set* ``x.grad``, it *adds* to it. This example follows one leaf tensor
through every state its ``.grad`` can be in: ``None``, set, accumulated, zeroed, and back to
``None``, and shows what optimizers do with each. Then it shows why adding is the right
thing to do, uses accumulation on purpose to split a batch into micro-batches, and looks at
why intermediate tensors have no ``.grad``.
"""

# %%
# ``None``, then set, then accumulated
# ------------------------------------
# A fresh leaf has no gradient at all: ``x.grad`` is ``None``, not zeros.
import torch

import jacdoc

torch.manual_seed(0)


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
# .. _retain-graph:
#
# When a second pass needs ``retain_graph=True``
# ----------------------------------------------
# The second pass above needed ``retain_graph=True`` on the first, because of what this
# graph stores. An operation whose derivative needs its inputs or outputs saves them for the
# backward pass: the derivative of ``u**2`` is ``2 u``, so it saves ``u = x + 1``. A backward
# pass frees those saved tensors as it goes, and a second pass through the same graph then
# has nothing to work with. ``x * x`` saves both of its factors and fails the same way:
z = torch.eye(2, requires_grad=True)
y = z * z
y.backward(v)
try:
    y.backward(v)
except RuntimeError as error:
    print("x * x, second pass:", str(error).split(". ")[0])
    # sphinx_gallery_start_ignore
    if "Trying to backward through the graph a second time" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("a second pass through x * x should need retain_graph=True")

# %%
# A graph that saved nothing can be walked again without it. The derivative of ``x + 1`` is
# 1 whatever ``x`` is, so the addition saves no tensor, and two passes simply add up:
z = torch.eye(2, requires_grad=True)
y = z + 1
y.backward(v)
y.backward(v)  # no retain_graph needed
torch.testing.assert_close(z.grad, 2 * v)
print("x + 1, two passes without retain_graph:\n", z.grad)
# sphinx_gallery_start_ignore
# The next paragraph's claim: even x * 2 saves a tensor (the 2) and needs retain_graph.
z = torch.eye(2, requires_grad=True)
y = z * 2
y.backward(v)
try:
    y.backward(v)
except RuntimeError:
    pass
else:
    raise AssertionError("x * 2 should need retain_graph=True for a second pass")
# sphinx_gallery_end_ignore

# %%
# Which operations save tensors is a detail of their implementation, not something to rely
# on: even ``x * 2`` saves the ``2``. Pass ``retain_graph=True`` whenever you mean to walk a
# graph twice, or compute the output again: ``f(z).backward(v)`` builds a new graph each
# time, and accumulates too.
#
# .. _zero-grad:
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
# Optimizers have their own :meth:`~torch.optim.Optimizer.zero_grad`. Since PyTorch 2.0 its
# default is ``set_to_none=True``: it does not write zeros, it sets ``.grad`` back to
# ``None``.
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
    print("x.grad.zero_():", error)
else:
    raise AssertionError("x.grad.zero_() should fail when x.grad is None")

# %%
# ``zero_grad(set_to_none=False)`` writes zeros into each existing ``.grad`` instead, the
# behaviour before PyTorch 2.0:
f(x).backward(v)
history.append(("backward", x.grad[0, 0].item()))
optimizer.zero_grad(set_to_none=False)
print("after optimizer.zero_grad(set_to_none=False):\n", x.grad)
torch.testing.assert_close(x.grad, torch.zeros(2, 2))
history.append(("zero_grad(set_to_none=False)", 0.0))
f(x).backward(v)
torch.testing.assert_close(x.grad, one_pass)
history.append(("backward", x.grad[0, 0].item()))


# %%
# ``None`` and zeros are not the same to an optimizer
# ---------------------------------------------------
# An optimizer *skips* a parameter whose ``.grad`` is ``None``, but it *updates* one whose
# gradient is zero. With plain SGD a zero gradient changes nothing, but with weight decay it
# does: weight decay shrinks the parameter even when the loss gradient is zero. (So do
# momentum and Adam's running averages, once they hold something from earlier steps.)
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
# The figure traces ``x.grad[0, 0]`` through the steps above; a gap means ``None``.
import matplotlib.pyplot as plt

labels = [label for label, _ in history]
values = [value for _, value in history]
fig, ax = plt.subplots(figsize=(9, 4), layout="constrained", facecolor="white")
ax.plot(range(len(values)), [float("nan") if v is None else v for v in values], "o-", ms=8)
for step, value in enumerate(values):
    ax.annotate(
        "None" if value is None else f"{value:g}",
        (step, value or 0.0),
        textcoords="offset points",
        xytext=(0, 10),
        ha="center",
    )
ax.set_xticks(range(len(labels)), labels, rotation=25, ha="right")
ax.set_ylim(-1, 10)
ax.set_ylabel("x.grad[0, 0]")
ax.set_title("x.grad[0, 0] through the life of a leaf tensor")
plt.show()

# %%
# .. _why-accumulate:
#
# Why ``backward`` adds
# ---------------------
# Adding is what the chain rule asks for whenever the parts of one gradient arrive
# separately. The gradient of a sum of losses is the sum of their gradients, so calling
# ``backward`` on each loss in turn leaves in ``.grad`` exactly what one ``backward`` on their
# sum would:
features, targets = torch.randn(12, 3), torch.randn(12)


def data_loss(w):
    return ((features @ w - targets) ** 2).mean()


def penalty(w):
    return 0.1 * (w**2).sum()


w_separate = torch.ones(3, requires_grad=True)
data_loss(w_separate).backward()
penalty(w_separate).backward()
w_summed = torch.ones(3, requires_grad=True)
(data_loss(w_summed) + penalty(w_summed)).backward()
torch.testing.assert_close(w_separate.grad, w_summed.grad)
print("two backward calls == backward of the sum:", w_summed.grad.tolist())

# %%
# The same holds inside one graph. A parameter used twice, like a weight matrix shared by an
# encoder and a decoder (``W`` and ``Wᵀ`` below), gets the sum of what each use contributes;
# autograd adds the contributions itself during the pass. Giving each use its own copy of
# ``W`` shows the two parts:
W = torch.randn(2, 3, requires_grad=True)
x_in = torch.randn(3)
(W.T @ torch.tanh(W @ x_in)).square().sum().backward()

W_encoder = W.detach().clone().requires_grad_(True)
W_decoder = W.detach().clone().requires_grad_(True)
(W_decoder.T @ torch.tanh(W_encoder @ x_in)).square().sum().backward()
torch.testing.assert_close(W.grad, W_encoder.grad + W_decoder.grad)
print("shared W: its gradient is the sum of the encoder's and the decoder's parts")

# %%
# :func:`torch.autograd.grad` does not accumulate: it *returns* the gradient and leaves
# ``.grad`` alone, so calling it twice gives the same result twice:
w = torch.ones(3, requires_grad=True)
loss = data_loss(w)
(first,) = torch.autograd.grad(loss, w, retain_graph=True)
(second,) = torch.autograd.grad(loss, w)
torch.testing.assert_close(first, second)
assert w.grad is None
print("autograd.grad twice: same gradient, w.grad still None")


# %%
# Accumulation on purpose: micro-batches
# --------------------------------------
# Because ``backward`` adds, a batch too large for memory can be processed in ``k`` chunks:
# call ``backward`` once per chunk and step once. For a loss that *averages* over the batch,
# each chunk's loss must be divided by ``k`` to get the same gradient.
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
# And the samples must not interact. Here each sample's term of the loss depends on its own
# row only, so the mean over the batch is the mean of the chunks' means. A layer that couples
# the samples makes each chunk a different function: batch normalization in training mode
# normalizes with the statistics of the batch it is given, so four chunks of three rows are
# normalized differently from one batch of twelve, and the accumulated gradient is not the
# full batch's. In evaluation mode it uses fixed running statistics, and the two agree again:
torch.manual_seed(1)
net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 1))


def net_grad(chunks):
    """The accumulated gradient of the first layer's weight over ``chunks`` equal chunks."""
    net.zero_grad()
    for rows in torch.arange(12).chunk(chunks):
        out = net(features[rows]).squeeze(1)
        (((out - targets[rows]) ** 2).mean() / chunks).backward()
    return net[0].weight.grad.clone()


net.train()
gap_train = (net_grad(1) - net_grad(k)).abs().max().item()
net.eval()
gap_eval = (net_grad(1) - net_grad(k)).abs().max().item()
print(f"batch norm, training mode: max |full - micro-batched| = {gap_train:.3f}")
print(f"batch norm, eval mode:     full == micro-batched within 1e-6: {gap_eval < 1e-6}")
assert gap_train > 0.01
assert gap_eval < 1e-6

# %%
# Only leaves keep a ``.grad``
# ----------------------------
# Gradients accumulate only in *leaf* tensors that require grad, the ones you created, not
# in intermediate results. Reading ``.grad`` of an intermediate gives ``None`` and a
# warning:
import warnings

x = torch.eye(2, requires_grad=True)
h = x + 1  # an intermediate (non-leaf) tensor
(h**2).backward(v)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert h.grad is None
print(caught[0].message)
# sphinx_gallery_start_ignore
assert "is not a leaf Tensor" in str(caught[0].message)
# sphinx_gallery_end_ignore

# %%
# Ask for it beforehand with :meth:`~torch.Tensor.retain_grad`. Then ``h.grad`` is
# ``dL/dh``, the VJP ``v * 2 h`` that reached ``h``. Take a non-uniform ``v``, so that the
# factor ``v`` shows; with ``v`` all ones it would look like ``2 h``:
x = torch.eye(2, requires_grad=True)
h = x + 1
h.retain_grad()
v = torch.tensor([[1.0, 10.0], [100.0, 1000.0]])
(h**2).backward(v)
print("h.grad with retain_grad():\n", h.grad)
torch.testing.assert_close(h.grad, v * 2 * h.detach())
assert not torch.equal(h.grad, 2 * h.detach())
torch.testing.assert_close(x.grad, h.grad)  # dh/dx is the identity

# %%
# Key points
# ----------
# - ``backward`` **adds** ``vᵀJ`` (for real tensors) to ``.grad``; two passes give twice the
#   gradient. A second pass through the same graph needs ``retain_graph=True`` on the first
#   when the graph saved tensors for the backward pass, as most operations do.
# - Adding is right: the gradient of a sum of losses is the sum of their gradients, and a
#   parameter used twice gets the sum of both contributions. :func:`torch.autograd.grad`
#   returns gradients without accumulating.
# - ``grad.zero_()`` writes zeros, and fails when ``.grad`` is ``None``.
#   ``optimizer.zero_grad()`` sets ``None`` by default (since PyTorch 2.0);
#   ``zero_grad(set_to_none=False)`` writes zeros.
# - Optimizers skip parameters whose ``.grad`` is ``None`` but update those with zero
#   gradients, which matters with weight decay and momentum.
# - Micro-batching works because of accumulation, when the samples do not interact: divide
#   each equal chunk's mean loss by ``k``. Batch norm in training mode couples the samples,
#   and then the chunks' gradients do not add up to the full batch's.
# - Only leaves keep ``.grad``; call ``retain_grad()`` to keep an intermediate's, which is
#   the VJP that reached it.
#
# Next: :doc:`one Jacobian through PyTorch's APIs </auto_examples/02_apis/04_every_api>`.
