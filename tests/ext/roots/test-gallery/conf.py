extensions = ["sphinx_gallery.gen_gallery", "jacdoc_docs"]
html_theme = "furo"  # the site's: its search indexes furo's article
jacdoc_repository = "https://github.com/example/tiny"
exclude_patterns = [
    "examples",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
]
html_math_renderer = "mathml"
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",
    "only_warn_on_example_error": True,
    "write_computation_times": False,
}
