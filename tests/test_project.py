"""Where the sessions take torch from: decided from pip's own dry-run report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jacdoc_docs.project import CPU_INDEX, cpu_index_arguments, is_cuda_package

DATA = Path(__file__).parent / "data"


def report(name: str) -> dict[str, Any]:
    """pip's ``install --dry-run --report`` of the pinned torch, recorded on two setups
    (trimmed to the fields the sessions read)."""
    recorded: dict[str, Any] = json.loads((DATA / name).read_text())
    return recorded


def test_pip_configured_with_a_local_cpu_wheel_installs_as_configured():
    # These build machines: pip's configuration names a folder holding torch-2.13.0+cpu.
    resolved = report("pip-report-local-cpu-wheel.json")
    assert resolved["install"][0]["metadata"]["version"] == "2.13.0+cpu"
    assert cpu_index_arguments(resolved) == []


def test_stock_linux_with_only_pypi_takes_the_cpu_index():
    # Linux with nothing but PyPI: torch 2.13.0 resolves to the CUDA build.
    resolved = report("pip-report-stock-linux.json")
    names = [item["metadata"]["name"] for item in resolved["install"]]
    assert "triton" in names
    assert sum(name.startswith("nvidia-") for name in names) >= 10
    assert cpu_index_arguments(resolved) == ["--extra-index-url", CPU_INDEX]


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
    assert is_cuda_package(name, version) is cuda


def test_the_tested_torch_versions_are_the_floor_the_pin_and_the_workflows_matrix():
    """The site names these versions as tested: each place that tests or allows one agrees."""
    import re
    import tomllib

    from jacdoc_docs.project import ROOT

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    tested = pyproject["tool"]["jacdoc"]["torch-tested"]
    (requirement,) = [d for d in pyproject["project"]["dependencies"] if d.startswith("torch")]
    assert re.fullmatch(r"torch>=(\S+),<3", requirement).group(1) == tested[0]  # the floor
    pin = re.search(r"^torch==(\S+)$", (ROOT / "constraints.txt").read_text(), re.MULTILINE)
    assert pin is not None
    assert pin.group(1) in tested
    workflow = (ROOT / ".github" / "workflows" / "torch.yml").read_text()
    matrix = re.search(r"^\s+torch: \[(.*)\]", workflow, re.MULTILINE)
    assert matrix is not None
    assert [v.strip(' "') for v in matrix.group(1).split(",")] == tested
    assert tested == sorted(tested, key=lambda v: tuple(map(int, v.split("."))))
