"""
A failing example
=================
"""

total = 1 + 1
assert total == 3, "planted failure"
