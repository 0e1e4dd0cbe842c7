"""
Jacobians and per-sample gradients of a model's parameters
==========================================================

A model is a function of its input *and* of its parameters. When a loss is computed from the
model's output, ``loss.backward()`` reaches the output with ``v = dL/d(output)`` and puts
``vᵀJ`` into each parameter's ``.grad``, where ``J`` is the Jacobian of the output with respect
to that parameter, in the same outputs-first layout as before: ``J.shape == out.shape +
p.shape``. This example builds those Jacobians with ``torch.func``,
computes per-sample gradients, and runs the three pitfalls that catch people out: buffers,
batch norm and ``no_grad`` inside a module.
"""

# %%
# A model as a function of its parameters
# ---------------------------------------
# The model has two :class:`torch.nn.Linear` layers with a ``tanh`` between them: 3 features
# in, a hidden layer of 5, 2 outputs. :func:`torch.func.functional_call` runs a
# :class:`torch.nn.Module` with parameters taken from a dict instead of from the module, so
# the model becomes an ordinary function of that dict.
import torch
from torch import nn

torch.manual_seed(0)


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 5)
        self.fc2 = nn.Linear(5, 2)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


model = TwoLayer()
X = torch.randn(4, 3)  # a batch of 4 samples
params = {name: p.detach() for name, p in model.named_parameters()}


def f(params, X):
    return torch.func.functional_call(model, params, (X,))


out = f(params, X)
torch.testing.assert_close(out, model(X))
assert out.shape == (4, 2)
print("output shape:", tuple(out.shape))

# %%
# :func:`torch.func.jacrev` differentiates with respect to the arguments that ``argnums``
# names. A dict argument gives a dict of Jacobians, one per parameter; ``argnums=(0, 1)``
# gives the Jacobians with respect to the parameters *and* the input in one call.
J_params, J_input = torch.func.jacrev(f, argnums=(0, 1))(params, X)
for name, p in params.items():
    print(f"{name:11} p.shape {tuple(p.shape)!s:7} J.shape {tuple(J_params[name].shape)}")
    assert J_params[name].shape == out.shape + p.shape
assert J_input.shape == out.shape + X.shape

# %%
# Each shape is the output's, ``(4, 2)``, followed by the parameter's. To check the numbers,
# build the same Jacobians the slow way: one :func:`torch.autograd.grad` call per output
# entry, each returning one row of every Jacobian at once.
out = model(X)
rows = {name: [] for name in params}
for index in range(out.numel()):
    grads = torch.autograd.grad(out.reshape(-1)[index], model.parameters(), retain_graph=True)
    for name, grad in zip(params, grads, strict=True):
        rows[name].append(grad)
for name, p in params.items():
    by_loop = torch.stack(rows[name]).reshape(out.shape + p.shape)
    torch.testing.assert_close(J_params[name], by_loop)
print(f"jacrev matches {out.numel()} autograd.grad calls for every parameter")

# %%
# Each of them also has a closed form. With ``h = tanh(W1 x + b1)`` and
# ``out[b, m] = Σ_j W2[m, j] h[b, j] + b2[m]``:
#
# - ``d out[b, m] / d b2[k] = δ[m, k]``;
# - ``d out[b, m] / d W2[k, j] = δ[m, k] h[b, j]``: output ``m`` only sees row ``m`` of ``W2``;
# - ``d out[b, m] / d b1[k] = W2[m, k] (1 - h[b, k]²)``, by the chain rule;
# - ``d out[b, m] / d W1[k, i] = W2[m, k] (1 - h[b, k]²) X[b, i]``.
import jacdoc

h = torch.tanh(X @ params["fc1.weight"].T + params["fc1.bias"])
W2 = params["fc2.weight"]
eye = torch.eye(2)
torch.testing.assert_close(J_params["fc2.bias"], eye.expand(4, 2, 2))
torch.testing.assert_close(J_params["fc2.weight"], torch.einsum("mk,bj->bmkj", eye, h))
torch.testing.assert_close(J_params["fc1.bias"], torch.einsum("mk,bk->bmk", W2, 1 - h**2))
torch.testing.assert_close(J_params["fc1.weight"], torch.einsum("mk,bk,bi->bmki", W2, 1 - h**2, X))

import matplotlib.pyplot as plt

assert J_params["fc2.weight"].shape == (4, 2, 2, 5)
assert jacdoc.as_matrix(J_params["fc2.weight"], out_ndim=2).shape == (8, 10)
assert not J_params["fc2.weight"][:, 0, 1, :].any()  # output 0 and row 1 of W2
ax = jacdoc.plot_jacobian(
    J_params["fc2.weight"], out_ndim=2, title="Jacobian of the output w.r.t. fc2.weight"
)
plt.show()

# %%
# Rows are the 8 output entries, sample by sample; columns are the 10 entries of ``W2``, row
# by row. The zeros are the ``δ[m, k]``: output 0 never depends on the second row of ``W2``.
#
# ``backward`` contracts each of these Jacobians with the same ``v``
# ------------------------------------------------------------------
# ``model(X).backward(v)`` fills every ``p.grad`` with ``vᵀJ`` for that parameter's
# Jacobian: the sum over the output indices ``(b, m)``, the leading ones.
v = torch.randn(4, 2)
model.zero_grad()
model(X).backward(v)
for name, p in model.named_parameters():
    torch.testing.assert_close(p.grad, jacdoc.vjp(v, J_params[name]))
print("p.grad == vᵀJ for every parameter")

# %%
# Per-sample gradients
# --------------------
# Training computes one gradient for the whole batch. Some methods (differential privacy,
# data attribution, gradient-noise estimates) need one gradient per sample. Write the loss of
# *one* sample, differentiate it with :func:`torch.func.grad`, and map that over the batch
# with :func:`torch.func.vmap`. ``in_dims=(None, None, 0, 0)`` shares the parameters and
# buffers and splits the inputs and targets along their first dimension. This model has no
# buffers, so the dict is empty; the pitfalls below show why it is passed anyway.
import torch.nn.functional as F

Y = torch.randn(4, 2)
buffers = {name: b.detach() for name, b in model.named_buffers()}
assert buffers == {}


def sample_loss(params, buffers, x, y):
    out = torch.func.functional_call(model, (params, buffers), (x.unsqueeze(0),))
    return F.mse_loss(out.squeeze(0), y)


per_sample = torch.func.vmap(torch.func.grad(sample_loss), in_dims=(None, None, 0, 0))(
    params, buffers, X, Y
)
for name, p in params.items():
    assert per_sample[name].shape == (4, *p.shape)

# %%
# Check against the obvious way: one ``backward`` per sample.
for b in range(4):
    model.zero_grad()
    F.mse_loss(model(X[b : b + 1]), Y[b : b + 1]).backward()
    for name, p in model.named_parameters():
        torch.testing.assert_close(per_sample[name][b], p.grad)
print("vmap(grad(sample_loss)) matches one backward per sample")

# %%
# The mean of the per-sample gradients is the batch gradient. ``F.mse_loss`` averages over
# every entry, and each sample has the same number of entries (2), so the batch loss is the
# mean of the per-sample losses, and its gradient the mean of theirs:
model.zero_grad()
F.mse_loss(model(X), Y).backward()
for name, p in model.named_parameters():
    torch.testing.assert_close(per_sample[name].mean(dim=0), p.grad)
print("mean of per-sample gradients == batch gradient")


# %%
# Why: stack the per-sample losses into a vector ``ℓ`` of shape ``(4,)``. Its Jacobian with
# respect to a parameter ``p`` has shape ``(4,) + p.shape``, and row ``b`` is the gradient of
# ``ℓ[b]``: the per-sample gradient. The batch loss is ``vᵀℓ`` with ``v = (1/4, …, 1/4)``, so
# its gradient is ``vᵀJ``, the same weighted sum of the rows. A VJP is linear in ``v``; any
# other weighting of the samples weighs their gradients the same way.
def sample_losses(params):
    out = torch.func.functional_call(model, params, (X,))
    return F.mse_loss(out, Y, reduction="none").mean(dim=1)


J_losses = torch.func.jacrev(sample_losses)(params)
weights = torch.full((4,), 1 / 4)
for name, p in model.named_parameters():
    torch.testing.assert_close(J_losses[name], per_sample[name])
    torch.testing.assert_close(jacdoc.vjp(weights, J_losses[name]), p.grad)
print("rows of J(losses) are the per-sample gradients; vᵀJ with v = 1/4 is the batch gradient")

# %%
# Pitfall 1: buffers are not parameters
# -------------------------------------
# Batch norm keeps running statistics in *buffers*: tensors that belong to the module's state
# but are not trained. ``named_parameters()`` does not list them; ``named_buffers()`` does.
import copy


class WithBatchNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 5)
        self.bn = nn.BatchNorm1d(5)
        self.fc2 = nn.Linear(5, 2)

    def forward(self, x):
        return self.fc2(torch.tanh(self.bn(self.fc1(x))))


bn_model = WithBatchNorm()  # in training mode, like every new module
bn_params = {name: p.detach() for name, p in bn_model.named_parameters()}
bn_buffers = {name: b.detach() for name, b in bn_model.named_buffers()}
print("parameters:", list(bn_params))
print("buffers:   ", list(bn_buffers))


def batch_loss(params, buffers):
    return F.mse_loss(torch.func.functional_call(bn_model, (params, buffers), (X,)), Y)


# %%
# :func:`~torch.func.functional_call` takes any name missing from the dicts from the module
# itself. With the parameters alone, the buffers are the module's own tensors, captured from
# outside the function, and batch norm in training mode updates them in place. Under a
# ``torch.func`` transform that write is an error:
try:
    torch.func.grad(batch_loss)(bn_params, {})
except RuntimeError as error:
    print("RuntimeError:", str(error).split(". ")[0])
else:
    raise AssertionError("a transform should refuse to write into a captured buffer")

# %%
# Passed as an argument, the buffers are inputs of the function, and the update goes into
# them as in an ordinary training step. The gradient matches ``backward`` on an identical
# copy of the module, and so do the updated running statistics:
reference = copy.deepcopy(bn_model)
grads = torch.func.grad(batch_loss)(bn_params, bn_buffers)
F.mse_loss(reference(X), Y).backward()
for name, p in reference.named_parameters():
    torch.testing.assert_close(grads[name], p.grad)
for name, b in reference.named_buffers():
    torch.testing.assert_close(bn_buffers[name], b)
print("with the buffers passed: same gradient and same running statistics as backward")

# sphinx_gallery_start_ignore
# Outside a transform, leaving the buffers out works and updates the module's own statistics.
fallback = copy.deepcopy(bn_model)
before = fallback.bn.running_mean.clone()
torch.func.functional_call(fallback, bn_params, (X,))
assert not torch.equal(fallback.bn.running_mean, before)
# strict=True turns the missing names into an error that lists them.
try:
    torch.func.functional_call(bn_model, bn_params, (X,), strict=True)
except RuntimeError as error:
    if "Missing key(s)" not in str(error) or "bn.running_mean" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
else:
    raise AssertionError("strict=True should reject missing buffers")
# sphinx_gallery_end_ignore

# %%
# Pitfall 2: batch norm couples the samples of a batch
# ----------------------------------------------------
# In training mode batch norm normalizes with the mean and variance *of the batch*, so each
# sample's output depends on every sample's input. The Jacobian of the output with respect
# to the whole input batch shows it: in :doc:`07_batches_and_hessians` its off-diagonal
# blocks were zero, because samples did not interact. In evaluation mode batch norm uses its
# running statistics instead, a fixed affine map per feature, and the blocks are zero again.
J_train = jacdoc.jacobian(bn_model, X)
bn_model.eval()
J_eval = jacdoc.jacobian(bn_model, X)
bn_model.train()
assert J_train.shape == J_eval.shape == (4, 2, 4, 3)
for b in range(4):
    for c in range(4):
        if b != c:
            assert J_train[b, :, c, :].abs().sum() > 0, "training mode: samples interact"
            assert not J_eval[b, :, c, :].any(), "evaluation mode: samples are independent"

fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained", facecolor="white")
jacdoc.plot_jacobian(J_train, out_ndim=2, ax=axes[0], title="training mode: batch statistics")
jacdoc.plot_jacobian(J_eval, out_ndim=2, ax=axes[1], title="evaluation mode: running statistics")
fig.suptitle("Jacobian of a batch-norm model's output w.r.t. the input batch")
plt.show()

# sphinx_gallery_thumbnail_number = 2


# %%
# So in training mode the loss of sample ``b`` depends on the other samples too, and no
# computation that sees one sample at a time can give its gradient. Under ``vmap`` the
# function sees one sample, which ``bn_sample_loss`` turns into a batch of one, and batch
# norm in training mode refuses to normalize a batch of one:
def bn_sample_loss(params, buffers, x, y):
    out = torch.func.functional_call(bn_model, (params, buffers), (x.unsqueeze(0),))
    return F.mse_loss(out.squeeze(0), y)


per_sample_bn = torch.func.vmap(torch.func.grad(bn_sample_loss), in_dims=(None, None, 0, 0))
try:
    per_sample_bn(bn_params, bn_buffers, X, Y)
except ValueError as error:
    print(f"ValueError: {error}")
else:
    raise AssertionError("batch norm in training mode should reject a batch of one")

# %%
# PyTorch's page "Patching Batch Norm" (in the ``torch.func`` documentation) lists the ways
# out, all of which give up normalizing with the statistics of the whole batch: replace
# batch norm with group norm; build it with ``track_running_stats=False``, or patch a built
# model with :func:`torch.func.replace_all_batch_norm_modules_`; or run it in evaluation
# mode. In evaluation mode the samples are independent (the figure above), and ``vmap``
# gives true per-sample gradients of that model, equal to one ``backward`` per sample:
bn_model.eval()
per_sample_eval = per_sample_bn(bn_params, bn_buffers, X, Y)
for b in range(4):
    bn_model.zero_grad()
    F.mse_loss(bn_model(X[b : b + 1]), Y[b : b + 1]).backward()
    for name, p in bn_model.named_parameters():
        torch.testing.assert_close(per_sample_eval[name][b], p.grad)
bn_model.train()
print("evaluation mode: vmap matches one backward per sample")

# %%
# :func:`~torch.func.replace_all_batch_norm_modules_` removes the running statistics and
# sets ``track_running_stats=False``, so batch norm always normalizes with the statistics of
# the batch it is given. Under ``vmap`` that batch is one slice: vmapped over groups of two
# samples, each group is normalized with its own mean and variance, exactly as if each group
# were a separate batch.
patched = copy.deepcopy(bn_model)
torch.func.replace_all_batch_norm_modules_(patched)
assert patched.bn.running_mean is None
assert not patched.bn.track_running_stats
patched_params = {name: p.detach() for name, p in patched.named_parameters()}
assert dict(patched.named_buffers()) == {}  # nothing left to pass besides the parameters


def group_loss(params, x, y):
    return F.mse_loss(torch.func.functional_call(patched, params, (x,)), y)


per_group = torch.func.vmap(torch.func.grad(group_loss), in_dims=(None, 0, 0))(
    patched_params, X.reshape(2, 2, 3), Y.reshape(2, 2, 2)
)
for group, rows in enumerate(torch.arange(4).chunk(2)):
    patched.zero_grad()
    F.mse_loss(patched(X[rows]), Y[rows]).backward()
    for name, p in patched.named_parameters():
        torch.testing.assert_close(per_group[name][group], p.grad)
print("patched batch norm under vmap: each group of 2 is normalized on its own")

# sphinx_gallery_start_ignore
# "always": without running statistics, evaluation mode also uses the batch's statistics.
patched.eval()
evaluated = patched(X)
patched.train()
torch.testing.assert_close(evaluated, patched(X))
# sphinx_gallery_end_ignore

# %%
# Pitfall 3: ``no_grad`` inside a module
# --------------------------------------
# A forward pass that wraps part of its computation in :class:`torch.no_grad` cuts that part
# out of the graph. Nothing warns. Ordinary autograd never reaches the parameters before the
# cut, so their ``.grad`` stays as it was (``None`` for a new module); ``torch.func`` returns
# zeros for them. Neither is the derivative of the
# function the forward pass computes.
import warnings


class PartlyFrozen(TwoLayer):
    def forward(self, x):
        with torch.no_grad():
            h = torch.tanh(self.fc1(x))
        return self.fc2(h)


frozen = PartlyFrozen()
frozen.load_state_dict(model.state_dict())  # the same weights as `model`
torch.testing.assert_close(frozen(X), model(X))  # the same function values

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    frozen(X).sum().backward()
    by_func = torch.func.grad(lambda p: torch.func.functional_call(frozen, p, (X,)).sum())(params)
assert caught == [], "nothing warns"
print("autograd, fc1.weight.grad:", frozen.fc1.weight.grad)
assert frozen.fc1.weight.grad is None
assert frozen.fc1.bias.grad is None
torch.testing.assert_close(frozen.fc2.weight.grad, torch.ones(4, 2).T @ h)  # by hand

print("torch.func, fc1.weight gradient:\n", by_func["fc1.weight"])
assert not by_func["fc1.weight"].any()
assert not by_func["fc1.bias"].any()

# The derivative of the same function: the Jacobian from the first section, contracted with
# v = ones (the gradient of .sum()).
true_grad = jacdoc.vjp(torch.ones(4, 2), J_params["fc1.weight"])
print("the true gradient w.r.t. fc1.weight:\n", true_grad)
assert true_grad.abs().sum() > 0


# sphinx_gallery_start_ignore
class Detached(TwoLayer):
    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)).detach())


detached = Detached()
detached(X).sum().backward()
assert detached.fc1.weight.grad is None
assert detached.fc2.weight.grad is not None
# sphinx_gallery_end_ignore

# %%
# ``detach()`` in a forward pass has the same effect. Use :class:`torch.no_grad` for code that
# should not be differentiated (evaluation, updating a target network); to freeze a layer
# on purpose, set ``requires_grad_(False)`` on its parameters, which says what it means.
#
# Key points
# ----------
# - :func:`torch.func.functional_call` makes a module a function of a parameter dict;
#   ``jacrev`` of it gives one Jacobian per parameter, shaped ``out.shape + p.shape``.
# - ``model(X).backward(v)`` puts ``vᵀJ`` for each parameter's Jacobian into its ``.grad``.
# - ``vmap(grad(loss), in_dims=(None, None, 0, 0))`` gives per-sample gradients. When the
#   batch loss is the mean of the per-sample losses, their mean is the batch gradient: the
#   batch gradient is ``vᵀJ`` of the per-sample-loss vector with ``v = 1/B``.
# - Pass the buffers as well as the parameters, or a transform meets batch norm's in-place
#   update of a tensor it did not receive.
# - Batch norm in training mode couples the samples, so per-sample gradients are not defined
#   sample by sample and ``vmap`` fails. Evaluation mode, group norm or
#   :func:`torch.func.replace_all_batch_norm_modules_` are the documented ways out, each a
#   different model.
# - ``no_grad`` inside ``forward`` silently leaves the parameters before it without a
#   gradient: ``.grad`` untouched (autograd) or zeros (``torch.func``).
#
# Next: :doc:`Hessian-vector products <09_hessian_vector_products>`.
