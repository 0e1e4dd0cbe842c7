"""
What a full Jacobian costs
==========================

One vector-Jacobian product, what ``backward(v)`` computes, costs a small constant multiple
of one evaluation of ``f``, and it needs the tensors that ``f``'s operations saved for the
backward pass, so its memory grows with ``f``'s depth. A Jacobian-vector product (forward
mode) also costs a small multiple of an evaluation, and keeps nothing for later. A full
Jacobian of a map from ``n`` inputs to ``m`` outputs takes ``m`` VJPs (one per row) or ``n``
JVPs (one per column).

This page counts the arithmetic exactly, with PyTorch's FLOP counter, and the memory with
:class:`jacdoc.PeakMemory`; both counts are the same on every machine. Then it times the
strategies on the machine that built the page, and reads a GPU reference table.
"""

# %%
# One VJP against one evaluation
# ------------------------------
# PyTorch's FLOP counter, ``torch.utils.flop_counter.FlopCounterMode``, counts the operations of
# matrix products, which dominate a dense layer. We teach it matrix-vector products too
# (``2 m n`` for an ``m × n`` matrix), for the examples further down that apply a layer to
# one vector. The function is a stack of dense layers applied to a batch of 32 inputs, as in
# training: ``f(X) = tanh(⋯ tanh(X W_1ᵀ) ⋯ W_Lᵀ)``.
import torch
from torch.utils.flop_counter import FlopCounterMode

import jacdoc

torch.manual_seed(0)


def matvec_flops(matrix_shape, vector_shape, *args, out_shape=None, **kwargs):
    return 2 * matrix_shape[0] * matrix_shape[1]


def flops(run):
    with FlopCounterMode(display=False, custom_mapping={torch.ops.aten.mv: matvec_flops}) as c:
        run()
    return c.get_total_flops()


batch, width, depth = 32, 64, 4
layers = [torch.randn(width, width) / width**0.5 for _ in range(depth)]


def mlp(X, layers=layers):
    for W in layers:
        X = torch.tanh(X @ W.T)
    return X


X = torch.randn(batch, width)
ones = torch.ones(batch, width)
evaluation = flops(lambda: mlp(X))
one_vjp = flops(lambda: torch.func.vjp(mlp, X)[1](ones))
one_jvp = flops(lambda: torch.func.jvp(mlp, (X,), (ones,)))
print(f"one evaluation: {evaluation:,} FLOPs")
print(f"one VJP:        {one_vjp:,} FLOPs = {one_vjp / evaluation:g} evaluations")
print(f"one JVP:        {one_jvp:,} FLOPs = {one_jvp / evaluation:g} evaluations")

# %%
# Each layer costs ``2 · batch · width²`` in the evaluation. The VJP runs the evaluation and
# then, per layer, one product with ``W``: two evaluations' worth. The JVP needs one product
# per layer beside the evaluation, also two; PyTorch's forward-mode formula for a matrix
# product also multiplies by the tangent of ``W``, which is zero here because ``W`` is not an
# input, and the counter counts that product too.
assert evaluation == depth * 2 * batch * width**2
assert one_vjp == 2 * evaluation
assert 2 * evaluation <= one_jvp <= 3 * evaluation

# %%
# When the weights require grad too, as in training, the backward pass also forms each
# weight's gradient, an outer product of the same size: three evaluations' worth. That is the
# "small constant multiple" (about 3) that the cost of reverse mode is usually quoted as.
weights = [W.clone().requires_grad_(True) for W in layers]


def training_step():
    mlp(X.clone().requires_grad_(True), weights).sum().backward()


training = flops(training_step)
print(f"forward and backward with weight gradients: {training / evaluation:g} evaluations")
assert training == 3 * evaluation

# %%
# What a VJP must keep, and forward mode does not
# -----------------------------------------------
# Between the forward and the backward pass, autograd keeps what each operation saved:
# here, each layer's output, which ``tanh`` needs for its derivative (the products save
# nothing new: their other factor, ``W``, exists anyway, and their input is not needed when
# ``W`` needs no gradient). :class:`jacdoc.PeakMemory` counts the tensor bytes still alive
# after the forward pass, with and without a graph; the difference is what the backward
# pass will need. It grows by one activation per layer:
kept = []
for layers_used in range(1, depth + 1):
    X_leaf = X.clone().requires_grad_(True)
    with jacdoc.PeakMemory() as with_graph:
        out_with_graph = mlp(X_leaf, layers[:layers_used])
    with torch.no_grad(), jacdoc.PeakMemory() as without_graph:
        out = mlp(X, layers[:layers_used])
    kept.append(with_graph.current - without_graph.current)
    print(f"depth {layers_used}: {kept[-1]:6,} bytes kept for the backward pass")

activation = 4 * batch * width  # one layer's float32 outputs
assert kept == [activation * (n - 1) for n in range(1, depth + 1)]

# %%
# The last layer's output is the result itself, so it costs nothing extra: ``depth - 1``
# activations. A JVP propagates the tangent alongside the evaluation and frees each layer's
# values as soon as the next layer has used them, so nothing is kept:
with torch.no_grad(), jacdoc.PeakMemory() as forward_mode:
    out, tangent = torch.func.jvp(mlp, (X,), (ones,))
assert forward_mode.current == out.nbytes + tangent.nbytes
print("bytes alive after a JVP beyond its two results:", forward_mode.current - 2 * out.nbytes)

# %%
# A full Jacobian: the same arithmetic, one pass or many
# ------------------------------------------------------
# Take one dense layer, ``y = tanh(W x)`` with ``W`` of shape ``n × n``, and build its
# Jacobian four ways: the default of :func:`torch.autograd.functional.jacobian` (a Python
# loop of ``m`` backward passes), the same with ``vectorize=True`` (one batched pass),
# :func:`torch.func.jacrev` and :func:`torch.func.jacfwd`. The FLOP counter shows that the
# three row-by-row strategies, the loop and the two batched ones, do the same arithmetic: one
# evaluation plus one backward product per row. ``jacfwd`` goes column by column, a product
# with ``W`` per column, and on this square map does as much, plus the product with the zero
# tangent of ``W`` seen above.
n = 128
W = torch.randn(n, n) / n**0.5
x = torch.randn(n)


def layer(x):
    return torch.tanh(W @ x)


strategies = {
    "row loop (autograd.functional.jacobian)": torch.autograd.functional.jacobian,
    "vectorized (jacobian, vectorize=True)": lambda f, x: torch.autograd.functional.jacobian(
        f, x, vectorize=True
    ),
    "torch.func.jacrev": lambda f, x: torch.func.jacrev(f)(x),
    "torch.func.jacfwd": lambda f, x: torch.func.jacfwd(f)(x),
}
expected = (1 - layer(x) ** 2)[:, None] * W  # d tanh(u)/du = 1 - tanh(u)², times W
one_row = 2 * n * n  # the product with Wᵀ (reverse) or with W (forward) for one row or column
for name, strategy in strategies.items():
    torch.testing.assert_close(strategy(layer, x), expected)
    print(f"{name:42} {flops(lambda s=strategy: s(layer, x)):>10,} FLOPs")
rows = ["row loop (autograd.functional.jacobian)", "vectorized (jacobian, vectorize=True)"]
for name in [*rows, "torch.func.jacrev"]:
    assert flops(lambda s=strategies[name]: s(layer, x)) == 2 * n * n + n * one_row
columns = flops(lambda: torch.func.jacfwd(layer)(x))
assert n * one_row <= columns <= 2 * (2 * n * n + n * one_row)

# %%
# What the batched pass changes is memory and time. It holds every row's cotangent at once
# (an ``m × m`` identity, the "basis") and every row's intermediate results, about ``m``
# times what one VJP holds. ``chunk_size`` in :func:`torch.func.jacrev` and
# :func:`torch.func.jacfwd` bounds that: it pushes the basis through a chunk at a time, with
# as many passes as chunks.
peaks = {}
for label, run in [
    ("one VJP", lambda: torch.func.vjp(layer, x)[1](torch.ones(n))),
    ("jacrev", lambda: torch.func.jacrev(layer)(x)),
    ("jacrev, chunk_size=32", lambda: torch.func.jacrev(layer, chunk_size=32)(x)),
    ("jacrev, chunk_size=8", lambda: torch.func.jacrev(layer, chunk_size=8)(x)),
]:
    with jacdoc.PeakMemory() as memory:
        run()
    peaks[label] = memory.peak
    print(f"{label:22} peak {memory.peak:>8,} bytes")

J_bytes = 4 * n * n
assert peaks["jacrev"] >= J_bytes + 4 * n * n  # the result and its n x n basis at once
assert peaks["jacrev"] > peaks["jacrev, chunk_size=32"] > peaks["jacrev, chunk_size=8"]
assert peaks["jacrev, chunk_size=8"] >= J_bytes  # the result itself cannot be chunked away
assert peaks["one VJP"] < J_bytes / 10

# %%
# Time as ``n`` grows
# -------------------
# Each strategy runs a few times per size on one thread; we keep the median. These are the
# timings of the machine that built this page, so nothing below checks them. At these sizes
# a call's fixed cost (Python, dispatch, allocation) is a large part of every time, so the
# curves do not show the asymptotic cost of the arithmetic: the loop pays that fixed cost once
# per row, and the batched strategies once per call.
import statistics
import time

import matplotlib.pyplot as plt


def median_seconds(run, repeats=5):
    run()  # warm-up: first calls pay for imports and allocations
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def vjp_only(f, x):
    out, vjp_fn = torch.func.vjp(f, x)  # one evaluation ...
    return vjp_fn(torch.ones_like(out))  # ... and one backward pass


threads = torch.get_num_threads()
torch.set_num_threads(1)
sizes = [8, 16, 32, 64, 128]
seconds = {name: [] for name in [*strategies, "one VJP (what backward does)"]}
for size in sizes:
    W_size = torch.randn(size, size) / size**0.5
    x_size = torch.randn(size)

    def dense(x, W=W_size):
        return torch.tanh(W @ x)

    for name, strategy in [*strategies.items(), ("one VJP (what backward does)", vjp_only)]:
        seconds[name].append(median_seconds(lambda s=strategy, f=dense, x=x_size: s(f, x)))

fig, ax = plt.subplots(figsize=(7, 4.4), layout="constrained", facecolor="white")
for name, values in seconds.items():
    ax.loglog(sizes, [1000 * s for s in values], "o-", label=name)
ax.set(
    xlabel="n (inputs = outputs)",
    ylabel="median time (ms)",
    title="Time to build the Jacobian of tanh(W x), one thread",
)
ax.legend(fontsize=8)
plt.show()

for name, values in seconds.items():
    print(f"{name:42} {1000 * values[-1]:8.3f} ms at n={sizes[-1]}")

# %%
# Wide or tall: reverse or forward mode
# -------------------------------------
# A Jacobian is *wide* when it has more columns (inputs) than rows (outputs), like the
# gradient of a loss, and *tall* when it has more rows. Reverse mode pays per row and forward
# mode per column, so reverse mode suits wide Jacobians and forward mode tall ones. Take a
# two-layer map with 64 inputs, a hidden layer of 64 and a varying number of outputs, and
# count the arithmetic of :func:`torch.func.jacrev` and :func:`torch.func.jacfwd`:
n_in = 64
W1 = torch.randn(n_in, n_in) / n_in**0.5
outputs = [4, 16, 64, 256, 1024]
arithmetic = {"torch.func.jacrev": [], "torch.func.jacfwd": []}
times = {"torch.func.jacrev": [], "torch.func.jacfwd": []}
for n_out in outputs:
    W2 = torch.randn(n_out, n_in) / n_in**0.5

    def two_layers(x, W2=W2):
        return torch.tanh(W2 @ torch.tanh(W1 @ x))

    x = torch.randn(n_in)
    for name, transform in [
        ("torch.func.jacrev", torch.func.jacrev),
        ("torch.func.jacfwd", torch.func.jacfwd),
    ]:
        assert transform(two_layers)(x).shape == (n_out, n_in)
        arithmetic[name].append(flops(lambda t=transform, f=two_layers, x=x: t(f)(x)))
        times[name].append(median_seconds(lambda t=transform, f=two_layers, x=x: t(f)(x)))
torch.set_num_threads(threads)

for n_out, rev, fwd in zip(outputs, *arithmetic.values(), strict=True):
    print(f"{n_out:5d} outputs: jacrev {rev:>11,} FLOPs, jacfwd {fwd:>11,} FLOPs")

# %%
# One evaluation costs ``2 (n_in · n_in + n_out · n_in)``. Reverse mode repeats its backward
# products once per output, forward mode its tangent products once per input; so jacrev's
# count grows with the number of outputs, jacfwd's does not depend on it beyond the
# evaluation, and the two meet where outputs equal inputs:
for n_out, rev, fwd in zip(outputs, *arithmetic.values(), strict=True):
    evaluation = 2 * (n_in * n_in + n_out * n_in)
    assert rev == evaluation + n_out * evaluation
    assert fwd >= n_in * evaluation
    if n_out == n_in:
        assert abs(rev - fwd) < 0.05 * rev
    else:
        assert (rev < fwd) == (n_out < n_in)

fig, (ax_flops, ax_time) = plt.subplots(
    1, 2, figsize=(11, 4.4), layout="constrained", facecolor="white"
)
for name, counts in arithmetic.items():
    ax_flops.loglog(outputs, counts, "o-", label=name)
    ax_time.loglog(outputs, [1000 * s for s in times[name]], "o-", label=name)
for axis in (ax_flops, ax_time):
    axis.axvline(n_in, color="0.5", linestyle="--", label=f"outputs = inputs = {n_in}")
    axis.legend(fontsize=8)
ax_flops.set(xlabel=f"outputs ({n_in} inputs)", ylabel="FLOPs", title="Arithmetic (exact)")
ax_time.set(
    xlabel=f"outputs ({n_in} inputs)",
    ylabel="median time (ms)",
    title="Time on the machine that built this page",
)
plt.show()

# %%
# The arithmetic crosses exactly where the Jacobian is square. Time follows it once the
# arithmetic dominates; near the square case, and for small maps, fixed costs decide, and
# they differ between the two transforms, between CPU and GPU, and between PyTorch versions.
# So the crossover for square maps depends on the hardware and on overhead, not on a rule.
# :func:`jacdoc.jacobian` decides from both sizes: it builds columns only when ``J`` has
# clearly more rows than columns (and enough rows to pay for a column's extra backward
# pass), and it works in chunks no larger than ``J`` itself.
#
# A GPU reference
# ---------------
# The same strategies on one NVIDIA H100 GPU (torch 2.11, CUDA 13.0, median of 7 runs; not
# measured by this build, which has no GPU), for ``tanh(W x)`` with ``n = 4096``:
h100_dense_4096_ms = {
    "row loop (autograd.functional.jacobian)": 798.966,
    "vectorized (jacobian, vectorize=True)": 137.578,
    "autograd.functional.jacobian, forward-mode": 100.562,
    "torch.func.jacrev": 3.800,
    "torch.func.jacfwd": 3.750,
    "one VJP (what backward does)": 0.578,
}
for name, ms in h100_dense_4096_ms.items():
    print(f"{name:45} {ms:9.3f} ms")
one_by_one = 4096 * h100_dense_4096_ms["one VJP (what backward does)"]
print(f"4096 VJPs one after another would take {one_by_one:,.0f} ms")
# sphinx_gallery_start_ignore
# The figures quoted are the reference table's (shared/reference/jacobian_strategies_h100.txt):
# there the loop is listed at x213.1 of the fastest strategy.
fastest = min(ms for name, ms in h100_dense_4096_ms.items() if "VJP" not in name)
assert round(h100_dense_4096_ms["row loop (autograd.functional.jacobian)"] / fastest, 1) == 213.1
# sphinx_gallery_end_ignore

# %%
# ``jacrev`` needs 4096 VJPs, yet it takes a few times one VJP, not 4096 times. Batching
# turns the 4096 products of a cotangent with ``W`` into one product of the ``4096 × 4096``
# basis with ``W``: a matrix-matrix product, which a GPU runs at a far higher rate than
# thousands of small launches. The default loop launches them one by one, and its time is
# mostly those launches.
assert h100_dense_4096_ms["torch.func.jacrev"] < one_by_one / 100

# %%
# Key points
# ----------
# - One VJP costs a small constant multiple of an evaluation (two here, three when weight
#   gradients are formed too) and keeps what the forward pass saved, which grows with depth.
#   One JVP costs a similar multiple and keeps nothing.
# - A full Jacobian is ``m`` VJPs or ``n`` JVPs. Batching them (``vectorize=True``,
#   ``jacrev``, ``jacfwd``) does the same arithmetic as a loop in far fewer calls, and needs
#   memory for every row at once; ``chunk_size`` trades that memory for more passes.
# - Reverse mode for wide Jacobians (few outputs), forward mode for tall ones (few inputs).
#   For square maps, measure: the crossover depends on hardware and overhead.
#
# Next: :doc:`batches and second derivatives <07_batches_and_hessians>`.
