# The review portal. `make help` lists the targets; `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PYTHON := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app portal
PYTHON_SYSTEM ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000

# `make run` is for development; production sets PORTAL_ENV=production itself (README).
export PORTAL_ENV ?= development

.PHONY: help install assets run serve scheduler migrate demo test test-fast bench drills drills-quick lint format clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(PYTHON) || $(PYTHON_SYSTEM) -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

install: $(VENV)/.installed ## Create .venv and install Python dependencies (exact versions)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

static/dist/.built: node_modules/.installed $(wildcard static/src/*) static/build.mjs static/images/favicon.svg
	npm run --silent build
	@touch $@

assets: static/dist/.built ## Build CSS and JavaScript into static/dist (git-ignored)

migrate: install ## Apply pending database migrations
	$(FLASK) db upgrade

demo: migrate ## Load the fictional demo council into an empty database
	$(FLASK) demo load --if-empty

run: install assets demo ## Install, build, migrate, load demo data and serve on http://127.0.0.1:5000 with the scheduler
	SCHEDULER_IN_PROCESS=1 $(FLASK) run --host $(HOST) --port $(PORT)

scheduler: migrate ## Run the scheduled jobs process (production runs it beside gunicorn)
	$(FLASK) scheduler run

test: install assets lint ## Lint, the whole suite (SQLite and PostgreSQL, browser tests included), the fast drills
	$(VENV)/bin/pytest -n 2  # one worker per core: each has its own databases and browser
	$(MAKE) --no-print-directory drills-quick

DRILLS := concurrent_edits sqlite_contention backup_restore migrations_live smtp_outage postgres_restart scheduler

drills: install ## Reliability drills, full size, each printing its figure
	@set -e; for drill in $(DRILLS); do PORTAL_ENV=test $(PYTHON) -m drills.$$drill $(DRILL_ARGS); done

drills-quick: install ## The drills at CI size
	@set -e; for drill in $(DRILLS); do PORTAL_ENV=test $(PYTHON) -m drills.$$drill --quick $(DRILL_ARGS); done

test-fast: install ## Skip the browser tests
	$(VENV)/bin/pytest -m 'not browser'

bench: install ## Every benchmark in bench/, each printing its figures; exits non-zero if any target is missed (BENCH_ARGS=--postgres)
	@status=0; \
	$(PYTHON) -m bench.pages $(BENCH_ARGS) || status=1; \
	$(PYTHON) -m bench.national $(BENCH_ARGS) || status=1; \
	$(PYTHON) -m bench.reminders $(BENCH_ARGS) || status=1; \
	$(PYTHON) -m bench.page_weight || status=1; \
	$(PYTHON) -m bench.load $(LOAD_ARGS) || status=1; \
	exit $$status
# bench.load: gunicorn + locust against PostgreSQL at TEST_POSTGRES_URL (README, Performance)

lint: install ## ruff lint, and bandit over portal/ (its skips and reasons are in pyproject.toml)
	$(VENV)/bin/ruff check portal tests migrations bench drills
	$(VENV)/bin/bandit -q -c pyproject.toml -r portal

format: install ## ruff format
	$(VENV)/bin/ruff format portal tests migrations bench

clean: ## Remove the virtualenv, node_modules and built assets (keeps instance/)
	rm -rf $(VENV) node_modules static/dist
