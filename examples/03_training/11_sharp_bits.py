"""
The sharp bits of autograd
==========================

The traps of everyday autograd that catch everyone, chosen by how often people ask about them
in public: in PyTorch's issue tracker, on its forum and in the trackers of projects built on
it. Each trap is run the wrong way first, with the error or the surprising number it gives,
and then the right way; both are checked. Under each title are some of the public questions
it answers, most asked first. The traps of ``zero_grad`` and accumulation have their own page,
:doc:`/auto_examples/01_tensor/03_grad_accumulation`.
"""

# %%
# 1. An in-place change to a tensor that backward needs
# -----------------------------------------------------
# Asked in `pytorch/vision#807 <https://github.com/pytorch/vision/issues/807>`_,
# `pytorch/pytorch#39141 <https://github.com/pytorch/pytorch/issues/39141>`_ and
# `a forum thread <https://discuss.pytorch.org/t/when-inplace-operation-are-allowed-and-when-not/169583/3>`_.
#
# Many operations save a tensor for their backward pass: ``exp`` saves its output, ``x**2``
# its input. Autograd counts every in-place change of a tensor (its *version*), and when
# backward finds that a saved tensor changed since it was saved, it refuses rather than use
# the wrong values.
import torch

torch.manual_seed(0)
t = torch.arange(3.0, requires_grad=True)
e = (2 * t).exp()  # exp saves its output e
e[0] = 0.0  # an in-place change of e
try:
    e.sum().backward()
except RuntimeError as error:
    print(str(error).split(";")[0])
    # sphinx_gallery_start_ignore
    if "modified by an inplace operation" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("backward should refuse a changed saved tensor")

# %%
# Change a copy, or compute out of place. The gradient of ``sum(exp(2t))`` is ``2 exp(2t)``:
e = (2 * t).exp()
changed = e.clone()
changed[0] = 0.0
e.sum().backward()
torch.testing.assert_close(t.grad, 2 * torch.exp(2 * t.detach()))

# %%
# The same error in a training loop: ``optimizer.step()`` changes the weights in place. A GAN
# that steps the discriminator before the generator's backward, which runs back through the
# discriminator's saved weights, meets it:
G, D = torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)
opt_D = torch.optim.SGD(D.parameters(), lr=0.1)
noise = torch.randn(4, 2)
scores = D(G(noise))
scores.mean().backward(retain_graph=True)  # D's loss
opt_D.step()  # changes D.weight in place
try:
    (-scores.mean()).backward()  # G's loss, back through the old D
except RuntimeError as error:
    print(
        "generator's backward after opt_D.step():", "modified by an inplace operation" in str(error)
    )
else:
    raise AssertionError("the generator's backward should fail after opt_D.step()")
G.zero_grad()
(-D(G(noise)).mean()).backward()  # the fix: run the updated D again
torch.testing.assert_close(G.bias.grad, -D.weight.detach()[0])  # d(-mean D(h))/d bias

# %%
# 2. ``.grad`` is ``None``
# ------------------------
# Asked in `pytorch/pytorch#2730 <https://github.com/pytorch/pytorch/issues/2730>`_,
# `pytorch/pytorch#32708 <https://github.com/pytorch/pytorch/issues/32708>`_ and
# `nerfstudio-project/gsplat#390 <https://github.com/nerfstudio-project/gsplat/issues/390>`_.
#
# Only *leaves*, tensors you created with ``requires_grad=True``, keep a ``.grad``. Any result
# of an operation on a tensor that requires grad, with gradients enabled, is not a leaf, and
# that includes a tensor that ``.to()`` (or ``.cuda()``) copied, and the new tensor a name is
# rebound to by ``x = x * 2``:
import warnings

x = torch.ones(3, requires_grad=True).to(torch.float64)  # .cuda() is the same: a copy
assert not x.is_leaf
(3 * x).sum().backward()
with warnings.catch_warnings(record=True) as caught:  # reading a non-leaf's .grad warns
    warnings.simplefilter("always")
    print("after .to():", x.grad)
    assert x.grad is None  # the gradient went to the float32 leaf, which no name holds
print(str(caught[0].message).split(". ")[0])

y = torch.ones(3, requires_grad=True)
y = y * 2  # the name now holds a result, not the leaf
(3 * y).sum().backward()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    assert y.grad is None

# %%
# Create the leaf where it will live, call ``requires_grad_()`` after moving it, or keep the
# leaf's name; for an intermediate, ask for its gradient with ``retain_grad()`` beforehand:
x = torch.ones(3, dtype=torch.float64, requires_grad=True)
(3 * x).sum().backward()
torch.testing.assert_close(x.grad, torch.full((3,), 3.0, dtype=torch.float64))
leaf = torch.ones(3, requires_grad=True)
doubled = leaf * 2
doubled.retain_grad()
(3 * doubled).sum().backward()
torch.testing.assert_close(doubled.grad, torch.full((3,), 3.0))
torch.testing.assert_close(leaf.grad, torch.full((3,), 6.0))

# %%
# 3. Backward through the graph a second time
# -------------------------------------------
# Asked on `the forum <https://discuss.pytorch.org/t/runtimeerror-trying-to-backward-through-the-graph-a-second-time-but-the-buffers-have-already-been-freed-specify-retain-graph-true-when-calling-backward-the-first-time/6795/2>`_,
# in `MorvanZhou/PyTorch-Tutorial#57 <https://github.com/MorvanZhou/PyTorch-Tutorial/issues/57>`_
# and `again on the forum <https://discuss.pytorch.org/t/can-not-create-a-new-calculation-graph-after-the-backward-propagation/45026>`_.
#
# ``backward`` frees the tensors that the graph saved. A second backward through the same
# part of the graph finds them gone. In a recurrent network that happens across batches: the
# hidden state carried into the next batch still refers to the last batch's graph.
cell = torch.nn.RNNCell(3, 4)
chunks = torch.randn(2, 5, 1, 3)  # two chunks of five time steps


def run(h, chunk):
    for step in chunk:
        h = cell(step, h)
    return h


h = run(torch.zeros(1, 4), chunks[0])
h.pow(2).sum().backward()
h = run(h, chunks[1])  # starts from the first chunk's graph, already freed
try:
    h.pow(2).sum().backward()
except RuntimeError as error:
    print(str(error).split(" (or")[0])
    # sphinx_gallery_start_ignore
    if "backward through the graph a second time" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("the second chunk's backward should fail")

# %%
# Cut the history at each chunk's start with ``detach()`` (truncated backpropagation through
# time). ``retain_graph=True`` would instead keep every earlier chunk's graph and go back
# through all of them, in ever more memory and time. The gradient then is that of the second
# chunk alone, as computed from a fresh leaf:
h_start = run(torch.zeros(1, 4), chunks[0]).detach()
cell.zero_grad()
run(h_start, chunks[1]).pow(2).sum().backward()
(expected,) = torch.autograd.grad(run(h_start.clone(), chunks[1]).pow(2).sum(), cell.weight_hh)
torch.testing.assert_close(cell.weight_hh.grad, expected)

# %%
# 4. NaN gradients through ``torch.where``
# ----------------------------------------
# Asked in `pytorch/pytorch#68425 <https://github.com/pytorch/pytorch/issues/68425>`_ and
# `pytorch/pytorch#2421 <https://github.com/pytorch/pytorch/issues/2421>`_.
#
# ``torch.where`` computes both branches. Its backward gives the branch it did not pick a
# zero gradient, but that branch's own backward still runs, and ``0 × inf`` is ``nan``.
# Here ``exp(100)`` overflows float32 although the forward value comes from the other branch:
a = torch.tensor(100.0, requires_grad=True)
b = torch.where(a <= 0, torch.exp(a), 1 + a)
b.backward()
print(f"forward {b.item()}, gradient {a.grad.item()}")
assert b.item() == 101.0
assert torch.isnan(a.grad)

# %%
# Make the unpicked branch harmless on its *input*, so that both branches have finite
# derivatives everywhere. The same holds for ``sqrt`` at 0, whose derivative is infinite:
a.grad = None
safe = torch.where(a <= 0, a, torch.zeros_like(a))
b = torch.where(a <= 0, torch.exp(safe), 1 + a)
b.backward()
assert a.grad.item() == 1.0
x = torch.tensor([0.0, 4.0], requires_grad=True)
torch.where(x > 0, x.sqrt(), x).sum().backward()
assert torch.isnan(x.grad[0])
x.grad = None
safe = torch.where(x > 0, x, torch.ones_like(x))
torch.where(x > 0, safe.sqrt(), x).sum().backward()
torch.testing.assert_close(x.grad, torch.tensor([1.0, 0.25]))  # 1 for x itself; 1/(2 sqrt 4)

# %%
# 5. "element 0 of tensors does not require grad", and the fix that is not one
# ----------------------------------------------------------------------------
# Asked in `ronghuaiyang/arcface-pytorch#56 <https://github.com/ronghuaiyang/arcface-pytorch/issues/56>`_
# and `isayev/ReLeaSE#39 <https://github.com/isayev/ReLeaSE/issues/39>`_.
#
# The error means that nothing the loss was computed from requires grad: the graph was cut,
# by ``torch.no_grad()``, ``detach()``, ``.item()``, or a tensor rebuilt with
# ``torch.tensor(...)``. Setting ``loss.requires_grad = True`` silences it by making the loss
# a new leaf, and then no gradient reaches the model at all:
model = torch.nn.Linear(3, 1)
inputs, targets = torch.randn(4, 3), torch.randn(4, 1)
with torch.no_grad():  # the real bug
    outputs = model(inputs)
loss = ((outputs - targets) ** 2).mean()
try:
    loss.backward()
except RuntimeError as error:
    print(error)
    # sphinx_gallery_start_ignore
    if "does not require grad and does not have a grad_fn" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("a loss cut from the graph should not backpropagate")
loss.requires_grad = True  # silences the error ...
loss.backward()
print("model.weight.grad after the 'fix':", model.weight.grad)
assert model.weight.grad is None  # ... and the model learns nothing

# %%
# Find the cut and remove it. ``.item()`` is the quiet version of the same cut: a
# policy-gradient loss written as ``log_prob.item() * reward`` is a number, not a function of
# the parameters. Here the gradient of the mean squared error is ``2 mean(r x)``:
loss = ((model(inputs) - targets) ** 2).mean()
loss.backward()
residual = (model(inputs) - targets).detach()
torch.testing.assert_close(model.weight.grad, 2 * (residual * inputs).mean(0, keepdim=True))
log_prob = torch.log_softmax(model(inputs).squeeze(1), dim=0)[0]
assert not torch.tensor(log_prob.item() * 3.0).requires_grad  # a constant: nothing to learn
assert (log_prob * 3.0).requires_grad

# %%
# 6. ``.data`` instead of ``detach()``
# ------------------------------------
# Asked in `pytorch/pytorch#6990 <https://github.com/pytorch/pytorch/issues/6990>`_ and
# `pytorch/pytorch#7174 <https://github.com/pytorch/pytorch/issues/7174>`_.
#
# Both give a tensor that shares storage with the original and does not require grad. An
# in-place change through ``detach()`` is counted, so trap 1's check catches it; a change
# through ``.data`` is not, and backward silently uses the changed values. ``sigmoid`` saves
# its output:
c = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
out = c.sigmoid()
out.data.zero_()  # invisible to autograd
out.sum().backward()
s = torch.sigmoid(c.detach())
print("gradient after .data.zero_():", c.grad, " true:", s * (1 - s))
assert torch.equal(c.grad, torch.zeros(3))  # silently wrong

c.grad = None
out = c.sigmoid()
out.detach().zero_()  # counted
try:
    out.sum().backward()
except RuntimeError as error:
    print("after .detach().zero_():", "modified by an inplace operation" in str(error))
else:
    raise AssertionError("a counted change should be refused")
c.grad = None
c.sigmoid().sum().backward()  # untouched
torch.testing.assert_close(c.grad, s * (1 - s))

# %%
# 7. ``.numpy()`` on a tensor that requires grad
# ----------------------------------------------
# Asked in `zhuangdizhu/FedGen#1 <https://github.com/zhuangdizhu/FedGen/issues/1>`_.
#
# A NumPy array cannot carry a gradient, so PyTorch refuses to hand one out silently:
w = torch.tensor([1.0, 2.0], requires_grad=True)
try:
    (w * 2).numpy()
except RuntimeError as error:
    print(error)
    # sphinx_gallery_start_ignore
    if "Use tensor.detach().numpy() instead" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("numpy() should refuse a tensor that requires grad")
assert (w * 2).detach().numpy().tolist() == [2.0, 4.0]  # for values, leave the graph on purpose

# %%
# 8. Tensors made under ``torch.inference_mode()``
# ------------------------------------------------
# Asked in `facebookresearch/dinov2#472 <https://github.com/facebookresearch/dinov2/issues/472>`_.
#
# ``inference_mode`` is a stricter ``no_grad``: what it creates are *inference tensors*,
# which no later graph can save for backward, even outside the block:
w = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.inference_mode():
    features = torch.tensor([3.0, 4.0]) * 2
try:
    (w * features).sum().backward()  # w's gradient needs features saved
except RuntimeError as error:
    print(str(error).split(".")[0])
    # sphinx_gallery_start_ignore
    if "Inference tensors cannot be saved for backward" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("an inference tensor should not be saved for backward")
(w * features.clone()).sum().backward()  # a clone outside inference mode is a normal tensor
torch.testing.assert_close(w.grad, torch.tensor([6.0, 8.0]))

# %%
# For values that may feed training later, use ``torch.no_grad()``, whose results are normal
# tensors.
#
# 9. A running total of losses keeps every graph alive
# ----------------------------------------------------
# Asked in `pytorch/pytorch#1840 <https://github.com/pytorch/pytorch/issues/1840>`_.
#
# ``total += loss`` makes ``total`` a function of every loss so far, so each iteration's
# graph, with the activations it saved, stays reachable. For losses that are only logged
# (validation, say), memory grows with every iteration. A weak reference shows what is kept:
import weakref

weights = torch.randn(100, requires_grad=True)


def log_losses(as_number):
    total, kept = 0.0, []
    for _ in range(3):
        hidden = weights * torch.randn(100)  # pow below saves it
        kept.append(weakref.ref(hidden))
        loss = hidden.pow(2).mean()
        total += loss.item() if as_number else loss
        del hidden, loss
    return total, kept


total, kept = log_losses(as_number=False)
print("total += loss: graphs alive:", sum(r() is not None for r in kept), "of", len(kept))
assert all(r() is not None for r in kept)
total, kept = log_losses(as_number=True)
print("total += loss.item(): graphs alive:", sum(r() is not None for r in kept), "of", len(kept))
assert all(r() is None for r in kept)
assert isinstance(total, float)

# %%
# 10. Integer results have no gradient
# ------------------------------------
# Asked in `pytorch/pytorch#53466 <https://github.com/pytorch/pytorch/issues/53466>`_, on
# `the forum <https://discuss.pytorch.org/t/is-the-type-conversion-differentiable/45436>`_ and
# in `snap-stanford/GEARS#36 <https://github.com/snap-stanford/GEARS/issues/36>`_.
#
# Only floating-point and complex tensors can require grad. A cast to an integer type, a
# comparison, ``argmax``, ``round`` or ``sign`` gives a result that carries no gradient back,
# or a zero one:
try:
    torch.tensor([1, 2], requires_grad=True)
except RuntimeError as error:
    print(error)
    # sphinx_gallery_start_ignore
    if "Only Tensors of floating point and complex dtype can require gradients" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("an integer tensor should not require grad")
x = torch.tensor([0.4, 1.6], requires_grad=True)
assert x.long().grad_fn is None
assert x.argmax().grad_fn is None
x.round().sum().backward()
print("gradient of round:", x.grad)
assert torch.equal(x.grad, torch.zeros(2))  # flat almost everywhere
x.grad = None
x.double().mul(3).sum().backward()  # a float-to-float cast is differentiable
assert torch.equal(x.grad, torch.tensor([3.0, 3.0]))

# %%
# 11. A frozen layer still moves
# ------------------------------
# Asked on `the forum <https://discuss.pytorch.org/t/why-there-is-still-a-small-change-in-frozen-layer-parameters/153740>`_
# and `again <https://discuss.pytorch.org/t/best-practice-for-freezing-layers/58156>`_.
#
# An optimizer does not look at ``requires_grad``: it updates every parameter it holds whose
# ``.grad`` is not ``None``. A layer frozen after training began still has a ``.grad``; if it
# is a zero tensor (``zero_grad(set_to_none=False)``), momentum and weight decay keep moving
# the layer:
net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-2)
batch = torch.randn(4, 2)


def step(set_to_none):
    optimizer.zero_grad(set_to_none=set_to_none)
    net(batch).pow(2).mean().backward()
    optimizer.step()


step(set_to_none=True)  # an ordinary step, which builds momentum
net[0].requires_grad_(False)  # freeze the first layer
before = net[0].weight.detach().clone()
step(set_to_none=False)  # its .grad stays a zero tensor
print("frozen, zeroed .grad: moved by", (net[0].weight - before).abs().max().item())
assert not torch.equal(net[0].weight.detach(), before)

# %%
# With ``.grad`` set to ``None`` (``zero_grad()``'s default since PyTorch 2.0), the optimizer
# skips the layer; giving the optimizer only the trainable parameters makes that explicit.
# ``model.eval()`` freezes nothing either: it switches layers such as dropout and batch norm
# to their evaluation behaviour, and gradients still flow.
before = net[0].weight.detach().clone()
step(set_to_none=True)
assert torch.equal(net[0].weight.detach(), before)
net.eval()
net[1].weight.grad = None
net(batch).sum().backward()
assert net[1].weight.grad is not None

# %%
# Key points
# ----------
# - Backward refuses a saved tensor that changed in place, including weights that an
#   optimizer stepped; change a copy, or run the forward pass again.
# - Only leaves keep ``.grad``: ``.to()``, ``.cuda()`` and ``x = x * 2`` give results, not
#   leaves. Create leaves where they live, or ``retain_grad()`` an intermediate.
# - A backward frees its graph; carry recurrent state across batches with ``detach()``.
# - ``torch.where`` runs the backward of both branches: make the unpicked one finite on its
#   input.
# - "does not require grad" means the graph was cut; ``loss.requires_grad = True`` hides the
#   cut and the model learns nothing. ``.item()`` and ``.numpy()`` leave the graph on purpose.
# - ``.data`` changes are invisible to autograd and give silently wrong gradients; use
#   ``detach()`` or ``torch.no_grad()``.
# - Inference tensors can never be saved for backward: use ``no_grad`` for values that may
#   feed training.
# - Log ``loss.item()``, not ``loss``, or every iteration's graph stays alive.
# - Integer results, comparisons, ``argmax``, ``round`` and ``sign`` carry no useful gradient.
# - Optimizers update every parameter whose ``.grad`` is not ``None``, frozen or not.
#
# Next: :doc:`Hessian-vector products </auto_examples/04_beyond/12_hessian_vector_products>`.
