# A thin index of tasks: each target is one line into tools/ or pytest. `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PACKAGE := openai_realtime_client
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv import-spec spec-diff generate check-generated verify lint format typecheck browser test mutate bench demo example sip-example mock clean

help: ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 18

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV) && $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt && touch $(STAMP)

venv: $(STAMP) ## create .venv from the pinned requirements (only when missing or stale)

import-spec: $(STAMP) ## import a vendor release: make import-spec SOURCE=path/to/openapi.{yaml,json} -> openapi.yaml
	$(PY) -m tools.spec_import $(or $(SOURCE),$(error give the vendor description: make import-spec SOURCE=path))

generate: $(STAMP) ## regenerate generated/ from openapi.yaml, generator-config.yaml and templates/
	$(PY) -m tools.codegen generate

check-generated: $(STAMP) ## fail if generated/ differs from a fresh regeneration
	$(PY) -m tools.codegen check

# -I -S: no site-packages and no script directory on sys.path, so this also proves the script needs
# nothing but the standard library. Any Python 3.11+ does; the venv is not needed.
verify: ## check generated/ against its provenance manifest, standard library only
	$(PYTHON) -I -S generated/$(PACKAGE)/verify.py --project

spec-diff: $(STAMP) ## compare openapi.yaml at git HEAD (or OLD=) with the working one (or NEW=); fail on breaking changes
	$(PY) -m tools.spec_diff $(if $(OLD),--old $(OLD)) $(if $(NEW),--new $(NEW)) $(if $(ACK),--ack $(ACK)) $(if $(filter 1 yes true,$(ACCEPT_BREAKING)),--accept-breaking)

lint: $(STAMP) ## ruff lint and format check of tools/, tests/, examples/, bench/ and runtime/
	$(PY) -m ruff check --no-cache . && $(PY) -m ruff format --no-cache --check .

format: $(STAMP) ## ruff-format tools/, tests/, examples/, bench/ and runtime/
	$(PY) -m ruff check --no-cache --fix . && $(PY) -m ruff format --no-cache .

typecheck: $(STAMP) ## mypy --strict on tools/, tests/, examples/, bench/, runtime/ and generated/
	$(PY) -m mypy

# Required: when Chromium cannot be installed this fails, and so does `make test`. SKIP_BROWSER=1 opts
# out explicitly: nothing is installed and the browser tests skip (tests/support/browser.py reads it).
# INSTALL_BROWSER names the installer (a test gives it one that fails).
INSTALL_BROWSER ?= tools/install_browser.sh
export SKIP_BROWSER
browser: ## install chromium and chromium-driver with apt-get when missing, or fail (SKIP_BROWSER=1: skip tests/e2e/)
ifeq ($(SKIP_BROWSER),1)
	@echo "make browser: SKIP_BROWSER=1: not installing Chromium; the browser tests (tests/e2e/) will be skipped"
else
	@$(INSTALL_BROWSER) || { echo "make browser: Chromium could not be installed; run tools/install_browser.sh as root, or opt out of the browser tests with SKIP_BROWSER=1" >&2; exit 1; }
endif

test: browser check-generated verify lint typecheck ## everything CI runs: browser (required unless SKIP_BROWSER=1), check-generated, verify, lint, mypy, every test
	$(PY) -m pytest

# Not part of `make test`: takes long (see README, How this is tested). The mutation tester's pins are in
# requirements-mutate.txt, installed on top of requirements.txt. AGAIN=1 keeps the last run's results and
# reruns only the mutants not killed and those of changed functions (after adding tests or pragmas).
MUTATE_STAMP := $(VENV)/.installed-mutate
$(MUTATE_STAMP): $(STAMP) requirements-mutate.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-mutate.txt && touch $(MUTATE_STAMP)

mutate: $(MUTATE_STAMP) ## mutation testing of runtime/ and the pipeline's decisions: scores per module, survivors in .mutate/
	$(PY) -m tools.mutate $(if $(filter 1 yes true,$(AGAIN)),--again) $(if $(filter 1 yes true,$(README)),--readme)

# Not part of `make test` (which runs it with --smoke, to check the harness). The first run installs
# the vendor's SDK into bench/.venv-openai from bench/requirements-openai.txt.
bench: $(STAMP) ## benchmark against raw urllib3 and the vendor's SDK; prints a table, writes bench/results.json
	PYTHONPATH=generated $(PY) -m bench

demo: $(STAMP) ## mint a client secret for a Realtime session, printed masked (against the mock unless OPENAI_BASE_URL is set)
	PYTHONPATH=generated $(PY) -m tools.servers -- $(PY) -m examples.demo

example: $(STAMP) ## run the token-server example on 127.0.0.1:8000 (PORT=), minting at the mock unless OPENAI_BASE_URL is set
	PYTHONPATH=generated $(PY) -m tools.servers -- $(PY) -m examples.token_server $(if $(PORT),--port $(PORT))

sip-example: $(STAMP) ## run the SIP answering example on 127.0.0.1:8001 (PORT=) beside the mock; needs OPENAI_WEBHOOK_SECRET
	PYTHONPATH=generated $(PY) -m tools.servers -- $(PY) -m examples.sip_answering $(if $(PORT),--port $(PORT))

mock: $(STAMP) ## run the spec-driven mock server on 127.0.0.1 (a free port, or PORT=) until Ctrl-C
	$(PY) -m tools.servers $(if $(PORT),--port $(PORT))

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache
