"""Shared fixtures. Keep them general (settings, input builders); stage-specific ones live in test files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Test helpers (tests/inputs.py, tests/textdoc.py) import as top-level modules wherever pytest runs from.
sys.path.insert(0, str(Path(__file__).parent))

from models.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with a private home folder and two OCR workers."""
    return Settings(home=tmp_path / "home", ocr_workers=2)


@pytest.fixture(scope="session")
def session_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Like `settings`, for module- and session-scoped fixtures (OCR results shared by many tests)."""
    return Settings(home=tmp_path_factory.mktemp("home"), ocr_workers=2)


@pytest.fixture(scope="session")
def inputs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session-wide folder for generated test documents."""
    return tmp_path_factory.mktemp("inputs")
