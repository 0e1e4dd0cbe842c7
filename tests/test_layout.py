"""The layout every picture of a Jacobian shares."""

from __future__ import annotations

import pytest

from jacdoc._layout import block_starts, format_number, index_labels, ink


@pytest.mark.parametrize(
    ("shape", "starts"),
    [((), []), ((5,), []), ((2, 3), [3]), ((3, 2, 2), [4, 8]), ((1, 4), [])],
)
def test_blocks_start_where_the_first_index_changes(shape, starts):
    assert block_starts(shape) == starts


def test_labels_name_every_position_in_row_major_order():
    assert index_labels((2, 2)) == ["(0, 0)", "(0, 1)", "(1, 0)", "(1, 1)"]
    assert index_labels((3,)) == ["(0)", "(1)", "(2)"]
    assert index_labels(()) == ["()"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(2.0, "2"), (-0.0, "0"), (0.4151, "0.415"), (-3.08149, "-3.08"), (float("nan"), "nan"),
     (float("-inf"), "-inf"), (1234567.0, "1234567")],
)  # fmt: skip
def test_numbers_are_shown_alike_everywhere(value, shown):
    assert format_number(value) == shown


@pytest.mark.parametrize(
    ("fill", "expected"), [((255, 255, 255), "#000"), ((0, 0, 0), "#fff"), ((178, 24, 43), "#fff")]
)
def test_ink_is_whichever_of_black_and_white_contrasts_more(fill, expected):
    assert ink(fill) == expected
