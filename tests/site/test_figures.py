"""Figures stay readable on furo's dark background."""

from __future__ import annotations

import pytest
from PIL import Image

pytestmark = pytest.mark.site


def test_figures_are_opaque_so_they_read_on_dark_pages(site):
    # Gallery thumbnails are excluded: sphinx-gallery pads them with transparency to a fixed
    # size, and the figure inside the padding is the same opaque image checked here.
    figures = sorted(p for p in (site.folder / "_images").glob("*.png") if "_thumb" not in p.name)
    assert len(figures) >= 10
    for figure in figures:
        with Image.open(figure) as image:
            if "A" in image.getbands():
                assert image.getchannel("A").getextrema()[0] == 255, figure.name
