# `make demo` sets everything up and serves the app with demo content;
# `make test` sets up what the tests need and runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6.1 needs Python 3.12+; the system python3 may be older, so look for one.
PYTHON := $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 \
	$$HOME/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.1[23] python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
	2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000
# A development machine runs with DEBUG on; production sets DJANGO_DEBUG=0 and real secrets.
export DJANGO_DEBUG ?= 1

.PHONY: help setup demo serve test test-unit test-browser lint format chromium messages clean \
	bench bench-quick

help:
	@echo "make demo   set up, load the demo content and serve http://$(HOST):$(PORT)/"
	@echo "make test   set up and run every test (lint, unit, browser)"
	@echo "make bench  measure fan-out to 10,000 readers against peers, write BENCHMARKS.md (~15 min)"
	@echo "make bench-quick  the same harness on small numbers (under two minutes)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 or python3.13 on PATH)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

.make/installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@mkdir -p .make && touch $@

.make/messages: $(wildcard locale/*/LC_MESSAGES/django.po) | .make/installed
	@command -v msgfmt >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext; }
	$(BIN)/python manage.py compilemessages --ignore=$(VENV) -v0
	@touch $@

messages: .make/messages

setup: .make/installed .make/messages

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

demo: setup
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py demo
	$(BIN)/python manage.py make_renditions
	@echo
	@echo "Open http://$(HOST):$(PORT)/  (desk: http://$(HOST):$(PORT)/editor/, admin: http://$(HOST):$(PORT)/admin/)"
	@echo
	$(MAKE) --no-print-directory serve

# The scheduler publishes scheduled posts at their time; it lives and dies with the server.
serve:
	$(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/lint-imports

test-unit: setup
	$(BIN)/pytest tests --ignore=tests/browser

# Browser tests run in their own pytest process: Playwright's sync API and the
# async Channels tests cannot share one event loop.
test-browser: setup chromium
	@if ls tests/browser/test_*.py >/dev/null 2>&1; then $(BIN)/pytest tests/browser; \
	else echo "no browser tests yet"; fi

test: lint test-unit test-browser

# The benchmark needs PostgreSQL and Redis on 127.0.0.1 (database `bench`, Redis DB 5).
.make/bench: pyproject.toml | .make/installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@mkdir -p .make && touch $@

bench: .make/bench .make/messages
	$(BIN)/python -m bench.run --mode full

bench-quick: .make/bench .make/messages
	$(BIN)/python -m bench.run --mode quick

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .make db.sqlite3* .test-db-* staticfiles
