# newsfuse: `make demo` and `make test` are the quick start (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := demo.db

.PHONY: install demo serve test test-fast bench clean chromium postgresql pg-up pg-down

install: $(STAMP)

# torch first: `pip install torch==2.13.0` takes the CPU wheel on this machine;
# anything else asking for torch would pull gigabytes of CUDA packages.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[test,spark]"
	touch $(STAMP)

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/newsfuse ingest examples/samarkand --db $(DEMO_DB)
	$(BIN)/newsfuse stories --db $(DEMO_DB)
	$(BIN)/newsfuse story --largest --db $(DEMO_DB)
	$(BIN)/newsfuse story --largest --db $(DEMO_DB) --html -o demo.html
	@echo "The story record as one page: open demo.html in a browser (also --md, --json)."
	@echo "To browse it: make serve, then open http://127.0.0.1:8000"

# The demo database over HTTP (read only; NEWSFUSE_TOKEN=... make serve turns on POST /api/articles).
serve: install
	test -f $(DEMO_DB) || $(MAKE) demo
	$(BIN)/newsfuse serve --db $(DEMO_DB)

# The browser tests drive Debian's chromium through playwright's Python package
# (never `playwright install`, which downloads a browser and fails offline).
chromium:
	test -x /usr/bin/chromium || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# The store tests also run on PostgreSQL: tests/conftest.py starts a throwaway server from Debian's
# postgresql-15 binaries (as `nobody` when run as root) in a temporary folder; nothing else is needed.
# Without them those tests are skipped, and pytest's header says so.
PG_BIN := /usr/lib/postgresql/15/bin
postgresql:
	test -x $(PG_BIN)/initdb || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15; }

# A local PostgreSQL for your own use (in .pgdata/, on a Unix socket there):
# `make pg-up` prints the URL to give --db; `make pg-down` stops it.
pg-up: install postgresql
	$(BIN)/python scripts/pg_local.py up

pg-down:
	$(BIN)/python scripts/pg_local.py down

test: install chromium postgresql
	$(BIN)/python -m pytest -q

test-fast: install postgresql
	$(BIN)/python -m pytest -q -m "not slow"

bench: install
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).stories.* demo.html .pytest_cache
