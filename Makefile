# Two entry points for a fresh machine: `make demo` (install + run the main job on the sandbox) and
# `make test` (the whole suite). Everything lives in .venv, built from PyPI.
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test venv sandbox clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt tests/requirements.txt bench/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r tests/requirements.txt \
		-r bench/requirements.txt
	touch $@

demo: venv
	$(BIN)/python -m tests.demo

test: venv
	$(BIN)/python -m pytest -q tests/unit tests/sandbox_tests tests/integration
	$(MAKE) checks

sandbox: venv
	$(BIN)/python -m tests.sandbox serve --port 0 --state-dir .cache/sandbox

# Benchmarks against the critical path, Ansible's own overhead and a uri loop (bench/README.md).
# BENCH_ARGS, e.g. "--quick" or "--latency-ms 300"; results in bench/results/.
.PHONY: bench
bench: venv
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .cache tests/output

# Refresh docs/scuba-report.png, docs/drift-report.png and docs/fleet-report.png: the HTML reports of a sandbox run,
# screenshotted with headless Chromium (Debian package chromium).
.PHONY: report-screenshots
report-screenshots: venv
	CSP_REPORT_DIR=$(CURDIR)/docs $(BIN)/python -m pytest -q tests/integration/test_scuba_exchange.py \
		tests/integration/test_fleet_report.py -k browser

# Release gates (`make checks`, also run by `make test`). Each runs on a scratch copy of the collection laid out
# as ansible_collections/csp/exchange (scripts/collection-tree: tracked plus untracked-not-ignored files).
# Tools come from tests/requirements-checks.txt, installed into the same .venv.
.PHONY: checks-venv checks sanity lint docs docs-check changelog changelog-check build-smoke ee
CHECKS_ENV := PATH="$(CURDIR)/$(BIN):$$PATH"

checks-venv: $(VENV)/.checks-installed

$(VENV)/.checks-installed: $(VENV)/.installed tests/requirements-checks.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r tests/requirements-checks.txt
	touch $@

checks: sanity lint docs-check changelog-check build-smoke ee

sanity: venv
	$(CHECKS_ENV) scripts/sanity

lint: checks-venv
	$(CHECKS_ENV) scripts/lint

docs: checks-venv
	$(CHECKS_ENV) scripts/docs

docs-check: checks-venv
	$(CHECKS_ENV) scripts/docs --check

changelog: checks-venv
	$(CHECKS_ENV) scripts/changelog

changelog-check: checks-venv
	$(CHECKS_ENV) scripts/changelog --check

build-smoke: venv
	$(CHECKS_ENV) PYTHON="$(PYTHON)" scripts/build-smoke

ee: checks-venv
	$(CHECKS_ENV) scripts/ee
