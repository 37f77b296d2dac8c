# Portcullis: two commands.
#   make run   - install everything, build the demo database and serve http://127.0.0.1:8000
#   make test  - install everything and run the whole suite on SQLite, then on PostgreSQL if reachable
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/portcullis
export PORTCULLIS_DATA_DIR ?= $(CURDIR)/data

.PHONY: run test test-sqlite test-postgres deps system-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py src/portcullis/documents/_mrzfast.c | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages: Chromium for the browser tests, fonts and Pango for letters in every script.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	dpkg -s fonts-noto-core >/dev/null 2>&1 || missing="$$missing fonts-noto-core"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

deps: $(VENV)/.installed node_modules/.installed

run: deps system-deps
	PORTCULLIS_MODE=demo $(BIN)/portcullis demo
	PORTCULLIS_MODE=demo $(BIN)/portcullis serve --demo

test: deps system-deps
	@$(MAKE) --no-print-directory test-sqlite
	@if $(BIN)/python -c "import socket,sys; s=socket.socket(); s.settimeout(2); sys.exit(s.connect_ex(('127.0.0.1',5432)))" 2>/dev/null || [ -n "$$DATABASE_URL" ]; then \
	  $(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL not reachable on 127.0.0.1:5432 and DATABASE_URL unset: PostgreSQL run skipped"; fi

test-sqlite:
	@echo "=== test suite on SQLite ==="
	env -u DATABASE_URL $(BIN)/pytest

test-postgres:
	@echo "=== test suite on PostgreSQL ==="
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest

bench: deps
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/mrz.py
	$(BIN)/python bench/rules.py
	$(BIN)/python bench/screening.py
	$(BIN)/python bench/border.py

clean:
	rm -rf $(VENV) node_modules data
