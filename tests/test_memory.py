"""jacdoc.PeakMemory counts what a block allocates, once per storage, and nothing else."""

from __future__ import annotations

import torch

import jacdoc

KB = 4 * 1024  # bytes of 1024 float32 values


def test_peak_is_the_most_alive_at_once():
    with jacdoc.PeakMemory() as memory:
        a = torch.zeros(1024)
        b = a + 1
        del a  # freed: the next tensor takes its place
        c = b * 2
    assert memory.peak == 2 * KB
    assert memory.current == 2 * KB
    del b, c
    assert memory.current == 0  # the count follows the frees after the block


def test_views_and_in_place_results_of_existing_tensors_are_not_counted():
    base = torch.zeros(64, 64)
    with jacdoc.PeakMemory() as memory:
        view = base.T
        base.add_(1)
        row = base[0]
    assert memory.peak == 0
    assert view.untyped_storage().data_ptr() == row.untyped_storage().data_ptr()


def test_counts_inside_torch_func_transforms():
    W = torch.randn(256, 16)
    with jacdoc.PeakMemory() as memory:
        J = torch.func.jacrev(lambda x: W @ x)(torch.randn(16))
    # jacrev holds its 256 x 256 basis of cotangents and the 256 x 16 result at once.
    assert memory.peak >= 4 * 256 * 256 + J.nbytes


def test_is_the_same_on_every_run():
    def run():
        with jacdoc.PeakMemory() as memory:
            torch.func.jacfwd(torch.sin)(torch.randn(100))
        return memory.peak

    assert run() == run() > 0
