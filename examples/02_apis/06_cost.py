"""
What a full Jacobian costs
==========================

One vector-Jacobian product, what ``backward(v)`` computes, costs a small constant multiple
of one evaluation of ``f``, and it needs the tensors that ``f``'s operations saved for the
backward pass, so its memory grows with ``f``'s depth. A Jacobian-vector product (forward
mode) also costs a small multiple of an evaluation; it keeps no record for a later pass (when
nothing in ``f`` requires grad), so its memory does not grow with depth. A full Jacobian of
a map from ``n`` inputs to ``m`` outputs takes ``m`` VJPs (one per row) or ``n`` JVPs (one
per column).

This page counts the FLOPs of the matrix products exactly, with PyTorch's FLOP counter, and
the memory with :class:`jacdoc.PeakMemory`; neither count depends on timing, so both are the
same on every run. Then it times the strategies on the machine that built the page.
"""

# %%
# One VJP against one evaluation
# ------------------------------
# PyTorch's FLOP counter, ``torch.utils.flop_counter.FlopCounterMode``, counts the operations of
# matrix products (and of convolutions and attention), which dominate a dense layer. We teach
# it matrix-vector products too (``2 m n`` for an ``m × n`` matrix), for the examples further
# down that apply a layer to one vector. Elementwise operations, ``tanh`` and its derivative
# among them, it counts as zero: every count on this page is of matrix products only. The
# function is a stack of dense layers applied to a batch of 32 inputs, as in training:
# ``f(X) = tanh(⋯ tanh(X W_1ᵀ) ⋯ W_Lᵀ)``.
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
assert flops(lambda: torch.tanh(X)) == 0  # elementwise: not counted
evaluation = flops(lambda: mlp(X))
one_vjp = flops(lambda: torch.func.vjp(mlp, X)[1](ones))
one_jvp = flops(lambda: torch.func.jvp(mlp, (X,), (ones,)))
print(f"one evaluation: {evaluation:,} FLOPs")
print(f"one VJP:        {one_vjp:,} FLOPs = {one_vjp / evaluation:g} evaluations")
print(f"one JVP:        {one_jvp:,} FLOPs = {one_jvp / evaluation:g} evaluations")

# %%
# Each layer costs ``2 · batch · width²`` in the evaluation. The VJP runs the evaluation and
# then, per layer, one product with ``W``: two evaluations' worth. The JVP needs one product
# per layer beside the evaluation, also two. In torch 2.13 the forward-mode formula for a
# matrix product also multiplies by the tangent of ``W``, which is zero here because ``W``
# is not an input, and the counter counts that product too: three.
assert evaluation == depth * 2 * batch * width**2
assert one_vjp == 2 * evaluation
assert 2 * evaluation <= one_jvp <= 3 * evaluation
# sphinx_gallery_start_ignore
assert one_jvp == 3 * evaluation  # torch 2.13, as the text says
# sphinx_gallery_end_ignore

# %%
# In training the weights require grad and the data does not. The backward pass then also
# forms each weight's gradient, ``Gᵀ X`` for a layer's input ``X`` and the gradient ``G`` of
# its product ``X Wᵀ``: one more matrix product of the same cost as the layer's own (for a
# batch, a sum of 32 outer products). The first layer's input needs no gradient, and
# autograd skips that product. With ``L`` layers that makes ``(3L - 1) / L`` evaluations,
# 2.75 for these four, and exactly three when the input needs a gradient as well. That is
# the "small constant multiple" (about 3) that the cost of reverse mode is usually quoted as.
weights = [W.clone().requires_grad_(True) for W in layers]


def training_step(X):
    mlp(X, weights).sum().backward()


training = flops(lambda: training_step(X))
with_input_gradient = flops(lambda: training_step(X.clone().requires_grad_(True)))
print(f"forward and backward, weight gradients: {training / evaluation:g} evaluations")
print(f"... and the input's gradient too:        {with_input_gradient / evaluation:g} evaluations")
assert training * depth == (3 * depth - 1) * evaluation
assert with_input_gradient == 3 * evaluation
# sphinx_gallery_start_ignore
assert (3 * depth - 1) / depth == 2.75  # the figure the text quotes
# sphinx_gallery_end_ignore

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
# activations.
#
# A JVP carries the tangent alongside the evaluation and keeps no record for a later pass:
# each layer's value and tangent can be freed once the next layer has used them, so its
# memory does not grow with depth. It does hold a tangent beside every value alive, so it
# needs about twice an evaluation's working memory, and for a shallow ``f`` that can be more
# than a VJP needs. The peaks of one evaluation, one VJP (its forward pass included) and one
# JVP, for up to 16 layers of the same width; the evaluation and the JVP run under
# ``torch.no_grad()`` (why, in the next cell):
import functools
import itertools

deep = [torch.randn(width, width) / width**0.5 for _ in range(16)]
depths = [1, 2, 4, 8, 16]
peak = {"evaluation": [], "VJP": [], "JVP": []}
for layers_used in depths:
    f = functools.partial(mlp, layers=deep[:layers_used])
    with torch.no_grad(), jacdoc.PeakMemory() as memory:
        f(X)
    peak["evaluation"].append(memory.peak)
    with jacdoc.PeakMemory() as memory:
        torch.func.vjp(f, X)[1](ones)
    peak["VJP"].append(memory.peak)
    with torch.no_grad(), jacdoc.PeakMemory() as memory:
        out, tangent = torch.func.jvp(f, (X,), (ones,))
    peak["JVP"].append(memory.peak)
    assert memory.current == out.nbytes + tangent.nbytes  # nothing else is left alive

print("depth  peak bytes: evaluation      VJP      JVP")
for layers_used, *row in zip(depths, *peak.values(), strict=True):
    print(f"{layers_used:5d}              {row[0]:10,} {row[1]:8,} {row[2]:8,}")

assert all(a < b for a, b in itertools.pairwise(peak["VJP"]))  # grows with depth
assert len(set(peak["JVP"][1:])) == 1  # does not
assert all(e < j <= 2 * e for e, j in zip(peak["evaluation"], peak["JVP"], strict=True))
assert peak["JVP"][0] > peak["VJP"][0]  # one layer: the JVP needs more
assert peak["JVP"][-1] < peak["VJP"][-1]  # sixteen: far less
# sphinx_gallery_start_ignore
assert peak["JVP"] == [2 * e for e in peak["evaluation"]]  # "about twice": exactly, here
# sphinx_gallery_end_ignore

# %%
# That holds when nothing in ``f`` requires grad, or under ``torch.no_grad()`` as above.
# Otherwise autograd records as usual while :func:`torch.func.jvp` runs: the tangents come
# from forward mode, but the operations on tensors that require grad are also recorded for a
# later backward pass, with what they save. Every ``nn.Module`` parameter requires grad by
# default. With the four layers' weights requiring grad, and no ``no_grad``, the JVP leaves
# far more alive than its two results:
with jacdoc.PeakMemory() as recording:
    out, tangent = torch.func.jvp(functools.partial(mlp, layers=weights), (X,), (ones,))
kept_by_graph = recording.current - out.nbytes - tangent.nbytes
print(f"kept for a backward pass after a JVP: {kept_by_graph:,} bytes")
assert out.requires_grad
assert kept_by_graph > 0

# %%
# A full Jacobian: the same arithmetic, one pass or many
# ------------------------------------------------------
# Take one dense layer, ``y = tanh(W x)`` with ``W`` of shape ``n × n``, and build its
# Jacobian four ways: the default of :func:`torch.autograd.functional.jacobian` (a Python
# loop of ``m`` backward passes, one per row), the same with ``vectorize=True`` (one call
# over all rows, through PyTorch's older vmap), :func:`torch.func.jacrev` (VJPs, one per row,
# vectorized with :func:`torch.func.vmap`) and :func:`torch.func.jacfwd` (JVPs, one per
# column, vectorized the same way). The three that build rows do the same matrix products:
# one evaluation, ``2 n²`` FLOPs, and one product with ``Wᵀ`` per row, ``n + 1``
# evaluations' worth in all. ``jacfwd``'s products with ``W``, one per column, come to as
# much, and in torch 2.13 one evaluation's worth more: the product with the zero tangent of
# ``W`` seen above.
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
one_evaluation = 2 * n * n  # = the product with Wᵀ for one row, or with W for one column
counts = {}
for name, strategy in strategies.items():
    torch.testing.assert_close(strategy(layer, x), expected)
    counts[name] = flops(lambda s=strategy: s(layer, x))
    print(f"{name:42} {counts[name]:>10,} FLOPs = {counts[name] / one_evaluation:g} evaluations")
for name in list(strategies)[:3]:  # the three that build rows
    assert counts[name] == (n + 1) * one_evaluation
assert (n + 1) * one_evaluation <= counts["torch.func.jacfwd"] <= (n + 2) * one_evaluation
# sphinx_gallery_start_ignore
assert counts["torch.func.jacfwd"] == (n + 2) * one_evaluation  # torch 2.13, as the text says
# sphinx_gallery_end_ignore

# %%
# The matrix products are not all the work, though: the counter counts ``tanh`` and its
# derivative as zero. A dispatch mode, the hook that the FLOP counter is built on, can count
# how often each strategy calls an operator at all; here ``tanh``'s backward formula,
# ``aten::tanh_backward``, and every operator call together. The loop calls
# ``tanh_backward`` once per row, as expected, and ``jacrev`` and ``jacfwd`` call it a
# single time, on all rows or columns together. ``vectorize=True`` calls it once per row as
# well: in torch 2.13 the older vmap behind it has no batching rule for ``tanh_backward``,
# so it falls back to a loop over the rows for that operation, as :doc:`/auto_examples/02_apis/04_every_api`
# showed for GELU.
from collections import Counter

from torch.utils._python_dispatch import TorchDispatchMode


class CallCount(TorchDispatchMode):
    """How many times each operator runs inside the ``with`` block."""

    def __init__(self):
        super().__init__()
        self.calls = Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.calls[func.overloadpacket.__name__] += 1
        return func(*args, **(kwargs or {}))


tanh_backward_calls = {}
for name, strategy in strategies.items():
    with CallCount() as counter:
        strategy(layer, x)
    tanh_backward_calls[name] = counter.calls["tanh_backward"]
    print(
        f"{name:42} {counter.calls.total():5,} operator calls, "
        f"{counter.calls['tanh_backward']:3} of tanh_backward"
    )
assert tanh_backward_calls["row loop (autograd.functional.jacobian)"] == n
assert tanh_backward_calls["torch.func.jacrev"] == 1
# sphinx_gallery_start_ignore
# torch 2.13, as the text says: jacfwd calls it once, and the older vmap falls back to a loop,
# for vectorize=True and for strategy="forward-mode" (quoted in the key points).
assert tanh_backward_calls["torch.func.jacfwd"] == 1
assert tanh_backward_calls["vectorized (jacobian, vectorize=True)"] == n
import warnings

for options in [{"vectorize": True}, {"vectorize": True, "strategy": "forward-mode"}]:
    torch._C._debug_only_display_vmap_fallback_warnings(True)
    try:
        with warnings.catch_warnings(record=True) as caught, CallCount() as counter:
            warnings.simplefilter("always")
            torch.autograd.functional.jacobian(layer, x, **options)
    finally:
        torch._C._debug_only_display_vmap_fallback_warnings(False)
    assert counter.calls["tanh_backward"] == n, options
    assert any("batching rule for aten::tanh_backward" in str(w.message) for w in caught)
# sphinx_gallery_end_ignore

# %%
# Batching changes memory too. ``jacrev`` pushes every row's cotangent through at once: the
# "basis", an ``m × m`` identity, as large as ``J`` here, with every row's intermediate
# results beside it, and then ``J`` itself; its peak is about three times ``J``, where one
# VJP holds only a few vectors of length ``n``. :func:`torch.func.jacrev` takes a
# ``chunk_size`` (in torch 2.13 :func:`torch.func.jacfwd` has none): it pushes the basis
# through a chunk of rows at a time, with as many passes as chunks. That bounds the basis
# and the intermediates, not the result: ``jacrev`` concatenates the chunks' rows into ``J``
# at the end, so the pieces and ``J`` are alive together, and the peak stays at about twice
# ``J`` however small the chunks. :func:`jacdoc.jacobian` builds rows here, as ``jacrev``
# does, and is in the table too.
peaks = {}
for label, run in [
    ("one VJP", lambda: torch.func.vjp(layer, x)[1](torch.ones(n))),
    ("jacrev", lambda: torch.func.jacrev(layer)(x)),
    ("jacrev, chunk_size=32", lambda: torch.func.jacrev(layer, chunk_size=32)(x)),
    ("jacrev, chunk_size=8", lambda: torch.func.jacrev(layer, chunk_size=8)(x)),
    ("jacrev, chunk_size=1", lambda: torch.func.jacrev(layer, chunk_size=1)(x)),
    ("jacdoc.jacobian", lambda: jacdoc.jacobian(layer, x)),
]:
    with jacdoc.PeakMemory() as memory:
        run()
    peaks[label] = memory.peak
    print(f"{label:22} peak {memory.peak:>8,} bytes = {memory.peak / (4 * n * n):.2f} J")

J_bytes = 4 * n * n
chunked = ["jacrev", "jacrev, chunk_size=32", "jacrev, chunk_size=8", "jacrev, chunk_size=1"]
assert peaks["jacrev"] >= 2 * J_bytes  # at least the basis and the result
assert all(peaks[a] > peaks[b] for a, b in itertools.pairwise(chunked))
assert peaks["jacrev, chunk_size=1"] >= J_bytes  # the result itself cannot be chunked away
assert peaks["one VJP"] < J_bytes / 10
# sphinx_gallery_start_ignore
# torch 2.13, as the text says: about three times J unchunked, about twice however chunked;
# and jacfwd takes no chunk_size. jacdoc builds rows here, with a peak of about three J
# in a single chunk (quoted further down, with its chunk budget).
import inspect

import jacdoc.autodiff

assert jacdoc.autodiff.choose_mode(n, n) == "reverse"
assert jacdoc.autodiff.MIN_CHUNK_ELEMENTS == 2**20
assert jacdoc.autodiff.chunk_size(n, n) == n  # a single chunk
assert round(peaks["jacdoc.jacobian"] / J_bytes) == 3
assert round(peaks["jacrev"] / J_bytes) == 3
assert all(round(peaks[label] / J_bytes) == 2 for label in chunked[1:])
assert peaks["jacrev, chunk_size=1"] >= 2 * J_bytes
assert "chunk_size" in inspect.signature(torch.func.jacrev).parameters
assert "chunk_size" not in inspect.signature(torch.func.jacfwd).parameters
# sphinx_gallery_end_ignore

# %%
# Time as ``n`` grows
# -------------------
# Each strategy runs a few times per size on one thread; we keep the median. These are the
# timings of the machine that built this page, so nothing below checks them. At these sizes
# a call's fixed cost (Python, dispatch, allocation) is a large part of every time, so the
# curves do not show the asymptotic cost of the arithmetic. The loop pays that fixed cost
# once per row, ``jacrev`` and ``jacfwd`` once per call, and ``vectorize=True`` once per call
# and again once per row for ``tanh_backward`` (counted above). The last curve is one
# evaluation and one VJP, the work of one ``backward`` call with its forward pass.
import statistics
import time

import matplotlib.pyplot as plt


# sphinx_gallery_start_ignore
# jacdoc: timed. This page measures wall-clock time, so two builds print and plot different
# numbers; tests/site/test_reproducible.py lets this page differ, and nothing else.
# sphinx_gallery_end_ignore
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
seconds = {name: [] for name in [*strategies, "one evaluation + one VJP"]}
for size in sizes:
    W_size = torch.randn(size, size) / size**0.5
    x_size = torch.randn(size)

    def dense(x, W=W_size):
        return torch.tanh(W @ x)

    for name, strategy in [*strategies.items(), ("one evaluation + one VJP", vjp_only)]:
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
# count the matrix-product FLOPs of :func:`torch.func.jacrev` and :func:`torch.func.jacfwd`:
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
# products once per output, forward mode its tangent products once per input. So
# ``jacrev``'s count is ``n_out + 1`` evaluations, and grows quadratically with the number of
# outputs; ``jacfwd``'s is a fixed ``n_in + 1`` to ``n_in + 2`` evaluations (``n_in + 2`` in
# torch 2.13, with the zero-tangent product), and grows only linearly, through the cost of
# one evaluation. On the square map they are within one evaluation of each other:
for n_out, rev, fwd in zip(outputs, *arithmetic.values(), strict=True):
    evaluation = 2 * (n_in * n_in + n_out * n_in)
    assert rev == (n_out + 1) * evaluation
    assert (n_in + 1) * evaluation <= fwd <= (n_in + 2) * evaluation
    if n_out == n_in:
        assert abs(rev - fwd) <= evaluation
    else:
        assert (rev < fwd) == (n_out < n_in)
# sphinx_gallery_start_ignore
for n_out, fwd in zip(outputs, arithmetic["torch.func.jacfwd"], strict=True):
    assert fwd == (n_in + 2) * 2 * (n_in * n_in + n_out * n_in)  # torch 2.13, as the text says
assert n_in + 1 == 65  # (n_out + 1) = (n_in + 2) where n_out = n_in + 1, as the text says
# sphinx_gallery_end_ignore

fig, (ax_flops, ax_time) = plt.subplots(
    1, 2, figsize=(11, 4.4), layout="constrained", facecolor="white"
)
for name, counts in arithmetic.items():
    ax_flops.loglog(outputs, counts, "o-", label=name)
    ax_time.loglog(outputs, [1000 * s for s in times[name]], "o-", label=name)
for axis in (ax_flops, ax_time):
    axis.axvline(n_in, color="0.5", linestyle="--", label=f"outputs = inputs = {n_in}")
    axis.legend(fontsize=8)
ax_flops.set(
    xlabel=f"outputs ({n_in} inputs)", ylabel="FLOPs", title="Matrix-product FLOPs (exact)"
)
ax_time.set(
    xlabel=f"outputs ({n_in} inputs)",
    ylabel="median time (ms)",
    title="Time on the machine that built this page",
)
plt.show()

# %%
# The counts cross next to the square case, within one evaluation's worth of it: in torch
# 2.13, ``jacrev``'s ``n_out + 1`` evaluations equal ``jacfwd``'s ``n_in + 2`` at
# ``n_out = n_in + 1 = 65``. Time follows the arithmetic once it dominates; near the square
# case, and for small maps, fixed costs decide, and they differ between the two transforms,
# between CPU and GPU, and between PyTorch versions. So the crossover for square maps
# depends on the hardware and on overhead, not on a rule. :func:`jacdoc.jacobian` decides
# from both sizes: it builds columns only when ``J`` has clearly more rows than columns (and
# enough rows to pay for the columns' extra evaluation of ``f``). It works in chunks of at most
# ``J``'s size or ``2**20`` elements, whichever is larger: for the layer above that is a
# single chunk, and a peak of three times ``J`` (in the memory table).
#
# On a GPU
# --------
# This page was built on a CPU, so it measures nothing on a GPU, and the ratios between the
# strategies there depend on the device and its software. ``benchmarks/bench_jacobian.py
# --device cuda``, in this site's repository, times the same strategies side by side on yours.

# %%
# Key points
# ----------
# - One VJP costs a small constant multiple of an evaluation (two here, up to three when
#   weight gradients are formed too) and keeps what the forward pass saved, which grows with
#   depth. One JVP costs a similar multiple and keeps no record for a later pass, so its
#   memory does not grow with depth, though it needs about twice an evaluation's; that holds
#   when nothing in ``f`` requires grad, or under ``torch.no_grad()``.
# - A full Jacobian is ``m`` VJPs or ``n`` JVPs. ``jacrev`` and ``jacfwd`` batch them: the
#   same matrix products as a loop, in far fewer calls, with memory for every row or column
#   at once. ``vectorize=True`` batches through the older vmap, which loops over the rows for
#   operations it has no batching rule for (``tanh_backward`` in torch 2.13). ``jacrev``'s
#   ``chunk_size`` bounds the basis and the intermediates, but the result still needs about
#   twice ``J`` at the end.
# - Reverse mode for wide Jacobians (few outputs), forward mode for tall ones (few inputs):
#   the counts cross within one evaluation of the square case. For square maps, measure: the
#   crossover in time depends on hardware and overhead.
#
# Next: :doc:`a custom backward is a VJP </auto_examples/02_apis/07_custom_backward>`.
