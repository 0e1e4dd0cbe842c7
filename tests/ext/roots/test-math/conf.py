extensions = ["jacdoc_docs.mathml"]
html_math_renderer = "mathml"
