# Two entry points for a fresh machine: `make demo` (install + run the main job on the sandbox) and
# `make test` (the whole suite). Everything lives in .venv, built from PyPI.
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test venv sandbox clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r tests/requirements.txt
	touch $@

demo: venv
	$(BIN)/python -m tests.demo

test: venv
	$(BIN)/python -m pytest -q tests/unit tests/sandbox_tests tests/integration

sandbox: venv
	$(BIN)/python -m tests.sandbox serve --port 0 --state-dir .cache/sandbox

clean:
	rm -rf $(VENV) .cache tests/output
