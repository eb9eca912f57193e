"""The architecture holds: `pipeline/` stays free of Prefect, flows and the web app outside its CLI, and
every third-party import is a declared dependency (and every declared dependency is used)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["pipeline", "models", "flows", "web", "sample_reports"]
#: Import name -> distribution name, where the two differ.
DISTRIBUTION = {
    "PIL": "pillow",
    "cv2": "opencv-python-headless",
    "pdfminer": "pdfminer.six",
    "pydantic_settings": "pydantic-settings",
    "prefect_dask": "prefect-dask",
    "distributed": "dask",  # declared as dask[distributed]
    "argon2": "argon2-cffi",
}
#: Declared but never imported by name, and why.
USED_INDIRECTLY = {
    "python-multipart": "FastAPI parses form posts and uploads with it",
    "dask": "the Dask task runner (prefect-dask) runs on it",
    "pytesseract": "the OCR binding the project names; issue 10 moves the OCR stage onto it",
}


def _imports(path: Path) -> set[str]:
    """Top-level module names imported anywhere in a file, function bodies included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _files("pipeline"), ids=lambda p: str(p.relative_to(ROOT)))
def test_pipeline_outside_its_cli_never_imports_prefect_flows_or_web(path: Path) -> None:
    if path.is_relative_to(ROOT / "pipeline" / "cli"):
        pytest.skip("the CLI is the one place that starts flows and the web app")
    assert not _imports(path) & {"prefect", "prefect_dask", "flows", "web"}


@pytest.mark.parametrize("path", _files("models"), ids=lambda p: str(p.relative_to(ROOT)))
def test_models_import_no_stage(path: Path) -> None:
    assert not _imports(path) & {"pipeline", "flows", "web", "prefect", "spacy"}


def _declared() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"]
    out = {}
    for spec in deps:
        name = re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].lower()
        out[name] = spec
    return out


def _third_party() -> set[str]:
    local = {"pipeline", "models", "flows", "web", "sample_reports", "tests", "bench"}
    found: set[str] = set()
    for package in SHIPPED:
        for path in _files(package):
            found |= _imports(path)
    return {n for n in found if n not in local and n not in sys.stdlib_module_names and n != "__future__"}


def test_every_third_party_import_is_declared() -> None:
    declared = _declared()
    missing = sorted(n for n in _third_party() if DISTRIBUTION.get(n, n).lower() not in declared)
    assert not missing, f"imported but not in pyproject.toml dependencies: {missing}"


def test_every_declared_dependency_is_imported_or_explained() -> None:
    imported = {DISTRIBUTION.get(n, n).lower() for n in _third_party()}
    unused = sorted(d for d in _declared() if d not in imported and d not in USED_INDIRECTLY)
    assert not unused, f"declared but never imported: {unused}"


def test_every_dependency_has_an_upper_bound() -> None:
    unbounded = sorted(spec for spec in _declared().values() if "<" not in spec and "==" not in spec)
    assert unbounded in ([], ["pdfminer.six>=20251107"]), f"no upper bound: {unbounded}"
