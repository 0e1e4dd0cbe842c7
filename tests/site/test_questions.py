"""The questions pages, as written: real questions, each cited, answered, checked, sent deeper.

These read the pages' sources; their code runs when the site is built, which fails on an error.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from urllib.parse import urlsplit

from .helpers import ROOT, question_pages, questions

#: Where the questions were asked: public Q&A sites, forums and issue trackers.
PUBLIC = {
    "stackoverflow.com",
    "datascience.stackexchange.com",
    "stats.stackexchange.com",
    "discuss.pytorch.org",
    "github.com",
}
ASKED = re.compile(r"^Asked as \[(?P<title>[^\]]+)\]\((?P<url>[^)]+)\)", re.MULTILINE)
CELL = re.compile(r"^```\{code-cell\} ipython3\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)


def test_every_questions_page_is_listed_once():
    pages = question_pages()
    on_disk = sorted(
        p.relative_to(ROOT / "docs").with_suffix("").as_posix()
        for p in (ROOT / "docs" / "questions").glob("*.md")
    )
    assert len(pages) == len(set(pages))
    assert sorted(pages) == on_disk


def test_at_least_forty_distinct_questions():
    found = questions()
    assert len(found) >= 40
    assert len({q.label for q in found}) == len(found)
    urls = [ASKED.search(q.text).group("url") for q in found if ASKED.search(q.text)]
    assert [url for url, n in Counter(urls).items() if n > 1] == []


def test_each_question_is_a_heading_cited_where_it_was_asked():
    for question in questions():
        assert question.text.startswith("## "), question.label
        asked = ASKED.search(question.text)
        assert asked is not None, f"{question.label} does not say where it was asked"
        address = urlsplit(asked.group("url"))
        assert address.scheme == "https", question.label
        assert address.hostname in PUBLIC, (question.label, address.hostname)
        assert address.path.strip("/"), question.label  # a thread, not a site's front page


def test_each_answer_is_checked_by_code_that_runs_at_build():
    for question in questions():
        cells = [match.group("code") for match in CELL.finditer(question.text)]
        assert cells, f"{question.label} has no code"
        code = "\n".join(cells)
        checks = ("assert ", "assert_close(", "raise AssertionError")
        assert any(check in code for check in checks), f"{question.label} checks nothing"
        # An except that catches the expected error needs an else that fails without one.
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Try) and node.handlers:
                assert node.orelse, f"{question.label}: a try that passes when nothing is raised"


def test_each_answer_links_to_a_page_that_goes_deeper():
    for question in questions():
        page = question.deeper
        assert page is not None, f"{question.label} links nowhere deeper"
        if page.startswith("auto_examples/"):
            source = ROOT / "examples" / f"{page.removeprefix('auto_examples/')}.py"
        else:
            source = ROOT / "docs" / f"{page}.md"
        assert source.is_file(), (question.label, page)
