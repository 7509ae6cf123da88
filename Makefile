# Cohésion — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
# The PostgreSQL database used by `make test` (pytest-django creates test_<name> in it).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cohesion
# Each run of the suite has a Redis database and a runtime folder (VAR_DIR: media, the
# SQLite test database) of its own, so that the two runs of `make test` go side by side.
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
TEST_POSTGRES_REDIS_URL ?= redis://127.0.0.1:6379/13
# Whatever the shell exports: an empty DATABASE_URL or MEDIA_ROOT is the settings' default
# (SQLite in VAR_DIR, VAR_DIR/media).
SQLITE_RUN := DATABASE_URL= MEDIA_ROOT= VAR_DIR=$(CURDIR)/var/test-sqlite REDIS_URL=$(TEST_REDIS_URL)
POSTGRES_RUN := MEDIA_ROOT= VAR_DIR=$(CURDIR)/var/test-postgres DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_POSTGRES_REDIS_URL)
# `make run PORT=8001` serves on another port.
PORT ?= 8000

.PHONY: run install install-test browser migrate demo test test-sqlite test-postgres lint format messages clean load bench soak

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser

# Browser tests drive Debian's Chromium (Playwright's own download does not work offline).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Chromium for the browser tests (apt-get)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; \
	fi

migrate: install
	DEBUG=true $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=true $(PY) manage.py load_reference
	DEBUG=true $(PY) manage.py create_demo_accounts
	DEBUG=true $(PY) manage.py load_territories data/paysdelaloire
	DEBUG=true $(PY) manage.py load_observatory_reference
	DEBUG=true $(PY) manage.py load_demo_observatory
	DEBUG=true $(PY) manage.py load_analyses
	DEBUG=true $(PY) manage.py load_demo_committees
	DEBUG=true $(PY) manage.py load_demo_resources

# Installs, migrates, loads the reference and demo data, then starts web + worker + beat.
run: demo
	@echo "Cohésion: http://127.0.0.1:$(PORT)  (Ctrl-C stops web, worker and beat)"
	DEBUG=true PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile --port $(PORT)

# The whole suite, on SQLite and on PostgreSQL at the same time (two processes, one a core:
# about 40 % less time than one after the other); each run's report is printed whole when it
# ends. TEST_JOBS=1 runs them one after the other, printing as they go. The background-job
# tests run a real Celery worker on Redis; under CI (CI=true) a missing service fails the
# run. `make test-sqlite` or `make test-postgres` runs one.
TEST_JOBS ?= 2
test: install-test
	@if [ "$(TEST_JOBS)" != 1 ]; then echo "The suite runs on SQLite and on PostgreSQL at once; each report comes when its run ends."; fi
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) $(if $(filter 1,$(TEST_JOBS)),,--output-sync=target) test-sqlite test-postgres

test-sqlite: install-test
	$(SQLITE_RUN) $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install-test
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  $(POSTGRES_RUN) $(BIN)/pytest $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL) and CI=true: failing."; exit 1; \
	else \
	  echo "PostgreSQL is not reachable at $(TEST_DATABASE_URL): the PostgreSQL run is skipped."; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The fault tests (tests/faults, marker `soak`): a worker killed mid-recompute, Redis stopped,
# PostgreSQL restarted, two imports at once, each on private Redis and PostgreSQL servers it
# starts itself (redis-server, PostgreSQL 15's initdb); about 30 s. They also run in `make test`.
soak: install-test
	$(POSTGRES_RUN) $(BIN)/pytest -m soak $(PYTEST_ARGS)

# Every key page under load (gunicorn, DEBUG off, PostgreSQL, Redis, a worker) against the
# floor, with wrk from Debian, 60 s a row (about 55 minutes); writes its table into
# bench/results.md and bench/load.md. LOAD_ARGS="--duration 5 --only home" for a quick look.
load: install
	@command -v wrk >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q wrk; }
	$(PY) bench/load.py $(LOAD_ARGS)

# Every benchmark in bench/ against its reference, measured in the same run (PostgreSQL and
# Redis running); writes bench/results.md. BENCH_ARGS="--quick" tries them all on small sizes.
bench: install
	$(PY) bench/all.py $(BENCH_ARGS)

# Needs GNU gettext (apt-get install gettext); the compiled .mo files are committed.
messages: install
	DEBUG=true $(PY) manage.py makemessages -l fr --ignore=.venv --ignore=var --no-obsolete
	DEBUG=true $(PY) manage.py compilemessages -l fr --ignore=.venv

clean:
	rm -rf var/test-sqlite var/test-postgres .pytest_cache
