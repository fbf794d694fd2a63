# newsfuse: `make demo` and `make test` are the quick start (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := demo.db

.PHONY: install demo serve test test-fast bench clean

install: $(STAMP)

# torch first: `pip install torch==2.13.0` takes the CPU wheel on this machine;
# anything else asking for torch would pull gigabytes of CUDA packages.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[test]"
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

test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

bench: install
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).stories.* demo.html .pytest_cache
