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

.PHONY: help setup test-setup demo serve stack stack-down nginx test test-unit test-browser lint format chromium messages clean \
	bench bench-quick

help:
	@echo "make demo   set up, load the demo content and serve http://$(HOST):$(PORT)/"
	@echo "make test   set up and run every test (lint, unit, browser)"
	@echo "make stack  the production stack here: nginx, app processes, scheduler (DATABASE_URL, REDIS_URL)"
	@echo "make bench  measure fan-out, pages, storm, scale, deploy and frames, write BENCHMARKS.md (about 27 min)"
	@echo "make bench-quick  the same harness on small numbers (about four minutes)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 or python3.13 on PATH)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The app alone for `make demo`; the test and benchmark tools only for `make test`.
.make/installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@mkdir -p .make && touch $@

# The benchmark harness's and the stack's own tests (tests/operations) need those extras too.
.make/test-installed: pyproject.toml .make/installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench,stack]'
	@mkdir -p .make && touch $@

.make/messages: $(wildcard locale/*/LC_MESSAGES/django.po) | .make/installed
	@command -v msgfmt >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext; }
	$(BIN)/python manage.py compilemessages --ignore=$(VENV) -v0
	@touch $@

messages: .make/messages

setup: .make/installed .make/messages

test-setup: setup .make/test-installed

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The reference production stack's front (deploy/), and what its test boots; with Debian's
# brotli module where apt has one (deploy/stack.py turns brotli on when it is there).
BROTLI_MODULE := /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null; }
	@test -e $(BROTLI_MODULE) || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
		libnginx-mod-http-brotli-filter >/dev/null; } || \
		echo "No brotli module for this nginx: the stack serves gzip only."

demo: setup
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py demo
	$(BIN)/python manage.py make_renditions
	@echo
	@echo "Open http://$(HOST):$(PORT)/  (desk: http://$(HOST):$(PORT)/editor/, admin: http://$(HOST):$(PORT)/admin/)"
	@echo
	$(MAKE) --no-print-directory serve

# Every absolute URL (canonical links, share links, embed snippet, feeds, sitemap, API)
# follows the address served, unless SITE_URL is set.
demo serve: export SITE_URL ?= http://$(HOST):$(PORT)

# The scheduler publishes scheduled posts at their time and the worker makes photos'
# renditions and reads embed and link cards; they live and die with the server.
serve:
	$(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$scheduler $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: test-setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/lint-imports

# The unit suite waits on PostgreSQL, on servers and on subprocesses about half its time:
# UNIT_WORKERS processes share it a file at a time (tests/conftest.py), with Redis databases
# 12, 13, … (the browser suite's are 10, 11, …) and PostgreSQL test databases named after
# the suite (newsroom/settings.py).
UNIT_WORKERS ?= 2
test-unit: test-setup nginx
	LIVEBLOG_TEST_SUITE=unit LIVEBLOG_TEST_REDIS_DB=12 $(BIN)/pytest tests --ignore=tests/browser -n $(UNIT_WORKERS) --dist loadgroup

# Browser tests run in their own pytest process: Playwright's sync API and the
# async Channels tests cannot share one event loop. They spend most of their time waiting
# (a person's typing pace, the page's timers), so BROWSER_WORKERS processes share them out
# a file at a time, each with its own server, test database and Redis database.
BROWSER_WORKERS ?= 2
test-browser: test-setup chromium
	@if ls tests/browser/test_*.py >/dev/null 2>&1; then \
		LIVEBLOG_TEST_SUITE=browser LIVEBLOG_TEST_REDIS_DB=10 $(BIN)/pytest tests/browser -n $(BROWSER_WORKERS) --dist loadfile; \
	else echo "no browser tests yet"; fi

# The unit suite (one core, mostly computing) and the browser suite (mostly waiting) run
# side by side; each one's output is printed whole when it ends. What they install comes
# first, one at a time (apt cannot run twice at once).
test: lint nginx chromium
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-unit test-browser

# The benchmark needs PostgreSQL and Redis on 127.0.0.1 (database `bench`, Redis DB 5).
.make/bench: pyproject.toml | .make/installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@mkdir -p .make && touch $@

bench: .make/bench .make/messages
	$(BIN)/python -m bench.run --mode full

bench-quick: .make/bench .make/messages
	$(BIN)/python -m bench.run --mode quick

# The reference production stack on this machine: nginx, app processes, scheduler (deploy/).
# Needs DATABASE_URL (PostgreSQL) and REDIS_URL; `make stack-down` stops it.
.make/stack: pyproject.toml | .make/installed
	$(BIN)/python -m pip install --quiet -e '.[stack]'
	@mkdir -p .make && touch $@

stack: .make/stack .make/messages nginx
	$(BIN)/python deploy/stack.py up

stack-down:
	$(BIN)/python deploy/stack.py down

format: test-setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .make db.sqlite3* .test-db-* staticfiles
