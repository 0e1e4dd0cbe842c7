"""Lighthouse's four scores for every page of the built site, served locally.

Lighthouse (Google's page audit: performance, accessibility, best practices, SEO) runs in
Debian's Chromium against each page, with its default mobile emulation and simulated slow
network. Its performance score depends on how busy the machine is, so this is a report, not
a test. Pages that ask not to be indexed (search, 404) are audited but
marked: Lighthouse's SEO category counts that request against them. The old addresses, which
only send the reader on, are left out.

``nox -s lighthouse`` installs Lighthouse with npm and runs this after building the site, or
``python benchmarks/lighthouse.py [--site docs/_build/html] [--lighthouse PATH] [PAGE ...]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

from jacdoc_docs.project import CHROMIUM_ARGS, ROOT, content_pages, serving

CHROMIUM = os.environ.get("JACDOC_CHROMIUM", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOAL = 0.95


def audit(lighthouse: str, url: str) -> dict[str, float]:
    """The four category scores of one page, from 0 to 1."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                lighthouse,
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
        )
        categories = json.loads(report.read_text())["categories"]
    return {name: categories[name]["score"] for name in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "docs" / "_build" / "html")
    parser.add_argument("--lighthouse", default="lighthouse")
    parser.add_argument("pages", nargs="*", help="paths under the site; every page by default")
    args = parser.parse_args()
    pages = args.pages or content_pages(args.site)

    print(f"{'page':58}" + "".join(f"{name[:13]:>15}" for name in CATEGORIES))
    below = []
    with serving(args.site) as server:
        for path in pages:
            scores = audit(args.lighthouse, f"{server}/{path}")
            noindex = 'name="robots" content="noindex"' in (args.site / path).read_text()
            print(
                f"{path:58}"
                + "".join(f"{scores[name]:15.2f}" for name in CATEGORIES)
                + ("   (noindex)" if noindex else "")
            )
            counted = [name for name in CATEGORIES if not (noindex and name == "seo")]
            below += [
                f"{path} {name} {scores[name]:.2f}" for name in counted if scores[name] < GOAL
            ]
    print(f"\n{len(pages)} pages; below {GOAL}: " + ("; ".join(below) if below else "none"))


if __name__ == "__main__":
    main()
