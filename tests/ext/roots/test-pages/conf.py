from pathlib import Path

import jacdoc_docs

extensions = ["jacdoc_docs.html", "jacdoc_docs.images", "jacdoc_docs.csp", "jacdoc_docs.redirects"]
html_theme = "furo"
templates_path = [str(Path(jacdoc_docs.__file__).parents[2] / "_templates")]  # redirect.html
jacdoc_redirects = {"old/place": "index"}
