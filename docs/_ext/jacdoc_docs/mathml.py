"""Math rendered to MathML when the site is built, with a font cut to the glyphs it uses.

Browsers lay out MathML themselves, so a page needs no math JavaScript and is complete as soon
as it is parsed. Stretchy brackets and fraction bars need a font with an OpenType MATH table;
readers' systems do not all have one, so the site serves STIX Two Math, subset to the
characters its formulas contain (tens of kilobytes, not the 1.5 MB of the whole font).
"""

from __future__ import annotations

import hashlib
import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.math import get_node_equation_number
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.html5 import HTML5Translator

MATHML = "http://www.w3.org/1998/Math/MathML"
FONT_FILE = "fonts/jacdoc-math.woff"
MATH_NODES = (nodes.math, nodes.math_block)
ET.register_namespace("", MATHML)


def to_mathml(latex: str, *, display: bool) -> str:
    """One formula as a ``<math>`` element, its TeX kept as ``alttext`` for assistive tools."""
    root = ET.fromstring(convert(latex.strip(), display="block" if display else "inline"))
    for table in root.iter(f"{{{MATHML}}}mtable"):
        draw_rules(table)
    root.set("alttext", latex.strip())
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def draw_rules(table: ET.Element) -> None:
    """Turn ``array``'s ``|`` and ``\\hline`` into cell borders.

    latex2mathml writes them as ``columnlines`` and ``rowlines``, which MathML Core, the part
    of MathML that Chromium implements, does not draw. CSS borders draw in every browser; they
    come from classes (``jacdoc.css``), since the site's policy allows no inline styles of its
    own.
    """
    columns = table.attrib.pop("columnlines", "").split()
    rows = table.attrib.pop("rowlines", "").split()
    for r, row in enumerate(table.findall(f"{{{MATHML}}}mtr")):
        for c, cell in enumerate(row.findall(f"{{{MATHML}}}mtd")):
            rules = []
            if c < len(columns) and columns[c] == "solid":
                rules.append("rule-right")
            if r < len(rows) and rows[r] == "solid":
                rules.append("rule-bottom")
            if rules:
                cell.set("class", " ".join(rules))


def note_characters(app: Sphinx, doctree: nodes.document) -> None:
    """Record the characters of a page's formulas, while it is read.

    Kept in the environment, which Sphinx saves after reading, so that the font of an
    incremental build still covers the pages it did not rebuild.
    """
    characters = _characters(app.env).setdefault(app.env.docname, set())
    for node in doctree.findall(lambda n: isinstance(n, MATH_NODES)):
        mathml = to_mathml(node.astext(), display=False)
        characters.update("".join(ET.fromstring(mathml).itertext()))


def visit_math(translator: HTML5Translator, node: nodes.math) -> None:
    mathml = to_mathml(node.astext(), display=False)
    translator.body.append(
        translator.starttag(node, "span", "", CLASS="math notranslate nohighlight") + mathml
    )
    translator.body.append("</span>")
    raise nodes.SkipNode


def visit_math_block(translator: HTML5Translator, node: nodes.math_block) -> None:
    latex = node.astext()
    # Sphinx's math directive: paragraphs separated by a blank line are separate equations.
    parts = [latex] if node.get("nowrap") else [p for p in latex.split("\n\n") if p.strip()]
    translator.body.append(
        translator.starttag(node, "div", "", CLASS="math notranslate nohighlight")
    )
    if node.get("number"):  # a labelled equation: its number, linked, as sphinx.ext.mathjax
        number = get_node_equation_number(translator, node)
        translator.body.append(f'<span class="eqno">({number})')
        translator.add_permalink_ref(node, "Link to this equation")
        translator.body.append("</span>")
    for part in parts:
        translator.body.append(to_mathml(part, display=True))
    translator.body.append("</div>\n")
    raise nodes.SkipNode


def _characters(env: BuildEnvironment) -> dict[str, set[str]]:
    """docname -> the characters of its formulas, kept in the environment."""
    if not hasattr(env, "jacdoc_math_characters"):
        env.jacdoc_math_characters = {}  # type: ignore[attr-defined]
    found: dict[str, set[str]] = env.jacdoc_math_characters  # type: ignore[attr-defined]
    return found


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _characters(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: Any) -> None:
    characters, theirs = _characters(env), _characters(other)
    for docname in docnames:
        if docname in theirs:
            characters[docname] = theirs[docname]


def write_font(app: Sphinx, exception: Exception | None) -> None:
    """Subset the math font to every character the site's formulas use."""
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset
    from fontTools.ttLib import TTFont

    found = _characters(app.env).values()
    characters = sorted(set().union(*found, " "))
    # Found, not imported: ziamath itself is not needed, and importing it warns.
    ziamath = importlib.util.find_spec("ziamath")
    if ziamath is None or ziamath.origin is None:
        msg = "the math font comes from ziamath (the 'docs' group)"
        raise ModuleNotFoundError(msg)
    source = Path(ziamath.origin).parent / "fonts" / "STIXTwoMath-Regular.ttf"
    key = hashlib.sha256("".join(characters).encode() + source.read_bytes()).hexdigest()
    cache = Path(app.doctreedir).parent / "math-fonts" / f"{key[:16]}.woff"
    if not cache.exists():
        options = subset.Options()
        options.layout_features = ["*"]  # the MATH table's size variants and constructions
        options.flavor = "woff"
        font = TTFont(source, recalcTimestamp=False)  # the same bytes on every build
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(characters))
        subsetter.subset(font)
        cache.parent.mkdir(parents=True, exist_ok=True)
        font.save(cache)
    target = Path(app.outdir) / "_static" / FONT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(cache.read_bytes())


def preload_font(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Fetch the font with the styles, not after them, on pages that show formulas."""
    if doctree is not None and any(doctree.findall(lambda n: isinstance(n, MATH_NODES))):
        href = context["pathto"](f"_static/{FONT_FILE}", 1)
        context["metatags"] += (
            f'\n<link rel="preload" href="{href}" as="font" type="font/woff" crossorigin>'
        )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-read", note_characters)
    app.connect("html-page-context", preload_font)
    app.connect("build-finished", write_font)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
