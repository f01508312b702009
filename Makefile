# Two entry points, both self-installing on a fresh machine (see README):
#   make demo   audit the shipped samples, then translate them into out/
#   make test   lint, type-check and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGOS  := $(VENV)/.installed-argos
# torch is only needed by argostranslate's own translator (Stanza), which only bench/translate/run.py uses
# (the `argos` extra, installed by `make bench` alone); pin the CPU build so pip does not pull a multi-GB
# CUDA build. On machines without a local wheel use
# TORCH="torch==2.13.0 --extra-index-url https://download.pytorch.org/whl/cpu".
TORCH  ?= torch==2.13.0

.PHONY: install demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip==25.3
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

$(ARGOS): $(STAMP)
	$(BIN)/python -m pip install -q --disable-pip-version-check $(TORCH) -e '.[dev,argos]'
	touch $(ARGOS)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/glossa audit samples/ || [ $$? -eq 1 ]
	$(BIN)/glossa translate samples/ -o out/ || [ $$? -eq 1 ]

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# Daily work: the same as `make test` without the tests marked slow (CI runs `make test`, every test).
test-fast: lint
	$(BIN)/pytest -m "not slow"

bench: $(ARGOS)
	$(BIN)/python bench/detect/run.py --quick
	$(BIN)/python bench/glossary/run.py --quick
	$(BIN)/python bench/translate/run.py --quick

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
