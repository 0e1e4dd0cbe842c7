"""The nox sessions' decisions: where torch comes from, when the site is stale, what to build."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .site.helpers import load_noxfile

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"


def report(name: str) -> dict[str, Any]:
    """pip's own ``install --dry-run --report`` of the pinned torch, recorded on two setups
    (trimmed to the fields the sessions read)."""
    recorded: dict[str, Any] = json.loads((DATA / name).read_text())
    return recorded


def test_pip_configured_with_a_local_cpu_wheel_installs_as_configured():
    # These build machines: pip's configuration names a folder holding torch-2.13.0+cpu.
    resolved = report("pip-report-local-cpu-wheel.json")
    assert resolved["install"][0]["metadata"]["version"] == "2.13.0+cpu"
    noxfile = load_noxfile()
    assert noxfile.cuda_packages(resolved) == []
    assert noxfile.torch_index(resolved) == []


def test_stock_linux_with_only_pypi_takes_the_cpu_index():
    # Linux with nothing but PyPI: torch 2.13.0 resolves to the CUDA build.
    resolved = report("pip-report-stock-linux.json")
    noxfile = load_noxfile()
    cuda = noxfile.cuda_packages(resolved)
    assert "triton" in cuda
    assert "nvidia-cublas" in cuda
    assert len(cuda) >= 15
    assert noxfile.torch_index(resolved) == ["--extra-index-url", noxfile.CPU_INDEX]


@pytest.mark.parametrize(
    ("name", "version", "cuda"),
    [
        ("torch", "2.13.0+cpu", False),
        ("torch", "2.13.0", False),  # PyPI's macOS and Windows builds; Linux adds nvidia-*
        ("torch", "2.13.0+cu130", True),
        ("nvidia-cudnn-cu13", "9.20.0.48", True),
        ("Triton", "3.7.1", True),
        ("cuda-bindings", "13.5.0", True),
        ("sympy", "1.14.0", False),
    ],
)
def test_what_counts_as_cuda(name, version, cuda):
    assert load_noxfile().is_cuda_package(name, version) is cuda


@pytest.mark.parametrize(
    ("args", "builds"),
    [
        ([], True),  # the README's nox -s tests: everything
        (["tests/test_jacobian.py"], False),
        (["tests/test_jacobian.py::test_float32_in_float32_out", "-x"], False),
        (["-x", "-q"], True),
        (["tests"], True),
        (["tests/site/test_links.py"], True),
        (["src/jacdoc"], False),
    ],
)
def test_the_site_is_built_only_for_tests_that_check_it(args, builds):
    assert load_noxfile().selects_site_tests(args) is builds


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
