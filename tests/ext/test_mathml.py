"""Formulas as MathML at build time: rules drawn as borders, numbers kept, a subset font."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jacdoc_docs.mathml import MATHML, to_mathml


def test_a_formula_keeps_its_tex_for_assistive_tools():
    math = ET.fromstring(to_mathml(r"J_{mnij}", display=False))
    assert math.tag == f"{{{MATHML}}}math"
    assert math.get("alttext") == "J_{mnij}"
    assert "".join(math.itertext()) == "Jmnij"


@pytest.mark.parametrize(
    ("latex", "borders"),
    [
        (
            r"\begin{array}{c|c} a & b \\ \hline c & d \end{array}",
            {"a": "right bottom", "b": "bottom", "c": "right", "d": ""},
        ),
        (r"\begin{array}{cc} a & b \\ c & d \end{array}", {"a": "", "b": "", "c": "", "d": ""}),
    ],
)
def test_array_rules_become_cell_borders(latex, borders):
    """MathML Core, which Chromium implements, draws no columnlines or rowlines."""
    math = ET.fromstring(to_mathml(latex, display=True))
    assert not any("columnlines" in e.attrib or "rowlines" in e.attrib for e in math.iter())
    found = {}
    for cell in math.iter(f"{{{MATHML}}}mtd"):
        rules = cell.get("class", "").split()
        found["".join(cell.itertext())] = " ".join(
            side for side in ("right", "bottom") if f"rule-{side}" in rules
        )
    assert found == borders
    assert not any("style" in e.attrib for e in math.iter())


@pytest.mark.sphinx("html", testroot="math")
def test_pages_carry_mathml_numbers_and_the_font_they_need(app):
    app.build()
    page = (Path(app.outdir) / "index.html").read_text()
    assert page.count("<math ") == 3
    assert "mathjax" not in page.lower()
    assert re.search(r'<span class="eqno">\(1\)<a class="headerlink" href="#equation-square"', page)
    font = Path(app.outdir) / "_static" / "fonts" / "jacdoc-math.woff"
    assert 1_000 < font.stat().st_size < 60_000  # a subset: the whole font is 1.5 MB
    assert 'rel="preload" href="_static/fonts/jacdoc-math.woff"' in page
