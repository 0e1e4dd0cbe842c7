"""
A passing example
=================

It links :func:`torch.func.jacrev` and :func:`math.sqrt`, and prints.
"""

import math

print("the root of 2 is", round(math.sqrt(2), 3))

# %%
# An intermediate's ``.grad``, read where torch's warning about it is silenced.
import warnings

import torch

y = torch.ones(2, requires_grad=True) * 2
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print("an intermediate's grad is", y.grad)
