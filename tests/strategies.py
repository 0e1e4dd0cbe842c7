"""Inputs shared by the property tests: shapes, the modes of jacdoc.jacobian, dense maps."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from hypothesis import strategies as st

from jacdoc.autodiff import MODES

#: Tensor shapes of rank 0 to 3 with small sides, the empty shape () included.
shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)
modes = st.sampled_from(MODES)


def dense_map(
    in_shape: tuple[int, ...], out_shape: tuple[int, ...]
) -> Callable[[torch.Tensor], torch.Tensor]:
    """tanh of a random linear map between the two shapes: every output mixes every input."""
    gen = torch.Generator().manual_seed(math.prod(in_shape) * 31 + math.prod(out_shape))
    W = torch.randn(math.prod(out_shape), math.prod(in_shape), generator=gen, dtype=torch.float64)
    return lambda x: torch.tanh(W @ x.reshape(-1)).reshape(out_shape)
