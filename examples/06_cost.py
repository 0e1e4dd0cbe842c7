"""
What a full Jacobian costs
==========================

``backward(v)`` costs about as much as one evaluation of the function, whatever its size. A
full Jacobian of a map from ``n`` inputs to ``m`` outputs needs ``m`` such reverse passes (one
per row) or ``n`` forward-mode passes (one per column), and ``m × n`` numbers of memory. This
example measures that, on the machine that built this page, for small sizes.
"""

# %%
# Time and memory as ``n`` grows
# ------------------------------
# The function is a dense layer, ``y = tanh(W x)`` with ``W`` of shape ``n × n``. Each way of
# building its Jacobian runs a few times; we keep the median. One thread, so that the
# comparison does not depend on how many cores the build machine has.
import statistics
import time

import matplotlib.pyplot as plt
import torch
import torch.autograd.functional as AF

import jacdoc

# sphinx_gallery_thumbnail_number = 1

threads = torch.get_num_threads()
torch.set_num_threads(1)


def median_seconds(run, repeats=5):
    run()  # warm-up: first calls pay for imports and allocations
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def one_vjp(f, x):
    _, vjp_fn = torch.func.vjp(f, x)
    return vjp_fn(torch.ones(f(x).shape))[0]


strategies = {
    "row loop (autograd.functional.jacobian)": AF.jacobian,
    "vectorized (jacobian, vectorize=True)": lambda f, x: AF.jacobian(f, x, vectorize=True),
    "torch.func.jacrev": lambda f, x: torch.func.jacrev(f)(x),
    "torch.func.jacfwd": lambda f, x: torch.func.jacfwd(f)(x),
    "one VJP (what backward does)": one_vjp,
}
sizes = [8, 16, 32, 64, 128, 256]
seconds = {name: [] for name in strategies}
jacobian_bytes, vjp_bytes = [], []
for n in sizes:
    W = torch.randn(n, n) / n**0.5
    x = torch.randn(n)

    def f(x, W=W):
        return torch.tanh(W @ x)

    J = jacdoc.jacobian(f, x)
    expected = (1 - f(x) ** 2)[:, None] * W  # d tanh(u)/du = 1 - tanh(u)^2, times W
    torch.testing.assert_close(J, expected)
    for name, strategy in strategies.items():
        if name != "one VJP (what backward does)":
            torch.testing.assert_close(strategy(f, x), expected)
        seconds[name].append(median_seconds(lambda s=strategy, f=f, x=x: s(f, x)))
    jacobian_bytes.append(J.element_size() * J.numel())
    vjp_bytes.append(one_vjp(f, x).element_size() * n)


# %%
# A straight line on a log-log plot means a power law, ``time ∝ n^slope``. We fit the slope
# over the three largest sizes, where the work rather than fixed overhead dominates.
def slope(ns, values):
    logs = torch.tensor([ns, values], dtype=torch.float64).log()
    design = torch.stack([logs[0], torch.ones_like(logs[0])], dim=1)
    return torch.linalg.lstsq(design, logs[1].unsqueeze(1)).solution[0].item()


fig, (ax_time, ax_memory) = plt.subplots(
    1, 2, figsize=(11, 4.4), layout="constrained", facecolor="white"
)
for name, values in seconds.items():
    fitted = slope(sizes[-3:], values[-3:])
    ax_time.loglog(sizes, [1000 * s for s in values], "o-", label=f"{name}: slope {fitted:.2f}")
    print(f"{name:42} {1000 * values[-1]:8.3f} ms at n={sizes[-1]}   slope {fitted:5.2f}")
ax_time.set_xlabel("n (inputs = outputs)")
ax_time.set_ylabel("median time (ms)")
ax_time.set_title("Time to build the Jacobian of tanh(W x)")
ax_time.legend(fontsize=8)

ax_memory.loglog(sizes, jacobian_bytes, "o-", label="full Jacobian: slope 2")
ax_memory.loglog(sizes, vjp_bytes, "s-", label="one VJP: slope 1")
ax_memory.set_xlabel("n")
ax_memory.set_ylabel("bytes of the result")
ax_memory.set_title("Memory of the result (float32)")
ax_memory.legend()
plt.show()

# %%
# The memory is exact arithmetic: ``n²`` float32 entries for ``J`` against ``n`` for a VJP.
# The timings are this build machine's, so we check only what must hold anywhere: the Python
# loop is the slowest way at the largest size, and one VJP is cheaper than any full
# Jacobian.
assert jacobian_bytes == [4 * n * n for n in sizes]
assert vjp_bytes == [4 * n for n in sizes]
assert abs(slope(sizes, jacobian_bytes) - 2) < 1e-9
largest = {name: values[-1] for name, values in seconds.items()}
loop = largest["row loop (autograd.functional.jacobian)"]
assert loop == max(largest.values())
assert largest["one VJP (what backward does)"] == min(largest.values())
print(f"at n={sizes[-1]}: the loop takes {loop / min(largest.values()):.0f}x one VJP")

# %%
# Tall or wide: when forward mode wins
# ------------------------------------
# Reverse mode (``jacrev``) pays per output, forward mode (``jacfwd``) per input. Take a
# two-layer map, ``y = tanh(W2 tanh(W1 x))``, with 256 inputs, a hidden layer of 256 and a
# varying number of outputs: for "tall-to-short" maps (few outputs, like a loss) reverse mode
# wins; for maps that widen, forward mode does.
n_in = 256
outputs = [4, 16, 64, 256, 1024]
W1 = torch.randn(n_in, n_in) / n_in**0.5
times = {"torch.func.jacrev": [], "torch.func.jacfwd": []}
for n_out in outputs:
    W2 = torch.randn(n_out, n_in) / n_in**0.5
    x = torch.randn(n_in)

    def f(x, W2=W2):
        return torch.tanh(W2 @ torch.tanh(W1 @ x))

    for name, transform in [
        ("torch.func.jacrev", torch.func.jacrev),
        ("torch.func.jacfwd", torch.func.jacfwd),
    ]:
        assert transform(f)(x).shape == (n_out, n_in)
        times[name].append(median_seconds(lambda t=transform, f=f, x=x: t(f)(x), repeats=7))

fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained", facecolor="white")
for name, values in times.items():
    ax.loglog(outputs, [1000 * s for s in values], "o-", label=name)
ax.axvline(n_in, color="0.5", linestyle="--", label=f"outputs = inputs = {n_in}")
ax.set_xlabel(f"number of outputs ({n_in} inputs)")
ax.set_ylabel("median time (ms)")
ax.set_title("Reverse vs forward mode as the output grows")
ax.legend()
plt.show()

rev, fwd = times["torch.func.jacrev"], times["torch.func.jacfwd"]
for n_out, r, f_ in zip(outputs, rev, fwd, strict=True):
    print(f"{n_out:5d} outputs: jacrev {1000 * r:7.3f} ms, jacfwd {1000 * f_:7.3f} ms")
assert rev[0] < fwd[0], "reverse mode should win with 4 outputs and 256 inputs"
assert fwd[-1] < rev[-1], "forward mode should win with 1024 outputs and 256 inputs"

# %%
# :func:`jacdoc.jacobian` makes this choice from both sizes: it builds columns only when ``J``
# has clearly more rows than columns (and enough rows to pay for a column's extra backward
# pass), and works in chunks no larger than ``J`` itself.
#
# A GPU reference
# ---------------
# The same comparison on one NVIDIA H100 GPU (torch 2.11, CUDA 13.0, median of 7 runs; not
# measured by this build, which has no GPU). Rows are ``tanh(W x)`` with ``n = 4096``:
h100_dense_4096_ms = {
    "row loop (autograd.functional.jacobian)": 798.966,
    "vectorized (jacobian, vectorize=True)": 137.578,
    "autograd.functional.jacobian, forward-mode": 100.562,
    "torch.func.jacrev": 3.800,
    "torch.func.jacfwd": 3.750,
    "one VJP (what backward does)": 0.578,
}
fastest_jacobian = min(ms for name, ms in h100_dense_4096_ms.items() if "VJP" not in name)
for name, ms in h100_dense_4096_ms.items():
    print(f"{name:45} {ms:9.3f} ms   x{ms / fastest_jacobian:7.1f} of the fastest Jacobian")
# The reference table lists the loop at x213.1 of the fastest strategy:
assert (
    round(h100_dense_4096_ms["row loop (autograd.functional.jacobian)"] / fastest_jacobian, 1)
    == 213.1
)
torch.set_num_threads(threads)

# %%
# Key points
# ----------
# - One VJP (what ``backward`` computes) costs about one function evaluation; a full
#   Jacobian costs ``m`` of them in reverse mode or ``n`` JVPs in forward mode, and ``m × n``
#   memory.
# - Never use the default ``autograd.functional.jacobian`` loop for more than a handful of
#   outputs: ``vectorize=True``, ``torch.func.jacrev``/``jacfwd`` or :func:`jacdoc.jacobian`
#   do the same work in one batched pass.
# - Reverse mode for few outputs, forward mode for few inputs.
#
# Next: :doc:`batches and second derivatives <07_batches_and_hessians>`.
