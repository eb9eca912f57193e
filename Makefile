# Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make run    create .venv, install medlegal and the system packages it needs, run the main job
#   make test   the same set-up, then ruff, mypy and pytest
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd poppler-utils chromium
SYSTEM_COMMANDS := tesseract pdftotext chromium
HOME_DIR ?= var

.PHONY: run test lint format setup sysdeps corpus bench clean

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

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

corpus: setup
	$(BIN)/python -m sample_reports.generate

bench: setup
	$(BIN)/python bench/read_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
