# Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make run    create .venv, install medlegal and the system packages it needs, run the main job
#   make test   the same set-up, then ruff, mypy and pytest
# Python packages come from requirements.lock only: exact versions with their SHA-256 hashes (pip
# --require-hashes), the test and lint tools included; `make lock` regenerates it (docs/operations.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd poppler-utils chromium
SYSTEM_COMMANDS := tesseract pdftotext chromium
HOME_DIR ?= var
LOCK := requirements.lock
#: What the editable install needs to build without build isolation (so it too comes from the lock).
BUILD_REQUIREMENTS := 'pip>=24' 'setuptools>=77'
#: `make lock UPGRADE=--upgrade` moves every pin to the newest release the floors in pyproject.toml allow.
UPGRADE ?=

.PHONY: run test lint format setup sysdeps lock corpus bench clean

run: setup
	$(BIN)/medlegal run-demo --home $(HOME_DIR)

test: setup lint
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

setup: sysdeps $(STAMP)

# System packages: installed through apt-get when missing and running as root, else the exact command is printed.
sysdeps:
	@missing=""; for c in $(SYSTEM_COMMANDS); do command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; done; \
	$(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	[ -f /usr/share/tesseract-ocr/5/tessdata/osd.traineddata ] || [ -f /usr/share/tesseract-ocr/4.00/tessdata/osd.traineddata ] || missing="$$missing osd"; \
	if [ -n "$$missing" ]; then \
	  echo "medlegal: missing system packages ($$missing ); installing $(SYSTEM_PACKAGES) python3-venv"; \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) python3-venv >/dev/null; \
	  else \
	    echo "medlegal: run: sudo apt-get update && sudo apt-get install -y $(SYSTEM_PACKAGES) python3-venv"; exit 1; \
	  fi; \
	fi

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes --only-binary=:all: -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The lock for every Python from 3.11 on Linux and elsewhere (markers), keeping the current pins unless
# UPGRADE=--upgrade; uv is a maintainer's tool and is not in the lock.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m uv --version >/dev/null 2>&1 || $(BIN)/python -m pip install -q uv
	printf '%s\n' $(BUILD_REQUIREMENTS) | $(BIN)/python -m uv pip compile pyproject.toml - --extra dev \
	  --universal --python-version 3.11 --generate-hashes --no-annotate --custom-compile-command "make lock" --quiet \
	  $(UPGRADE) --output-file $(LOCK)

corpus: setup
	$(BIN)/python -m sample_reports.generate

bench: setup
	$(BIN)/python bench/read_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
