"""Argument checks shared by the public functions.

Each check raises a ``TypeError`` or ``ValueError`` whose message names the argument, says what
was expected and shows what came, so that bad input never surfaces as an error from deep inside
torch.
"""

from __future__ import annotations

import reprlib
from typing import Any

import torch


def describe(value: Any) -> str:
    """Name what came in, in the words an error message needs."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    # reprlib keeps the message one line long when a huge list or string comes in.
    return f"{type(value).__name__} {reprlib.repr(value)}"


def check_tensor(value: Any, name: str) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor; got {describe(value)}")
    return value


def check_differentiable_tensor(value: Any, name: str) -> torch.Tensor:
    tensor = check_tensor(value, name)
    if not (tensor.is_floating_point() or tensor.is_complex()):
        raise TypeError(
            f"{name} must have a floating-point or complex dtype (autograd differentiates "
            f"only those); got dtype {tensor.dtype}. Convert it first, for example "
            f"{name}.double()"
        )
    return tensor


def check_rank(value: Any, name: str) -> int:
    # bool is an int subclass, but True as a rank is a bug, not a rank of 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int; got {describe(value)}")
    if value < 0:
        raise ValueError(f"{name} must be 0 or more; got {value}")
    return value


def check_out_ndim(out_ndim: Any, jac: torch.Tensor) -> int:
    check_rank(out_ndim, "out_ndim")
    if out_ndim > jac.ndim:
        raise ValueError(f"out_ndim must be between 0 and J.ndim = {jac.ndim}; got {out_ndim}")
    return int(out_ndim)


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return str(value)


def check_compatible(a: torch.Tensor, a_name: str, b: torch.Tensor, b_name: str) -> None:
    if a.dtype != b.dtype:
        raise TypeError(
            f"{a_name} and {b_name} must have the same dtype; "
            f"got {a_name}.dtype = {a.dtype} and {b_name}.dtype = {b.dtype}"
        )
    if a.device != b.device:
        raise ValueError(
            f"{a_name} and {b_name} must be on the same device; "
            f"got {a_name} on {a.device} and {b_name} on {b.device}"
        )
