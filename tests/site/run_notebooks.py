"""Run notebooks' code cells as a fresh IPython would, two at a time, without a kernel each.

``python run_notebooks.py RESULTS.json NOTEBOOK...``, run with the reader environment's
Python: each notebook runs in its own process, forked from this one after it has imported
torch and matplotlib once, in a new IPython shell, cell after cell, from its second cell on
(the first installs jacdoc, which the caller has done). For each notebook, RESULTS.json gets
what it printed and the values its cells ended with, as text, or the error that stopped it.

A kernel per notebook would cost seconds of start-up and imports each, most of this suite's
time; what a notebook computes and prints does not depend on them.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import traceback
from pathlib import Path


def run(notebook: Path) -> dict[str, object]:
    """Run one notebook here; what it showed, cell by cell."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown: list[str] = []
    cells = json.loads(notebook.read_text())["cells"]
    for index, cell in enumerate(cells[1:], start=1):
        if cell["cell_type"] != "code":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            result = shell.run_cell("".join(cell["source"]), silent=False, store_history=True)
        shown += out.getvalue().splitlines()
        if not result.success:
            error = result.error_in_exec or result.error_before_exec
            stack = "".join(traceback.format_exception(error)) if error else ""
            return {"error": f"cell {index} failed:\n{stack}", "shown": shown}
        if result.result is not None:
            shown += repr(result.result).splitlines()
    return {"error": None, "shown": shown}


def main() -> None:
    results_path, *notebooks = sys.argv[1:]
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: F401  (imported once, for every notebook)
    import torch

    torch.set_num_threads(1)  # one thread a process: two run at once, and none across a fork
    torch.func.jvp(torch.sin, (torch.ones(1),), (torch.ones(1),))  # forward AD's first-use setup

    results: dict[str, object] = {}
    running: dict[int, tuple[str, Path]] = {}
    folder = Path(results_path).parent

    def reap() -> None:
        pid, _ = os.wait()
        name, path = running.pop(pid)
        results[name] = json.loads(path.read_text())

    for notebook in map(Path, notebooks):
        if len(running) == 2:
            reap()
        out = folder / f"{notebook.stem}.result.json"
        pid = os.fork()
        if pid == 0:  # the child: run the notebook, write what it showed, leave at once
            try:
                os.chdir(folder)
                result = run(notebook)
            except BaseException as error:  # noqa: BLE001  (reported, whatever it was)
                result = {"error": "".join(traceback.format_exception(error)), "shown": []}
            out.write_text(json.dumps(result))
            os._exit(0)
        running[pid] = (notebook.name, out)
    while running:
        reap()
    Path(results_path).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
