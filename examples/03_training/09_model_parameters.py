"""
Jacobians and per-sample gradients of a model's parameters
==========================================================

A model is a function of its input *and* of its parameters. When a loss is computed from the
model's output, ``loss.backward()`` reaches the output with ``v = dL/d(output)`` and adds
``vᵀJ`` to each parameter's ``.grad`` (so ``.grad`` is ``vᵀJ`` after ``zero_grad()``), where
``J`` is the Jacobian of the output with respect to that parameter, in the same
outputs-first layout as before: ``J.shape == out.shape + p.shape``. This example builds those
Jacobians with ``torch.func``, computes per-sample gradients, and runs the four pitfalls that
catch people out: buffers, batch norm, ``no_grad`` inside a module, and random layers such as
dropout under ``vmap``.
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
# ``model(X).backward(v)`` adds to every ``p.grad`` the ``vᵀJ`` of that parameter's Jacobian:
# the sum over the output indices ``(b, m)``, the leading ones. After ``model.zero_grad()``,
# which empties the ``.grad`` fields, that is exactly ``vᵀJ``; a second ``backward`` adds it
# again, as in :doc:`/auto_examples/01_tensor/03_grad_accumulation`.
v = torch.randn(4, 2)
model.zero_grad()
model(X).backward(v)
for name, p in model.named_parameters():
    torch.testing.assert_close(p.grad, jacdoc.vjp(v, J_params[name]))
print("after zero_grad(), p.grad == vᵀJ for every parameter")
model(X).backward(v)
for name, p in model.named_parameters():
    torch.testing.assert_close(p.grad, 2 * jacdoc.vjp(v, J_params[name]))
print("after a second backward, p.grad == 2 vᵀJ")

# %%
# Per-sample gradients
# --------------------
# Training computes one gradient for the whole batch. Some methods (differential privacy,
# data attribution, gradient-noise estimates) need one gradient per sample. Write the loss of
# *one* sample, differentiate it with :func:`torch.func.grad`, and map that over the batch
# with :func:`torch.func.vmap`. ``in_dims=(None, None, 0, 0)`` shares the parameters and
# buffers and splits the inputs and targets along their first dimension. This model has no
# buffers, so the dict is empty. It is passed anyway because :func:`torch.func.functional_call`
# takes whatever the dicts leave out from the module itself, and Pitfall 1 below shows that
# going wrong under ``grad`` for batch norm's buffers.
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
# outside the function, and batch norm in training mode updates them in place. Under
# :func:`torch.func.grad`, as under :func:`torch.func.jacrev`, that write is an error:
try:
    torch.func.grad(batch_loss)(bn_params, {})
except RuntimeError as error:
    print("RuntimeError:", str(error).split(". ")[0])
else:
    raise AssertionError("a transform should refuse to write into a captured buffer")

# %%
# Passed as an argument, the buffers are inputs of the function, and the update goes into
# them as in an ordinary training step. ``bn_buffers`` was made with ``detach()``, which
# shares storage: these are the module's own buffers, so the module's running statistics
# move too. The gradient matches ``backward`` on an identical copy of the module, and so do
# the updated running statistics, in ``bn_buffers`` and in the module:
reference = copy.deepcopy(bn_model)
grads = torch.func.grad(batch_loss)(bn_params, bn_buffers)
F.mse_loss(reference(X), Y).backward()
for name, p in reference.named_parameters():
    torch.testing.assert_close(grads[name], p.grad)
module_buffers = dict(bn_model.named_buffers())
for name, b in reference.named_buffers():
    torch.testing.assert_close(bn_buffers[name], b)
    torch.testing.assert_close(module_buffers[name], b)
print("with the buffers passed: same gradient and same running statistics as backward")

# %%
# To leave the module untouched, pass clones: the update goes into them alone.
before = {name: b.clone() for name, b in bn_model.named_buffers()}
clones = {name: b.clone() for name, b in bn_buffers.items()}
torch.func.grad(batch_loss)(bn_params, clones)
for name, b in bn_model.named_buffers():
    assert torch.equal(b, before[name]), "the module's statistics should not move"
    assert not torch.equal(clones[name], before[name]), "the clones' should"
print("with clones passed: the module's running statistics are unchanged")

# sphinx_gallery_start_ignore
# jacrev behaves like grad: it refuses the captured buffers and takes passed ones.
try:
    torch.func.jacrev(batch_loss)(bn_params, {})
except RuntimeError as error:
    if "captured" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
else:
    raise AssertionError("jacrev should refuse to write into a captured buffer")
jacobians = torch.func.jacrev(batch_loss)(bn_params, {k: b.clone() for k, b in clones.items()})
for name, p in bn_params.items():
    assert jacobians[name].shape == p.shape  # a scalar loss: the Jacobian is the gradient
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
# to the whole input batch shows it: in :doc:`/auto_examples/03_training/08_batches_and_hessians` its off-diagonal
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
# function sees one sample, which ``bn_sample_loss`` turns into a batch of one. For
# :class:`torch.nn.BatchNorm1d` on ``(N, C)`` inputs that leaves one value per channel, and in
# training mode it refuses to normalize that:
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
# With more than one value per channel, batch norm normalizes a batch of one sample
# (``torch.nn.BatchNorm2d`` on one image has a value per pixel in each channel), and this
# model normalizes a group of two samples. Under ``vmap`` both still fail, for another reason:
# in training mode batch norm updates its running statistics in place, and ``vmap`` cannot
# write a different update for each slice into one buffer shared by all the slices. Passing
# the buffers does not help, and leaving them out fails as in Pitfall 1:
def bn_group_loss(params, buffers, x, y):
    return F.mse_loss(torch.func.functional_call(bn_model, (params, buffers), (x,)), y)


per_group_bn = torch.func.vmap(torch.func.grad(bn_group_loss), in_dims=(None, None, 0, 0))
image_bn = nn.BatchNorm2d(2)
images = torch.randn(4, 2, 3, 3)  # 4 images, 2 channels, 3 x 3 pixels
assert image_bn(images[:1]).shape == (1, 2, 3, 3)  # one image in training mode: accepted
image_buffers = {name: b.detach().clone() for name, b in image_bn.named_buffers()}


def one_image(buffers, image):
    return torch.func.functional_call(image_bn, buffers, (image.unsqueeze(0),))


attempts = {
    "this model, groups of 2, buffers passed": lambda: per_group_bn(
        bn_params, bn_buffers, X.reshape(2, 2, 3), Y.reshape(2, 2, 2)
    ),
    "this model, groups of 2, buffers left out": lambda: per_group_bn(
        bn_params, {}, X.reshape(2, 2, 3), Y.reshape(2, 2, 2)
    ),
    "BatchNorm2d, one image at a time": lambda: torch.func.vmap(one_image, in_dims=(None, 0))(
        image_buffers, images
    ),
}
messages = {}
for name, attempt in attempts.items():
    try:
        attempt()
    except RuntimeError as error:
        messages[name] = str(error).splitlines()[0].split(". ")[0]
        print(f"{name}:\n    RuntimeError: {messages[name]}")
    else:
        raise AssertionError(f"{name}: vmap should refuse batch norm in training mode")

# sphinx_gallery_start_ignore
# The errors are the ones the text names: the running statistics, and Pitfall 1's.
assert "running_mean" in messages["this model, groups of 2, buffers passed"]
assert "running_mean" in messages["BatchNorm2d, one image at a time"]
assert "captured" in messages["this model, groups of 2, buffers left out"]
# sphinx_gallery_end_ignore

# %%
# That second error is the one PyTorch's page "Patching Batch Norm" (in the ``torch.func``
# documentation) is about. Its ways out are: replace batch norm with group norm; build batch
# norm with ``track_running_stats=False`` (for torchvision models that take a ``norm_layer``
# argument, through that argument), or patch a built model with
# :func:`torch.func.replace_all_batch_norm_modules_`; or run it in evaluation mode. For this
# model only two of them give per-sample gradients, because only they also remove the
# refusal of a batch of one: evaluation mode and group norm. Each is a different model from
# the one that normalizes with the statistics of the batch.
#
# In evaluation mode batch norm reads its running statistics and writes nothing, so the
# buffers may be passed or left out. The samples are independent (the figure above), and
# ``vmap`` gives true per-sample gradients of that model, equal to one ``backward`` per
# sample:
bn_model.eval()
per_sample_eval = per_sample_bn(bn_params, bn_buffers, X, Y)
per_sample_eval_captured = per_sample_bn(bn_params, {}, X, Y)  # buffers left out
for b in range(4):
    bn_model.zero_grad()
    F.mse_loss(bn_model(X[b : b + 1]), Y[b : b + 1]).backward()
    for name, p in bn_model.named_parameters():
        torch.testing.assert_close(per_sample_eval[name][b], p.grad)
        torch.testing.assert_close(per_sample_eval_captured[name][b], p.grad)
bn_model.train()
print("evaluation mode: vmap matches one backward per sample, buffers passed or not")

# %%
# Group norm with a single group normalizes each sample over its own 5 features, so it
# accepts a batch of one, keeps no running statistics, and does not couple the samples: the
# off-diagonal blocks of the Jacobian with respect to the input batch are zero, as in
# evaluation mode. Here it replaces the batch norm in a copy of the model:
gn_model = copy.deepcopy(bn_model)
gn_model.bn = nn.GroupNorm(1, 5)  # 1 group of the 5 channels
assert dict(gn_model.named_buffers()) == {}
J_gn = jacdoc.jacobian(gn_model, X).permute(0, 2, 1, 3)  # (sample b, sample c, out, in)
assert not J_gn[~torch.eye(4, dtype=torch.bool)].any(), "group norm: samples are independent"
gn_params = {name: p.detach() for name, p in gn_model.named_parameters()}


def gn_sample_loss(params, x, y):
    out = torch.func.functional_call(gn_model, params, (x.unsqueeze(0),))
    return F.mse_loss(out.squeeze(0), y)


per_sample_gn = torch.func.vmap(torch.func.grad(gn_sample_loss), in_dims=(None, 0, 0))(
    gn_params, X, Y
)
for b in range(4):
    gn_model.zero_grad()
    F.mse_loss(gn_model(X[b : b + 1]), Y[b : b + 1]).backward()
    for name, p in gn_model.named_parameters():
        torch.testing.assert_close(per_sample_gn[name][b], p.grad)
print("group norm: vmap matches one backward per sample")

# %%
# :func:`~torch.func.replace_all_batch_norm_modules_` removes the running statistics and
# sets ``track_running_stats=False``, so batch norm always normalizes with the statistics of
# the batch it is given. That removes the running-statistics error, not the refusal of a
# batch of one: one sample at a time, the patched model still fails. Vmapped over groups of
# two samples it works, and each group is normalized with its own mean and variance, exactly
# as if each group were a separate batch.
patched = copy.deepcopy(bn_model)
torch.func.replace_all_batch_norm_modules_(patched)
assert patched.bn.running_mean is None
assert not patched.bn.track_running_stats
patched_params = {name: p.detach() for name, p in patched.named_parameters()}
assert dict(patched.named_buffers()) == {}  # nothing left to pass besides the parameters


def group_loss(params, x, y):
    return F.mse_loss(torch.func.functional_call(patched, params, (x,)), y)


per_group = torch.func.vmap(torch.func.grad(group_loss), in_dims=(None, 0, 0))
try:
    per_group(patched_params, X.reshape(4, 1, 3), Y.reshape(4, 1, 2))  # groups of one
except ValueError as error:
    print(f"patched, one sample at a time: ValueError: {error}")
else:
    raise AssertionError("patched batch norm should still reject a batch of one")

per_pair = per_group(patched_params, X.reshape(2, 2, 3), Y.reshape(2, 2, 2))
for group, rows in enumerate(torch.arange(4).chunk(2)):
    patched.zero_grad()
    F.mse_loss(patched(X[rows]), Y[rows]).backward()
    for name, p in patched.named_parameters():
        torch.testing.assert_close(per_pair[name][group], p.grad)
print("patched, groups of 2 under vmap: each group is normalized on its own")

# sphinx_gallery_start_ignore
# "always": without running statistics, evaluation mode also uses the batch's statistics.
patched.eval()
evaluated = patched(X)
patched.train()
torch.testing.assert_close(evaluated, patched(X))
# track_running_stats=False at construction behaves like the patched module: vmap works on
# groups of two and still meets the refusal of a batch of one.
built = nn.BatchNorm1d(5, track_running_stats=False)
assert built.running_mean is None
assert dict(built.named_buffers()) == {}
assert torch.func.vmap(built)(torch.randn(2, 2, 5)).shape == (2, 2, 5)
try:
    torch.func.vmap(built)(torch.randn(4, 1, 5))
except ValueError:
    pass
else:
    raise AssertionError("track_running_stats=False should still reject a batch of one")
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
# should not be differentiated (evaluation, updating a target network). To freeze a layer on
# purpose with ordinary autograd, set ``requires_grad_(False)`` on its parameters, which says
# what it means. ``torch.func`` does not look at that flag: it differentiates with respect to
# whatever tensors its argument holds (the detached tensors in ``params`` do not require grad
# either). There, freeze a layer by leaving its parameters out of the dict that is
# differentiated; :func:`~torch.func.functional_call` then takes them from the module, as
# constants.
frozen_fc1 = copy.deepcopy(model)  # the same weights as `model`
frozen_fc1.fc1.requires_grad_(False)
frozen_fc1(X).sum().backward()
assert frozen_fc1.fc1.weight.grad is None  # autograd: frozen
assert frozen_fc1.fc2.weight.grad is not None


def total(p):
    return torch.func.functional_call(frozen_fc1, p, (X,)).sum()


assert not params["fc1.weight"].requires_grad
all_grads = torch.func.grad(total)(params)
torch.testing.assert_close(all_grads["fc1.weight"], true_grad)  # torch.func: not frozen
trainable = {name: p for name, p in params.items() if not name.startswith("fc1.")}
some_grads = torch.func.grad(total)(trainable)
assert set(some_grads) == {"fc2.weight", "fc2.bias"}
for name, grad in some_grads.items():
    torch.testing.assert_close(grad, all_grads[name])
print("torch.func: fc1 is frozen only when its parameters are left out:", list(some_grads))

# %%
# Pitfall 4: dropout under ``vmap``
# ---------------------------------
# A model with a random layer, such as :class:`torch.nn.Dropout` in training mode, draws
# random numbers in its forward pass. ``vmap`` refuses by default: whether each sample should
# get its own dropout mask or share one is a choice it leaves to you.
dropout_model = torch.nn.Sequential(
    torch.nn.Linear(3, 5), torch.nn.Dropout(p=0.5), torch.nn.Linear(5, 2)
)
dropout_params = {name: p.detach() for name, p in dropout_model.named_parameters()}


def dropout_sample_loss(params, x, y):
    out = torch.func.functional_call(dropout_model, params, (x.unsqueeze(0),))
    return F.mse_loss(out.squeeze(0), y)


per_sample_grad = torch.func.grad(dropout_sample_loss)
try:
    torch.func.vmap(per_sample_grad, in_dims=(None, 0, 0))(dropout_params, X, Y)
except RuntimeError as error:
    print("vmap with dropout:", str(error).split(". ")[0])
    # sphinx_gallery_start_ignore
    if "randomness" not in str(error):
        raise AssertionError(f"unexpected message: {error}") from error
    # sphinx_gallery_end_ignore
else:
    raise AssertionError("vmap should refuse a random operation by default")

# %%
# ``randomness="different"`` gives each sample its own mask, as a batch in training would
# get; ``randomness="same"`` one mask for every sample. Seeded the same way, dropout outside
# ``vmap`` draws the same masks here, so each per-sample gradient can be checked against one
# ``backward`` through the first layer, that sample's mask and the second layer. Evaluation
# mode, where dropout does nothing, is the third choice.
torch.manual_seed(7)
different = torch.func.vmap(per_sample_grad, in_dims=(None, 0, 0), randomness="different")(
    dropout_params, X, Y
)
torch.manual_seed(7)
masks = F.dropout(torch.ones(4, 1, 5), p=0.5, training=True)  # one (1, 5) mask per sample
for b in range(4):
    dropout_model.zero_grad()
    hidden = dropout_model[0](X[b : b + 1]) * masks[b]
    F.mse_loss(dropout_model[2](hidden), Y[b : b + 1]).backward()
    for name, p in dropout_model.named_parameters():
        torch.testing.assert_close(different[name][b], p.grad)
assert not torch.equal(masks[0], masks[1])  # the samples did get different masks
print("randomness='different': each sample's gradient, with its own dropout mask")

# %%
# Key points
# ----------
# - :func:`torch.func.functional_call` makes a module a function of a parameter dict;
#   ``jacrev`` of it gives one Jacobian per parameter, shaped ``out.shape + p.shape``.
# - ``model(X).backward(v)`` adds ``vᵀJ`` for each parameter's Jacobian to its ``.grad``;
#   after ``zero_grad()``, ``.grad`` is ``vᵀJ``.
# - ``vmap(grad(loss), in_dims=(None, None, 0, 0))`` gives per-sample gradients. When the
#   batch loss is the mean of the per-sample losses, their mean is the batch gradient: the
#   batch gradient is ``vᵀJ`` of the per-sample-loss vector with ``v = 1/B``.
# - Under ``grad`` and ``jacrev``, pass the buffers as well as the parameters, or batch norm
#   in training mode writes into buffers the transform did not receive, an error. Buffers
#   made with ``detach()`` are the module's own: pass clones to leave the module untouched.
# - Batch norm in training mode couples the samples, so per-sample gradients are not defined
#   sample by sample, and ``vmap`` fails whether or not the buffers are passed:
#   ``BatchNorm1d`` on ``(N, C)`` refuses a batch of one, and with more values per channel
#   the in-place update of the running statistics fails. ``track_running_stats=False`` or
#   :func:`torch.func.replace_all_batch_norm_modules_` removes the second error, not the
#   first; for per-sample gradients here, use evaluation mode or group norm, each a
#   different model.
# - ``no_grad`` inside ``forward`` silently leaves the parameters before it without a
#   gradient: ``.grad`` untouched (autograd) or zeros (``torch.func``).
# - ``requires_grad_(False)`` freezes a layer for autograd, not for ``torch.func``: there,
#   leave its parameters out of the differentiated dict.
# - ``vmap`` refuses random operations such as dropout in training mode: choose
#   ``randomness="different"`` (a mask per sample), ``"same"`` (one for all), or evaluation
#   mode.
#
# Next: :doc:`gradient accumulation across processes </auto_examples/03_training/10_distributed_accumulation>`.
