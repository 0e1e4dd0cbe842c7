"""
Hessian-vector products and higher derivatives
==============================================

For a scalar function ``g`` the gradient ``∇g`` is a function from ``n`` numbers to ``n``
numbers, and its Jacobian is the Hessian ``H`` (see :doc:`/auto_examples/03_training/08_batches_and_hessians`). Many
methods (Newton-type optimizers, curvature estimates, influence functions) need only ``H v``
for a few vectors ``v``. That is one Jacobian-vector product of ``∇g``, or one
vector-Jacobian product ``vᵀH``, so it costs a small multiple of a gradient and never needs
the ``n × n`` matrix. This example computes it both ways, checks it against closed forms,
measures what it saves, and includes the memory leak that ``backward(create_graph=True)``
can cause.
"""

# %%
# Two ways to get ``H v`` without ``H``
# -------------------------------------
# The function is the log-sum-exp of :doc:`/auto_examples/03_training/08_batches_and_hessians`,
# ``g(x) = log Σ exp(x_k)``. With ``p = softmax(x)`` its gradient is ``p`` and its Hessian
# ``H = diag(p) - p pᵀ``, so ``H v = p ⊙ v - p (pᵀv)``: ``O(n)`` work with the formula,
# against ``n²`` numbers for ``H``.
#
# - **Forward-over-reverse**: :func:`torch.func.grad` gives ``∇g`` as a function, and
#   :func:`torch.func.jvp` pushes the tangent ``v`` through it: ``J_∇g v = H v``.
# - **Reverse-over-reverse**: :func:`torch.autograd.grad` with ``create_graph=True``
#   records the backward pass as a graph of its own, so the gradient can be differentiated
#   again. A second ``autograd.grad`` with ``grad_outputs=v`` computes the VJP ``vᵀH``,
#   which equals ``H v`` because ``H`` is symmetric, as the Hessian of any twice
#   continuously differentiable function is.
import torch

torch.manual_seed(0)


def g(x):
    return torch.logsumexp(x, dim=0)


n = 6
x = torch.randn(n, dtype=torch.float64)
v = torch.randn(n, dtype=torch.float64)

_, hvp_forward_over_reverse = torch.func.jvp(torch.func.grad(g), (x,), (v,))

x_leaf = x.clone().requires_grad_(True)
(gradient,) = torch.autograd.grad(g(x_leaf), x_leaf, create_graph=True)
(hvp_reverse_over_reverse,) = torch.autograd.grad(gradient, x_leaf, grad_outputs=v)

p = torch.softmax(x, dim=0)
H_closed_form = torch.diag(p) - torch.outer(p, p)
hvp_closed_form = p * v - p * (p @ v)
print("H v, forward-over-reverse:", hvp_forward_over_reverse)
print("H v, reverse-over-reverse:", hvp_reverse_over_reverse)
print("H v, closed form:         ", hvp_closed_form)
torch.testing.assert_close(hvp_forward_over_reverse, hvp_closed_form)
torch.testing.assert_close(hvp_reverse_over_reverse, hvp_closed_form)
torch.testing.assert_close(H_closed_form @ v, hvp_closed_form)
torch.testing.assert_close(torch.func.hessian(g)(x) @ v, hvp_closed_form)

# %%
# The closed forms all rest on one derivation of ``H`` by hand. A central difference of the
# gradient ``p = softmax(x)`` along ``v`` checks it without any second derivative:
# ``H v ≈ (∇g(x + h v) - ∇g(x - h v)) / 2h``.
h = 1e-6
by_difference = (torch.softmax(x + h * v, dim=0) - torch.softmax(x - h * v, dim=0)) / (2 * h)
torch.testing.assert_close(by_difference, hvp_closed_form, rtol=1e-6, atol=1e-8)
print("a central difference of the gradient agrees")

# %%
# Reverse-over-reverse relies on ``H = Hᵀ``: the second ``autograd.grad`` contracts ``v``
# with the *output* index of ``∇g``, the first index of ``H``. For a smooth ``g`` the two
# indices are interchangeable. :func:`torch.autograd.functional.hvp` and
# :func:`torch.autograd.functional.vhp` compute the same product here. Their documentation
# says which to prefer: ``hvp`` is implemented with an extra backward pass and is
# significantly slower, and for a twice continuously differentiable function, where
# ``H = Hᵀ``, ``vhp`` gives the same vector.
torch.testing.assert_close(H_closed_form, H_closed_form.T)
_, hvp_functional = torch.autograd.functional.hvp(g, x, v)
_, vhp_functional = torch.autograd.functional.vhp(g, x, v)
torch.testing.assert_close(hvp_functional, hvp_closed_form)
torch.testing.assert_close(vhp_functional, hvp_closed_form)
# sphinx_gallery_start_ignore
assert "significantly slower than `vhp`" in torch.autograd.functional.hvp.__doc__
# sphinx_gallery_end_ignore

# %%
# Higher derivatives: one more transform each
# -------------------------------------------
# The same composition goes on. The third derivative of ``g`` is a tensor with three input
# indices, ``T[i, j, k] = d³g / dx_i dx_j dx_k``, shape ``(n, n, n)``: the Jacobian of the
# Hessian, in the outputs-first layout. Differentiating ``H = diag(p) - p pᵀ`` with
# ``dp_i / dx_k = p_i (δ_ik - p_k)`` gives
#
# .. math:: T_{ijk} = p_i\,\delta_{ijk} - \delta_{ij}\, p_i p_k - \delta_{ik}\, p_i p_j
#           - \delta_{jk}\, p_i p_j + 2\, p_i p_j p_k
#
# and, like the Hessian, it is symmetric in all three indices.
T = torch.func.jacfwd(torch.func.hessian(g))(x)
eye = torch.eye(n, dtype=torch.float64)
T_closed_form = (
    torch.einsum("ij,jk,i->ijk", eye, eye, p)
    - torch.einsum("ij,i,k->ijk", eye, p, p)
    - torch.einsum("ik,i,j->ijk", eye, p, p)
    - torch.einsum("jk,i,j->ijk", eye, p, p)
    + 2 * torch.einsum("i,j,k->ijk", p, p, p)
)
assert T.shape == (n, n, n)
torch.testing.assert_close(T, T_closed_form)
for permutation in [(1, 0, 2), (0, 2, 1), (2, 1, 0)]:
    torch.testing.assert_close(T, T.permute(permutation))

# %%
# Contracted with two vectors, it is one more JVP of the HVP: ``T[:, j, k] v_j u_k`` is the
# derivative of ``H v`` in the direction ``u``. Again no ``n³`` tensor is needed:
u = torch.randn(n, dtype=torch.float64)


def hvp(x):
    return torch.func.jvp(torch.func.grad(g), (x,), (v,))[1]


_, third_along_v_u = torch.func.jvp(hvp, (x,), (u,))
torch.testing.assert_close(third_along_v_u, torch.einsum("ijk,j,k->i", T_closed_form, v, u))
print("the third derivative along v and u:", third_along_v_u)

# %%
# What ``H v`` saves: time and memory as ``n`` grows
# --------------------------------------------------
# Three ways to get ``H v`` in ``float32``, for growing ``n``: build the Hessian with
# :func:`torch.func.hessian` and multiply, forward-over-reverse, and reverse-over-reverse.
#
# **Memory.** PyTorch (2.13, which built this page) keeps no peak counter for CPU memory like
# ``torch.cuda.max_memory_allocated``; its profiler, with ``profile_memory=True``, records CPU
# allocations operator by operator. Here we count with :class:`jacdoc.PeakMemory`: it adds up
# the bytes of each tensor storage that an operator creates inside the block (inside
# ``torch.func`` transforms too), subtracts them when the storage is freed, and keeps the
# largest total. That is the peak of tensor memory allocated *during* the call; the inputs,
# scratch memory inside a kernel and the allocator's own overhead are not in it. It does not
# depend on timing, so it is the same on every run.
#
# **Time.** The median of a few runs, on one thread, on the machine that built this page; the
# times are not checked (see below).
import statistics
import time

import jacdoc


def full_hessian_then_matvec(x, v):
    return torch.func.hessian(g)(x) @ v


def forward_over_reverse(x, v):
    return torch.func.jvp(torch.func.grad(g), (x,), (v,))[1]


def reverse_over_reverse(x, v):
    x = x.detach().requires_grad_(True)
    (gradient,) = torch.autograd.grad(g(x), x, create_graph=True)
    return torch.autograd.grad(gradient, x, grad_outputs=v)[0]


# sphinx_gallery_start_ignore
# jacdoc: timed. This page measures wall-clock time, so two builds print and plot different
# numbers; tests/site/test_reproducible.py lets this page differ, and nothing else.
# sphinx_gallery_end_ignore
def median_seconds(run, repeats=5):
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


methods = {
    "full Hessian, then H @ v": full_hessian_then_matvec,
    "forward-over-reverse HVP": forward_over_reverse,
    "reverse-over-reverse HVP": reverse_over_reverse,
}
sizes = [16, 64, 256, 1024]
seconds = {name: [] for name in methods}
peak_bytes = {name: [] for name in methods}
threads = torch.get_num_threads()
torch.set_num_threads(1)
for size in sizes:
    x = torch.randn(size)
    v = torch.randn(size)
    p = torch.softmax(x, dim=0)
    expected = p * v - p * (p @ v)
    for name, method in methods.items():
        with jacdoc.PeakMemory() as counter:
            result = method(x, v)
        torch.testing.assert_close(result, expected)
        peak_bytes[name].append(counter.peak)
        seconds[name].append(median_seconds(lambda m=method, x=x, v=v: m(x, v)))
torch.set_num_threads(threads)

# sphinx_gallery_start_ignore
# "the same on every run": measure the largest size again.
for name, method in methods.items():
    with jacdoc.PeakMemory() as counter:
        method(x, v)
    assert counter.peak == peak_bytes[name][-1], name
# sphinx_gallery_end_ignore


# %%
# A straight line on a log-log plot is a power law; the memory slopes in the legend are fitted
# over the three largest sizes. The time panel has no fitted slopes: at these sizes the
# times are too noisy for a slope to mean much (see below).
def slope(ns, values):
    logs = torch.tensor([ns, values], dtype=torch.float64).log()
    design = torch.stack([logs[0], torch.ones_like(logs[0])], dim=1)
    return torch.linalg.lstsq(design, logs[1].unsqueeze(1)).solution[0].item()


import matplotlib.pyplot as plt

fig, (ax_time, ax_memory) = plt.subplots(
    1, 2, figsize=(11, 4.4), layout="constrained", facecolor="white"
)
for (name, values), marker in zip(seconds.items(), "os^", strict=True):
    ax_time.loglog(sizes, [1000 * s for s in values], f"{marker}-", label=name)
for (name, values), marker in zip(peak_bytes.items(), "os^", strict=True):
    fitted = slope(sizes[-3:], values[-3:])
    ax_memory.loglog(sizes, values, f"{marker}-", label=f"{name}: {fitted:.2f}")
ax_memory.loglog(sizes, [4 * s * s for s in sizes], "k:", label="n² float32 (the Hessian)")
ax_time.set(xlabel="n", ylabel="median time (ms)", title="Time for one H v (not checked)")
ax_memory.set(
    xlabel="n", ylabel="peak tensor bytes during the call", title="Peak memory (slope in legend)"
)
ax_time.legend(fontsize=8)
ax_memory.legend(fontsize=8)
fig.suptitle("Hessian-vector product of log-sum-exp: full Hessian vs HVP")
plt.show()

# Each HVP's peak as ``vectors`` float32 vectors of length ``n`` plus ``extra`` bytes, read
# off the smallest and the largest size; the next cell checks it at every size.
full = peak_bytes["full Hessian, then H @ v"]
hvps = ("forward-over-reverse HVP", "reverse-over-reverse HVP")
layout = {}
for name in hvps:
    bytes_per_n = (peak_bytes[name][-1] - peak_bytes[name][0]) // (sizes[-1] - sizes[0])
    layout[name] = (bytes_per_n // 4, peak_bytes[name][0] - bytes_per_n * sizes[0])

n_max = sizes[-1]
for name in methods:
    peak = peak_bytes[name][-1]
    if name in hvps:
        vectors, extra = layout[name]
        what = f"= {vectors} float32 vectors of length n + {extra} bytes"
    else:
        what = f"≥ {4 * n_max * n_max:,} bytes, the n² float32 Hessian"
    print(f"{name:26} n={n_max}: {1000 * seconds[name][-1]:8.3f} ms, peak {peak:>10,} bytes {what}")

# %%
# The memory numbers are exact, so the build checks what they say. The full Hessian must
# hold its ``n²`` entries, and its peak grows as ``n²``. Each HVP holds a fixed number of
# float32 vectors of length ``n`` plus a few bytes (fewer than one vector of the smallest
# ``n``), the same at every ``n`` here, so its peak grows as ``n``.
assert all(peak >= 4 * s * s for peak, s in zip(full, sizes, strict=True))
assert abs(slope(sizes[-3:], full[-3:]) - 2) < 0.05
for name in hvps:
    vectors, extra = layout[name]
    for peak, s in zip(peak_bytes[name], sizes, strict=True):
        assert peak == vectors * 4 * s + extra, (name, s, peak)
    assert 0 <= extra < 4 * sizes[0], extra
    assert abs(slope(sizes[-3:], peak_bytes[name][-3:]) - 1) < 0.05
    assert peak_bytes[name][-1] < full[-1] / 100
# sphinx_gallery_start_ignore
# The text below says which HVP had the smaller peak, with fewer vectors of length n.
assert peak_bytes["reverse-over-reverse HVP"][-1] < peak_bytes["forward-over-reverse HVP"][-1]
assert layout["reverse-over-reverse HVP"][0] < layout["forward-over-reverse HVP"][0]
# sphinx_gallery_end_ignore

# %%
# The times are this machine's, noisy, and not checked. At these sizes one call is short, and
# its fixed cost (Python, dispatch, and for ``torch.func`` its own bookkeeping) and whatever
# else the machine is doing weigh as much as the arithmetic: the curves change from run to
# run and need not follow the operation counts. Those counts are: building the Hessian
# computes ``n`` HVPs, one per column (batched, but still ``n²`` numbers to compute and
# store), while one HVP's own arithmetic here is ``O(n)``.
#
# Which HVP to use? The sources compare different things. :func:`torch.func.hessian`'s
# documentation calls forward-over-reverse, ``jacfwd(jacrev(func))``, "a good default for
# good performance" for building the *whole Hessian*, among the compositions of ``jacfwd``
# and ``jacrev``. The JAX Autodiff Cookbook compares single HVPs: forward-over-reverse, it
# says, saves some memory over its grad-of-grad HVP (reverse-over-reverse); and it beats
# reverse-over-forward because forward mode has less overhead than reverse mode and the outer
# transform differentiates the larger computation, so the outer one should be the forward
# one. The pass counts do not decide between the two HVPs here: one HVP is one pass of the
# outer transform either way, and a full Hessian ``n`` passes either way. On this page, for a
# function this cheap in eager PyTorch on a CPU, the memory count does not show the
# cookbook's saving: the counter finds the smaller peak for reverse-over-reverse, with fewer
# vectors of length ``n`` (printed above). Measure on your own function before choosing.
#
# ``create_graph=True`` on ``backward`` and the reference cycle
# -------------------------------------------------------------
# Reverse-over-reverse needs a differentiable gradient. ``Tensor.backward(create_graph=True)``
# gives one too, but it stores it in ``.grad``. When that gradient depends on the tensor
# itself, as it does for any function that is not linear in it (here ``w³``, whose gradient is
# ``3w²``), the gradient's graph holds on to the tensor whose ``.grad`` it is. PyTorch warns
# about it (PyTorch 2.13 warns once per process, so running this cell again prints no
# warning), and the note in :func:`torch.autograd.backward` says this reference cycle can
# leak memory and recommends ``autograd.grad``, or resetting ``.grad`` to ``None`` after use.
# A weak reference shows whether a tensor is still alive:
import gc
import warnings
import weakref

w = torch.randn(3, requires_grad=True)
w_alive = weakref.ref(w)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    (w**3).sum().backward(create_graph=True)
for warning in caught:
    print(warning.category.__name__ + ":", str(warning.message).split(". ")[0])
torch.testing.assert_close(w.grad, 3 * w.detach() ** 2)
assert w.grad.grad_fn is not None  # .grad is part of a graph that saved w

del w
gc.collect()
print("still alive after del and gc.collect():", w_alive() is not None)
assert w_alive() is not None

# %%
# No name refers to that tensor any more, and the garbage collector does not free it: the
# cycle runs through autograd's graph. The two safe patterns, both checked the same way:
#
# - :func:`torch.autograd.grad` with ``create_graph=True`` *returns* the gradient instead of
#   storing it in ``.grad``, so no cycle forms;
# - after ``backward(create_graph=True)``, set ``.grad = None`` once it has been used.
w = torch.randn(3, requires_grad=True)
w_alive = weakref.ref(w)
(w_gradient,) = torch.autograd.grad((w**3).sum(), w, create_graph=True)
torch.testing.assert_close(w_gradient, 3 * w.detach() ** 2)
del w, w_gradient
assert w_alive() is None

w = torch.randn(3, requires_grad=True)
w_alive = weakref.ref(w)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the warning shown above
    (w**3).sum().backward(create_graph=True)
w.grad = None
del w
assert w_alive() is None
print("autograd.grad(create_graph=True), or .grad = None after use: freed")

# %%
# A cycle needs a ``.grad`` with a graph, one that depends on some tensor that requires grad.
# ``(2w).sum()`` is linear in ``w``: its gradient, 2 in every entry, depends on nothing and
# has no graph, so nothing in it refers to ``w``, and ``w`` is freed even after
# ``backward(create_graph=True)``:
w = torch.randn(3, requires_grad=True)
w_alive = weakref.ref(w)
(2 * w).sum().backward(create_graph=True)
torch.testing.assert_close(w.grad, torch.full((3,), 2.0))
assert w.grad.grad_fn is None
assert not w.grad.requires_grad
del w
assert w_alive() is None
print("(2w).sum(): .grad has no graph, and w is freed")

# %%
# Linearity alone does not protect. ``(w * a).sum()`` is linear in ``w`` and in ``a``, but
# ``w.grad`` is ``a`` and keeps ``a`` in its graph, and ``a.grad`` is ``w`` and keeps ``w``:
# the cycle runs through both tensors, as it would for a linear layer whose weight and input
# both require grad. The safe patterns above are the rule.
w, a = torch.randn(3, requires_grad=True), torch.randn(3, requires_grad=True)
w_alive, a_alive = weakref.ref(w), weakref.ref(a)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the same warning as above
    (w * a).sum().backward(create_graph=True)
torch.testing.assert_close(w.grad, a.detach())
assert w.grad.grad_fn is not None
del w, a
gc.collect()
print(
    "w * a: both still alive after del and gc.collect():",
    w_alive() is not None,
    a_alive() is not None,
)
assert w_alive() is not None
assert a_alive() is not None

# %%
# A common use of a differentiable gradient is a gradient penalty, a loss that contains
# ``‖∇g‖²``. Its gradient is again a Hessian-vector product: ``∇‖∇g‖² = 2 H ∇g``. Here,
# with ``∇g = p``, the full gradient of ``g + ‖∇g‖²`` is ``p + 2 H p``:
x = torch.randn(n, dtype=torch.float64, requires_grad=True)
(gradient,) = torch.autograd.grad(g(x), x, create_graph=True)
(g(x) + (gradient**2).sum()).backward()
p = torch.softmax(x.detach(), dim=0)
torch.testing.assert_close(x.grad, p + 2 * (p * p - p * (p @ p)))
print("gradient of g + ‖∇g‖² matches p + 2 H p")

# %%
# Key points
# ----------
# - ``H v`` is the JVP of the gradient (forward-over-reverse,
#   ``torch.func.jvp(torch.func.grad(g), (x,), (v,))``) or its VJP ``vᵀH``
#   (reverse-over-reverse, two :func:`torch.autograd.grad` calls, the first with
#   ``create_graph=True``); they agree because ``H`` is symmetric.
# - An HVP costs a small multiple of a gradient and, here, stores a few vectors of length
#   ``n``; the Hessian stores ``n²`` numbers and costs ``n`` HVPs.
# - Each further derivative is one more transform: ``jacfwd(hessian(g))`` is the third
#   derivative, shape ``(n, n, n)``, and a JVP of an HVP contracts it with two vectors.
# - ``backward(create_graph=True)`` stores gradients that have a graph whenever they depend
#   on a tensor that requires grad, the same one or another, and that ties tensors and their
#   ``.grad`` in cycles that ``gc`` does not free; use
#   ``torch.autograd.grad(..., create_graph=True)`` or reset ``.grad = None`` after use.
#
# Next: :doc:`complex tensors </auto_examples/04_beyond/13_complex_tensors>`.
