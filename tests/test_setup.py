"""Set-up (issue 17): the Makefile's install recipe works with the oldest pip a supported system seeds, and an
unsupported Python is refused in one line before anything is installed.

The full install takes a minute or two (the whole lock into a scratch venv); `MEDLEGAL_SKIP_INSTALL_TEST=1`
skips it locally. CI runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")
#: The pip `python3 -m venv` seeds with Python 3.11.7 and similar; Debian 12's own seeds 23.0.1 and Ubuntu
#: 22.04's python3.11 22.0.2, which behave the same way under --require-hashes (they refuse prefect's
#: `httpx[http2]`).
SEED_PIP = "pip==23.2.1 --hash=sha256:7ccf472345f20d35bdc9d1841ff5f313260c2c33fe417f48c30ac46cccabf5be"
SKIP_VARIABLE = "MEDLEGAL_SKIP_INSTALL_TEST"

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def _make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MAKE), "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def _base_python() -> str:
    """The interpreter this test venv was made from (a venv is made from a system Python, not a venv's)."""
    return str(getattr(sys, "_base_executable", sys.executable))


def _old_python(folder: Path, name: str = "python3") -> Path:
    """A stand-in for Python 3.10 (a fault to inject: CI has no 3.10): fails the version check, says 3.10."""
    stub = folder / name
    stub.write_text('#!/bin/sh\n[ "$1" = "--version" ] && { echo "Python 3.10.12"; exit 0; }\nexit 1\n')
    stub.chmod(0o755)
    return stub


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get(SKIP_VARIABLE) == "1", reason=f"{SKIP_VARIABLE}=1")
def test_the_install_recipe_works_in_a_venv_seeded_with_pip_23_2_1(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([_base_python(), "-m", "venv", str(venv)], check=True, timeout=300)
    seed = tmp_path / "seed.txt"
    seed.write_text(SEED_PIP + "\n")
    subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "-q", "--require-hashes", "-r", str(seed)],
        check=True,
        timeout=300,
    )
    seeded = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "--version"], capture_output=True, text=True
    )
    assert seeded.stdout.startswith("pip 23.2.1 ")

    result = _make("venv", f"VENV={venv}", f"PYTHON={_base_python()}")

    assert result.returncode == 0, result.stderr[-3000:]
    version = subprocess.run([str(venv / "bin/medlegal"), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("medlegal "), version.stderr
    locked_pip = next(
        line for line in (ROOT / "requirements.lock").read_text().splitlines() if line.startswith("pip==")
    )
    pip = subprocess.run([str(venv / "bin/python"), "-m", "pip", "--version"], capture_output=True, text=True)
    assert pip.stdout.startswith(f"pip {locked_pip.split('==')[1].split()[0]} ")


def test_an_unsupported_python_is_refused_in_one_line_before_anything_is_installed(tmp_path: Path) -> None:
    old = _old_python(tmp_path)
    venv = tmp_path / "venv"

    result = _make("setup", f"VENV={venv}", f"PYTHON={old}")

    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if line.startswith("medlegal:")]
    assert len(ours) == 1, result.stderr
    assert "needs Python 3.11 or newer" in ours[0] and "found Python 3.10.12" in ours[0]
    assert "python3.11-venv" in ours[0] and "PYTHON=" in ours[0]
    assert not venv.exists()
    assert "apt-get install -y" not in result.stdout


def test_a_too_old_python3_gives_way_to_a_newer_python3_x_on_the_path(tmp_path: Path) -> None:
    """Ubuntu 22.04: `python3` is 3.10, `python3.11` comes from the archive; make picks the latter itself."""
    _old_python(tmp_path)
    (tmp_path / "python3.11").symlink_to(_base_python())
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    env.pop("PYTHON", None)

    result = _make("-n", "venv", f"VENV={tmp_path / 'venv'}", env=env)

    assert result.returncode == 0, result.stderr
    creates = next(line for line in result.stdout.splitlines() if " -m venv " in line)
    assert f"{tmp_path}/python3 " not in creates
    assert "python3." in creates.split(" -m venv ")[0]


def test_the_bootstrap_takes_pip_and_setuptools_from_the_lock_with_their_hashes(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin/python").symlink_to(_base_python())

    recipe = _make("-n", "venv", f"VENV={venv}", f"PYTHON={_base_python()}").stdout.splitlines()
    awk = next(line for line in recipe if line.startswith("awk "))
    subprocess.run(["bash", "-c", awk], cwd=ROOT, check=True)

    bootstrap = (venv / "bootstrap.lock").read_text()
    names = [line.split("==")[0] for line in bootstrap.splitlines() if "==" in line]
    assert names == ["pip", "setuptools"]
    assert bootstrap.count("--hash=sha256:") >= 2 and not bootstrap.rstrip().endswith("\\")
    install = [line for line in recipe if "pip install" in line]
    assert (
        "--no-deps -r" in install[0] and "bootstrap.lock" in install[0] and "--require-hashes" in install[0]
    )
