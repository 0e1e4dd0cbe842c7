"""Time the site build: clean, no-op, after editing one example, and against running every
example by hand.

Runs on a copy of the project (so the working tree is never touched), with the same
sphinx-build options as ``nox -s docs``. Run it with ``nox -s bench_build``. It prints the
measurements and whether each goal holds:

* a no-op rebuild in 4 s or less;
* editing one example reruns that example only;
* the clean build costs no more than running every example as its own process (ratio <= 1.0).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def load_noxfile() -> Any:
    """The noxfile as a module: it defines the build's options and the project copy."""
    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    noxfile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(noxfile)
    return noxfile


NOXFILE = load_noxfile()
copy_project = NOXFILE.copy_project
SPHINX = [sys.executable, "-m", "sphinx", *NOXFILE.SPHINX_OPTIONS]


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return elapsed, result.stdout + result.stderr


def executed(output: str) -> int:
    match = re.search(r"executed (\d+) out of", output)
    return int(match.group(1)) if match else 0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "jacdoc")
        docs = project / "docs"
        build = [*SPHINX, "-d", str(docs / "_build/doctrees"), str(docs), str(docs / "_build/html")]
        env = {**os.environ, "MPLBACKEND": "Agg"}

        print("clean build ...", flush=True)
        clean, output = timed(build, project, env)
        ran_clean = executed(output)
        print("no-op rebuild ...", flush=True)
        noop, output = timed(build, project, env)
        ran_noop = executed(output)

        example = sorted((project / "examples").glob("[0-9][0-9]_*.py"))[2]
        example.write_text(example.read_text() + "\n# an edit\n")
        print(f"rebuild after editing {example.name} ...", flush=True)
        one_edit, output = timed(build, project, env)
        ran_edit = executed(output)

        standalone = {}
        for script in sorted((project / "examples").glob("[0-9][0-9]_*.py")):
            print(f"running {script.name} by itself ...", flush=True)
            standalone[script.name], _ = timed([sys.executable, script.name], script.parent, env)

    by_hand = sum(standalone.values())
    print()
    print(f"{'clean build':40} {clean:7.1f} s   ({ran_clean} examples run)")
    print(f"{'no-op rebuild':40} {noop:7.1f} s   ({ran_noop} examples run)")
    print(f"{'rebuild after editing one example':40} {one_edit:7.1f} s   ({ran_edit} example run)")
    for name, seconds in standalone.items():
        print(f"  {name:38} {seconds:7.1f} s   standalone")
    print(f"{'sum of the examples run standalone':40} {by_hand:7.1f} s")
    print(f"{'clean build / examples by hand':40} {clean / by_hand:7.2f}")
    print()
    goals = {
        "no-op rebuild <= 4 s": noop <= 4.0,
        "one edited example reruns alone": ran_edit == 1 and ran_noop == 0,
        "clean build / examples by hand <= 1.0": clean / by_hand <= 1.0,
    }
    for goal, met in goals.items():
        print(f"{'met    ' if met else 'MISSED '} {goal}")
    sys.exit(0 if all(goals.values()) else 1)


if __name__ == "__main__":
    main()
