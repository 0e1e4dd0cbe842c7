"""The docs session notices a change in src/jacdoc, which no Sphinx cache would."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@functools.cache  # nox registers sessions on import; a second import would register them twice
def load_noxfile():
    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_change_in_the_package_marks_the_build_stale(tmp_path):
    noxfile = load_noxfile()
    source = tmp_path / "src"
    source.mkdir()
    module = source / "helpers.py"
    module.write_text("def f():\n    return 1\n")
    build = tmp_path / "_build"

    assert not noxfile.built_from_other_source(build, noxfile.fingerprint(source)), "no build yet"
    build.mkdir()
    assert noxfile.built_from_other_source(build, noxfile.fingerprint(source)), "no stamp"
    (build / "jacdoc-source.sha256").write_text(noxfile.fingerprint(source))
    assert not noxfile.built_from_other_source(build, noxfile.fingerprint(source))

    module.write_text("def f():\n    return 2\n")
    assert noxfile.built_from_other_source(build, noxfile.fingerprint(source))


def test_the_fingerprint_covers_file_names_and_contents(tmp_path):
    noxfile = load_noxfile()
    (tmp_path / "a.py").write_text("x = 1\n")
    before = noxfile.fingerprint(tmp_path)
    (tmp_path / "a.py").rename(tmp_path / "b.py")
    assert noxfile.fingerprint(tmp_path) != before
