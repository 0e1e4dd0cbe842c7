"""Count the tensor memory a computation allocates, on any device, timing aside."""

from __future__ import annotations

import weakref
from typing import Any

import torch
import torch.utils._pytree as pytree

# TorchDispatchMode is the hook PyTorch's own FlopCounterMode is built on; it sees every
# operator call, including those inside torch.func transforms.
from torch.utils._python_dispatch import TorchDispatchMode

__all__ = ["PeakMemory"]


class PeakMemory(TorchDispatchMode):  # type: ignore[no-untyped-call]
    """Within a ``with`` block, the bytes of tensor storage alive at once, at most.

    Every storage that an operator creates inside the block is added when it appears and
    subtracted when it is freed; :attr:`peak` is the largest total reached. Views share
    their base's storage and count once. Not counted: tensors that existed before the block
    (inputs, parameters), tensors built from Python data (``torch.tensor([...])``), storage
    that an in-place ``resize_`` adds, memory that a kernel uses internally, and what the
    allocator keeps in reserve. The count depends only on the operators that run, so it is
    the same on every run of the same code with the same kernels: a measure to reason with,
    where resident-memory readings differ between allocators. A different device or backend
    may pick other kernels (attention is an example) and count differently.

    Attributes
    ----------
    peak : int
        The largest number of bytes alive at once since the block began.
    current : int
        Bytes allocated in the block and still alive. It keeps falling after the block ends,
        as the tensors made in it are freed.

    Examples
    --------
    Two 1000-element float32 tensors alive at once make a peak of 8000 bytes, whatever
    is freed later:

    >>> import torch
    >>> with PeakMemory() as memory:
    ...     a = torch.zeros(1000)
    ...     b = a + 1
    ...     del a
    ...     c = b * 2
    >>> memory.peak
    8000
    """

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._alive: dict[int, int] = {}
        self.current = 0
        self.peak = 0

    def _freed(self, address: int) -> None:
        self.current -= self._alive.pop(address)

    def __torch_dispatch__(
        self,
        func: Any,
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        out = func(*args, **(kwargs or {}))
        # A view, or an in-place result, shares an input's storage: nothing new to count.
        inputs = {_address(a) for a in pytree.tree_leaves((args, kwargs)) if _is_tensor(a)}
        for tensor in pytree.tree_leaves(out):
            if _is_tensor(tensor) and _address(tensor) not in inputs:
                self._count(tensor.untyped_storage())
        return out

    def _count(self, storage: torch.UntypedStorage) -> None:
        address = _address(storage)
        if address in (0, None) or address in self._alive:
            return
        self._alive[address] = storage.nbytes()
        self.current += storage.nbytes()
        self.peak = max(self.peak, self.current)
        # PyTorch keeps one Python object per storage for as long as the storage lives, so
        # this runs when the memory is released.
        weakref.finalize(storage, self._freed, address)


def _is_tensor(value: object) -> bool:
    return isinstance(value, torch.Tensor)


def _address(value: torch.Tensor | torch.UntypedStorage) -> int | None:
    storage = value.untyped_storage() if isinstance(value, torch.Tensor) else value
    try:
        return storage.data_ptr()
    except RuntimeError:  # a tensor without memory of its own (a "zero tensor")
        return None
