"""The dependency lock: every package pinned with its hashes, the test and build tools in it, the floors
above releases with published CVEs, and `make run`/`make test` installing from it and nothing else."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
#: The first release without the published CVEs (issue 11, item 17), and a release before it.
#: Package -> (the floor, the last release below it with a published advisory): the 2026 advisories of
#: starlette (CVE-2026-48710, CVE-2026-48818, GHSA-82w8-qh3p-5jfq), python-multipart (CVE-2026-40347,
#: CVE-2026-42561) and Pillow (CVE-2026-40192), named beside each floor in pyproject.toml (issue 21).
FLOORS = {
    "starlette": ("1.3.1", "1.3.0"),
    "python-multipart": ("0.0.27", "0.0.26"),
    "pillow": ("12.2", "12.1.1"),
    "pdfminer-six": ("20251107", "20250506"),
}


def _lock() -> dict[str, list[tuple[Version, str, list[str]]]]:
    """Package -> [(version, marker, hashes)] from requirements.lock (one entry per marker)."""
    text = (ROOT / "requirements.lock").read_text().replace("\\\n", " ")
    locked: dict[str, list[tuple[Version, str, list[str]]]] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        spec = line.partition(" --hash")[0]
        name, _, version_marker = spec.partition("==")
        version, _, marker = version_marker.partition(";")
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
        locked.setdefault(canonicalize_name(name.strip()), []).append(
            (Version(version.strip()), marker.strip(), hashes)
        )
    return locked


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirements() -> list[Requirement]:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def test_every_locked_package_is_pinned_with_its_hashes() -> None:
    text = (ROOT / "requirements.lock").read_text()
    assert "-e " not in text and "file:" not in text and "git+" not in text
    for name, entries in _lock().items():
        for _version, _marker, hashes in entries:
            assert hashes, f"{name} has no --hash"


def test_the_lock_holds_every_requirement_the_test_tools_and_the_build_tools() -> None:
    locked = _lock()
    for req in _requirements():
        entries = locked.get(canonicalize_name(req.name))
        assert entries, f"{req.name} is not in requirements.lock"
        for version, marker, _ in entries:
            applies = not marker or Marker(marker).evaluate({"python_full_version": "3.11.2"})
            assert not applies or version in req.specifier, f"{req.name} {version} outside {req.specifier}"
    for tool in ("pytest", "ruff", "mypy", "pip", "setuptools"):
        assert tool in locked, tool


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_floors_exclude_releases_with_published_cves(name: str) -> None:
    floor, older = FLOORS[name]
    [req] = [r for r in _requirements() if canonicalize_name(r.name) == name]
    assert floor in req.specifier and older not in req.specifier, str(req)
    assert all(version >= Version(floor) for version, _, _ in _lock()[name])


def test_make_installs_python_packages_only_from_the_lock_with_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text()
    setup = makefile.split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    installs = [line.strip() for line in setup.splitlines() if "pip install" in line]
    assert installs == [
        # pip and setuptools first, from their entries in the lock (tests/test_setup.py runs the recipe)
        "$(BIN)/python -m pip install -q --require-hashes --only-binary=:all: --no-deps -r $(VENV)/bootstrap.lock",
        "$(BIN)/python -m pip install -q --require-hashes --only-binary=:all: -r $(LOCK)",
        "$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .",
    ]
    assert "$(LOCK)" in setup.splitlines()[0], "a new lock reinstalls"
