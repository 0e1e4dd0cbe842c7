"""Time jacdoc.jacobian against each of PyTorch's ways to build a full Jacobian.

Every strategy runs side by side in one process, on one thread, timed with
``torch.utils.benchmark.Timer``. The table prints the median time, its ratio to the fastest
*PyTorch* strategy on that row (jacdoc's own row is compared with them, not counted among
them), and the peak tensor memory of one call, counted with ``jacdoc.PeakMemory`` (on CUDA,
``torch.cuda.max_memory_allocated``). Run it with ``nox -s bench`` or
``python benchmarks/bench_jacobian.py [--sizes 8 64 512] [--device cuda]``.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable

import torch
from torch.autograd.functional import jacobian as autograd_jacobian
from torch.utils.benchmark import Timer

import jacdoc
from jacdoc.autodiff import choose_mode, tuning_for

Fn = Callable[[torch.Tensor], torch.Tensor]
Strategy = Callable[[Fn, torch.Tensor], torch.Tensor]

#: Strategies whose basis (an identity of the rows or columns they build) would exceed this
#: many bytes are skipped rather than run out of memory.
BASIS_LIMIT_BYTES = 2 * 2**30
#: The default autograd.functional.jacobian runs one backward pass per output element in
#: Python; past this many it would take minutes, and is skipped.
LOOP_LIMIT = 20_000


def linear_map(n_in: int, n_out: int, device: str, *, squash: bool = True) -> Fn:
    gen = torch.Generator(device="cpu").manual_seed(n_in * 7919 + n_out)
    W = (torch.randn(n_out, n_in, generator=gen) / n_in**0.5).to(device)
    return (lambda x: torch.tanh(W @ x)) if squash else (lambda x: W @ x)


def rows(sizes: list[int], device: str) -> list[tuple[str, int, int, Fn]]:
    """Each benchmark row: a name, the input and output sizes, and the map."""
    table = []
    for n in sizes:
        table += [
            ("elementwise (x+1)^2", n, n, lambda x: (x + 1) ** 2),
            ("dense tanh(Wx)", n, n, linear_map(n, n, device)),
            ("scalar sum((x+1)^2)", n, 1, lambda x: ((x + 1) ** 2).sum()),
            ("tall tanh(Wx), n->4n", n, 4 * n, linear_map(n, 4 * n, device)),
            ("wide tanh(Wx), n->n/4", n, max(n // 4, 1), linear_map(n, max(n // 4, 1), device)),
        ]
    # Extreme aspect ratios; the last two are memory-bound: an identity as large as the side
    # with many elements would need 360 GB, so only chunked or column-wise strategies run.
    table += [
        ("tall 4 -> 8192", 4, 8192, linear_map(4, 8192, device)),
        ("wide 8192 -> 4", 8192, 4, linear_map(8192, 4, device)),
        ("tall W@x, 3 -> 300000", 3, 300_000, linear_map(3, 300_000, device, squash=False)),
        ("wide W@x, 300000 -> 3", 300_000, 3, linear_map(300_000, 3, device, squash=False)),
    ]
    return table


def functional(**options: object) -> Strategy:
    """torch.autograd.functional.jacobian with these options (torch types it loosely)."""

    def strategy(f: Fn, x: torch.Tensor) -> torch.Tensor:
        J: torch.Tensor = autograd_jacobian(f, x, **options)  # type: ignore[no-untyped-call]
        return J

    return strategy


STRATEGIES: dict[str, tuple[Strategy, str]] = {
    # name: (strategy, which side its basis spans: "out" for rows, "in" for columns)
    "A.jacobian (loop, default)": (functional(), "loop"),
    "A.jacobian vectorize=True": (functional(vectorize=True), "out"),
    "A.jacobian forward-mode": (functional(vectorize=True, strategy="forward-mode"), "in"),
    "func.jacrev": (lambda f, x: torch.func.jacrev(f)(x), "out"),
    "func.jacfwd": (lambda f, x: torch.func.jacfwd(f)(x), "in"),
}
JACDOC = "jacdoc.jacobian (auto)"


def skip_reason(side: str, n_in: int, n_out: int) -> str | None:
    if side == "loop":
        return f"{n_out} backward passes in Python" if n_out > LOOP_LIMIT else None
    count = n_out if side == "out" else n_in
    basis = 4 * count * count
    too_big = basis > BASIS_LIMIT_BYTES
    return f"its {count}x{count} basis needs {basis / 2**30:.0f} GB" if too_big else None


def median_ms(run: Callable[[], object]) -> float:
    timer = Timer("run()", globals={"run": run}, num_threads=1)
    return 1000 * timer.blocked_autorange(min_run_time=0.2).median


def peak_mb(run: Callable[[], object], device: str) -> float:
    """Tensor memory that one call holds at its peak, in MB.

    On CUDA, the allocator's own high-water mark. Elsewhere, :class:`jacdoc.PeakMemory`: the
    bytes of tensor storage allocated during the call and alive at once, which, unlike the
    resident set, does not depend on what the allocator kept from earlier calls.
    """
    if device == "cuda":
        torch.cuda.synchronize()
        before = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        run()
        torch.cuda.synchronize()
        return (torch.cuda.max_memory_allocated() - before) / 1e6
    with jacdoc.PeakMemory() as memory:
        run()
    return float(memory.peak) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 64, 512])
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"device={args.device} torch={torch.__version__} threads={torch.get_num_threads()}")
    print(
        f"{'function':24} {'in':>6} {'out':>6}  {'strategy':30} {'ms':>9} {'ratio':>7} "
        f"{'peak MB':>8}"
    )

    worst, dense_speedup = (0.0, ""), {}
    for name, n_in, n_out, f in rows(args.sizes, args.device):
        x = torch.randn(n_in, device=args.device)
        J = jacdoc.jacobian(f, x)
        assert J.shape == f(x).shape + x.shape
        runs: dict[str, Callable[[], object]] = {}
        skipped: dict[str, str] = {}
        for label, (strategy, side) in STRATEGIES.items():
            reason = skip_reason(side, n_in, n_out)
            if reason:
                skipped[label] = reason
                continue
            torch.testing.assert_close(strategy(f, x), J, rtol=1e-4, atol=1e-5)
            runs[label] = functools.partial(strategy, f, x)
        runs[JACDOC] = functools.partial(jacdoc.jacobian, f, x)
        times = {label: median_ms(run) for label, run in runs.items()}
        best = min(t for label, t in times.items() if label != JACDOC)
        for label, run in runs.items():
            shown = f"{peak_mb(run, args.device):8.1f}"
            ratio = times[label] / best
            print(
                f"{name:24} {n_in:6d} {n_out:6d}  {label:30} {times[label]:9.3f} "
                f"x{ratio:6.2f} {shown:>8}"
            )
        for label, reason in skipped.items():
            print(f"{name:24} {n_in:6d} {n_out:6d}  {label:30} skipped: {reason}")
        built = choose_mode(n_out, n_in, tuning_for(x.device))
        mode = "rows" if built == "reverse" else "columns"
        ratio = times[JACDOC] / best
        if ratio > worst[0]:
            worst = (ratio, f"{name}, {n_in} -> {n_out} (auto built {mode})")
        if name.startswith("dense"):
            dense_speedup[n_in] = times["A.jacobian (loop, default)"] / times[JACDOC]
    print(
        f"\njacdoc.jacobian, worst ratio to the fastest torch strategy: x{worst[0]:.2f} "
        f"on {worst[1]} (goal: at most 1.3)"
    )
    for n, speedup in dense_speedup.items():
        print(f"dense n={n}: jacdoc.jacobian is {speedup:.1f}x faster than the default loop")
    print(f"(each 3 x 300000 Jacobian itself holds {4 * 3 * 300_000 / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
