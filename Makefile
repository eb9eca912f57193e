# Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make run    create .venv, install medlegal and the system packages it needs, run the main job
#   make test   the same set-up, then ruff, mypy and pytest
# Python packages come from requirements.lock only: exact versions with their SHA-256 hashes (pip
# --require-hashes), the test and lint tools included; `make lock` regenerates it (docs/operations.md).
SHELL := /bin/bash
#: Supported: Python 3.11 or newer (Debian 12: 3.11, Debian 13: 3.13, Ubuntu 22.04: python3.11 from its
#: universe archive, Ubuntu 24.04: 3.12). PYTHON=... picks one; else the first of these that is 3.11 or newer.
MIN_PYTHON := 3.11
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
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

.PHONY: run test lint format setup python-check sysdeps venv lock corpus bench clean

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

setup: python-check sysdeps $(STAMP)

#: The venv alone (what `setup` does after the system packages); tests/test_setup.py runs it in a scratch venv.
venv: python-check $(STAMP)

# Before anything is installed: one line saying which Python is needed and how to get it (exit 2).
python-check:
	@if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
	  echo "medlegal: needs Python $(MIN_PYTHON) or newer, found $$($(or $(PYTHON),python3) --version 2>&1 | head -1 || echo none);" \
	    "install it (Ubuntu 22.04: sudo apt-get install python3.11 python3.11-venv) and run make again, or make PYTHON=/path/to/python3.11" >&2; \
	  exit 2; \
	fi

# System packages: installed through apt-get when missing and running as root, else the exact command is printed.
# The venv package is the chosen Python's own (python3.11-venv for python3.11), so Ubuntu 22.04 gets the right one.
VENV_PACKAGE = $(shell $(PYTHON) -c 'import sys; print("python3.%d-venv" % sys.version_info[1])' 2>/dev/null)
sysdeps: python-check
	@missing=""; for c in $(SYSTEM_COMMANDS); do command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; done; \
	$(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || missing="$$missing $(VENV_PACKAGE)"; \
	[ -f /usr/share/tesseract-ocr/5/tessdata/osd.traineddata ] || [ -f /usr/share/tesseract-ocr/4.00/tessdata/osd.traineddata ] || missing="$$missing osd"; \
	if [ -n "$$missing" ]; then \
	  echo "medlegal: missing system packages ($$missing ); installing $(SYSTEM_PACKAGES) $(VENV_PACKAGE)"; \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) $(VENV_PACKAGE) >/dev/null; \
	  else \
	    echo "medlegal: run: sudo apt-get update && sudo apt-get install -y $(SYSTEM_PACKAGES) $(VENV_PACKAGE)"; exit 1; \
	  fi; \
	fi

# pip and setuptools come first, hash-checked from the lock with whatever pip `python3 -m venv` seeded (Debian
# 12 seeds 23.0.1, Ubuntu 22.04 22.0.2): pips before 24 read a dependency's extra (prefect's httpx[http2]) as
# an unpinned requirement and refuse the whole lock under --require-hashes. The rest is installed by the
# locked pip.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	awk '/^(pip|setuptools)==/ {keep = 1} keep {print} keep && !/\\$$/ {keep = 0}' $(LOCK) > $(VENV)/bootstrap.lock
	$(BIN)/python -m pip install -q --require-hashes --only-binary=:all: --no-deps -r $(VENV)/bootstrap.lock
	$(BIN)/python -m pip install -q --require-hashes --only-binary=:all: -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The lock for every Python from 3.11 on Linux and elsewhere (markers), keeping the current pins unless
# UPGRADE=--upgrade; uv is a maintainer's tool and is not in the lock.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m uv --version >/dev/null 2>&1 || $(BIN)/python -m pip install -q uv
	printf '%s\n' $(BUILD_REQUIREMENTS) | $(BIN)/python -m uv pip compile pyproject.toml - --extra dev --extra postgres \
	  --universal --python-version 3.11 --generate-hashes --no-annotate --custom-compile-command "make lock" --quiet \
	  $(UPGRADE) --output-file $(LOCK)

corpus: setup
	$(BIN)/python -m sample_reports.generate

bench: setup
	$(BIN)/python bench/read_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
