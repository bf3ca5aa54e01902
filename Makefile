# pmsys: the two commands are `make run` and `make test` (see README.md).
#
#   make run          virtualenv + install + databases + migrations + demo data, then web, worker and beat
#   make test         ruff (lint, format), makemigrations --check, check --deploy, then the whole pytest suite
#                     (extra pytest arguments: make test ARGS="-k tenancy -x")
#   make bench        the benchmark in a database of its own (bench/README.md; ARGS="--skip-load")
#   make stop         stop the embedded PostgreSQL and Valkey of this checkout
#   make clean        remove .venv and collected static files (keeps the data in var/)
#   make reset-data   stop the embedded servers and delete var/ (databases, mail, beat schedule)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Written after a successful install; pip runs again only when a requirements file is newer.
STAMP := $(VENV)/.installed-requirements
ARGS ?=

.PHONY: help run test bench stop clean reset-data venv

help:
	@sed -n '1,10p' Makefile | sed 's/^# \{0,1\}//'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pmsys needs Python 3.11 or newer; found " + sys.version.split()[0] + ". Use: make PYTHON=python3.11 ...")'
	@echo "==> creating the virtualenv in $(VENV)"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "'$(PYTHON) -m venv' failed. On Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	@echo "==> installing requirements-dev.txt into $(VENV) (a minute or two the first time)"
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(PY) -m pmsys.devtools.run

test: $(STAMP)
	$(PY) -m pmsys.devtools.check $(ARGS)

bench: $(STAMP)
	$(PY) -m apps.benchmark.launcher $(ARGS)

stop:
	@if [ -x $(PY) ]; then $(PY) -m pmsys.devtools.embedded stop; else echo "no $(VENV): nothing to stop"; fi

# The embedded servers run from binaries inside .venv: stop them before removing it.
clean: stop
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
	find . \( -path ./var -o -path ./.git \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

reset-data: stop
	rm -rf var
