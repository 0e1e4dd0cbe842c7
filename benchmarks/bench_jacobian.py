"""Time jacdoc.jacobian against each of PyTorch's ways to build a full Jacobian.

Every strategy runs side by side in one process, on the CPU with one thread, and the table
prints the median time and its ratio to the fastest *PyTorch* strategy on that row (jacdoc's
own row is compared with them, not counted among them). Run it with ``nox -s bench`` or
``python benchmarks/bench_jacobian.py [--sizes 8 64 512] [--device cuda]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch
from torch.autograd.functional import jacobian as autograd_jacobian

import jacdoc

Fn = Callable[[torch.Tensor], torch.Tensor]


def functions(n: int, device: str) -> dict[str, tuple[Fn, int]]:
    """The benchmark's maps, each with the size of its input."""
    gen = torch.Generator(device="cpu").manual_seed(0)

    def weights(rows: int) -> torch.Tensor:
        return (torch.randn(rows, n, generator=gen) / n**0.5).to(device)

    square, wide, tall = weights(n), weights(4 * n), weights(max(n // 4, 1))
    return {
        "elementwise (x+1)^2": (lambda x: (x + 1) ** 2, n),
        "dense tanh(Wx)": (lambda x: torch.tanh(square @ x), n),
        "scalar sum((x+1)^2)": (lambda x: ((x + 1) ** 2).sum(), n),
        "wide n->4n": (lambda x: torch.tanh(wide @ x), n),
        "tall n->n/4": (lambda x: torch.tanh(tall @ x), n),
    }


def strategies() -> dict[str, Callable[[Fn, torch.Tensor], torch.Tensor]]:
    return {
        "A.jacobian (loop, default)": autograd_jacobian,
        "A.jacobian vectorize=True": lambda f, x: autograd_jacobian(f, x, vectorize=True),
        "A.jacobian forward-mode": lambda f, x: autograd_jacobian(
            f, x, vectorize=True, strategy="forward-mode"
        ),
        "func.jacrev": lambda f, x: torch.func.jacrev(f)(x),
        "func.jacfwd": lambda f, x: torch.func.jacfwd(f)(x),
    }


def median_ms(run: Callable[[], object], device: str, budget_s: float = 0.3) -> float:
    """Median wall time of repeated calls, after one warm-up call."""

    def timed() -> float:
        start = time.perf_counter()
        run()
        if device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    first = timed()
    repeats = max(3, min(25, int(budget_s / max(first, 1e-6))))
    return 1000 * statistics.median(timed() for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 32, 128, 512, 1024])
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"device={args.device} torch={torch.__version__} threads={torch.get_num_threads()}")
    print(f"{'function':22} {'n':>5}  {'strategy':32} {'ms':>9}  {'ratio':>7}")

    worst_jacdoc, dense_speedup = 0.0, {}
    for n in args.sizes:
        for name, (f, size) in functions(n, args.device).items():
            x = torch.randn(size, device=args.device)
            expected = torch.func.jacrev(f)(x)
            torch.testing.assert_close(jacdoc.jacobian(f, x), expected)
            times = {
                label: median_ms(lambda s=s, f=f, x=x: s(f, x), args.device)
                for label, s in strategies().items()
            }
            times["jacdoc.jacobian (auto)"] = median_ms(
                lambda f=f, x=x: jacdoc.jacobian(f, x), args.device
            )
            best = min(t for label, t in times.items() if not label.startswith("jacdoc"))
            for label, ms in times.items():
                print(f"{name:22} {n:5d}  {label:32} {ms:9.3f}  x{ms / best:6.2f}")
            worst_jacdoc = max(worst_jacdoc, times["jacdoc.jacobian (auto)"] / best)
            if name.startswith("dense"):
                dense_speedup[n] = (
                    times["A.jacobian (loop, default)"] / times["jacdoc.jacobian (auto)"]
                )
    print(
        f"\njacdoc.jacobian, worst ratio to the fastest torch strategy: x{worst_jacdoc:.2f} "
        f"(goal: at most 1.3)"
    )
    for n, speedup in dense_speedup.items():
        print(f"dense n={n}: jacdoc.jacobian is {speedup:.1f}x faster than the default loop")


if __name__ == "__main__":
    main()
