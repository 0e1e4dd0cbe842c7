"""
A passing example
=================

It links :func:`torch.func.jacrev` and :func:`math.sqrt`, and prints.
"""

import math

print("the root of 2 is", round(math.sqrt(2), 3))
