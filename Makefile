# 东北振兴科技行动平台 — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 3
DEMO_SCALE ?= 400
DEMO_SEED ?= 2026
PG_URL ?= postgres://postgres@127.0.0.1:5432/nesta
export DJANGO_SETTINGS_MODULE ?= nesta.settings.prod

.PHONY: run dev setup venv assets data test test-sqlite test-postgres lint bench lock clean

$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	touch $@

venv: $(BIN)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

# Idempotent: migrations, reference data and demo data can run any number of times.
data: venv
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py demo_data --scale $(DEMO_SCALE) --seed $(DEMO_SEED)

setup: venv assets
	$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(MAKE) --no-print-directory data

run: setup
	@$(BIN)/python manage.py demo_accounts --port $(PORT)
	@# the background worker (queued tasks, periodic jobs) starts beside gunicorn; when either
	@# gunicorn ends or make is interrupted/terminated, both stop
	$(BIN)/python manage.py run_worker & worker=$$!; \
	$(BIN)/gunicorn -c gunicorn.conf.py nesta.wsgi:application --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
		--access-logfile - --graceful-timeout 10 & web=$$!; \
	trap 'kill -TERM $$web $$worker 2>/dev/null; wait' INT TERM EXIT; \
	wait $$web

dev: setup
	DJANGO_SETTINGS_MODULE=nesta.settings.dev $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache  # the layer contracts of pyproject.toml [tool.importlinter]
	DJANGO_SETTINGS_MODULE=nesta.settings.test $(BIN)/python manage.py makemigrations --check --dry-run -v 0
	DJANGO_SETTINGS_MODULE=nesta.settings.test $(BIN)/mypy

# The whole suite on SQLite, then again on PostgreSQL (skipped with a reason when none is
# reachable; in CI — CI=true — a missing PostgreSQL or Chromium is a failure).
test: venv assets
	$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# Each suite runs in PYTEST_WORKERS processes (pytest-xdist; `auto`: one per CPU core; 0: all in
# this process), each module whole in one process, each process with its own test database.
PYTEST_WORKERS ?= auto
XDIST = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

test-sqlite: venv
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=nesta.settings.test $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

test-postgres: venv
	@if $(BIN)/python scripts/pg_ready.py "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" DJANGO_SETTINGS_MODULE=nesta.settings.test $(BIN)/pytest $(XDIST) $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "FAILED: PostgreSQL is not reachable at $(PG_URL) and CI requires it"; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL suite — no server reachable at $(PG_URL)"; \
	fi

bench: venv
	DJANGO_SETTINGS_MODULE=nesta.settings.prod $(BIN)/python -m bench $(BENCH_ARGS)

lock:
	$(BIN)/pip install -q -r requirements-dev.in
	(echo "# Pinned dependencies (pip freeze of requirements-dev.in). Regenerate: make lock"; \
	 $(BIN)/pip freeze --exclude-editable) > requirements.lock

clean:
	rm -rf var
