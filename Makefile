# `make run` and `make test` do all the set-up on a fresh machine.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1

.PHONY: run test install browser bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## Serve the site on http://localhost:8000 with the seed stories and demo accounts.
## (runserver is for this machine alone: the README says how production serves the site,
## so runserver's warning against using it in production is not repeated here.)
run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py loadseeds
	@echo "Akun demo (admin di http://localhost:8000/admin/):"
	$(DEV_ENV) $(PY) manage.py demo_accounts
	$(DEV_ENV) DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver localhost:8000

## Browser tests drive Debian's Chromium; install it when we may (root), else they skip.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium not installed: browser tests will be skipped"

## The whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: install browser
	$(VENV)/bin/pytest

## Load test (README "Benchmark"): STORIES=100000 DATABASE_URL=postgres://... make bench
STORIES ?= 1000
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "wrk is not installed (apt-get install wrk, as root)"; exit 1; }
	$(PY) scripts/bench.py --stories $(STORIES) $(if $(DATABASE_URL),--database-url $(DATABASE_URL))
