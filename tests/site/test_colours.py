"""Code keeps its contrast: every token colour the site's code uses, in light and dark mode,
against its block's background, is at least WCAG AA's 4.5:1.

axe-core checks every other colour of every page, in the browser; the tokens are left to this
test because there are thousands of them on every page, in the same few colours.
"""

from __future__ import annotations

import re

import pytest

from .helpers import html_pages

pytestmark = pytest.mark.site

RULE = re.compile(
    r"^(?P<dark>body\[data-theme=\"dark\"\] )?\.highlight(?: \.(?P<token>\w+))? \{(?P<body>[^}]*)\}",
    re.MULTILINE,
)
BLOCK = re.compile(r'<div class="highlight"><pre[^>]*>(.*?)</pre>', re.DOTALL)
SPAN = re.compile(r'<span class="(\w+)">')


def luminance(hex_colour: str) -> float:
    """WCAG 2's relative luminance of #rgb or #rrggbb."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(2 * d for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#000", "#fff", 21.0), ("#777777", "#ffffff", 4.48), ("#fff", "#fff", 1.0)],
)
def test_contrast_is_computed_as_wcag_defines_it(a, b, ratio):
    assert round(contrast(a, b), 2) == ratio


def test_every_token_colour_the_site_uses_has_aa_contrast(site):
    css = (site.folder / "_static" / "pygments.css").read_text()
    colours: dict[str, dict[str, str]] = {"light": {}, "dark": {}}
    for rule in RULE.finditer(css):
        table = colours["dark" if rule["dark"] else "light"]
        text = re.search(r"(?:^|;)\s*color:\s*(#[0-9A-Fa-f]{3,6})", rule["body"])
        if rule["token"]:
            if text:
                table[rule["token"]] = text.group(1)
            continue
        found = re.search(r"background:\s*(#[0-9A-Fa-f]{3,6})", rule["body"])
        assert found, rule.group(0)
        table["background"] = found.group(1)
        if text:
            table["text"] = text.group(1)
    used = {
        token
        for page in html_pages(site.folder)
        for block in BLOCK.findall(page.read_text(encoding="utf-8"))
        for token in SPAN.findall(block)
    } - {"w"}  # whitespace: no glyph to see
    failures = []
    for scheme, table in colours.items():
        background = table["background"]
        for token in sorted(used):
            colour = table.get(token, table["text"])  # a token without its own colour inherits
            if contrast(colour, background) < 4.5:
                failures.append(
                    f"{scheme}: .{token} {colour} on {background}: {contrast(colour, background):.2f}"
                )
    print(f"{len(used)} token classes, light and dark: {len(failures)} below 4.5:1")
    assert len(used) >= 10
    assert not failures, "\n".join(failures)
