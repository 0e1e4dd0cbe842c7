extensions = ["jacdoc_docs.run_box"]
jacdoc_repository = "https://github.com/example/tiny"
jacdoc_notebooks = {"index": "index.ipynb"}
