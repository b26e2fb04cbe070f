# Two commands do all set-up: `make run` and `make test`. Both start with an
# idempotent `make install` (virtualenv, pinned runtime requirements, compiled
# translations); `make test` and `make lint` add the test and lint tools
# (requirements-dev.txt), which `make run` never installs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app registry
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Links in mails and the log-in address load-demo prints follow HOST and PORT unless set.
BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: install install-dev run test lint translations bench hardening clean

install: $(VENV)/.installed translations

install-dev: install $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/python -m registry.i18n compile

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) recompute-deadlines
	BASE_URL=$(BASE_URL) $(FLASK) load-demo --if-empty
	BASE_URL=$(BASE_URL) SCHEDULER_ENABLED=1 $(FLASK) run --host $(HOST) --port $(PORT)

# Tests run in parallel (pytest-xdist): one worker per core by default, each on its own
# SQLite file and its own PostgreSQL database (<TEST_DATABASE_URL's name>_gw0, _gw1…).
# `make test TEST_WORKERS=3`, or serially: `make test PYTEST_ARGS=-n0` (the last -n wins).
TEST_WORKERS ?= auto
test: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The slow hardening runs (docs/reliability.md): the API fuzzer with 100 examples per
# operation and mode, the stored-XSS corpus on every page for every payload, the access
# matrix and backups, the hostile registers at full size (test_workbooks.py: 1,048,576
# rows, a 234 MB CSV, 95 MB of far cells), the fault tests (SIGKILL mid-import and mid-reminder-run, PostgreSQL
# stopped under gunicorn), then a short load run (bench/load.py: gunicorn + wrk on the
# scratch database bench_load; LOAD_ARGS="--duration 60 --runs 3" for the full figures).
# Also on PostgreSQL when TEST_DATABASE_URL is set; request/status figures are appended
# to hardening-fuzz.json.
# Lint (ruff, configured in pyproject.toml): the rules E, F, B, SIM, UP on every module.
lint: install-dev
	$(BIN)/ruff check .

hardening: install-dev
	HARDENING_FULL=1 FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} FUZZ_STATS=hardening-fuzz.json \
	  REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q -p no:logging tests/registry/hardening \
	  tests/faults tests/browser/test_injection.py $(PYTEST_ARGS)
	$(BIN)/python bench/load.py $${LOAD_ARGS:---duration 10 --runs 1}

clean:
	rm -rf $(VENV) .pytest_cache
