"""The site's search, used as a reader uses it, and the policy that keeps pages to the site."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from .helpers import axe_violations, background_is_dark, questions, visit

pytestmark = pytest.mark.site

FINDABILITY = Path(__file__).with_name("findability.toml")
RESULTS_FOR = """([words, shown]) => {
    const message = document.querySelector('.pagefind-ui__message');
    if (!message || !message.textContent.trim().endsWith(`for ${words}`)) return false;
    const results = [...document.querySelectorAll('li.pagefind-ui__result')].slice(0, shown);
    return results.every(result => result.querySelector('a.pagefind-ui__result-link'));
}"""
SHOWN = """shown => [...document.querySelectorAll('li.pagefind-ui__result')].slice(0, shown)
    .map(result => [...result.querySelectorAll('a.pagefind-ui__result-link')]
        .map(a => a.getAttribute('href')))"""


def type_words(page: Any, words: str) -> None:
    page.fill("input.pagefind-ui__search-input", words)


def results(page: Any, words: str, shown: int = 3) -> list[list[str]]:
    """The first results' page and section links, once the search page shows them for words."""
    page.wait_for_function(RESULTS_FOR, arg=[words, shown], timeout=15_000)
    return [[link.lstrip("/") for link in links] for links in page.evaluate(SHOWN, shown)]


def answering() -> dict[str, set[str]]:
    """For each question, by label, what answers it: its section, and its page that goes deeper."""
    answers = {}
    for question in questions():
        assert question.deeper is not None, question.label
        answers[question.label] = {
            f"{question.page}.html#{question.label}",
            f"{question.deeper}.html",
        }
    return answers


def test_a_learners_words_find_the_answer_among_the_first_three_results(browser, site):
    queries = tomllib.loads(FINDABILITY.read_text(encoding="utf-8"))["query"]
    answers = answering()
    assert len(queries) >= 30
    missed = []
    with visit(browser, site.url, "search.html") as (page, problems):
        # The interface waits a moment after the last keystroke before it searches: four
        # tabs wait at once.
        tabs = [page, *(page.context.new_page() for _ in range(3))]
        for tab in tabs[1:]:
            tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            tab.goto(site.url + "search.html")
        for start in range(0, len(queries), len(tabs)):
            batch = list(zip(tabs, queries[start : start + len(tabs)], strict=False))
            for tab, query in batch:
                type_words(tab, query["words"])
            for tab, query in batch:
                labels = [query["question"], *query.get("also", [])]
                wanted = set().union(*(answers[f"q-{label}"] for label in labels))
                shown = results(tab, query["words"])
                found = any(
                    link in wanted or link.split("#")[0] in wanted
                    for links in shown
                    for link in links
                )
                if not found:
                    missed.append(f"{query['words']!r} (q-{query['question']}): {shown}")
    print(f"findability: {len(queries) - len(missed)} of {len(queries)} in the first three")
    assert not missed, "\n".join(missed)
    assert not problems, problems


def test_the_sidebar_box_searches_in_light_and_dark_mode(browser, site):
    """Furo's search box sends its words to the search page, whose results pass axe."""
    for scheme in ("light", "dark"):
        with visit(browser, site.url, "derivation.html", color_scheme=scheme) as (page, problems):
            page.fill("form.sidebar-search-container input", "einsum jacobian")
            page.keyboard.press("Enter")
            page.wait_for_url("**/search.html?q=einsum+jacobian*")
            page.wait_for_function(RESULTS_FOR, arg=["einsum jacobian", 1], timeout=15_000)
            first = page.evaluate(SHOWN, 1)[0][0]
            assert background_is_dark(page) == (scheme == "dark")
            problems.extend(axe_violations(page, colours_only=scheme == "dark"))
        assert first.endswith("01_einsum_is_backward.html"), first
        assert not problems, (scheme, problems)


def test_the_index_is_complete(site):
    """A file of the index left empty broke the search page once (see jacdoc_docs.search)."""
    files = [path for path in (site.folder / "pagefind").rglob("*") if path.is_file()]
    assert len(files) > 20
    assert [path.name for path in files if path.stat().st_size == 0] == []


PLANTED = """
<script src="https://cdn.example.com/tracker.js"></script>
<script>window.plantedInline = true;</script>
<img src="https://cdn.example.com/pixel.png" alt="">
"""


def test_the_policy_blocks_and_reports_what_a_page_was_not_built_with(browser, site):
    """A script and an image from another host, and an inline script, planted in a page."""
    built = (site.folder / "derivation.html").read_text(encoding="utf-8")
    planted = built.replace("</body>", PLANTED + "</body>")
    with visit(browser, site.url, "index.html") as (page, problems):
        page.route(  # the planted page, served at the address of the real one
            f"{site.url}derivation.html",
            lambda route: route.fulfill(body=planted, content_type="text/html"),
        )
        page.goto(f"{site.url}derivation.html", wait_until="load")
        page.wait_for_function("() => window.violations.length >= 3")
        violations = page.evaluate("window.violations")
        ran = page.evaluate("window.plantedInline === true")
        problems.clear()  # the violations, expected here
    assert sorted(violations) == [
        "img-src https://cdn.example.com/pixel.png",
        "script-src-elem https://cdn.example.com/tracker.js",
        "script-src-elem inline",
    ]
    assert not ran
    assert not [p for p in problems if "third-party request" in p]  # blocked before any request
