# `make run` and `make test` do all the set-up on a fresh machine.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1

.PHONY: run test install test-tools bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## Serve the demo network on http://localhost:8000 (and zonapriangan.localhost, zonasulawesi.localhost,
## zonapapua.localhost) with the seed stories and demo accounts.
## (runserver is for this machine alone: the README says how production serves the site,
## so runserver's warning against using it in production is not repeated here.)
run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	@echo "Situs demo:"
	$(DEV_ENV) $(PY) manage.py demo_network
	$(DEV_ENV) $(PY) manage.py loadseeds
	@echo "Akun demo (admin di http://localhost:8000/admin/):"
	$(DEV_ENV) $(PY) manage.py demo_accounts
	$(DEV_ENV) DJANGO_RUNSERVER_HIDE_WARNING=true $(PY) manage.py runserver localhost:8000

## Browser tests drive Debian's Chromium, edge tests Debian's Varnish with varnish-modules
## (xkey); install them when we may (root), else those tests skip.
TEST_PACKAGES := chromium varnish varnish-modules
test-tools:
	@{ command -v chromium >/dev/null && command -v varnishd >/dev/null && \
		ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1; } || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_PACKAGES) >/dev/null; } || \
		echo "$(TEST_PACKAGES) not installed: browser and edge tests will be skipped"

## The whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: install test-tools
	$(VENV)/bin/pytest

## Load test (README "Benchmark"): STORIES=100000 DATABASE_URL=postgres://... make bench
STORIES ?= 1000
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "wrk is not installed (apt-get install wrk, as root)"; exit 1; }
	$(PY) scripts/bench.py --stories $(STORIES) $(if $(DATABASE_URL),--database-url $(DATABASE_URL))
